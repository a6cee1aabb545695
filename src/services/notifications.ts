// The notification outbox. Rows are written in the same batch as the action that needs them
// (e.g. submitting a batch), then delivered here: right away in the background, and again by
// the cron until they succeed or run out of attempts. Sending never blocks the action.

import { signApprovalToken } from "../domain/approval-token";
import { backoffSeconds } from "../domain/backoff";
import { hmacSha256Hex } from "../domain/hash";
import { type Db, nowIso } from "../store/client";
import {
  approvalRequestFacts,
  claimNotification,
  dueNotifications,
  markNotificationFailed,
  markNotificationSent,
  type NotificationRow,
  scheduleNotificationRetry,
} from "../store/notifications";

export const MAX_NOTIFY_ATTEMPTS = 10;
const SEND_TIMEOUT_MS = 10_000;
/** A claimed row is not picked up again for this long, so two senders never race on it. */
const CLAIM_LEASE_SECONDS = 60;
const DELIVERY_BATCH_LIMIT = 50;

/** Where and how notifications go (config.ts builds this from the Worker's vars and secrets). */
export interface NotifierSettings {
  webhookUrl: string | undefined;
  signingSecret: string | undefined;
  publicBaseUrl: string;
  /** The approval-link key; read only when an approval request is rendered (it throws if unset). */
  approvalSecret: () => string;
  checkerEmail: (actorId: string) => string | null;
}

/** Rebuilds what the notification says; approval links are signed now, never stored. */
export async function renderNotification(settings: NotifierSettings, db: Db, row: NotificationRow): Promise<Record<string, unknown>> {
  const payload = JSON.parse(row.payload) as Record<string, string>;
  if (row.kind !== "approval_requested") return { type: row.kind, ...payload };
  const facts = await approvalRequestFacts(db, payload.linkId!, payload.batchId!);
  if (!facts) throw new Error(`notification ${row.id} refers to a missing link or batch`);
  const { link, batch } = facts;
  const token = await signApprovalToken(
    { linkId: link.id, batchId: link.batchId, checkerId: link.checkerId, fingerprint: link.fingerprint, expiresAtMs: Date.parse(link.expiresAt) },
    settings.approvalSecret(),
  );
  return {
    type: "batch.approval_requested",
    notificationId: row.id,
    checker: { actorId: link.checkerId, email: settings.checkerEmail(link.checkerId) },
    approvalUrl: `${settings.publicBaseUrl}/approvals/${token}`,
    expiresAt: link.expiresAt,
    batch: {
      id: batch.id,
      cycleId: batch.cycleId,
      makerId: batch.makerId,
      itemCount: batch.itemCount,
      // itemCount is every payee the batch considered; the checker wants to know how many get paid.
      payableItemCount: facts.payableItemCount,
      totalPaise: batch.totalPaise,
      currency: batch.currency,
      requiredApprovals: batch.requiredApprovals,
    },
  };
}

/** Sends due notifications (or just `ids`). Returns how many were sent. */
export async function deliverNotifications(db: Db, settings: NotifierSettings, ids?: readonly string[]): Promise<number> {
  let sent = 0;
  for (const row of await dueNotifications(db, nowIso(), DELIVERY_BATCH_LIMIT, ids)) {
    if (!(await claimNotification(db, row, new Date(Date.now() + CLAIM_LEASE_SECONDS * 1000).toISOString()))) continue;
    const attempt = row.attempts + 1;
    const error = await send(settings, db, row);
    if (error === null) {
      await markNotificationSent(db, row.id);
      sent++;
    } else if (attempt >= MAX_NOTIFY_ATTEMPTS) {
      await markNotificationFailed(db, row.id, error);
      console.error(`notification ${row.id} failed after ${attempt} attempts: ${error}`);
    } else {
      await scheduleNotificationRetry(db, row.id, new Date(Date.now() + backoffSeconds(attempt, 15, 3600) * 1000).toISOString(), error);
    }
  }
  return sent;
}

async function send(settings: NotifierSettings, db: Db, row: NotificationRow): Promise<string | null> {
  const url = settings.webhookUrl;
  if (!url) return "NOTIFY_WEBHOOK_URL is not configured";
  try {
    const body = JSON.stringify(await renderNotification(settings, db, row));
    const headers: Record<string, string> = { "content-type": "application/json", "disburse-notification-id": row.id };
    if (settings.signingSecret) {
      const timestamp = Math.floor(Date.now() / 1000);
      headers["disburse-signature"] = `t=${timestamp},v1=${await hmacSha256Hex(settings.signingSecret, `${timestamp}.${body}`)}`;
    }
    const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(SEND_TIMEOUT_MS) });
    if (response.ok) return null;
    return `HTTP ${response.status}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
