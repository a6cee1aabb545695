// Settlements in bulk (issue #12): up to 1,000 orders in one call, as JSON or CSV, each validated
// and posted on its own exactly as POST /v1/settlements posts it, answered line by line.

import { env, SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { canonicalTransaction } from "../../src/domain/ledger";
import { sha256Hex } from "../../src/domain/hash";
import { currentUsage } from "../../src/observability/usage";
import { SETTLEMENT_CSV_COLUMNS } from "../../src/http/views/settlements-csv";
import { settlementInput } from "../../src/http/views/settlements";
import { database } from "../../src/store/client";
import { inJson } from "../../src/store/many-rows";
import { accounts, payees, settlements } from "../../src/store/schema";
import { settlementContentHash } from "../../src/store/settlements";
import { TEST_ACTORS } from "../support/actors";
import { api, createPayee, settlementFor, unique } from "../support/api";
import { expectError, expectStatus } from "../support/batches";

const BULK = "/v1/settlements/bulk";
const CSV = { "content-type": "text/csv" };
const MIB = 1024 * 1024;

let seller: { id: string };
let partner: { id: string };
const cycleId = unique("bulk-cyc");

beforeAll(async () => {
  seller = await createPayee("seller");
  partner = await createPayee("delivery_partner");
});

const order = (over: Record<string, unknown> = {}) => settlementFor(seller.id, cycleId, over);
const withPartner = (over: Record<string, unknown> = {}) => order({ deliveryPartnerPayeeId: partner.id, deliveryFeePaise: 4_000, ...over });
type Actor = "system" | "admin" | "maker" | "checker" | "auditor" | "risk";
const bulk = (orders: unknown[], actor: Actor = "system", headers: Record<string, string> = {}) => api(actor, "POST", BULK, { orders }, headers);
const csv = (text: string, actor: Actor = "system") => api(actor, "POST", BULK, text, CSV);

async function count(sql: string, ...params: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
}
const settled = (orderId: string) => count("SELECT COUNT(*) AS n FROM settlements WHERE order_id = ?", orderId);
const journalSize = async () => ({ transactions: await count("SELECT COUNT(*) AS n FROM journal_transactions"), entries: await count("SELECT COUNT(*) AS n FROM journal_entries") });

/** A CSV file of orders under a header of `columns`; nested fields by their path. */
function csvOf(rows: Array<Record<string, unknown>>, columns: readonly string[]): string {
  const cell = (v: unknown) => (v === undefined || v === null ? "" : String(v));
  const at = (row: Record<string, unknown>, path: string) => path.split(".").reduce<any>((o, k) => o?.[k], row);
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(at(r, c))).join(","))].join("\r\n") + "\r\n";
}
const PLAIN_COLUMNS = ["orderId", "cycleId", "sellerPayeeId", "deliveryPartnerPayeeId", "grossAmountPaise", "platformFeePaise", "discountPaise", "voucherPaise", "walletAmountPaise", "deliveryFeePaise", "amountCollectedPaise"];

