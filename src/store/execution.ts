// The queries behind execution's background work: releasing an approved batch, and what the
// poller looks for (payouts never enqueued, payouts waiting on the bank, paid payouts inside the
// return window, batches a crash left behind, batches whose every payout is final).

import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { AWAITING_BANK_PAYOUT_STATUSES, IN_FLIGHT_PAYOUT_STATUSES } from "../domain/statuses";
import { conditionalAuditStatement } from "./audit";
import { batchMayMoveInto } from "./batch-moves";
import { commit, type Db } from "./client";
import type { PayoutRow } from "./payouts";
import { batchEvent } from "./batches";
import { rowEventStatement } from "./events";
import { batches, batchItems, events, payouts } from "./schema";
import { sqlList } from "./sql-list";

/** Moves an approved batch to executing and audits the release, both only if this call moved it. */
export async function markBatchReleased(db: Db, batchId: string, actorId: string, now: string) {
  await commit(db, [
    db
      .update(batches)
      .set({ status: "executing", releasedAt: now, updatedAt: now, version: sql`${batches.version} + 1` })
      .where(and(eq(batches.id, batchId), batchMayMoveInto("executing"))),
    conditionalAuditStatement(
      db,
      { actorId, action: "batch.released", subjectType: "batch", subjectId: batchId },
      sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${batchId} AND ${batches.releasedAt} = ${now})`,
    ),
    batchEvent(db, "batch.executing", batchId, sql`${batches.status} = 'executing' AND ${batches.releasedAt} = ${now}`, now),
  ]);
}

/** Payable items of a batch that have no payout yet and were not refused by their gate. */
export const unreleasedItems = (db: Db, batchId: string) =>
  db
    .select({ id: batchItems.id, payeeId: batchItems.payeeId })
    .from(batchItems)
    .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "ok"), isNull(batchItems.payoutId), isNull(batchItems.releaseRefusal)));

export const batchStatus = (db: Db, batchId: string) => db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId)).get();

/** Payouts reserved but never handed to the queue (a crash between the two). */
export const unsentPayouts = (db: Db, createdBefore: string, limit: number) =>
  db
    .select({ id: payouts.id })
    .from(payouts)
    .where(and(eq(payouts.status, "created"), lt(payouts.createdAt, createdBefore)))
    .limit(limit);

/** Payouts handed to the bank whose status has not moved since `changedBefore`, oldest first. */
export const payoutsAwaitingBank = (db: Db, changedBefore: string, limit: number): Promise<PayoutRow[]> =>
  db
    .select()
    .from(payouts)
    .where(and(inArray(payouts.status, [...AWAITING_BANK_PAYOUT_STATUSES]), lt(payouts.statusChangedAt, changedBefore)))
    .orderBy(payouts.statusChangedAt)
    .limit(limit);

export const payoutStatus = (db: Db, payoutId: string) => db.select({ status: payouts.status }).from(payouts).where(eq(payouts.id, payoutId)).get();

/** Paid payouts whose next return check is due. */
export const paidPayoutsDueForReturnCheck = (db: Db, now: string, limit: number): Promise<PayoutRow[]> =>
  db
    .select()
    .from(payouts)
    .where(and(eq(payouts.status, "processed"), lt(payouts.nextPollAt, now)))
    .orderBy(payouts.nextPollAt)
    .limit(limit);

/** Schedules a paid payout's next return check (null: it left the return window). */
export async function setNextReturnCheck(db: Db, payoutId: string, nextPollAt: string | null) {
  await db
    .update(payouts)
    .set({ nextPollAt })
    .where(and(eq(payouts.id, payoutId), eq(payouts.status, "processed")));
}

/** Approved batches never released, and executing batches with items never turned into payouts. */
export const batchesLeftBehind = (db: Db, cutoff: string, limit: number) =>
  db
    .select({ id: batches.id })
    .from(batches)
    .where(
      sql`(${batches.status} = 'approved' AND ${batches.decidedAt} < ${cutoff})
          OR (${batches.status} = 'executing' AND ${batches.releasedAt} < ${cutoff} AND EXISTS (
            SELECT 1 FROM ${batchItems} WHERE ${batchItems.batchId} = ${batches.id} AND ${batchItems.status} = 'ok'
              AND ${batchItems.payoutId} IS NULL AND ${batchItems.releaseRefusal} IS NULL))`,
    )
    .limit(limit);

/** Completes every executing batch whose payouts are all final (or refused); returns how many. */
export async function completeFinishedBatches(db: Db, now: string): Promise<number> {
  const [result] = await commit(db, [
    db
    .update(batches)
    // A completed batch stops holding its cycle and payee set, so late orders can go in a new
    // batch; each payee stays protected by its payouts (one holding money per payee and cycle).
    .set({ status: "completed", liveScopeKey: null, updatedAt: now, version: sql`${batches.version} + 1` })
    .where(
      and(
        batchMayMoveInto("completed"),
        sql`NOT EXISTS (SELECT 1 FROM ${batchItems} WHERE ${batchItems.batchId} = ${batches.id} AND ${batchItems.status} = 'ok' AND ${batchItems.payoutId} IS NULL AND ${batchItems.releaseRefusal} IS NULL)`,
        sql`NOT EXISTS (SELECT 1 FROM ${payouts} WHERE ${payouts.batchId} = ${batches.id} AND ${payouts.status} IN ${sqlList(IN_FLIGHT_PAYOUT_STATUSES)})`,
      ),
    ),
    // The batches this statement completed: completed at this very moment, with no completion event yet.
    rowEventStatement(db, {
      type: "batch.completed",
      subject: "batch",
      table: batches,
      id: batches.id,
      where: sql`${batches.status} = 'completed' AND ${batches.updatedAt} = ${now} AND NOT EXISTS (SELECT 1 FROM ${events} WHERE ${events.subjectId} = ${batches.id} AND ${events.type} = 'batch.completed')`,
      now,
    }),
  ]);
  return (result as unknown as D1Result).meta.changes;
}
