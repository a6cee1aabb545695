// Usage metering: the benchmark prices a payout from these counters, so they must equal what D1
// itself reports for each statement, batched or not.

import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { configureUsage, currentUsage, meteredD1, resetUsage, usageByStatement } from "../../src/observability/usage";
import { api } from "../support/api";

const INSERT = "INSERT INTO usage_probe (label) VALUES (?)";
const SELECT = "SELECT id, label FROM usage_probe WHERE label >= ?";

beforeAll(async () => {
  await env.DB.prepare("CREATE TABLE IF NOT EXISTS usage_probe (id INTEGER PRIMARY KEY, label TEXT NOT NULL)").run();
  await env.DB.prepare("CREATE INDEX IF NOT EXISTS usage_probe_label_idx ON usage_probe (label)").run();
});

describe("usage metering", () => {
  beforeEach(() => {
    configureUsage({ USAGE_METERING: "exact" });
    resetUsage();
  });
  afterEach(() => {
    configureUsage({});
    resetUsage();
  });

  it("counts every statement's rows as D1 reports them, in batches too, and per statement", async () => {
    const db = meteredD1(env.DB);
    const single = await db.prepare(INSERT).bind("a").run();
    const batched = await db.batch([db.prepare(INSERT).bind("b"), db.prepare(INSERT).bind("c"), db.prepare(SELECT).bind("a")]);
    const read = await db.prepare(SELECT).bind("b").all();

    const insertsWritten = single.meta.rows_written + batched[0]!.meta.rows_written + batched[1]!.meta.rows_written;
    const selectsRead = batched[2]!.meta.rows_read + read.meta.rows_read;
    // The table's index is written too: that is how D1 counts, and why indexes cost money.
    expect(single.meta.rows_written).toBe(2);
    expect(currentUsage()).toMatchObject({ d1Queries: 5, d1RowsWritten: insertsWritten });
    expect(currentUsage().d1RowsRead).toBe(single.meta.rows_read + batched[0]!.meta.rows_read + batched[1]!.meta.rows_read + selectsRead);

    const byStatement = usageByStatement();
    expect(byStatement.map((s) => s.sql)).toEqual([INSERT, SELECT]); // costliest writes first
    expect(byStatement[0]).toMatchObject({ queries: 3, rowsWritten: insertsWritten });
    expect(byStatement[1]).toMatchObject({ queries: 2, rowsWritten: 0, rowsRead: selectsRead });
    expect(read.results.map((r) => r.label)).toEqual(["b", "c"]); // metering changes no result

    resetUsage();
    expect(usageByStatement()).toEqual([]);
    expect(currentUsage().d1Queries).toBe(0);
  });

  it("keeps totals but no per-statement costs unless metering is exact", async () => {
    configureUsage({});
    const db = meteredD1(env.DB);
    await db.prepare(INSERT).bind("d").run();
    expect(currentUsage()).toMatchObject({ d1Queries: 1, d1RowsWritten: 2 });
    expect(usageByStatement()).toEqual([]);
  });

  it("serves the per-statement costs to admins only", async () => {
    expect((await api("auditor", "GET", "/v1/usage/statements")).status).toBe(403);
    expect((await api(null, "GET", "/v1/usage/statements")).status).toBe(401);
    const res = await api("admin", "GET", "/v1/usage/statements");
    expect(res.status).toBe(200);
    expect(Array.isArray(res.body.data)).toBe(true);
  });
});
