// Bank webhooks: verify the signature (constant time), deduplicate by event id, apply each
// event through the state machine, answer 2xx quickly. A bad signature changes nothing.

import { Hono } from "hono";
import { webhookVerifier } from "../../gateways";
import type { BankEvent } from "../../bank/gateway";
import { database, type Db, nowIso } from "../../store/client";
import { applyBankStatus, recordEvent } from "../../store/payouts";
import { bankWebhookEvents, payouts } from "../../store/schema";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { and, eq, or } from "drizzle-orm";

export const MAX_WEBHOOK_BYTES = 64 * 1024;

export const webhooksRouter = new Hono<AppEnv>().post("/bank/:provider", async (c) => {
  const provider = c.req.param("provider");
  const verifier = webhookVerifier(c.env, provider);
  if (!verifier) throw new ApiError(404, "unknown_provider", `No webhook receiver is configured for provider "${provider}".`);
  const raw = await c.req.text();
  if (raw.length > MAX_WEBHOOK_BYTES) throw new ApiError(413, "body_too_large", "Webhook body too large.");
  const check = await verifier.verify(c.req.raw.headers, raw, Date.now());
  if (!check.ok) {
    const status = check.reason === "malformed" ? 400 : 401;
    throw new ApiError(status, check.reason === "malformed" ? "malformed_webhook" : "invalid_signature", "The webhook could not be verified; nothing was changed.");
  }
  const db = database(c.env.DB);
  const results = [];
  for (const event of check.events) results.push(await applyEvent(db, provider, event, raw));
  return c.json({ received: results.length, results });
});

async function applyEvent(db: Db, provider: string, event: BankEvent, raw: string) {
  const seen = await db
    .select()
    .from(bankWebhookEvents)
    .where(and(eq(bankWebhookEvents.provider, provider), eq(bankWebhookEvents.eventId, event.eventId)))
    .get();
  if (seen) return { eventId: event.eventId, outcome: "duplicate" };

  const payout = await db
    .select()
    .from(payouts)
    .where(or(eq(payouts.idempotencyKey, event.reference), event.bankReference ? eq(payouts.bankReference, event.bankReference) : undefined))
    .get();
  let outcome = "unmatched";
  if (payout) {
    // Applying first and recording second means a crash in between is retried by the bank and
    // applied again; the state machine makes the second application a no-op.
    const webhook = { eventId: event.eventId, type: event.type };
    const result = await applyBankStatus(db, payout.id, event, `webhook:${provider}`, "webhook", { known: payout, details: webhook });
    outcome = result.applied ? "applied" : result.reason === "same_status" ? "already_applied" : "ignored";
    // A webhook that moved the payout is on the timeline as that state change (cause, event id
    // and type); one that changed nothing gets an event of its own.
    if (!result.applied) {
      await recordEvent(db, { payoutId: payout.id, kind: "webhook", actorId: `webhook:${provider}`, details: { ...webhook, bankStatus: event.status, outcome } });
    }
  }
  await db
    .insert(bankWebhookEvents)
    .values({ provider, eventId: event.eventId, eventType: event.type, payoutId: payout?.id ?? null, outcome, receivedAt: nowIso(), payload: raw })
    .onConflictDoNothing();
  return { eventId: event.eventId, outcome };
}
