import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { api } from "../support/api";
import { submittedBatch } from "../support/batches";

describe("the development inbox", () => {
  it("does not exist unless DEV_INBOX is true", async () => {
    const res = await api(null, "GET", "/dev/inbox");
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("route_not_found");
  });

  it("shows the approval links the notifier would send when DEV_INBOX is true", async () => {
    await submittedBatch();
    const app = createApp();
    const res = await app.fetch(new Request("https://disburse.test/dev/inbox"), { ...env, DEV_INBOX: "true" }, createExecutionContext());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Development inbox");
    expect(html).toMatch(/href="[^"]*\/approvals\/v2\.k0\.[A-Za-z0-9_-]+\.[0-9a-f]{64}"/);
  });
});
