// Generated bank webhooks: unsigned, forged, stale or signed over another body, validly signed
// payloads that are not bank events, bodies that are not JSON, and providers that do not exist.

import { env } from "cloudflare:test";
import fc from "fast-check";
import { BANK_TRANSFER_STATUSES } from "../../../src/bank/gateway";
import { WEBHOOK_TOLERANCE_SECONDS } from "../../../src/sim/simulated-gateway";
import { MAX_WEBHOOK_BYTES } from "../../../src/http/api/webhooks";
import { malformedJson, NON_JSON_TYPES, oversizedBody } from "./bodies";
import { isPlainObject, toJsonText } from "./json";
import { applyBreakers, broke, type Breaker, type WebhookCase } from "./recipes";
import { clip } from "./request";
import type { World } from "./world";

/** Whether a payload is an event the simulated bank could have sent (what its verifier must accept). */
function isBankEvent(payload: unknown): boolean {
  if (!isPlainObject(payload) || typeof payload.eventId !== "string" || typeof payload.type !== "string") return false;
  const t = payload.transfer;
  if (!isPlainObject(t) || typeof t.idempotencyKey !== "string" || !(BANK_TRANSFER_STATUSES as readonly unknown[]).includes(t.status)) return false;
  const optionalText = (v: unknown) => v === undefined || v === null || typeof v === "string";
  return optionalText(t.bankReference) && optionalText(t.failureCode);
}

/** An event the simulated bank could send, about the world's payout or one it never had. */
const bankEvent = (world: World) =>
  fc.record({
    eventId: fc.string({ minLength: 1, maxLength: 20 }).map((s) => `evt_hostile_${s}`),
    type: fc.constantFrom("transfer.processed", "transfer.failed", "transfer.reversed"),
    transfer: fc.record({
      idempotencyKey: fc.constantFrom(world.payoutId, "pyt_unknown"),
      bankReference: fc.constantFrom("SIMUTR-hostile-1", null),
      status: fc.constantFrom(...BANK_TRANSFER_STATUSES),
      amountPaise: fc.constantFrom(100, 91_000),
      failureCode: fc.constantFrom(null, "account_closed"),
    }),
  });

export function webhookCases(world: World): fc.Arbitrary<WebhookCase> {
  const event = bankEvent(world);
  const now = { kind: "hmac" as const, secret: env.SIMBANK_WEBHOOK_SECRET, offsetSeconds: 0 };
  const breakers = [...signatureBreakers(now), ...bodyBreakers(event)];
  return fc.tuple(event, fc.shuffledSubarray(breakers, { minLength: 1, maxLength: 2 })).chain(([payload, chosen]) =>
    applyBreakers<WebhookCase>({ broken: [], provider: "simulated", payload, contentType: "application/json", signature: now }, chosen),
  );
}

function signatureBreakers(now: { kind: "hmac"; secret: string; offsetSeconds: number }): Breaker<WebhookCase>[] {
  const zeroMacNow = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`;
  return [
    (c) => fc.constant(broke(c, "no signature", { signature: { kind: "none" } })),
    (c) =>
      fc
        .oneof(fc.string({ maxLength: 120 }), fc.constantFrom("t=1,v1=", "v1=" + "0".repeat(64), zeroMacNow, "t=abc,v1=zz"))
        .map((value) => broke(c, `signature header ${clip(JSON.stringify(value), 60)}`, { signature: { kind: "header", value } })),
    (c) => fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== now.secret).map((secret) => broke(c, "signed with another secret", { signature: { ...now, secret } })),
    (c) =>
      fc
        // A future timestamp comes closer while the request is in flight: keep a few seconds of margin
        // so a clock tick between signing and verifying cannot bring it back inside the tolerance.
        .oneof(fc.integer({ min: WEBHOOK_TOLERANCE_SECONDS + 5, max: 1_000_000_000 }), fc.integer({ min: -1_000_000_000, max: -(WEBHOOK_TOLERANCE_SECONDS + 2) }))
        .map((offsetSeconds) => broke(c, `timestamp ${offsetSeconds} s off`, { signature: { ...now, offsetSeconds } })),
    (c) => fc.string({ maxLength: 40 }).map((other) => broke(c, "signature of another body", { signature: { ...now, over: `{"other":${JSON.stringify(other)}}` } })),
    (c) => fc.constant(broke(c, "signature in upper-case hex", { signature: { ...now, upper: true } })),
  ];
}

function bodyBreakers(event: ReturnType<typeof bankEvent>): Breaker<WebhookCase>[] {
  const notAnEvent = fc
    .oneof(
      fc.constantFrom<unknown>(null, 0, "event", [], [{}], {}, { eventId: "e" }),
      fc.tuple(event, fc.constantFrom("eventId", "type", "transfer", "idempotencyKey", "status", "bankReference", "failureCode"), fc.constantFrom<unknown>(undefined, null, 7, "", "settled", "PROCESSED", [], {}, true)).map(([e, field, value]) => {
        if (["eventId", "type", "transfer"].includes(field)) return { ...e, [field]: value };
        return { ...e, transfer: { ...e.transfer, [field]: value } };
      }),
      fc.jsonValue({ maxDepth: 3 }),
    )
    .filter((p) => !isBankEvent(p));
  const provider = fc
    .oneof(fc.constantFrom("razorpayx", "Simulated", "simulated ", "stripe", "simulated\u0000", "simulated/x"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }))
    .filter((p) => p !== "simulated" && p !== "." && p !== "..")
    .map(encodeURIComponent);
  return [
    (c) => notAnEvent.map((payload) => broke(c, `validly signed payload that is not a bank event: ${clip(toJsonText(payload ?? null), 80)}`, { payload })),
    (c) => fc.constantFrom(...NON_JSON_TYPES).map((contentType) => broke(c, `content-type ${contentType}`, { contentType })),
    (c) => malformedJson.map((bodyText) => broke(c, `malformed JSON ${clip(JSON.stringify(bodyText), 40)}`, { bodyText })),
    (c) => oversizedBody(MAX_WEBHOOK_BYTES).map((bodyText) => broke(c, "body over 64 KiB", { bodyText })),
    (c) => provider.map((p) => broke(c, `provider ${p}`, { provider: p })),
  ];
}
