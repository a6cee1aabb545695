// Moving a payout's money at the bank, as the transfer queue delivers each message. For each
// payout it first looks at what is already known (a redelivered or duplicate message does
// nothing), never resends blindly after an ambiguous outcome (it asks the bank first), calls the
// bank with the payout's idempotency key, and records the result through the payout lifecycle.
// Retryable failures come back with exponential backoff and jitter.

import type { TransferRequest } from "../bank/gateway";
import { backoffSeconds } from "../domain/backoff";
import type { Currency } from "../domain/money";
import type { BankDetails } from "../domain/payees";
import type { Db } from "../store/client";
import { getPayout, type PayoutRow, recordAttempt, recordEvent } from "../store/payouts";
import type { Deps } from "./deps";
import { applyBankStatus, changeStatus } from "./payouts";
import type { TransferQueueMessage } from "./queue-messages";

const CONSUMER_ACTOR = "system:transfer-consumer";
export const RETRY_BASE_SECONDS = 5;
export const RETRY_MAX_SECONDS = 900;

/**
 * The steps of a transfer after which a crash is worth proving harmless. Production passes no
 * hook; the simulation and the tests install one that crashes at a chosen step (src/sim/chaos.ts).
 */
export type TransferStep = "after_load" | "after_status_check" | "after_attempt_recorded" | "after_bank_call";

/** Faults a simulation injects into one delivery of a message (src/sim/chaos.ts); none in production. */
export interface DeliveryFaults {
  afterStep?: ((step: TransferStep) => void) | undefined;
  /** Send the message again after handling it. */
  duplicate: boolean;
  /** Ask for a redelivery instead of acknowledging. */
  redeliver: boolean;
}

/** Decides the faults of each delivery, from a key naming the message and its attempt. */
export type FaultPlan = (deliveryKey: string) => DeliveryFaults;

export type Verdict = { action: "ack" } | { action: "retry"; delaySeconds: number };

export interface TransferOptions {
  /** 1-based delivery attempt of the message (Queues' message.attempts). */
  deliveryAttempt?: number | undefined;
  /** Called after each step: a fault injector may throw here. */
  afterStep?: ((step: TransferStep) => void) | undefined;
}

/** Handles one transfer-queue message: `release` asks the payee's gate, `transfer` moves money. */
export async function handleTransferMessage(deps: Deps, body: TransferQueueMessage, options: TransferOptions = {}): Promise<Verdict> {
  if (body.type === "transfer") return executeTransfer(deps, body.payoutId, options);
  options.afterStep?.("after_load");
  const result = await deps.gate(body.payeeId).createPayout(body.payeeId, body.itemId);
  options.afterStep?.("after_bank_call");
  // The payee's previous transfer is still moving: come back later rather than refuse.
  if (result.outcome === "deferred") return { action: "retry", delaySeconds: Math.max(30, backoffSeconds(options.deliveryAttempt ?? 1, 30, RETRY_MAX_SECONDS)) };
  return { action: "ack" };
}

export async function executeTransfer(deps: Deps, payoutId: string, options: TransferOptions = {}): Promise<Verdict> {
  const { db, gateway } = deps;
  const step = (s: TransferStep) => options.afterStep?.(s);
  const retryDelay = () => backoffSeconds(options.deliveryAttempt ?? 1, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS);

  let payout = await getPayout(db, payoutId).catch(() => null);
  if (!payout) return { action: "ack" };
  step("after_load");

  // Only these states still need the bank; everything else means the work is done or owned elsewhere.
  if (payout.status === "created") {
    await changeStatus(db, payoutId, { to: "queued", actorId: CONSUMER_ACTOR, cause: "dequeued" });
    payout = await getPayout(db, payoutId);
  }
  if (payout.status !== "queued" && payout.status !== "unknown") return { action: "ack" };

  // A previous attempt may have reached the bank: ask before sending anything.
  if (payout.attempts > 0 || payout.status === "unknown") {
    const known = await gateway.getTransfer(payout.idempotencyKey);
    step("after_status_check");
    if (known.kind === "unavailable") return { action: "retry", delaySeconds: retryDelay() };
    if (known.kind === "found") {
      await applyBankStatus(db, payoutId, known.transfer, CONSUMER_ACTOR, "status_check");
      return { action: "ack" };
    }
    // The bank confirms it has nothing under this key: resubmitting with the same key is safe.
  }

  await recordAttempt(db, payout, CONSUMER_ACTOR, { operation: "create_transfer" });
  step("after_attempt_recorded");
  const outcome = await gateway.createTransfer(transferRequest(payout));
  step("after_bank_call");
  return recordOutcome(db, payout, outcome, retryDelay);
}

async function recordOutcome(db: Db, payout: PayoutRow, outcome: Awaited<ReturnType<Deps["gateway"]["createTransfer"]>>, retryDelay: () => number): Promise<Verdict> {
  switch (outcome.kind) {
    case "accepted":
      // The row read before the call, with the attempt just recorded (recordAttempt keeps the version).
      await applyBankStatus(db, payout.id, outcome.transfer, CONSUMER_ACTOR, "bank_response", { known: { ...payout, attempts: payout.attempts + 1 } });
      return { action: "ack" };
    case "rejected":
      // Refused outright: the lifecycle opens the ticket the failure code calls for.
      await changeStatus(db, payout.id, { to: "failed", actorId: CONSUMER_ACTOR, cause: "bank_rejected", failureCode: outcome.code, failureReason: outcome.message });
      return { action: "ack" };
    case "retry":
      await recordEvent(db, { payoutId: payout.id, kind: "bank_response", actorId: CONSUMER_ACTOR, details: { outcome: "retry", reason: outcome.reason } });
      return { action: "retry", delaySeconds: Math.max(outcome.retryAfterSeconds ?? 0, retryDelay()) };
    case "ambiguous":
      await changeStatus(db, payout.id, { to: "unknown", actorId: CONSUMER_ACTOR, cause: "ambiguous_bank_response", details: { reason: outcome.reason } });
      return { action: "retry", delaySeconds: retryDelay() };
  }
}

export function transferRequest(payout: PayoutRow): TransferRequest {
  return {
    idempotencyKey: payout.idempotencyKey,
    amountPaise: payout.amountPaise,
    currency: payout.currency as Currency,
    account: JSON.parse(payout.bankSnapshot) as BankDetails,
    reference: payout.id,
    narration: `Payout ${payout.cycleId}`,
  };
}
