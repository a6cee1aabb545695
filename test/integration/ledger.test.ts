import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_AMOUNT_PAISE } from "../../src/domain/money";
import {
  allEntries,
  api,
  balanceFromEntries,
  createPayee,
  type Direction,
  entry,
  getAccount,
  snapshotAccounts,
  unique,
} from "../support/api";

const BANK = "platform:bank";
const EQUITY = "platform:owner_equity";
const REVENUE = "platform:fee_revenue";
const WALLET = "platform:customer_wallet";

const posting = (over: Record<string, unknown> = {}) => ({
  externalRef: unique("adj"),
  description: "Opening balance",
  entries: [entry(BANK, "debit", 10_000), entry(EQUITY, "credit", 10_000)],
  ...over,
});

async function count(sql: string, ...params: unknown[]): Promise<number> {
  const row = await env.DB.prepare(sql).bind(...params).first<{ n: number }>();
  return row!.n;
}

const totalEntries = () => count("SELECT COUNT(*) AS n FROM journal_entries");
const totalTransactions = () => count("SELECT COUNT(*) AS n FROM journal_transactions");
const transactionsWithRef = (ref: string) => count("SELECT COUNT(*) AS n FROM journal_transactions WHERE external_ref = ?", ref);

/** Asserts that `act` leaves the journal and the given accounts exactly as they were. */
async function expectNothingWritten(accountIds: string[], act: () => Promise<void>) {
  const before = { accounts: await snapshotAccounts(accountIds), entries: await totalEntries(), transactions: await totalTransactions() };
  await act();
  expect(await snapshotAccounts(accountIds)).toEqual(before.accounts);
  expect(await totalEntries()).toBe(before.entries);
  expect(await totalTransactions()).toBe(before.transactions);
}

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

