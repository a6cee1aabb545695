// Applying a verified bank webhook event: deduplicated by event id, matched to its payout, and
// applied through the payout lifecycle. Unmatched and duplicate events are recorded, not applied.

import type { BankEvent } from "../bank/gateway";
import { payoutForBankEvent, recordWebhookEvent, webhookEventSeen } from "../store/bank-webhooks";
import type { Db } from "../store/client";
import { recordEvent } from "../store/payouts";
import { applyBankStatus } from "./payouts";

export async function applyWebhookEvent(db: Db, provider: string, event: BankEvent, raw: string) {
  if (await webhookEventSeen(db, provider, event.eventId)) return { eventId: event.eventId, outcome: "duplicate" };
  const payout = await payoutForBankEvent(db, event.reference, event.bankReference);
  let outcome = "unmatched";
  if (payout) {
    // Applying first and recording second means a crash in between is retried by the bank and
    // applied again; the lifecycle makes the second application a no-op.
    const webhook = { eventId: event.eventId, type: event.type };
    const result = await applyBankStatus(db, payout.id, event, `webhook:${provider}`, "webhook", { known: payout, details: webhook });
    outcome = result.applied ? "applied" : result.reason === "same_status" ? "already_applied" : "ignored";
    // A webhook that moved the payout is on the timeline as that state change (cause, event id
    // and type); one that changed nothing gets an event of its own.
    if (!result.applied) {
      await recordEvent(db, { payoutId: payout.id, kind: "webhook", actorId: `webhook:${provider}`, details: { ...webhook, bankStatus: event.status, outcome } });
    }
  }
  await recordWebhookEvent(db, { provider, eventId: event.eventId, eventType: event.type, payoutId: payout?.id ?? null, outcome, payload: raw });
  return { eventId: event.eventId, outcome };
}
