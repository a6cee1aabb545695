// The notification outbox. Rows are written in the same batch as the action that needs them
// (e.g. submitting a batch), then delivered here: right away in the background, and again by
// the cron until they succeed or run out of attempts. Sending never blocks the action.

import { and, asc, count, eq, inArray, lte } from "drizzle-orm";
import { approvalSecret, publicBaseUrl } from "../config";
import { type Db, database, nowIso } from "../store/client";
import { approvalLinks, batchItems, batches, notifications } from "../store/schema";
import { signApprovalToken } from "../domain/approval-token";
import { backoffSeconds } from "../domain/backoff";
import { hmacSha256Hex } from "../domain/hash";
import type { Env } from "../env";
import { actorsWithRole } from "../auth/actors";

export const MAX_NOTIFY_ATTEMPTS = 10;
const SEND_TIMEOUT_MS = 10_000;
/** A claimed row is not picked up again for this long, so two senders never race on it. */
const CLAIM_LEASE_SECONDS = 60;
const DELIVERY_BATCH_LIMIT = 50;

type NotificationRow = typeof notifications.$inferSelect;

/** Rebuilds what the notification says; approval links are signed now, never stored. */
export async function renderNotification(env: Env, db: Db, row: NotificationRow): Promise<Record<string, unknown>> {
  const payload = JSON.parse(row.payload) as Record<string, string>;
  if (row.kind !== "approval_requested") return { type: row.kind, ...payload };
  const link = await db.select().from(approvalLinks).where(eq(approvalLinks.id, payload.linkId!)).get();
  const batch = await db.select().from(batches).where(eq(batches.id, payload.batchId!)).get();
  if (!link || !batch) throw new Error(`notification ${row.id} refers to a missing link or batch`);
  const token = await signApprovalToken(
    { linkId: link.id, batchId: link.batchId, checkerId: link.checkerId, fingerprint: link.fingerprint, expiresAtMs: Date.parse(link.expiresAt) },
    approvalSecret(env),
  );
  const checker = actorsWithRole(env.API_TOKENS, "checker").find((c) => c.actorId === link.checkerId);
  // itemCount is every payee the batch considered; the checker wants to know how many get paid.
  const payable = await db.select({ n: count() }).from(batchItems).where(and(eq(batchItems.batchId, batch.id), eq(batchItems.status, "ok"))).get();
  return {
    type: "batch.approval_requested",
    notificationId: row.id,
    checker: { actorId: link.checkerId, email: checker?.email ?? null },
    approvalUrl: `${publicBaseUrl(env)}/approvals/${token}`,
    expiresAt: link.expiresAt,
    batch: {
      id: batch.id,
      cycleId: batch.cycleId,
      makerId: batch.makerId,
      itemCount: batch.itemCount,
      payableItemCount: payable?.n ?? 0,
      totalPaise: batch.totalPaise,
      currency: batch.currency,
      requiredApprovals: batch.requiredApprovals,
    },
  };
}

/** Sends due notifications (or just `ids`). Returns how many were sent. */
export async function deliverNotifications(env: Env, ids?: readonly string[]): Promise<number> {
  const db = database(env.DB);
  const now = nowIso();
  const due = await db
    .select()
    .from(notifications)
    .where(
      and(eq(notifications.status, "pending"), lte(notifications.nextAttemptAt, now), ids ? inArray(notifications.id, [...ids]) : undefined),
    )
    .orderBy(asc(notifications.nextAttemptAt))
    .limit(DELIVERY_BATCH_LIMIT);
  let sent = 0;
  for (const row of due) {
    const claimed = await db
      .update(notifications)
      .set({ attempts: row.attempts + 1, nextAttemptAt: new Date(Date.now() + CLAIM_LEASE_SECONDS * 1000).toISOString() })
      .where(and(eq(notifications.id, row.id), eq(notifications.status, "pending"), eq(notifications.attempts, row.attempts)))
      .run();
    if (claimed.meta.changes !== 1) continue;
    const attempt = row.attempts + 1;
    const error = await send(env, db, row);
    if (error === null) {
      await db.update(notifications).set({ status: "sent", sentAt: nowIso(), lastError: null }).where(eq(notifications.id, row.id));
      sent++;
    } else if (attempt >= MAX_NOTIFY_ATTEMPTS) {
      await db.update(notifications).set({ status: "failed", lastError: error }).where(eq(notifications.id, row.id));
      console.error(`notification ${row.id} failed after ${attempt} attempts: ${error}`);
    } else {
      const retryAt = new Date(Date.now() + backoffSeconds(attempt, 15, 3600) * 1000).toISOString();
      await db.update(notifications).set({ nextAttemptAt: retryAt, lastError: error }).where(eq(notifications.id, row.id));
    }
  }
  return sent;
}

async function send(env: Env, db: Db, row: NotificationRow): Promise<string | null> {
  const url = env.NOTIFY_WEBHOOK_URL;
  if (!url) return "NOTIFY_WEBHOOK_URL is not configured";
  try {
    const body = JSON.stringify(await renderNotification(env, db, row));
    const headers: Record<string, string> = { "content-type": "application/json", "disburse-notification-id": row.id };
    if (env.NOTIFY_SIGNING_SECRET) {
      const timestamp = Math.floor(Date.now() / 1000);
      headers["disburse-signature"] = `t=${timestamp},v1=${await hmacSha256Hex(env.NOTIFY_SIGNING_SECRET, `${timestamp}.${body}`)}`;
    }
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    if (response.ok) return null;
    return `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