describe("POST /v1/settlements/bulk, as JSON", () => {
  it("answers created, replayed, conflict and invalid per line in one call, and a bad line blocks none of the others", async () => {
    const replay = withPartner();
    const conflicting = order();
    expectStatus(await api("system", "POST", "/v1/settlements", replay), 201);
    expectStatus(await api("system", "POST", "/v1/settlements", conflicting), 201);
    const fresh = withPartner();
    const unbalanced = order({ amountCollectedPaise: 1 });
    const strangerPayee = settlementFor("pe_no_such_payee", cycleId);
    const stringAmount = { ...order(), grossAmountPaise: "100000" };
    const lines = [replay, { ...conflicting, platformFeePaise: 9_000 }, fresh, unbalanced, strangerPayee, stringAmount, 42, fresh, { ...fresh, platformFeePaise: 9_000 }];
    const before = await journalSize();

    const res = await bulk(lines);
    expectStatus(res, 200);
    expect(res.body.counts).toEqual({ created: 1, replayed: 2, conflict: 2, invalid: 4 });
    const r = res.body.results;
    expect(r.map((l: any) => `${l.index} ${l.outcome}`)).toEqual(["0 replayed", "1 conflict", "2 created", "3 invalid", "4 invalid", "5 invalid", "6 invalid", "7 replayed", "8 conflict"]);
    expect(r[0]).toMatchObject({ orderId: replay.orderId, transactionId: expect.stringMatching(/^txn_/), sellerPayablePaise: 90_000 });
    expect(r[1]).toMatchObject({ orderId: conflicting.orderId, error: { code: "settlement_conflict", field: null, details: { orderId: conflicting.orderId } } });
    expect(r[2]).toMatchObject({ orderId: fresh.orderId, transactionId: expect.stringMatching(/^txn_/), sellerPayablePaise: 90_000 });
    expect(r[3]).toMatchObject({ orderId: unbalanced.orderId, error: { code: "settlement_does_not_add_up", field: "amountCollectedPaise", details: { expectedPaise: 90_000, receivedPaise: 1 } } });
    expect(r[4]).toMatchObject({ orderId: strangerPayee.orderId, error: { code: "payee_not_found", field: "sellerPayeeId" } });
    expect(r[5]).toMatchObject({ orderId: stringAmount.orderId, error: { code: "validation_failed", field: "grossAmountPaise" } });
    expect(r[6]).toMatchObject({ orderId: null, error: { code: "validation_failed", field: null } });
    // The same order twice in one call: a replay of the first, or a conflict with it, as one by one.
    expect(r[7].transactionId).toBe(r[2].transactionId);
    expect(r[8].error.code).toBe("settlement_conflict");

    expect(await journalSize()).toEqual({ transactions: before.transactions + 1, entries: before.entries + 7 });
    expect((await api("auditor", "GET", `/v1/settlements/${fresh.orderId}`)).body).toMatchObject({ ...fresh, transactionId: r[2].transactionId });
    expect((await api("auditor", "GET", `/v1/settlements/${conflicting.orderId}`)).body.platformFeePaise).toBe(10_000);
    for (const o of [unbalanced, strangerPayee, stringAmount]) expect(await settled(o.orderId)).toBe(0);
  });

  it("replays a whole call, and an order posted in bulk is a replay one by one: nothing is written again", async () => {
    const lines = [order(), withPartner(), order({ grossAmountPaise: 250_000 })];
    const first = await bulk(lines);
    expectStatus(first, 200);
    expect(first.body.counts).toEqual({ created: 3, replayed: 0, conflict: 0, invalid: 0 });
    const before = await journalSize();
    const again = await bulk(lines);
    expectStatus(again, 200);
    expect(again.body.counts).toEqual({ created: 0, replayed: 3, conflict: 0, invalid: 0 });
    expect(again.body.results.map((l: any) => l.transactionId)).toEqual(first.body.results.map((l: any) => l.transactionId));
    const single = await api("system", "POST", "/v1/settlements", lines[1]);
    expectStatus(single, 200);
    expect(single.body.transactionId).toBe(first.body.results[1].transactionId);
    expectError(await api("system", "POST", "/v1/settlements", { ...lines[2], platformFeePaise: 1 }), 409, "settlement_conflict");
    expect(await journalSize()).toEqual(before);
  });

  it("refuses the whole call when no order could be posted (422 no_orders_posted), with every line's reason, and writes nothing", async () => {
    const before = await journalSize();
    const lines = [order({ amountCollectedPaise: 5 }), { nonsense: true }];
    const res = await bulk(lines);
    expectError(res, 422, "no_orders_posted");
    expect(res.body.error.details.counts).toEqual({ created: 0, replayed: 0, conflict: 0, invalid: 2 });
    expect(res.body.error.details.results.map((l: any) => l.error.code)).toEqual(["settlement_does_not_add_up", "validation_failed"]);
    expect(await journalSize()).toEqual(before);
  });

  it("posts 1,000 orders in one call in a handful of D1 queries, not a few per order", async () => {
    const lines = Array.from({ length: 1_000 }, (_, i) => (i % 2 ? withPartner({ grossAmountPaise: 20_000 + i }) : order({ grossAmountPaise: 20_000 + i })));
    const before = { usage: currentUsage(), journal: await journalSize() };
    const res = await bulk(lines);
    const queries = currentUsage().d1Queries - before.usage.d1Queries;
    expectStatus(res, 200);
    expect(res.body.counts).toEqual({ created: 1_000, replayed: 0, conflict: 0, invalid: 0 });
    expect(res.body.results.map((l: any) => l.orderId)).toEqual(lines.map((l) => l.orderId));
    expect(await journalSize()).toEqual({ transactions: before.journal.transactions + 1_000, entries: before.journal.entries + 500 * 6 + 500 * 7 });
    expect(queries).toBeLessThan(40);
  });

  it("reads what a call's orders need through primary keys, a list of any length in one query, never by scanning a table", async () => {
    const db = database(env.DB);
    const ids = Array.from({ length: 1_000 }, (_, i) => `ORD-${i}`);
    const queries = [
      db.select().from(settlements).where(inJson(settlements.orderId, ids)),
      db.select({ payee: payees, currency: accounts.currency }).from(payees).leftJoin(accounts, eq(accounts.id, payees.payableAccountId)).where(inJson(payees.id, ids)),
    ];
    for (const query of queries) {
      const { sql, params } = query.toSQL();
      expect(params).toHaveLength(1);
      const steps = (await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>()).results.map((r) => r.detail);
      expect(steps.filter((s) => /^SCAN (settlements|payees|accounts)\b/.test(s)), steps.join("\n")).toEqual([]);
      expect(steps.some((s) => /^SEARCH (settlements|payees) USING INDEX sqlite_autoindex_(settlements|payees)_1/.test(s)), steps.join("\n")).toBe(true);
    }
  });

  it("posts each order once when identical calls race", async () => {
    const lines = Array.from({ length: 20 }, () => withPartner());
    const before = await journalSize();
    const answers = await Promise.all(Array.from({ length: 4 }, () => bulk(lines)));
    for (const a of answers) expectStatus(a, 200);
    const outcomes = answers.flatMap((a) => a.body.results.map((l: any) => l.outcome));
    expect(outcomes.filter((o: string) => o === "created")).toHaveLength(20);
    expect(outcomes.filter((o: string) => o !== "created" && o !== "replayed")).toEqual([]);
    expect(await journalSize()).toEqual({ transactions: before.transactions + 20, entries: before.entries + 20 * 7 });
  });

  it("replays the call's answer under the same Idempotency-Key, and refuses the key with another body", async () => {
    const key = unique("bulk-key");
    const lines = [order()];
    const first = await bulk(lines, "system", { "idempotency-key": key });
    expectStatus(first, 200);
    const again = await bulk(lines, "system", { "idempotency-key": key });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expectError(await bulk([order()], "system", { "idempotency-key": key }), 422, "idempotency_key_reused");
  });
});

