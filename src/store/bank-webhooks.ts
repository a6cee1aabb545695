// Bank webhook events as received: each (provider, event id) is stored once, so a redelivered
// event is recognised as a duplicate; and the payout an event names, by our key or the bank's.

import { and, eq, or } from "drizzle-orm";
import { type Db, nowIso } from "./client";
import type { PayoutRow } from "./payouts";
import { bankWebhookEvents, payouts } from "./schema";

export const webhookEventSeen = async (db: Db, provider: string, eventId: string) =>
  (await db
    .select({ eventId: bankWebhookEvents.eventId })
    .from(bankWebhookEvents)
    .where(and(eq(bankWebhookEvents.provider, provider), eq(bankWebhookEvents.eventId, eventId)))
    .get()) !== undefined;

/** The payout an event is about: by the reference we sent (our idempotency key) or the bank's own. */
export const payoutForBankEvent = (db: Db, reference: string, bankReference: string | null | undefined): Promise<PayoutRow | undefined> =>
  db
    .select()
    .from(payouts)
    .where(or(eq(payouts.idempotencyKey, reference), bankReference ? eq(payouts.bankReference, bankReference) : undefined))
    .get();

export async function recordWebhookEvent(
  db: Db,
  e: { provider: string; eventId: string; eventType: string; payoutId: string | null; outcome: string; payload: string },
) {
  await db
    .insert(bankWebhookEvents)
    .values({ ...e, receivedAt: nowIso() })
    .onConflictDoNothing();
}
