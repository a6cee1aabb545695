// Queries whose cost must not grow with the whole history: checked against SQLite's own plan,
// so a missing index shows up here rather than as a slow day in production.

import { env, runInDurableObject } from "cloudflare:test";
import { count, sum } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DUE_QUERIES } from "../../src/sim/simulated-bank";
import { simulatedBankStub } from "../../src/sim/simulated-gateway";
import { database } from "../../src/store/client";
import { inCycle } from "../../src/store/payouts";
import { payouts } from "../../src/store/schema";

async function plan(query: { toSQL(): { sql: string; params: unknown[] } }): Promise<string[]> {
  const { sql, params } = query.toSQL();
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...params)
    .all<{ detail: string }>();
  return results.map((r) => r.detail);
}

describe("a cycle's payouts", () => {
  it("are found through the cycle's batches and the batch index, never by reading every payout", async () => {
    const db = database(env.DB);
    const steps = await plan(db.select({ status: payouts.status, n: count(), total: sum(payouts.amountPaise) }).from(payouts).where(inCycle(db, "2031-W05")).groupBy(payouts.status));
    expect(steps.some((s) => /payouts USING INDEX payouts_batch_idx/.test(s)), steps.join("\n")).toBe(true);
    expect(steps.some((s) => /batches USING (COVERING )?INDEX batches_cycle_idx/.test(s)), steps.join("\n")).toBe(true);
    expect(steps.filter((s) => /^SCAN payouts\b/.test(s)), steps.join("\n")).toEqual([]);
  });
});

describe("the simulated bank's look for due work", () => {
  // It runs on every call and alarm; a scan would make the bank, and every benchmark and
  // simulation that drives it, slower with each transfer it has ever made.
  it.each(Object.entries(DUE_QUERIES))("%s reads through an index of what is still waiting", async (_name, query) => {
    const stub = simulatedBankStub(env as never);
    await stub.fetch("https://simulated-bank.internal/admin/state"); // constructed, tables made
    const steps = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql
        .exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...Array.from({ length: (query.match(/\?/g) ?? []).length }, () => 0))
        .toArray()
        .map((r) => r.detail),
    );
    expect(steps.filter((s) => /^SCAN (transfers|webhooks)\b/.test(s)), steps.join("\n")).toEqual([]);
    expect(steps.some((s) => /USING INDEX (transfers_pending_due|transfers_return_due|webhooks_undelivered_due)/.test(s)), steps.join("\n")).toBe(true);
  });
});
