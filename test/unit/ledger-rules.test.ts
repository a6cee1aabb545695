import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors";
import {
  assertPostable,
  canonicalTransaction,
  type EntryInput,
  MAX_ENTRIES_PER_TRANSACTION,
  reversingEntries,
  type TransactionInput,
} from "../../src/domain/ledger";
import { MAX_AMOUNT_PAISE } from "../../src/domain/money";

const ACCOUNT_IDS = ["platform:bank", "platform:fee_revenue", "platform:owner_equity", "payee:pe_a:payable", "payee:pe_b:payable"];

const entry = (accountId: string, direction: "debit" | "credit", amountPaise: number): EntryInput => ({
  accountId,
  direction,
  amountPaise,
  currency: "INR",
});

const tx = (entries: EntryInput[], over: Partial<TransactionInput> = {}): TransactionInput => ({
  externalRef: "ref-1",
  kind: "manual",
  description: "test",
  entries,
  ...over,
});

/** Runs `fn` and returns the DomainError it throws; fails the test when it throws nothing else. */
function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error("expected a DomainError, nothing was thrown");
}

/** Signed amount per account: debits positive, credits negative. */
function netByAccount(entries: readonly EntryInput[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const e of entries) net.set(e.accountId, (net.get(e.accountId) ?? 0) + (e.direction === "debit" ? e.amountPaise : -e.amountPaise));
  return net;
}

const sideTotal = (entries: readonly EntryInput[], side: "debit" | "credit") =>
  entries.filter((e) => e.direction === side).reduce((sum, e) => sum + e.amountPaise, 0);

const accountId = fc.constantFrom(...ACCOUNT_IDS);
// Small enough that 50 of them never overflow, large enough to cover real amounts.
const amount = fc.integer({ min: 1, max: 1_000_000_000 });

/**
 * A balanced entry set: some debits and some credits with equal totals. Built by splitting
 * one total into random positive parts on each side.
 */
const balancedEntries: fc.Arbitrary<EntryInput[]> = fc
  .tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 }))
  .chain(([debitCount, creditCount]) =>
    fc
      .tuple(
        fc.array(amount, { minLength: debitCount, maxLength: debitCount }),
        fc.array(accountId, { minLength: debitCount, maxLength: debitCount }),
        fc.array(accountId, { minLength: creditCount, maxLength: creditCount }),
        fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: creditCount, maxLength: creditCount }),
      )
      .filter(([debits, , , weights]) => debits.reduce((a, b) => a + b, 0) >= weights.length)
      .map(([debits, debitAccounts, creditAccounts, weights]) => {
        const total = debits.reduce((a, b) => a + b, 0);
        // Every credit gets at least 1 paisa; the rest is shared by weight, remainder to the last.
        const spare = total - weights.length;
        const weightSum = weights.reduce((a, b) => a + b, 0);
        const credits = weights.map((w) => 1 + Math.floor((spare * w) / weightSum));
        credits[credits.length - 1]! += total - credits.reduce((a, b) => a + b, 0);
        return [
          ...debits.map((a, i) => entry(debitAccounts[i]!, "debit", a)),
          ...credits.map((a, i) => entry(creditAccounts[i]!, "credit", a)),
        ];
      }),
  )
  .chain((entries) => fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }));

/** Any entry set (2 to 50 entries) whose debits differ from its credits. */
const unbalancedEntries: fc.Arbitrary<EntryInput[]> = fc
  .array(fc.record({ accountId, direction: fc.constantFrom("debit" as const, "credit" as const), amountPaise: amount }), {
    minLength: 2,
    maxLength: MAX_ENTRIES_PER_TRANSACTION,
  })
  .map((rows) => rows.map((r) => entry(r.accountId, r.direction, r.amountPaise)))
  .filter((entries) => sideTotal(entries, "debit") !== sideTotal(entries, "credit"));

