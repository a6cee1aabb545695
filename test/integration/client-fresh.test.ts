// The typed client in client/ is generated from client/openapi.json; this proves that file is the
// document this Worker serves, so a route or schema changed without regenerating fails CI.
// (That client/schema.d.ts is openapi-typescript's output for it is `npm run client:check`.)

import { describe, expect, it } from "vitest";
import committed from "../../client/openapi.json";
import { api } from "../support/api";

const MAX_LISTED = 20;

/** Where two JSON values differ, as JSON Pointers (the first few). */
function differences(served: unknown, saved: unknown, at = "", found: string[] = []): string[] {
  if (found.length >= MAX_LISTED) return found;
  const bothObjects = typeof served === "object" && served !== null && typeof saved === "object" && saved !== null;
  if (!bothObjects || Array.isArray(served) !== Array.isArray(saved)) {
    if (JSON.stringify(served) !== JSON.stringify(saved)) found.push(at || "/");
    return found;
  }
  const a = served as Record<string, unknown>;
  const b = saved as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const here = `${at}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`;
    if (!(key in b)) found.push(`${here} (not in client/openapi.json)`);
    else if (!(key in a)) found.push(`${here} (no longer served)`);
    else differences(a[key], b[key], here, found);
    if (found.length >= MAX_LISTED) break;
  }
  return found;
}

describe("the generated client", () => {
  it("was generated from the OpenAPI document this Worker serves", async () => {
    const served = await api(null, "GET", "/openapi.json");
    expect(served.status).toBe(200);
    expect(differences(served.body, committed), "client/openapi.json is not what GET /openapi.json serves: run npm run client:generate").toEqual([]);
  });
});
