// Random journals for property tests of the export: accounts with ids of every shape, and
// balanced transactions over them. Shared by the unit tests and the hledger test.

import fc from "fast-check";
import { type AccountType, PLATFORM_ACCOUNTS } from "../../src/domain/accounts.ts";
import type { ExportAccount, ExportEntry, ExportTransaction, OpeningBalance } from "../../src/domain/journal-export.ts";
import { MAX_AMOUNT_PAISE } from "../../src/domain/money.ts";

export const ACCOUNT_TYPES: AccountType[] = ["asset", "liability", "equity", "revenue", "expense"];

export const platformAccounts: ExportAccount[] = PLATFORM_ACCOUNTS.map((a) => ({ id: a.id, type: a.type, name: a.name }));

/** Ids of every shape: the platform chart, payees, and odd ids that need escaping. */
const accountPool = fc.uniqueArray(
  fc.oneof(
    fc.constantFrom(...platformAccounts),
    fc.stringMatching(/^pe_[0-9a-z]{1,8}$/).map((p) => ({ id: `payee:${p}:payable`, type: "liability" as const, name: `Payable to ${p}` })),
    fc.record({ id: fc.string({ minLength: 1, maxLength: 12, unit: "grapheme" }), type: fc.constantFrom(...ACCOUNT_TYPES), name: fc.string({ maxLength: 20 }) }),
  ),
  { minLength: 2, maxLength: 12, selector: (a) => a.id },
);

/** Balanced entries over the pool: some debits, then credits sharing the same total by weight. */
const balancedEntries = (pool: ExportAccount[]): fc.Arbitrary<ExportEntry[]> =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom(...pool), fc.integer({ min: 1, max: MAX_AMOUNT_PAISE })), { minLength: 1, maxLength: 10 }),
      fc.array(fc.tuple(fc.constantFrom(...pool), fc.integer({ min: 1, max: 1_000 })), { minLength: 1, maxLength: 10 }),
    )
    .map(([debits, creditWeights]) => {
      const total = debits.reduce((s, [, a]) => s + a, 0);
      const weightSum = creditWeights.reduce((s, [, w]) => s + w, 0);
      // Shares rounded down, the remainder to the last credit; a share of 0 is dropped.
      const credits = creditWeights.map(([account, w]) => [account, Number((BigInt(total) * BigInt(w)) / BigInt(weightSum))] as const);
      const last = credits.length - 1;
      credits[last] = [credits[last]![0], total - credits.slice(0, last).reduce((s, [, a]) => s + a, 0)];
      const entry = (a: ExportAccount, direction: "debit" | "credit", amountPaise: number): ExportEntry => ({
        accountId: a.id,
        accountType: a.type,
        direction,
        amountPaise,
        currency: "INR",
      });
      return [...debits.map(([a, amount]) => entry(a, "debit", amount)), ...credits.filter(([, amount]) => amount > 0).map(([a, amount]) => entry(a, "credit", amount))];
    });

// Descriptions mixing ordinary text with everything hledger would misread.
const descriptionUnit = fc.oneof(fc.constantFrom(";", "\n", "\r", "\t", " ", "\u2028", "\u202e", "%", ",", "*", "!", "(", ")", "|"), fc.string({ minLength: 1, maxLength: 1, unit: "grapheme" }));

export const journalInput: fc.Arbitrary<{ accounts: ExportAccount[]; transactions: ExportTransaction[] }> = accountPool.chain((pool) =>
  fc.record({
    accounts: fc.constant(pool),
    transactions: fc
      .array(
        fc.record({
          entries: balancedEntries(pool),
          createdAt: fc.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T23:59:59.999Z"), noInvalidDate: true }).map((d) => d.toISOString()),
          description: fc.string({ maxLength: 40, unit: descriptionUnit }),
          externalRef: fc.string({ minLength: 1, maxLength: 30 }),
          cycleId: fc.option(fc.string({ minLength: 1, maxLength: 10 })),
        }),
        { maxLength: 15 },
      )
      .map((rows) =>
        rows.map(
          (r, i): ExportTransaction => ({
            id: `txn_${String(i).padStart(3, "0")}`,
            kind: "manual",
            orderId: null,
            payeeId: null,
            reversesTransactionId: null,
            actorId: "admin-ada",
            ...r,
          }),
        ),
      ),
  }),
);

export const dayArbitrary = fc
  .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2031-01-01T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** The transactions from `fromDate` on, and the opening balances of everything before it. */
export function splitAt(transactions: readonly ExportTransaction[], fromDate: string) {
  const boundary = `${fromDate}T00:00:00.000Z`;
  const opening = new Map<string, OpeningBalance>();
  for (const t of transactions.filter((t) => t.createdAt < boundary)) {
    for (const e of t.entries) {
      const b = opening.get(e.accountId) ?? { accountId: e.accountId, accountType: e.accountType, currency: e.currency, netDebitPaise: 0 };
      b.netDebitPaise += e.direction === "debit" ? e.amountPaise : -e.amountPaise;
      opening.set(e.accountId, b);
    }
  }
  return { openingBalances: [...opening.values()], transactions: transactions.filter((t) => t.createdAt >= boundary) };
}

/** Net debits minus credits per account over the given transactions. */
export function netOfEntries(transactions: readonly ExportTransaction[]): Map<string, number> {
  const net = new Map<string, number>();
  for (const t of transactions) {
    for (const e of t.entries) net.set(e.accountId, (net.get(e.accountId) ?? 0) + (e.direction === "debit" ? e.amountPaise : -e.amountPaise));
  }
  return net;
}