describe("assertPostable", () => {
  it("accepts a transaction whose debits equal its credits", () => {
    expect(() => assertPostable(tx([entry("platform:bank", "debit", 500), entry("platform:owner_equity", "credit", 500)]))).not.toThrow();
  });

  it("rejects a transaction whose debits do not equal credits, reporting both totals", () => {
    const error = domainErrorOf(() =>
      assertPostable(tx([entry("platform:bank", "debit", 500), entry("platform:owner_equity", "credit", 499)])),
    );
    expect(error.kind).toBe("invalid");
    expect(error.code).toBe("unbalanced_transaction");
    expect(error.details).toEqual({ currency: "INR", debitsPaise: 500, creditsPaise: 499 });
  });

  it("rejects a transaction with only debits", () => {
    const error = domainErrorOf(() => assertPostable(tx([entry("platform:bank", "debit", 1), entry("platform:fee_revenue", "debit", 1)])));
    expect(error.code).toBe("unbalanced_transaction");
  });

  it("rejects a transaction with fewer than two entries", () => {
    expect(domainErrorOf(() => assertPostable(tx([]))).code).toBe("invalid_entries");
    const error = domainErrorOf(() => assertPostable(tx([entry("platform:bank", "debit", 1)])));
    expect(error.code).toBe("invalid_entries");
    expect(error.details).toEqual({ count: 1 });
  });

  it(`rejects a transaction with more than ${MAX_ENTRIES_PER_TRANSACTION} entries even when balanced`, () => {
    const entries = Array.from({ length: MAX_ENTRIES_PER_TRANSACTION + 2 }, (_, i) =>
      entry("platform:bank", i % 2 === 0 ? "debit" : "credit", 10),
    );
    const error = domainErrorOf(() => assertPostable(tx(entries)));
    expect(error.code).toBe("invalid_entries");
    expect(error.details).toEqual({ count: MAX_ENTRIES_PER_TRANSACTION + 2 });
    expect(() => assertPostable(tx(entries.slice(0, MAX_ENTRIES_PER_TRANSACTION)))).not.toThrow();
  });

  it("rejects zero, negative, fractional and oversized amounts, naming the entry", () => {
    for (const bad of [0, -100, 10.5, MAX_AMOUNT_PAISE + 1, Number.NaN]) {
      const error = domainErrorOf(() =>
        assertPostable(tx([entry("platform:bank", "debit", 100), entry("platform:owner_equity", "credit", bad)])),
      );
      expect(error.code, String(bad)).toBe("invalid_amount");
      expect(error.details).toEqual({ field: "entries.1.amountPaise" });
    }
  });

  it("does not let a negative amount balance a transaction", () => {
    // +100 debit, -100 debit and nothing credited "sum" to zero on each side only by cheating.
    const error = domainErrorOf(() =>
      assertPostable(tx([entry("platform:bank", "debit", 100), entry("platform:bank", "debit", -100)])),
    );
    expect(error.code).toBe("invalid_amount");
  });

  it("accepts every balanced entry set", () => {
    fc.assert(
      fc.property(balancedEntries, (entries) => {
        expect(sideTotal(entries, "debit")).toBe(sideTotal(entries, "credit"));
        expect(() => assertPostable(tx(entries))).not.toThrow();
      }),
    );
  });

  it("rejects every unbalanced entry set with unbalanced_transaction", () => {
    fc.assert(
      fc.property(unbalancedEntries, (entries) => {
        const error = domainErrorOf(() => assertPostable(tx(entries)));
        expect(error.code).toBe("unbalanced_transaction");
        expect(error.details).toMatchObject({ debitsPaise: sideTotal(entries, "debit"), creditsPaise: sideTotal(entries, "credit") });
      }),
    );
  });

  it("rejects a balanced set once any single amount is changed", () => {
    fc.assert(
      fc.property(balancedEntries, fc.nat(), fc.integer({ min: 1, max: 1_000_000 }), fc.boolean(), (entries, pick, delta, up) => {
        const index = pick % entries.length;
        const target = entries[index]!;
        if (!up && target.amountPaise <= delta) return; // would no longer be a positive amount
        const changed = entries.map((e, i) => (i === index ? { ...e, amountPaise: e.amountPaise + (up ? delta : -delta) } : e));
        expect(domainErrorOf(() => assertPostable(tx(changed))).code).toBe("unbalanced_transaction");
      }),
    );
  });
});

