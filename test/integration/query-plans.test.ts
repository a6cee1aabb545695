// Queries whose cost must not grow with the whole history: checked against SQLite's own plan,
// so a missing index shows up here rather than as a slow day in production.

import { env, runInDurableObject } from "cloudflare:test";
import { count, sum } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DUE_QUERIES } from "../../src/sim/simulated-bank";
import { dayTotalsQuery, type PayoutFilter, payoutListQuery } from "../../src/store/console-payouts";
import {
  payeesByAccountLastFour,
  payeesByExternalId,
  payeesById,
  payeesByNamePrefix,
  payoutsByBankReference,
  payoutsById,
} from "../../src/store/console-search";
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

/** A plan step that reads a whole table, row by row, through no index at all. */
const fullScans = (steps: string[], table: string) => steps.filter((s) => new RegExp(`^SCAN ${table}$`).test(s));

describe("the ops console's search", () => {
  const db = database(env.DB);
  it.each([
    ["a payee's name prefix", () => payeesByNamePrefix(db, "Meena", 21), /SEARCH payees USING INDEX payees_name_idx \(<expr>>\? AND <expr><\?\)/],
    ["a payee's account's last four", () => payeesByAccountLastFour(db, "1234", 21), /SEARCH payees USING INDEX payees_account_last_four_idx \(<expr>=\?\)/],
    ["a payee's external id", () => payeesByExternalId(db, "seller-7"), /SEARCH payees USING INDEX payees_external_id_unique \(external_id=\?\)/],
    ["a payee's id", () => payeesById(db, "pe_1"), /SEARCH payees USING INDEX sqlite_autoindex_payees_1 \(id=\?\)/],
    ["a payout's id", () => payoutsById(db, "po_1"), /SEARCH payouts USING INDEX sqlite_autoindex_payouts_1 \(id=\?\)/],
    ["a payout's UTR", () => payoutsByBankReference(db, ["simutr1", "SIMUTR1"], 21), /SEARCH payouts USING INDEX payouts_bank_reference_idx \(bank_reference=\?\)/],
  ])("finds %s through its index", async (_what, query, expected) => {
    const steps = await plan(query());
    expect(steps.some((s) => expected.test(s)), steps.join("\n")).toBe(true);
    expect([...fullScans(steps, "payees"), ...fullScans(steps, "payouts")], steps.join("\n")).toEqual([]);
  });
});

describe("the ops console's payout list and chart", () => {
  const db = database(env.DB);
  const cursor = { createdAt: "2031-02-01T10:00:00.000Z", id: "po_1" };
  const filters: Array<[string, PayoutFilter, RegExp]> = [
    ["by status", { status: "failed" }, /SEARCH payouts USING INDEX payouts_status_created_idx \(status=\? AND created_at<\?\)/],
    ["by batch", { batchId: "bat_1" }, /SEARCH payouts USING INDEX payouts_batch_idx \(batch_id=\?\)/],
    ["by payee", { payeeId: "pe_1" }, /SEARCH payouts USING INDEX payouts_payee_cycle_idx \(payee_id=\?\)/],
    ["by creation days", { createdFrom: "2031-01-01T00:00:00.000Z", createdTo: "2031-02-01T00:00:00.000Z" }, /SEARCH payouts USING INDEX payouts_created_idx \(created_at>\? AND created_at<\?\)/],
    ["by settlement days", { settledFrom: "2031-01-01T00:00:00.000Z", settledTo: "2031-01-02T00:00:00.000Z" }, /SEARCH payouts USING INDEX payouts_processed_idx \(processed_at>\? AND processed_at<\?\)/],
    // No filter, or amounts alone: the newest first along the creation index, stopping when the page is full.
    ["unfiltered", {}, /SEARCH payouts USING INDEX payouts_created_idx \(created_at<\?\)/],
    ["by amount", { minPaise: 100, maxPaise: 500 }, /SEARCH payouts USING INDEX payouts_created_idx \(created_at<\?\)/],
  ];
  it.each(filters)("reads a page %s, after a cursor, from an index", async (_what, filter, expected) => {
    const steps = await plan(payoutListQuery(db, filter, cursor, 51));
    expect(steps.some((s) => expected.test(s)), steps.join("\n")).toBe(true);
    expect(fullScans(steps, "payouts"), steps.join("\n")).toEqual([]);
  });

  it("reads the first page of the newest payouts along the creation index, never sorting the table", async () => {
    const steps = await plan(payoutListQuery(db, {}, undefined, 51));
    expect(steps).toContain("SCAN payouts USING INDEX payouts_created_idx");
    expect(steps.filter((s) => s === "USE TEMP B-TREE FOR ORDER BY"), steps.join("\n")).toEqual([]);
  });

  it("sums the chart's 30 days through the creation index", async () => {
    const steps = await plan(dayTotalsQuery(db, "2031-01-01T00:00:00.000Z", "2031-01-31T00:00:00.000Z"));
    expect(steps.some((s) => /SEARCH payouts USING INDEX payouts_created_idx \(created_at>\? AND created_at<\?\)/.test(s)), steps.join("\n")).toBe(true);
    expect(fullScans(steps, "payouts"), steps.join("\n")).toEqual([]);
  });
});