describe("the same ledger as one by one", () => {
  /** A seller with no tax identity and a 10 % rolling reserve: two of them are alike in every way but their ids. */
  async function reservedSeller() {
    const created = await createPayee("seller");
    expectStatus(await api("risk", "PUT", `/v1/payees/${created.id}/reserve`, { basisPoints: 1_000, days: 7 }), 200);
    return created.id as string;
  }

  /** What an order wrote, with its own ids replaced by names, so two orders' writes can be compared. */
  async function writesOf(orderId: string, sellerId: string) {
    const name = (text: unknown) => (typeof text === "string" ? text.replaceAll(orderId, "ORDER").replaceAll(sellerId, "SELLER") : text);
    const named = (row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, name(v)]));
    const rows = async (sql: string) => (await env.DB.prepare(sql).bind(orderId).all<Record<string, unknown>>()).results.map(named);
    const transactions = await rows(
      "SELECT external_ref, kind, description, cycle_id, order_id, payee_id, reverses_transaction_id, metadata, actor_id FROM journal_transactions WHERE order_id = ? ORDER BY external_ref",
    );
    const entries = await rows(
      "SELECT t.external_ref, e.account_id, e.direction, e.amount_paise, e.currency, e.cycle_id, e.created_at = t.created_at AS same_time FROM journal_entries e JOIN journal_transactions t ON t.id = e.transaction_id WHERE t.order_id = ? ORDER BY e.id",
    );
    const [settlement] = await rows(
      "SELECT order_id, cycle_id, seller_payee_id, delivery_partner_payee_id, currency, gross_amount_paise, platform_fee_paise, discount_paise, voucher_paise, wallet_amount_paise, delivery_fee_paise, amount_collected_paise, deductions, tax_inputs, actor_id FROM settlements WHERE order_id = ?",
    );
    const holds = await rows("SELECT payee_id, order_id, cycle_id, currency, amount_paise, basis_points, julianday(release_at) - julianday(created_at) AS days, released_at FROM reserve_holds WHERE order_id = ? ORDER BY payee_id");
    const audit = (await rows("SELECT action, subject_type, subject_id, actor_id, details FROM audit_events WHERE subject_type = 'order' AND subject_id = ?")).map((a) => ({
      ...a,
      details: { ...JSON.parse(a.details as string), transactionId: "TXN" },
    }));
    const yearGross = await env.DB.prepare("SELECT financial_year, gross_paise FROM payee_year_gross WHERE payee_id = ?").bind(sellerId).all();
    return { transactions, entries, settlement, holds, audit, yearGross: yearGross.results };
  }

  /** Each transaction's stored content hash is the one postTransaction would compute from what it stored. */
  async function expectHashesAsPosted(orderId: string) {
    const txs = (await env.DB.prepare("SELECT * FROM journal_transactions WHERE order_id = ?").bind(orderId).all<Record<string, any>>()).results;
    for (const t of txs) {
      const entries = (await env.DB.prepare("SELECT account_id, direction, amount_paise, currency FROM journal_entries WHERE transaction_id = ? ORDER BY id").bind(t.id).all<Record<string, any>>()).results;
      const input = {
        externalRef: t.external_ref, kind: t.kind, description: t.description, cycleId: t.cycle_id, orderId: t.order_id, payeeId: t.payee_id, reversesTransactionId: t.reverses_transaction_id,
        metadata: JSON.parse(t.metadata), entries: entries.map((e) => ({ accountId: e.account_id, direction: e.direction, amountPaise: e.amount_paise, currency: e.currency })),
      };
      expect(t.content_hash, t.external_ref).toBe(await sha256Hex(canonicalTransaction(input)));
    }
  }

  const balances = async (ids: string[]) =>
    Object.fromEntries((await env.DB.prepare(`SELECT id, debits_posted_paise AS d, credits_posted_paise AS c, entry_count AS n FROM accounts WHERE id IN (${ids.map(() => "?").join(",")})`).bind(...ids).all<any>()).results.map((a) => [a.id, a]));
  const change = (before: Record<string, any>, after: Record<string, any>, rename: (id: string) => string) =>
    Object.fromEntries(Object.keys(after).map((id) => [rename(id), { d: after[id].d - before[id].d, c: after[id].c - before[id].c, n: after[id].n - before[id].n }]));

  it("writes the same transactions, entries, balances, settlement, reserve holds, tax records and audit event for an order posted in bulk as for one posted singly", async () => {
    const [singleSeller, bulkSeller] = [await reservedSeller(), await reservedSeller()];
    const cyc = unique("cyc");
    const tax = { placeOfSupplyState: "27", orderDate: "2026-11-26", netTaxableValuePaise: 95_000 };
    const body = (sellerId: string) => settlementFor(sellerId, cyc, { deliveryPartnerPayeeId: partner.id, deliveryFeePaise: 4_000, tax });
    const platform = ["platform:bank", "platform:fee_revenue", "platform:discounts_expense", "platform:vouchers_expense", "platform:customer_wallet", "platform:tds_194o_payable", "platform:gst_tcs_cgst_payable", "platform:gst_tcs_sgst_payable", "platform:gst_output_igst"];
    const accountsOf = (sellerId: string) => [...platform, `payee:${sellerId}:payable`, `payee:${sellerId}:reserve`, `payee:${partner.id}:payable`];
    const dues = async () => (await env.DB.prepare("SELECT kind, head, period, withheld_paise FROM statutory_dues ORDER BY kind, head, period").all()).results;

    const single = body(singleSeller);
    const b1 = await balances(accountsOf(singleSeller));
    const dues0 = await dues();
    expectStatus(await api("system", "POST", "/v1/settlements", single), 201);
    const b2 = await balances(accountsOf(singleSeller));
    const dues1 = await dues();
    const inBulk = body(bulkSeller);
    const b3 = await balances(accountsOf(bulkSeller));
    const res = await bulk([inBulk]);
    expectStatus(res, 200);
    const b4 = await balances(accountsOf(bulkSeller));
    const dues2 = await dues();

    const one = await writesOf(single.orderId, singleSeller);
    const other = await writesOf(inBulk.orderId, bulkSeller);
    expect(one.transactions.map((t) => t.kind)).toEqual(["order_settlement", "reserve_hold"]);
    expect(one.entries.length).toBeGreaterThanOrEqual(9);
    expect(JSON.parse(one.settlement!.deductions as string).length).toBeGreaterThan(0);
    expect(one.holds).toHaveLength(1);
    expect(other).toEqual(one);
    expect(change(b3, b4, (id) => id.replace(bulkSeller, "SELLER"))).toEqual(change(b1, b2, (id) => id.replace(singleSeller, "SELLER")));
    const withheld = (a: any[], b: any[]) => a.map((row) => ({ ...row, withheld_paise: row.withheld_paise - (b.find((x) => x.kind === row.kind && x.head === row.head && x.period === row.period)?.withheld_paise ?? 0) })).filter((r) => r.withheld_paise !== 0);
    expect(withheld(dues2, dues1)).toEqual(withheld(dues1, dues0));
    await expectHashesAsPosted(single.orderId);
    await expectHashesAsPosted(inBulk.orderId);
    const stored = (await env.DB.prepare("SELECT content_hash FROM settlements WHERE order_id = ?").bind(inBulk.orderId).first<{ content_hash: string }>())!.content_hash;
    expect(stored).toBe(await settlementContentHash(settlementInput.parse(inBulk)));
  });

  it("counts a seller's earlier orders in the same call towards the year's gross, as one by one", async () => {
    const singly = await createPayee("seller");
    const together = await createPayee("seller");
    const cyc = unique("cyc");
    // Big enough to cross the yearly threshold TDS looks at, if there is one, between the first and second order.
    const orders = (sellerId: string) => [0, 1, 2].map(() => settlementFor(sellerId, cyc, { grossAmountPaise: 30_000_000, platformFeePaise: 1_000_000, discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0, tax: { placeOfSupplyState: "29", orderDate: "2026-11-26" } }));
    for (const o of orders(singly.id)) expectStatus(await api("system", "POST", "/v1/settlements", o), 201);
    expectStatus(await bulk(orders(together.id)), 200);
    const deductionsOf = async (sellerId: string) =>
      (await env.DB.prepare("SELECT deductions, tax_inputs FROM settlements WHERE seller_payee_id = ? ORDER BY created_at, rowid").bind(sellerId).all<any>()).results.map((r) => ({ deductions: r.deductions, yearGrossBeforePaise: JSON.parse(r.tax_inputs).yearGrossBeforePaise }));
    const [a, b] = [await deductionsOf(singly.id), await deductionsOf(together.id)];
    expect(a.map((r) => r.yearGrossBeforePaise)).toEqual([0, 30_000_000, 60_000_000]);
    expect(b).toEqual(a);
  });
});