describe("reversingEntries", () => {
  it("swaps every entry's side and keeps its account, amount and currency", () => {
    const original = [entry("platform:bank", "debit", 700), entry("platform:fee_revenue", "credit", 200), entry("payee:pe_a:payable", "credit", 500)];
    expect(reversingEntries(original)).toEqual([
      entry("platform:bank", "credit", 700),
      entry("platform:fee_revenue", "debit", 200),
      entry("payee:pe_a:payable", "debit", 500),
    ]);
  });

  it("leaves the original entries untouched", () => {
    const original = [entry("platform:bank", "debit", 700), entry("platform:owner_equity", "credit", 700)];
    const copy = structuredClone(original);
    reversingEntries(original);
    expect(original).toEqual(copy);
  });

  it("reverses any balanced set into a balanced set that nets every account back to zero", () => {
    fc.assert(
      fc.property(balancedEntries, (entries) => {
        const reversal = reversingEntries(entries);
        expect(() => assertPostable(tx(reversal))).not.toThrow();
        expect(reversal).toHaveLength(entries.length);
        const before = netByAccount(entries);
        const after = netByAccount(reversal);
        for (const [account, net] of before) expect(net + after.get(account)!).toBe(0);
        expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
        // Reversing twice gives back the original.
        expect(reversingEntries(reversal)).toEqual(entries);
      }),
    );
  });
});

describe("canonicalTransaction", () => {
  const base = tx([entry("platform:bank", "debit", 300), entry("platform:owner_equity", "credit", 300)], {
    cycleId: "2026-W48",
    metadata: { a: "1", b: "2" },
  });

  it("does not depend on the order of entries or of metadata keys", () => {
    fc.assert(
      fc.property(balancedEntries, (entries) => {
        const reordered = [...entries].reverse();
        expect(canonicalTransaction(tx(reordered))).toBe(canonicalTransaction(tx(entries)));
      }),
    );
    expect(canonicalTransaction({ ...base, metadata: { b: "2", a: "1" } })).toBe(canonicalTransaction(base));
  });

  it("treats absent optional fields the same as null ones", () => {
    const bare = tx(base.entries);
    expect(canonicalTransaction({ ...bare, cycleId: null, orderId: null, payeeId: null, reversesTransactionId: null, metadata: {} })).toBe(
      canonicalTransaction(bare),
    );
  });

  it("changes when anything the transaction says changes", () => {
    const original = canonicalTransaction(base);
    const variants: TransactionInput[] = [
      { ...base, externalRef: "ref-2" },
      { ...base, kind: "other" },
      { ...base, description: "different" },
      { ...base, cycleId: "2026-W49" },
      { ...base, orderId: "ORD-1" },
      { ...base, payeeId: "pe_a" },
      { ...base, reversesTransactionId: "txn_1" },
      { ...base, metadata: { a: "1", b: "3" } },
      { ...base, metadata: { a: "1" } },
      { ...base, entries: [entry("platform:bank", "debit", 301), entry("platform:owner_equity", "credit", 301)] },
      { ...base, entries: [entry("platform:bank", "credit", 300), entry("platform:owner_equity", "debit", 300)] },
      { ...base, entries: [entry("platform:fee_revenue", "debit", 300), entry("platform:owner_equity", "credit", 300)] },
      { ...base, entries: [...base.entries, entry("platform:bank", "debit", 1), entry("platform:owner_equity", "credit", 1)] },
    ];
    const seen = new Set([original]);
    for (const variant of variants) {
      const text = canonicalTransaction(variant);
      expect(seen.has(text), JSON.stringify(variant)).toBe(false);
      seen.add(text);
    }
  });
});
