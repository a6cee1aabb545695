import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PLATFORM_ACCOUNTS } from "../../src/domain/accounts";

describe("the chart of accounts", () => {
  it("seeds exactly the platform accounts the code defines, with their names and types", async () => {
    const rows = await env.DB.prepare("SELECT id, name, type, currency FROM accounts WHERE id LIKE 'platform:%' ORDER BY id").all<{
      id: string;
      name: string;
      type: string;
      currency: string;
    }>();
    const expected = [...PLATFORM_ACCOUNTS]
      .map((a) => ({ id: a.id, name: a.name, type: a.type, currency: "INR" }))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(rows.results).toEqual(expected);
  });
});