describe("POST /v1/settlements/bulk, as CSV", () => {
  it("posts a file's rows: columns in any order, optional ones left out or empty, quoted fields, CRLF, a byte order mark and blank lines", async () => {
    const plain = withPartner();
    const taxed = order({ tax: { placeOfSupplyState: "29", orderDate: "2026-11-26" } });
    const quoted = order();
    const columns = ["amountCollectedPaise", ...PLAIN_COLUMNS.filter((c) => c !== "amountCollectedPaise"), "tax.placeOfSupplyState", "tax.orderDate"];
    const rows = csvOf([plain, taxed], columns).split("\r\n");
    const quotedRow = columns.map((c) => `"${String((quoted as Record<string, unknown>)[c] ?? "").replaceAll('"', '""')}"`).join(",");
    const commaRow = csvOf([order({ orderId: "ORD-1,2" })], columns).split("\r\n")[1]!.replace("ORD-1,2", '"ORD-1,2"');
    const text = `\ufeff${rows[0]}\r\n${rows[1]}\r\n\r\n${rows[2]}\r\n${quotedRow}\r\n${commaRow}\r\n`;

    const res = await csv(text);
    expectStatus(res, 200);
    expect(res.body.counts).toEqual({ created: 3, replayed: 0, conflict: 0, invalid: 1 });
    expect(res.body.results.map((l: any) => [l.index, l.line, l.outcome])).toEqual([[0, 2, "created"], [1, 4, "created"], [2, 5, "created"], [3, 6, "invalid"]]);
    // The comma stayed inside its quoted field: the row has the header's width, and only its order id is wrong.
    expect(res.body.results[3]).toMatchObject({ orderId: "ORD-1,2", error: { code: "validation_failed", field: "orderId" } });
    expect((await api("auditor", "GET", `/v1/settlements/${plain.orderId}`)).body).toMatchObject({ ...plain, deductions: [] });
    const taxedSettlement = (await api("auditor", "GET", `/v1/settlements/${taxed.orderId}`)).body;
    expect(taxedSettlement.deductions.length).toBeGreaterThan(0);
    expect(taxedSettlement.sellerPayablePaise).toBeLessThan(90_000);

    // A row is the same order its JSON is: sent again either way, it is a replay.
    const again = await bulk([plain, taxed, quoted]);
    expect(again.body.counts).toEqual({ created: 0, replayed: 3, conflict: 0, invalid: 0 });
    expect((await csv(text)).body.counts).toEqual({ created: 0, replayed: 3, conflict: 0, invalid: 1 });
  });

  it("names the physical line of each row, after line breaks inside quoted fields", async () => {
    const good = order();
    const text = `${PLAIN_COLUMNS.join(",")}\n"ORD-with\nline-break",${csvOf([good], PLAIN_COLUMNS).split("\r\n")[1]!.split(",").slice(1).join(",")}\n${csvOf([good], PLAIN_COLUMNS).split("\r\n")[1]}\n`;
    const res = await csv(text);
    expectStatus(res, 200);
    expect(res.body.results.map((l: any) => [l.line, l.outcome, l.error?.field ?? null])).toEqual([[2, "invalid", "orderId"], [4, "created", null]]);
  });

  it("refuses a row's cell that is not a whole number of paise, and a row of the wrong width, on their own", async () => {
    const good = order();
    const bad = ["12.50", '"1,000"', "-5", " 100", "1e5", "₹100", "0x10"];
    const base = csvOf([good], PLAIN_COLUMNS).split("\r\n");
    const grossAt = PLAIN_COLUMNS.indexOf("grossAmountPaise");
    const badRows = bad.map((value) => {
      const cells = csvOf([order()], PLAIN_COLUMNS).split("\r\n")[1]!.split(",");
      cells[grossAt] = value;
      return cells.join(",");
    });
    const shortRow = base[1]!.split(",").slice(0, -1).join(",").replace(good.orderId, unique("ORD"));
    const res = await csv([base[0], base[1], ...badRows, shortRow, ""].join("\r\n"));
    expectStatus(res, 200);
    expect(res.body.counts).toEqual({ created: 1, replayed: 0, conflict: 0, invalid: bad.length + 1 });
    const refused = res.body.results.slice(1);
    for (const [i, value] of bad.entries()) {
      expect(refused[i], value).toMatchObject({ line: i + 3, outcome: "invalid", error: { code: "validation_failed", field: "grossAmountPaise" } });
      expect(refused[i].orderId).toMatch(/^ORD-/);
    }
    expect(refused.at(-1)).toMatchObject({ outcome: "invalid", error: { code: "malformed_csv_row", field: null } });
    expect(await settled(good.orderId)).toBe(1);
  });

  it("refuses the file for its header: unknown, repeated or missing columns, or no header at all (422 csv_header_invalid)", async () => {
    const o = order();
    const cases: Array<[string[], Partial<Record<"unknown" | "duplicate" | "missing", string[]>>]> = [
      [PLAIN_COLUMNS.map((c) => (c === "grossAmountPaise" ? "grossAmount" : c)), { unknown: ["grossAmount"], missing: ["grossAmountPaise"] }],
      [[...PLAIN_COLUMNS, "cycleId"], { duplicate: ["cycleId"] }],
      [PLAIN_COLUMNS.filter((c) => c !== "sellerPayeeId"), { missing: ["sellerPayeeId"] }],
    ];
    for (const [columns, problems] of cases) {
      const res = await csv(csvOf([o], columns));
      expectError(res, 422, "csv_header_invalid");
      expect(res.body.error.details).toMatchObject({ unknown: [], duplicate: [], missing: [], ...problems });
    }
    // The first line is an order, not a header.
    const headless = csvOf([o, order()], PLAIN_COLUMNS).split("\r\n").slice(1).join("\r\n");
    expectError(await csv(headless), 422, "csv_header_invalid");
    expect(await settled(o.orderId)).toBe(0);
  });

  it("refuses a file that ends inside a quoted field (422 malformed_csv), and one with no rows (422 no_orders)", async () => {
    const rows = csvOf([order()], PLAIN_COLUMNS).split("\r\n");
    expectError(await csv(`${rows[0]}\r\n"ORD-unclosed,${rows[1]!.split(",").slice(1).join(",")}\r\n`), 422, "malformed_csv");
    expectError(await csv(""), 422, "no_orders");
    expectError(await csv(`${rows[0]}\r\n`), 422, "no_orders");
    expectError(await csv(`${rows[0]}\r\n\r\n,,,,,,,,,,\r\n`), 422, "no_orders");
  });

  it("has a column for every field of the JSON order, a nested one by its path", async () => {
    const doc = (await api(null, "GET", "/openapi.json")).body;
    const fields = (schema: any, prefix = ""): string[] =>
      Object.entries(schema.properties ?? {}).flatMap(([name, s]: [string, any]) => (s.type === "object" ? fields(s, `${prefix}${name}.`) : [`${prefix}${name}`]));
    const input = doc.components.schemas.SettlementInput;
    expect(SETTLEMENT_CSV_COLUMNS.map((c) => c.name).sort()).toEqual(fields(input).sort());
    const required = (input.required as string[]).filter((f) => input.properties[f].default === undefined);
    expect(SETTLEMENT_CSV_COLUMNS.filter((c) => c.required).map((c) => c.name).sort()).toEqual(required.sort());
    expect(Object.keys(doc.paths[BULK].post.requestBody.content).sort()).toEqual(["application/json", "text/csv"]);
  });
});

