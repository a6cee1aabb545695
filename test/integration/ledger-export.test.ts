// The journal export read back as an outside tool would: every transaction balances, and every
// account's balance in the file equals the balance Disburse reports for it.

import { env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "../../src/store/client";
import { accountPages, openingBalancePages, transactionPages } from "../../src/store/journal-export";
import { type AccountBody, api, type ApiResponse, createPayee, entry, getAccount, settlementFor, unique } from "../support/api";
import { netByAccountId, normalSide, parseJournal, type ParsedJournal, unbalancedCodes } from "../support/journal";

const BANK = "platform:bank";
const EQUITY = "platform:owner_equity";

interface Export {
  status: number;
  headers: Headers;
  text: string;
  journal: ParsedJournal;
}

async function exportJournal(query = "", actor: "auditor" | "admin" = "auditor"): Promise<Export> {
  const res = await api(actor, "GET", `/v1/ledger/export${query}`);
  expect(res.status, String(res.body).slice(0, 500)).toBe(200);
  const text = res.body as string;
  return { status: res.status, headers: res.headers, text, journal: parseJournal(text) };
}

/** Every account Disburse has, through the paginated accounts list. */
async function allAccounts(): Promise<AccountBody[]> {
  const out: AccountBody[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api("auditor", "GET", `/v1/ledger/accounts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return out;
}

/** Asserts the export's balance of every Disburse account equals Disburse's own, on its normal side. */
async function expectBalancesMatchDisburse(journal: ParsedJournal) {
  const net = netByAccountId(journal);
  const accounts = await allAccounts();
  const inExport = Object.fromEntries(accounts.map((a) => [a.id, normalSide(a.type, net.get(a.id) ?? 0)]));
  const inDisburse = Object.fromEntries(accounts.map((a) => [a.id, a.balancePaise]));
  expect(inExport).toEqual(inDisburse);
  // And the file names no account Disburse does not have.
  expect([...net.keys()].filter((id) => !(id in inDisburse))).toEqual([]);
}

const post = async (body: Record<string, unknown>) => {
  const res = await api("admin", "POST", "/v1/ledger/transactions", body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; createdAt: string };
};

const funding = (amountPaise: number, description = "Capital injection") => ({
  externalRef: unique("fund"),
  description,
  entries: [entry(BANK, "debit", amountPaise), entry(EQUITY, "credit", amountPaise)],
});

let seller: { id: string; payableAccountId: string };
let partner: { id: string; payableAccountId: string };
const cycleId = unique("2026-W48");
const posted: Record<string, string> = {};

beforeAll(async () => {
  seller = await createPayee("seller");
  partner = await createPayee("delivery_partner");
  const order = settlementFor(seller.id, cycleId, { deliveryPartnerPayeeId: partner.id, deliveryFeePaise: 4_000 });
  const settled = await api("system", "POST", "/v1/settlements", order);
  expect(settled.status, JSON.stringify(settled.body)).toBe(201);
  posted.settlement = settled.body.transactionId;
  posted.orderId = order.orderId;
  posted.funding = (await post(funding(123_456_789))).id;
  posted.awkward = (await post(funding(1, "Refund; see ticket\u2028#42   (manual)"))).id;
  const reversal = await api("admin", "POST", `/v1/ledger/transactions/${posted.funding}/reversal`, { reason: "posted twice" });
  expect(reversal.status, JSON.stringify(reversal.body)).toBe(201);
  posted.reversal = reversal.body.id;
});

afterEach(() => {
  vi.useRealTimers();
});

describe("GET /v1/ledger/export", () => {
  it("exports every transaction balanced, with every account's balance equal to Disburse's", async () => {
    const { journal } = await exportJournal();
    expect(unbalancedCodes(journal)).toEqual([]);
    const total = await env.DB.prepare("SELECT COUNT(*) AS n FROM journal_transactions").first<{ n: number }>();
    expect(journal.transactions).toHaveLength(total!.n);
    expect(journal.announcedCount).toBe(total!.n);
    expect(new Set(journal.transactions.map((t) => t.code)).size).toBe(total!.n);
    await expectBalancesMatchDisburse(journal);
  });

  it("declares every account with its hledger type and Disburse id", async () => {
    const { journal } = await exportJournal();
    const declared = new Map([...journal.accounts.values()].map((a) => [a.tags.disburse_id, a]));
    const types = { asset: "A", liability: "L", equity: "E", revenue: "R", expense: "X" } as const;
    for (const account of await allAccounts()) {
      expect(declared.get(account.id)?.tags.type, account.id).toBe(types[account.type]);
    }
    expect(declared.get(seller.payableAccountId)!.name).toBe(`liabilities:payable:${seller.id}`);
    expect(declared.get(BANK)!.name).toBe("assets:bank");
  });

  it("writes a settlement with its order, cycle and payee, and a reversal with its link", async () => {
    const { journal } = await exportJournal();
    const settlement = journal.transactions.find((t) => t.code === posted.settlement)!;
    expect(settlement.tags).toMatchObject({ kind: "order_settlement", order: posted.orderId, cycle: cycleId, actor: "marketplace" });
    const byAccount = Object.fromEntries(settlement.postings.map((p) => [p.account, p.amountMinor]));
    expect(byAccount).toMatchObject({
      "assets:bank": 94_000,
      "expenses:discounts": 5_000,
      "expenses:vouchers": 2_000,
      "liabilities:customer wallet": 3_000,
      [`liabilities:payable:${seller.id}`]: -90_000,
      [`liabilities:payable:${partner.id}`]: -4_000,
      "revenue:platform fees": -10_000,
    });

    const reversal = journal.transactions.find((t) => t.code === posted.reversal)!;
    expect(reversal.tags).toMatchObject({ kind: "reversal", reverses: posted.funding, ref: `reversal:${posted.funding}` });
    expect(reversal.postings.map((p) => p.amountMinor)).toEqual([-123_456_789, 123_456_789]);
  });

  it("sanitizes a description hledger would misread and keeps the original in a tag", async () => {
    const { journal } = await exportJournal();
    const awkward = journal.transactions.find((t) => t.code === posted.awkward)!;
    expect(awkward.description).toBe("Refund, see ticket #42 (manual)");
    expect(awkward.tags.original_description).toBe("Refund; see ticket\u2028#42   (manual)");
  });

  it("answers as a plain-text file download named after the range", async () => {
    const all = await exportJournal();
    expect(all.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(all.headers.get("content-disposition")).toBe('attachment; filename="disburse-start-latest.journal"');
    expect(all.headers.get("cache-control")).toBe("no-store");
    const ranged = await exportJournal("?from=2026-01-01&to=2026-02-01", "admin");
    expect(ranged.headers.get("content-disposition")).toBe('attachment; filename="disburse-2026-01-01-2026-02-01.journal"');
  });

  it("exports only [from, to) by created_at in UTC, opening with the balances carried in", async () => {
    const payee = await createPayee("seller");
    const payable = payee.payableAccountId;
    vi.useFakeTimers({ toFake: ["Date"] });

    vi.setSystemTime(new Date("2025-03-10T12:00:00.000Z"));
    const order = settlementFor(payee.id, unique("cycle"), { grossAmountPaise: 50_000, platformFeePaise: 5_000 });
    const settled = await api("system", "POST", "/v1/settlements", order);
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    const early = await post(funding(10_000));

    vi.setSystemTime(new Date("2025-03-11T00:00:00.000Z"));
    const first = await post(funding(2_000));
    vi.setSystemTime(new Date("2025-03-11T23:59:59.999Z"));
    const last = await post({ ...funding(7), entries: [entry(payable, "debit", 7), entry(BANK, "credit", 7)] });
    vi.setSystemTime(new Date("2025-03-12T00:00:00.000Z"));
    const after = await post(funding(3_000));
    vi.useRealTimers();

    const ranged = (await exportJournal("?from=2025-03-11&to=2025-03-12")).journal;
    const before = (await exportJournal("?to=2025-03-11")).journal;
    const through = (await exportJournal("?to=2025-03-12")).journal;

    expect(ranged.transactions.map((t) => [t.date, t.code])).toEqual([
      ["2025-03-11", "opening:2025-03-11"],
      ["2025-03-11", first.id],
      ["2025-03-11", last.id],
    ]);
    expect(ranged.announcedCount).toBe(2);
    expect(before.transactions.map((t) => t.code)).toEqual(expect.arrayContaining([settled.body.transactionId, early.id]));
    expect(before.transactions.map((t) => t.code)).not.toContain(first.id);
    expect(through.transactions.map((t) => t.code)).not.toContain(after.id);
    for (const journal of [ranged, before, through]) expect(unbalancedCodes(journal)).toEqual([]);

    // The opening transaction carries exactly the balances of everything before the range ...
    const openingNet = netByAccountId({ ...ranged, transactions: ranged.transactions.slice(0, 1) });
    const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, v]) => v !== 0));
    expect(openingNet).toEqual(nonZero(netByAccountId(before)));
    expect(openingNet.get(payable)).toBe(-45_000);

    // ... so the range's balances are the balances as of its end.
    expect(nonZero(netByAccountId(ranged))).toEqual(nonZero(netByAccountId(through)));
    expect(netByAccountId(through).get(payable)).toBe(-45_000 + 7);

    // From a date with no end, the balances are Disburse's balances now.
    const fromOnly = (await exportJournal("?from=2025-03-11")).journal;
    expect(fromOnly.transactions.map((t) => t.code)).toContain(after.id);
    await expectBalancesMatchDisburse(fromOnly);
    expect(normalSide("liability", netByAccountId(fromOnly).get(payable)!)).toBe((await getAccount(payable)).balancePaise);
  });

  it("exports every transaction exactly once across pages, even many created in the same millisecond", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2025-05-05T05:05:05.005Z"));
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push((await post(funding(i + 1))).id);
    vi.useRealTimers();

    const { journal } = await exportJournal("?from=2025-05-05&to=2025-05-06");
    const codes = journal.transactions.filter((t) => !t.code.startsWith("opening:")).map((t) => t.code);
    expect(codes).toEqual([...ids].sort());
    expect(unbalancedCodes(journal)).toEqual([]);
  });

  it("refuses a malformed or impossible date, and a range that ends before it starts (400)", async () => {
    for (const query of ["?from=2026-13-01", "?to=2026-02-30", "?from=yesterday", "?from=2026-1-1", "?from=2026-03-01&to=2026-03-01", "?from=2026-03-02&to=2026-03-01"]) {
      const res = await api("auditor", "GET", `/v1/ledger/export${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe("validation_failed");
    }
  });

  it("is for auditors and admins only", async () => {
    for (const actor of ["maker", "checker", "system"] as const) {
      const res = await api(actor, "GET", "/v1/ledger/export");
      expect(res.status, actor).toBe(403);
      expect(res.body.error.code).toBe("forbidden_role");
    }
    expect((await api(null, "GET", "/v1/ledger/export")).status).toBe(401);
    expect((await api("admin", "GET", "/v1/ledger/export")).status).toBe(200);
  });

  it("is described in the OpenAPI document as a text/plain download", async () => {
    const res = await api(null, "GET", "/openapi.json");
    const operation = res.body.paths["/v1/ledger/export"].get;
    expect(Object.keys(operation.responses["200"].content)).toEqual(["text/plain"]);
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(["from", "to"]);
  });
});

describe("export readers", () => {
  const db = () => database(env.DB);
  const collect = async <T>(pages: AsyncIterable<T[]>) => {
    const rows: T[] = [];
    let count = 0;
    for await (const page of pages) {
      rows.push(...page);
      count += 1;
    }
    return { rows, count };
  };

  it("read the same rows in small pages as in large ones", async () => {
    const accounts = [await collect(accountPages(db(), 3)), await collect(accountPages(db(), 10_000))];
    expect(accounts[0]!.rows).toEqual(accounts[1]!.rows);
    expect(accounts[0]!.count).toBeGreaterThan(2);

    const now = new Date(Date.now() + 1).toISOString();
    const opening = [await collect(openingBalancePages(db(), now, 3)), await collect(openingBalancePages(db(), now, 10_000))];
    expect(opening[0]!.rows).toEqual(opening[1]!.rows);
    expect(opening[0]!.count).toBeGreaterThan(2);

    const range = { fromIso: null, beforeIso: now };
    const transactions = [await collect(transactionPages(db(), range, 4)), await collect(transactionPages(db(), range))];
    expect(transactions[0]!.rows).toEqual(transactions[1]!.rows);
    expect(transactions[0]!.count).toBeGreaterThan(2);
  });
});
