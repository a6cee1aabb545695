// Verifies the events Disburse POSTs to a webhook endpoint (signed as the Standard Webhooks
// specification says) with the specification's reference library, and types what it returns
// from the OpenAPI document's `webhooks` section: one envelope per event type.

import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { webhooks } from "./schema";

export { WebhookVerificationError };

type EventBody<K extends keyof webhooks> = NonNullable<webhooks[K]["post"]["requestBody"]>["content"]["application/json"];

/** Any event Disburse sends: narrow it by `type` (`payout.processed` has a Payout as `data`, …). */
export type DisburseEvent = { [K in keyof webhooks]: EventBody<K> }[keyof webhooks];
export type DisburseEventType = DisburseEvent["type"];
export type DisburseEventOf<T extends DisburseEventType> = Extract<DisburseEvent, { type: T }>;

/** The request's headers: a fetch `Headers`, or node:http's `req.headers`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks the signature (and that the timestamp is within five minutes) of one delivery and
 * returns its body. Throws WebhookVerificationError if it is not from Disburse. `secret` is the
 * endpoint's `whsec_…` secret; during a rotation pass both, and either one's signature is enough.
 * `rawBody` must be the bytes as received: parsing and re-serialising JSON breaks the signature.
 */
export function verifyDisburseWebhook(secret: string | readonly string[], rawBody: string | Uint8Array, headers: WebhookHeaders): DisburseEvent {
  const body = typeof rawBody === "string" ? rawBody : new TextDecoder().decode(rawBody);
  const flat = flatHeaders(headers);
  let failure: unknown = new WebhookVerificationError("No secret to verify with");
  for (const s of typeof secret === "string" ? [secret] : secret) {
    try {
      return new Webhook(s).verify(body, flat) as DisburseEvent;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

function flatHeaders(headers: WebhookHeaders): Record<string, string> {
  if (typeof (headers as Headers).get === "function") return Object.fromEntries((headers as Headers).entries());
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}
