// The notification outbox's rows: finding the due ones, claiming one under a lease, and
// recording how its delivery went; plus what an approval request needs to be rendered.

import { and, asc, count, eq, inArray, lte } from "drizzle-orm";
import { type Db, nowIso } from "./client";
import { approvalLinks, batchItems, batches, notifications } from "./schema";

export type NotificationRow = typeof notifications.$inferSelect;

/** Pending rows whose next attempt is due (optionally only `ids`), oldest first. */
export const dueNotifications = (db: Db, now: string, limit: number, ids?: readonly string[]) =>
  db
    .select()
    .from(notifications)
    .where(and(eq(notifications.status, "pending"), lte(notifications.nextAttemptAt, now), ids ? inArray(notifications.id, [...ids]) : undefined))
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(limit);

/** Claims a row for one sender until `leaseUntil`; false when another sender claimed it first. */
export async function claimNotification(db: Db, row: NotificationRow, leaseUntil: string): Promise<boolean> {
  const claimed = await db
    .update(notifications)
    .set({ attempts: row.attempts + 1, nextAttemptAt: leaseUntil })
    .where(and(eq(notifications.id, row.id), eq(notifications.status, "pending"), eq(notifications.attempts, row.attempts)))
    .run();
  return claimed.meta.changes === 1;
}

export async function markNotificationSent(db: Db, id: string) {
  await db.update(notifications).set({ status: "sent", sentAt: nowIso(), lastError: null }).where(eq(notifications.id, id));
}

export async function markNotificationFailed(db: Db, id: string, error: string) {
  await db.update(notifications).set({ status: "failed", lastError: error }).where(eq(notifications.id, id));
}

export async function scheduleNotificationRetry(db: Db, id: string, retryAt: string, error: string) {
  await db.update(notifications).set({ nextAttemptAt: retryAt, lastError: error }).where(eq(notifications.id, id));
}

/** The link and batch an approval request names, and how many of the batch's items get paid. */
export async function approvalRequestFacts(db: Db, linkId: string, batchId: string) {
  const link = await db.select().from(approvalLinks).where(eq(approvalLinks.id, linkId)).get();
  const batch = await db.select().from(batches).where(eq(batches.id, batchId)).get();
  if (!link || !batch) return null;
  const payable = await db.select({ n: count() }).from(batchItems).where(and(eq(batchItems.batchId, batch.id), eq(batchItems.status, "ok"))).get();
  return { link, batch, payableItemCount: payable?.n ?? 0 };
}
