// Reads only the server-rendered pages need (the ops console and the development inbox): counts
// for the dashboard, an item's attempts.

import { and, asc, count, desc, eq, gte, inArray, lt, sum } from "drizzle-orm";
import type { Db } from "./client";
import { batches, exceptions, payouts } from "./schema";
import { OPEN_EXCEPTION_STATUSES } from "../domain/statuses";

export async function batchCountsByStatus(db: Db): Promise<Array<{ status: string; count: number }>> {
  return db.select({ status: batches.status, count: count() }).from(batches).groupBy(batches.status);
}

/** Payouts created in [fromIso, toIso), by status, with their total amount. */
export async function payoutTotalsByStatus(db: Db, fromIso: string, toIso: string): Promise<Array<{ status: string; count: number; amountPaise: number }>> {
  const rows = await db
    .select({ status: payouts.status, count: count(), total: sum(payouts.amountPaise) })
    .from(payouts)
    .where(and(gte(payouts.createdAt, fromIso), lt(payouts.createdAt, toIso)))
    .groupBy(payouts.status);
  return rows.map((r) => ({ status: r.status, count: r.count, amountPaise: Number(r.total ?? 0) }));
}

/** How many exceptions wait for a person: open, and in progress. */
export async function activeExceptionCounts(db: Db): Promise<{ open: number; inProgress: number }> {
  const rows = await db
    .select({ status: exceptions.status, count: count() })
    .from(exceptions)
    .where(inArray(exceptions.status, [...OPEN_EXCEPTION_STATUSES]))
    .groupBy(exceptions.status);
  return {
    open: rows.find((r) => r.status === "open")?.count ?? 0,
    inProgress: rows.find((r) => r.status === "in_progress")?.count ?? 0,
  };
}

/** Every payout made for one batch item (the first and its retries), oldest first. */
export async function attemptsOfItem(db: Db, itemId: string, limit: number): Promise<Array<{ id: string; status: string; createdAt: string }>> {
  return db
    .select({ id: payouts.id, status: payouts.status, createdAt: payouts.createdAt })
    .from(payouts)
    .where(eq(payouts.itemId, itemId))
    .orderBy(asc(payouts.id))
    .limit(limit);
}
