// Reads the journal for an export page by page, in export order, so no query returns more than a
// bounded number of rows however large the journal grows (see src/domain/journal-export.ts).

import { and, asc, eq, gt, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { AccountType } from "../domain/accounts";
import type { ExportAccount, ExportEntry, ExportTransaction, OpeningBalance } from "../domain/journal-export";
import type { Db } from "./client";
import { accounts, journalEntries, journalTransactions } from "./schema";

export const EXPORT_ACCOUNTS_PER_PAGE = 200;
/** D1 binds at most 100 parameters per statement; a page's ids are bound to read its entries. */
export const EXPORT_TRANSACTIONS_PER_PAGE = 50;

/** Every account, by id. */
export async function* accountPages(db: Db, pageSize = EXPORT_ACCOUNTS_PER_PAGE): AsyncGenerator<ExportAccount[]> {
  let after: string | null = null;
  for (;;) {
    const rows: ExportAccount[] = await db
      .select({ id: accounts.id, type: accounts.type, name: accounts.name })
      .from(accounts)
      .where(after === null ? undefined : gt(accounts.id, after))
      .orderBy(asc(accounts.id))
      .limit(pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Per account, by id: debits minus credits over every entry of a transaction created before `beforeIso`. */
export async function* openingBalancePages(db: Db, beforeIso: string, pageSize = EXPORT_ACCOUNTS_PER_PAGE): AsyncGenerator<OpeningBalance[]> {
  let after: string | null = null;
  for (;;) {
    const conditions: SQL[] = [lt(journalTransactions.createdAt, beforeIso)];
    if (after !== null) conditions.push(gt(journalEntries.accountId, after));
    const rows: OpeningBalance[] = await db
      .select({
        accountId: journalEntries.accountId,
        accountType: accounts.type,
        currency: accounts.currency,
        netDebitPaise: sql<number>`sum(case when ${journalEntries.direction} = 'debit' then ${journalEntries.amountPaise} else -${journalEntries.amountPaise} end)`.mapWith(Number),
      })
      .from(journalEntries)
      .innerJoin(journalTransactions, eq(journalTransactions.id, journalEntries.transactionId))
      .innerJoin(accounts, eq(accounts.id, journalEntries.accountId))
      .where(and(...conditions))
      .groupBy(journalEntries.accountId, accounts.type, accounts.currency)
      .orderBy(asc(journalEntries.accountId))
      .limit(pageSize);
    if (rows.length > 0) yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.accountId;
  }
}

/** Transactions created in [fromIso, beforeIso), by (created_at, id), each with its entries in posting order. */
export async function* transactionPages(
  db: Db,
  range: { fromIso: string | null; beforeIso: string },
  pageSize = EXPORT_TRANSACTIONS_PER_PAGE,
): AsyncGenerator<ExportTransaction[]> {
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const conditions: SQL[] = [lt(journalTransactions.createdAt, range.beforeIso)];
    if (range.fromIso !== null) conditions.push(gte(journalTransactions.createdAt, range.fromIso));
    if (after !== null) {
      // (created_at, id) > after, written so the created_at index bounds the scan.
      conditions.push(gte(journalTransactions.createdAt, after.createdAt));
      conditions.push(or(gt(journalTransactions.createdAt, after.createdAt), gt(journalTransactions.id, after.id))!);
    }
    const rows = await db
      .select()
      .from(journalTransactions)
      .where(and(...conditions))
      .orderBy(asc(journalTransactions.createdAt), asc(journalTransactions.id))
      .limit(pageSize);
    if (rows.length === 0) return;

    const entryRows = await db
      .select({
        transactionId: journalEntries.transactionId,
        accountId: journalEntries.accountId,
        accountType: accounts.type,
        direction: journalEntries.direction,
        amountPaise: journalEntries.amountPaise,
        currency: journalEntries.currency,
      })
      .from(journalEntries)
      .innerJoin(accounts, eq(accounts.id, journalEntries.accountId))
      .where(inArray(journalEntries.transactionId, rows.map((r) => r.id)))
      .orderBy(asc(journalEntries.id));
    const entriesByTransaction = new Map<string, ExportEntry[]>();
    for (const { transactionId, ...e } of entryRows) {
      const list = entriesByTransaction.get(transactionId) ?? [];
      list.push({ ...e, accountType: e.accountType as AccountType });
      entriesByTransaction.set(transactionId, list);
    }
    yield rows.map((r) => ({
      id: r.id,
      externalRef: r.externalRef,
      kind: r.kind,
      description: r.description,
      cycleId: r.cycleId,
      orderId: r.orderId,
      payeeId: r.payeeId,
      reversesTransactionId: r.reversesTransactionId,
      actorId: r.actorId,
      createdAt: r.createdAt,
      entries: entriesByTransaction.get(r.id) ?? [],
    }));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { createdAt: last.createdAt, id: last.id };
  }
}
