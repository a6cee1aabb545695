// Rules for journal transactions: two or more entries, positive integer amounts, and debits equal
// to credits in every currency. Checked before anything is written; a transaction that breaks
// them never reaches the database.

import type { AccountRef, Side } from "./accounts";
import { invalid } from "./errors";
import { type Currency, isAmountPaise, MAX_AMOUNT_PAISE } from "./money";

export const MAX_ENTRIES_PER_TRANSACTION = 50;

export interface EntryInput {
  accountId: string;
  direction: Side;
  amountPaise: number;
  currency: Currency;
}

export interface TransactionInput {
  externalRef: string;
  kind: string;
  description: string;
  entries: EntryInput[];
  cycleId?: string | null;
  orderId?: string | null;
  payeeId?: string | null;
  reversesTransactionId?: string | null;
  metadata?: Record<string, string>;
}

/** Throws `unbalanced_transaction` / `invalid_entries` unless the transaction may be posted. */
export function assertPostable(tx: TransactionInput): void {
  if (tx.entries.length < 2) {
    throw invalid("invalid_entries", "A transaction needs at least two entries.", { count: tx.entries.length });
  }
  if (tx.entries.length > MAX_ENTRIES_PER_TRANSACTION) {
    throw invalid("invalid_entries", `A transaction has at most ${MAX_ENTRIES_PER_TRANSACTION} entries.`, {
      count: tx.entries.length,
    });
  }
  tx.entries.forEach((entry, index) => {
    if (!isAmountPaise(entry.amountPaise)) {
      throw invalid("invalid_amount", `entries[${index}].amountPaise must be an integer from 1 to ${MAX_AMOUNT_PAISE}.`, {
        field: `entries.${index}.amountPaise`,
      });
    }
  });
  const totals = totalsByCurrency(tx.entries);
  for (const [currency, { debitsPaise, creditsPaise }] of totals) {
    if (debitsPaise !== creditsPaise) {
      throw invalid("unbalanced_transaction", `Debits (${debitsPaise}) do not equal credits (${creditsPaise}) in ${currency}.`, {
        currency,
        debitsPaise,
        creditsPaise,
      });
    }
  }
}

export function totalsByCurrency(entries: readonly EntryInput[]) {
  const totals = new Map<Currency, { debitsPaise: number; creditsPaise: number }>();
  for (const entry of entries) {
    const t = totals.get(entry.currency) ?? { debitsPaise: 0, creditsPaise: 0 };
    if (entry.direction === "debit") t.debitsPaise += entry.amountPaise;
    else t.creditsPaise += entry.amountPaise;
    totals.set(entry.currency, t);
  }
  return totals;
}

/** Reference namespaces Disburse writes itself; a manual posting may not take one. */
export const SYSTEM_REF_PREFIXES = ["order:", "payout:", "reversal:", "adjustment:", "reserve:", "carry:", "statutory:"] as const;

export function assertManualRef(externalRef: string): void {
  const prefix = SYSTEM_REF_PREFIXES.find((p) => externalRef.startsWith(p));
  if (prefix) {
    throw invalid("reserved_external_ref", `References starting with "${prefix}" are written by Disburse itself; choose another.`, {
      field: "externalRef",
    });
  }
}

/** Checks each entry against the account it names: it must exist and be in the entry's currency. */
export function assertAccountsMatch(entries: readonly EntryInput[], accounts: ReadonlyMap<string, AccountRef>): void {
  entries.forEach((entry, index) => {
    const account = accounts.get(entry.accountId);
    if (!account) {
      throw invalid("account_not_found", `Account ${entry.accountId} does not exist.`, {
        field: `entries.${index}.accountId`,
      });
    }
    if (account.currency !== entry.currency) {
      throw invalid("currency_mismatch", `Account ${entry.accountId} is in ${account.currency}, not ${entry.currency}.`, {
        field: `entries.${index}.currency`,
      });
    }
  });
}

/** The entries that undo a transaction: same accounts and amounts, sides swapped. */
export function reversingEntries(entries: readonly EntryInput[]): EntryInput[] {
  return entries.map((e) => ({ ...e, direction: e.direction === "debit" ? "credit" : "debit" }));
}

/**
 * A stable representation of everything a transaction says, so that a replay under the same
 * external reference can be told apart from a different transaction reusing it.
 */
export function canonicalTransaction(tx: TransactionInput): string {
  const entries = tx.entries
    .map((e) => [e.accountId, e.direction, e.amountPaise, e.currency] as const)
    .sort((a, b) => (a.join("|") < b.join("|") ? -1 : a.join("|") > b.join("|") ? 1 : 0));
  const metadata = Object.entries(tx.metadata ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([
    tx.externalRef,
    tx.kind,
    tx.description,
    tx.cycleId ?? null,
    tx.orderId ?? null,
    tx.payeeId ?? null,
    tx.reversesTransactionId ?? null,
    metadata,
    entries,
  ]);
}
