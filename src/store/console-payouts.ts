// The ops console's reads over all payouts: a filtered list, newest first, paged by a keyset on
// (created_at, id) so a page costs the same however deep it is, and the last days' totals by
// day. Each filter has an index to start from (test/integration/query-plans.test.ts): status
// through payouts_status_created_idx, batch and payee through their own indexes, creation and
// settlement time through payouts_created_idx and payouts_processed_idx. The amount range only
// narrows what those read.

import { and, count, desc, eq, gte, lt, lte, or, type SQL, sql, sum } from "drizzle-orm";
import type { PayoutStatus } from "../domain/statuses";
import type { Db } from "./client";
import { allOf, keysetPage } from "./page";
import type { PayoutRow } from "./payouts";
import { payouts } from "./schema";
import { sqlList } from "./sql-list";

/** Where a page ends: the last row's creation time and id (ids break ties within a millisecond). */
export interface PayoutCursor {
  createdAt: string;
  id: string;
}

export interface PayoutFilter {
  status?: PayoutStatus | undefined;
  batchId?: string | undefined;
  payeeId?: string | undefined;
  /** ISO instants, `to` excluded. */
  createdFrom?: string | undefined;
  createdTo?: string | undefined;
  settledFrom?: string | undefined;
  settledTo?: string | undefined;
  /** Both included. */
  minPaise?: number | undefined;
  maxPaise?: number | undefined;
}

function filterConditions(f: PayoutFilter): SQL[] {
  const c: SQL[] = [];
  if (f.status) c.push(eq(payouts.status, f.status));
  if (f.batchId) c.push(eq(payouts.batchId, f.batchId));
  if (f.payeeId) c.push(eq(payouts.payeeId, f.payeeId));
  if (f.createdFrom) c.push(gte(payouts.createdAt, f.createdFrom));
  if (f.createdTo) c.push(lt(payouts.createdAt, f.createdTo));
  if (f.settledFrom) c.push(gte(payouts.processedAt, f.settledFrom));
  if (f.settledTo) c.push(lt(payouts.processedAt, f.settledTo));
  if (f.minPaise !== undefined) c.push(gte(payouts.amountPaise, f.minPaise));
  if (f.maxPaise !== undefined) c.push(lte(payouts.amountPaise, f.maxPaise));
  return c;
}

/**
 * Rows strictly after the cursor in (created_at DESC, id DESC) order. Written as a bound on
 * created_at alone plus a tie-break, because the bound is what an index on created_at can seek.
 */
const afterCursor = (cursor: PayoutCursor): SQL =>
  and(lte(payouts.createdAt, cursor.createdAt), or(lt(payouts.createdAt, cursor.createdAt), lt(payouts.id, cursor.id)))!;

/** The query behind one page, exported so its plan can be checked. */
export function payoutListQuery(db: Db, filter: PayoutFilter, before: PayoutCursor | undefined, rowsToRead: number) {
  const conditions = filterConditions(filter);
  if (before) conditions.push(afterCursor(before));
  return db.select().from(payouts).where(allOf(conditions)).orderBy(desc(payouts.createdAt), desc(payouts.id)).limit(rowsToRead);
}

export const cursorOf = (row: Pick<PayoutRow, "createdAt" | "id">): string => `${row.createdAt}~${row.id}`;

export function filteredPayouts(db: Db, filter: PayoutFilter, before: PayoutCursor | undefined, limit: number) {
  return keysetPage(limit, (n) => payoutListQuery(db, filter, before, n), cursorOf);
}

/** Payouts that did not reach the payee: refused by the bank, or paid and returned. */
export const FAILED_FOR_CHART = ["failed", "reversed"] as const satisfies readonly PayoutStatus[];

export interface DayTotalsRow {
  /** A UTC date, YYYY-MM-DD. */
  day: string;
  payouts: number;
  amountPaise: number;
  failed: number;
}

const createdDay = sql<string>`substr(${payouts.createdAt}, 1, 10)`;

/** The totals query by UTC day of creation for payouts created in [fromIso, toIso), exported so its plan can be checked. */
export const dayTotalsQuery = (db: Db, fromIso: string, toIso: string) =>
  db
    .select({
      day: createdDay,
      payouts: count(),
      amountPaise: sum(payouts.amountPaise),
      failed: sql<number>`sum(${payouts.status} IN ${sqlList(FAILED_FOR_CHART)})`,
    })
    .from(payouts)
    .where(and(gte(payouts.createdAt, fromIso), lt(payouts.createdAt, toIso)))
    .groupBy(createdDay)
    .orderBy(createdDay);

/** Days with no payouts have no row. */
export async function payoutTotalsByDay(db: Db, fromIso: string, toIso: string): Promise<DayTotalsRow[]> {
  const rows = await dayTotalsQuery(db, fromIso, toIso);
  return rows.map((r) => ({ day: r.day, payouts: r.payouts, amountPaise: Number(r.amountPaise ?? 0), failed: Number(r.failed ?? 0) }));
}