describe("limits and refusals", () => {
  it("refuses more than 1,000 orders (413 too_many_orders), as JSON or CSV, and writes nothing", async () => {
    const lines = Array.from({ length: 1_001 }, () => order());
    const res = await bulk(lines);
    expectError(res, 413, "too_many_orders");
    expect(res.body.error.details).toEqual({ maxOrders: 1_000, received: 1_001 });
    expectError(await csv(csvOf(lines, PLAIN_COLUMNS)), 413, "too_many_orders");
    expect(await settled(lines[0]!.orderId)).toBe(0);
  });

  it("refuses a body over 2 MiB (413 body_too_large), counting bytes, as JSON, CSV, or a CSV stream sent without a length", async () => {
    const o = order();
    expectError(await bulk([{ ...o, orderId: "x".repeat(2 * MIB) }]), 413, "body_too_large");
    expectError(await bulk([{ ...o, orderId: "₹".repeat(Math.ceil((2 * MIB) / 3)) }]), 413, "body_too_large");
    const big = csvOf([o], PLAIN_COLUMNS) + `${"x,".repeat(MIB)}\r\n`;
    expectError(await csv(big), 413, "body_too_large");
    const bytes = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.slice(i, i + 64 * 1024));
        controller.close();
      },
    });
    const res = await SELF.fetch(`https://disburse.test${BULK}`, { method: "POST", headers: { authorization: `Bearer ${TEST_ACTORS.system.token}`, ...CSV }, body: stream });
    expect(res.status).toBe(413);
    expect(((await res.json()) as any).error.code).toBe("body_too_large");
    expect(await settled(o.orderId)).toBe(0);
  });

  it("refuses an empty list of orders (422 no_orders), a body of another shape (400) and another media type (415)", async () => {
    expectError(await bulk([]), 422, "no_orders");
    expectError(await api("system", "POST", BULK, { orders: [], extra: 1 }), 400, "validation_failed");
    expectError(await api("system", "POST", BULK, [order()]), 400, "validation_failed");
    expectError(await api("system", "POST", BULK, "{"), 400, "malformed_json");
    expectError(await api("system", "POST", BULK, csvOf([order()], PLAIN_COLUMNS), { "content-type": "text/plain" }), 415, "unsupported_media_type");
  });

  it("needs the system role, as POST /v1/settlements does (403 forbidden_role, 401 without a token)", async () => {
    const o = order();
    for (const actor of ["admin", "maker", "checker", "auditor", "risk"] as const) {
      const res = await bulk([o], actor);
      expectError(res, 403, "forbidden_role");
      expect(res.body.error.details.required).toEqual(["system"]);
      expectError(await csv(csvOf([o], PLAIN_COLUMNS), actor as Actor), 403, "forbidden_role");
    }
    expectError(await api(null, "POST", BULK, { orders: [o] }), 401, "unauthenticated");
    expect(await settled(o.orderId)).toBe(0);
  });

  it("serves only POST at /bulk: other methods are an unknown route, not a read of an order called bulk", async () => {
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) expectError(await api("admin", method, BULK, method === "GET" ? undefined : {}), 404, "route_not_found");
  });
});