describe("POST /v1/ledger/transactions", () => {
  it("posts a balanced transaction (201) and moves both balances on their normal side", async () => {
    const before = await snapshotAccounts([BANK, EQUITY]);
    const body = posting();
    const res = await api("admin", "POST", "/v1/ledger/transactions", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ externalRef: body.externalRef, kind: "manual", actorId: "admin-ada", reversesTransactionId: null });
    expect(res.body.id).toMatch(/^txn_/);
    expect(res.body.entries).toHaveLength(2);

    const after = await snapshotAccounts([BANK, EQUITY]);
    expect(after[BANK]!.balancePaise - before[BANK]!.balancePaise).toBe(10_000);
    expect(after[EQUITY]!.balancePaise - before[EQUITY]!.balancePaise).toBe(10_000);
    expect(after[BANK]!.entryCount - before[BANK]!.entryCount).toBe(1);

    const read = await api("auditor", "GET", `/v1/ledger/transactions/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it("lets the system role post too", async () => {
    const res = await api("system", "POST", "/v1/ledger/transactions", posting());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.actorId).toBe("marketplace");
  });

  it("rejects a transaction whose debits do not equal credits (422) and writes nothing", async () => {
    const body = posting({ entries: [entry(BANK, "debit", 10_000), entry(EQUITY, "credit", 9_999)] });
    await expectNothingWritten([BANK, EQUITY], async () => {
      const res = await api("admin", "POST", "/v1/ledger/transactions", body);
      expectError(res, 422, "unbalanced_transaction");
      expect(res.body.error.details).toEqual({ currency: "INR", debitsPaise: 10_000, creditsPaise: 9_999 });
    });
    expect(await transactionsWithRef(body.externalRef)).toBe(0);
  });

  it("rejects a posting to an account that does not exist (422 account_not_found) and writes nothing", async () => {
    const body = posting({ entries: [entry(BANK, "debit", 500), entry("platform:nope", "credit", 500)] });
    await expectNothingWritten([BANK], async () => {
      const res = await api("admin", "POST", "/v1/ledger/transactions", body);
      expectError(res, 422, "account_not_found");
      expect(res.body.error.details).toEqual({ field: "entries.1.accountId" });
    });
    expect(await transactionsWithRef(body.externalRef)).toBe(0);
  });

  it("rejects a transaction with a single entry (400 validation_failed)", async () => {
    await expectNothingWritten([BANK], async () => {
      const res = await api("admin", "POST", "/v1/ledger/transactions", posting({ entries: [entry(BANK, "debit", 500)] }));
      expectError(res, 400, "validation_failed");
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "entries" })]));
    });
  });

  const badAmounts: Array<[string, unknown]> = [
    ["negative", -500],
    ["zero", 0],
    ["fractional", 10.5],
    ["larger than 10^13", MAX_AMOUNT_PAISE + 1],
    ["a numeric string", "500"],
    ["null", null],
  ];
  for (const [label, amount] of badAmounts) {
    it(`rejects an amount that is ${label} (400 validation_failed pointing at the amount)`, async () => {
      const body = posting({ entries: [entry(BANK, "debit", 500), { ...entry(EQUITY, "credit", 500), amountPaise: amount }] });
      await expectNothingWritten([BANK, EQUITY], async () => {
        const res = await api("admin", "POST", "/v1/ledger/transactions", body);
        expectError(res, 400, "validation_failed");
        expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "entries.1.amountPaise" })]));
      });
    });
  }

  it("accepts the largest allowed amount, 10^13 paise", async () => {
    const res = await api(
      "admin",
      "POST",
      "/v1/ledger/transactions",
      posting({ entries: [entry(WALLET, "debit", MAX_AMOUNT_PAISE), entry(WALLET, "credit", MAX_AMOUNT_PAISE)] }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("rejects unknown fields in the body and in an entry (400 validation_failed)", async () => {
    const top = await api("admin", "POST", "/v1/ledger/transactions", { ...posting(), kind: "order_settlement" });
    expectError(top, 400, "validation_failed");
    expect(top.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ keys: ["kind"] })]));

    const inner = await api("admin", "POST", "/v1/ledger/transactions", posting({ entries: [{ ...entry(BANK, "debit", 1), memo: "x" }, entry(EQUITY, "credit", 1)] }));
    expectError(inner, 400, "validation_failed");
    expect(inner.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "entries.0", keys: ["memo"] })]));
  });

  it("rejects an unknown currency (400 validation_failed)", async () => {
    const res = await api("admin", "POST", "/v1/ledger/transactions", posting({ entries: [{ ...entry(BANK, "debit", 1), currency: "USD" }, entry(EQUITY, "credit", 1)] }));
    expectError(res, 400, "validation_failed");
    expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "entries.0.currency" })]));
  });

  it("replays the same external reference with the same content (200, same id) without posting twice", async () => {
    const body = posting({ metadata: { source: "test", batch: "1" } });
    const first = await api("admin", "POST", "/v1/ledger/transactions", body);
    expect(first.status).toBe(201);
    const before = await snapshotAccounts([BANK, EQUITY]);
    const entriesBefore = await totalEntries();

    // Same content, entries and metadata keys in another order: still the same transaction.
    const reordered = { ...body, metadata: { batch: "1", source: "test" }, entries: [...body.entries].reverse() };
    for (const replay of [body, reordered]) {
      const res = await api("admin", "POST", "/v1/ledger/transactions", replay);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.id).toBe(first.body.id);
    }
    expect(await snapshotAccounts([BANK, EQUITY])).toEqual(before);
    expect(await totalEntries()).toBe(entriesBefore);
    expect(await transactionsWithRef(body.externalRef)).toBe(1);
  });

  it("refuses the same external reference with different content (409 external_ref_conflict)", async () => {
    const body = posting();
    const first = await api("admin", "POST", "/v1/ledger/transactions", body);
    expect(first.status).toBe(201);
    const changed = [
      { ...body, entries: [entry(BANK, "debit", 10_001), entry(EQUITY, "credit", 10_001)] },
      { ...body, description: "Something else" },
      { ...body, entries: [entry(REVENUE, "debit", 10_000), entry(EQUITY, "credit", 10_000)] },
    ];
    for (const variant of changed) {
      await expectNothingWritten([BANK, EQUITY, REVENUE], async () => {
        const res = await api("admin", "POST", "/v1/ledger/transactions", variant);
        expectError(res, 409, "external_ref_conflict");
        expect(res.body.error.details).toEqual({ externalRef: body.externalRef, transactionId: first.body.id });
      });
    }
  });

  it("refuses the maker role (403 forbidden_role)", async () => {
    await expectNothingWritten([BANK, EQUITY], async () => {
      const res = await api("maker", "POST", "/v1/ledger/transactions", posting());
      expectError(res, 403, "forbidden_role");
    });
  });

  it("refuses a request without a token (401 unauthenticated)", async () => {
    await expectNothingWritten([BANK, EQUITY], async () => {
      expectError(await api(null, "POST", "/v1/ledger/transactions", posting()), 401, "unauthenticated");
    });
    expectError(await api(null, "GET", `/v1/ledger/accounts/${BANK}`), 401, "unauthenticated");
  });
});

describe("POST /v1/ledger/transactions/:id/reversal", () => {
  it("posts the mirror transaction (201), restores balances, and replays a repeated call (200)", async () => {
    const ids = [BANK, REVENUE, WALLET];
    const before = await snapshotAccounts(ids);
    const original = await api(
      "admin",
      "POST",
      "/v1/ledger/transactions",
      posting({ entries: [entry(BANK, "debit", 7_000), entry(REVENUE, "credit", 2_000), entry(WALLET, "credit", 5_000)] }),
    );
    expect(original.status).toBe(201);
    const moved = await snapshotAccounts(ids);
    expect(moved[BANK]!.balancePaise - before[BANK]!.balancePaise).toBe(7_000);

    const reversal = await api("admin", "POST", `/v1/ledger/transactions/${original.body.id}/reversal`, { reason: "posted in error" });
    expect(reversal.status, JSON.stringify(reversal.body)).toBe(201);
    expect(reversal.body).toMatchObject({ kind: "reversal", reversesTransactionId: original.body.id });
    expect(reversal.body.id).not.toBe(original.body.id);
    const flip = (e: { direction: string }) => (e.direction === "debit" ? "credit" : "debit");
    expect(reversal.body.entries).toEqual(
      expect.arrayContaining(original.body.entries.map((e: any) => ({ ...e, direction: flip(e) }))),
    );
    expect(reversal.body.entries).toHaveLength(original.body.entries.length);

    const restored = await snapshotAccounts(ids);
    for (const id of ids) {
      expect(restored[id]!.balancePaise).toBe(before[id]!.balancePaise);
      // Nothing was deleted or edited: both the original and its reversal are in the journal.
      expect(restored[id]!.entryCount - before[id]!.entryCount).toBe(2);
    }

    const again = await api("admin", "POST", `/v1/ledger/transactions/${original.body.id}/reversal`, { reason: "posted in error" });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.id).toBe(reversal.body.id);
    expect(await snapshotAccounts(ids)).toEqual(restored);
  });

  it("never reverses a transaction twice, even for a different reason (409)", async () => {
    const original = await api("admin", "POST", "/v1/ledger/transactions", posting());
    const reversal = await api("admin", "POST", `/v1/ledger/transactions/${original.body.id}/reversal`, { reason: "first" });
    expect(reversal.status).toBe(201);
    await expectNothingWritten([BANK, EQUITY], async () => {
      const res = await api("admin", "POST", `/v1/ledger/transactions/${original.body.id}/reversal`, { reason: "second" });
      expectError(res, 409, "already_reversed");
      expect(res.body.error.details).toMatchObject({ reversalId: reversal.body.id });
    });
  });

  it("answers 404 transaction_not_found for an unknown transaction", async () => {
    expectError(await api("admin", "POST", "/v1/ledger/transactions/txn_nope/reversal", { reason: "x" }), 404, "transaction_not_found");
  });

  it("is for admins only: system and maker get 403 forbidden_role", async () => {
    const original = await api("admin", "POST", "/v1/ledger/transactions", posting());
    await expectNothingWritten([BANK, EQUITY], async () => {
      for (const actor of ["system", "maker"] as const) {
        expectError(await api(actor, "POST", `/v1/ledger/transactions/${original.body.id}/reversal`, { reason: "x" }), 403, "forbidden_role");
      }
    });
  });
});

describe("reading the ledger", () => {
  let payableId: string;

  beforeAll(async () => {
    const payee = await createPayee("seller");
    payableId = payee.payableAccountId;
    const postings: Array<[Direction, number]> = [
      ["credit", 12_345],
      ["credit", 1],
      ["debit", 2_000],
      ["credit", 99_999],
      ["debit", 345],
      ["credit", 7],
      ["credit", 500],
    ];
    for (const [direction, amount] of postings) {
      const other = direction === "credit" ? entry(BANK, "debit", amount) : entry(BANK, "credit", amount);
      const res = await api("admin", "POST", "/v1/ledger/transactions", posting({ entries: [entry(payableId, direction, amount), other] }));
      if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    }
  });

  it("reports an account balance equal to the sum of its entries, read page by page", async () => {
    const account = await getAccount(payableId);
    const { rows, pages } = await allEntries(payableId, 2);
    expect(pages).toBe(4);
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((r) => r.id)).size).toBe(7);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
    expect(account.entryCount).toBe(7);
    expect(account.balancePaise).toBe(12_345 + 1 - 2_000 + 99_999 - 345 + 7 + 500);
    expect(balanceFromEntries(account.type, rows)).toBe(account.balancePaise);
  });

  it("keeps every account's posted totals equal to its entries, including the busy bank account", async () => {
    for (const id of [payableId, BANK, EQUITY, REVENUE, WALLET]) {
      const account = await getAccount(id);
      const { rows } = await allEntries(id, 7);
      expect(rows).toHaveLength(account.entryCount);
      const sum = (d: Direction) => rows.filter((r) => r.direction === d).reduce((s, r) => s + r.amountPaise, 0);
      expect(sum("debit"), id).toBe(account.debitsPostedPaise);
      expect(sum("credit"), id).toBe(account.creditsPostedPaise);
      expect(balanceFromEntries(account.type, rows), id).toBe(account.balancePaise);
    }
  });

  it("answers 404 account_not_found for an unknown account", async () => {
    expectError(await api("auditor", "GET", "/v1/ledger/accounts/platform:nope"), 404, "account_not_found");
    expectError(await api("auditor", "GET", "/v1/ledger/accounts/platform:nope/entries"), 404, "account_not_found");
  });

  it("shows a balanced trial balance whose total debits equal total credits", async () => {
    const res = await api("auditor", "GET", "/v1/ledger/trial-balance");
    expect(res.status).toBe(200);
    expect(res.body.balanced).toBe(true);
    const inr = res.body.totals.find((t: any) => t.currency === "INR");
    expect(inr.debitsPaise).toBeGreaterThan(0);
    expect(inr.debitsPaise).toBe(inr.creditsPaise);
    expect(inr.differencePaise).toBe(0);
    // The totals are the sums of the accounts it lists.
    const listed = res.body.accounts as Array<{ debitsPostedPaise: number; creditsPostedPaise: number }>;
    expect(listed.reduce((s, a) => s + a.debitsPostedPaise, 0)).toBe(inr.debitsPaise);
    expect(listed.reduce((s, a) => s + a.creditsPostedPaise, 0)).toBe(inr.creditsPaise);
    // And they agree with the journal itself.
    const journal = await env.DB.prepare(
      "SELECT SUM(CASE WHEN direction = 'debit' THEN amount_paise ELSE 0 END) AS d, SUM(CASE WHEN direction = 'credit' THEN amount_paise ELSE 0 END) AS c FROM journal_entries",
    ).first<{ d: number; c: number }>();
    expect(journal).toEqual({ d: inr.debitsPaise, c: inr.creditsPaise });
  });

  it("keeps the trial balance from makers (403 forbidden_role)", async () => {
    expectError(await api("maker", "GET", "/v1/ledger/trial-balance"), 403, "forbidden_role");
  });
});

describe("journal immutability in the database", () => {
  it("refuses to update or delete posted entries and transactions, whatever code path tries", async () => {
    const posted = await api("admin", "POST", "/v1/ledger/transactions", posting());
    expect(posted.status).toBe(201);
    const before = await env.DB.prepare("SELECT * FROM journal_entries ORDER BY id").all();
    expect(before.results.length).toBeGreaterThan(0);

    const attempts = [
      "UPDATE journal_entries SET amount_paise = 1",
      "DELETE FROM journal_entries",
      "UPDATE journal_transactions SET description = 'edited'",
      "DELETE FROM journal_transactions",
      "UPDATE audit_events SET actor_id = 'someone-else'",
      "DELETE FROM audit_events",
    ];
    for (const statement of attempts) {
      await expect(env.DB.prepare(statement).run(), statement).rejects.toThrow(/immutable|append-only/);
    }
    await expect(
      env.DB.prepare("UPDATE journal_entries SET amount_paise = amount_paise WHERE transaction_id = ?").bind(posted.body.id).run(),
    ).rejects.toThrow(/immutable/);

    const after = await env.DB.prepare("SELECT * FROM journal_entries ORDER BY id").all();
    expect(after.results).toEqual(before.results);
    const read = await api("auditor", "GET", `/v1/ledger/transactions/${posted.body.id}`);
    expect(read.body).toEqual(posted.body);
  });
});

describe("reserved references", () => {
  it.each(["order:ORD-1:settlement", "payout:po_1:reserve", "reversal:txn_1"])(
    "refuses a manual posting under the system reference %s (422 reserved_external_ref)",
    async (externalRef) => {
      const res = await api("admin", "POST", "/v1/ledger/transactions", {
        externalRef,
        description: "trying to take a system reference",
        entries: [entry("platform:bank", "debit", 100), entry("platform:owner_equity", "credit", 100)],
      });
      expectError(res, 422, "reserved_external_ref");
      expect(res.body.error.details).toMatchObject({ field: "externalRef" });
    },
  );
});
