// The transfer queue consumer. For each payout it first looks at what is already known (a
// redelivered or duplicate message does nothing), never resends blindly after an ambiguous
// outcome (it asks the bank first), calls the bank with the payout's idempotency key, and
// records the result through the state machine. Retryable failures come back with
// exponential backoff and jitter; exhausted retries go to the dead-letter queue.

import { bankGateway } from "../gateways";
import type { BankGateway, TransferRequest } from "../bank/gateway";
import { database, type Db } from "../store/client";
import { applyBankStatus, changeStatus, getPayout, type PayoutRow, recordAttempt, recordEvent } from "../store/payouts";
import { backoffSeconds } from "../domain/backoff";
import type { Currency } from "../domain/money";
import type { BankDetails } from "../domain/payees";
import { payeeGate } from "./payee-gate";
import type { Env } from "../env";
import { countUsage } from "../observability/usage";
import { chaosDecisions, parseChaos } from "../sim/chaos";
import { isTransferQueueMessage, type TransferQueueMessage } from "../services/queue-messages";

const CONSUMER_ACTOR = "system:transfer-consumer";
export const RETRY_BASE_SECONDS = 5;
export const RETRY_MAX_SECONDS = 900;

/** Where a test or the simulation may crash the consumer, to prove recovery. */
export type CrashPoint = "after_load" | "after_status_check" | "after_attempt_recorded" | "after_bank_call";
export class InjectedCrash extends Error {
  constructor(readonly point: CrashPoint) {
    super(`injected crash ${point}`);
  }
}

export type Verdict = { action: "ack" } | { action: "retry"; delaySeconds: number };

export interface ConsumerOptions {
  gateway?: BankGateway;
  crashAt?: CrashPoint;
  /** 1-based delivery attempt of the message (Queues' message.attempts). */
  deliveryAttempt?: number;
}

export async function handleTransferQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const chaos = parseChaos(env.CHAOS);
  // Messages are about different payouts (or are harmless duplicates), so they run side by side.
  await Promise.all(batch.messages.map((message) => handleOne(message)));

  async function handleOne(message: Message<unknown>) {
    if (!isTransferQueueMessage(message.body)) {
      console.error("dropping malformed transfer queue message", message.id);
      message.ack();
      return;
    }
    const body = message.body;
    const faults = chaos ? chaosDecisions(chaos, `${body.type}|${body.type === "transfer" ? body.payoutId : body.itemId}|${message.attempts}`) : null;
    try {
      const verdict = await handleMessage(env, body, { deliveryAttempt: message.attempts, crashAt: faults?.crashAt });
      if (faults?.duplicate) {
        await env.TRANSFER_QUEUE.send(body);
        countUsage("queueMessagesSent");
      }
      if (verdict.action === "ack" && !faults?.redeliver) message.ack();
      else message.retry({ delaySeconds: verdict.action === "retry" ? verdict.delaySeconds : 1 });
    } catch (error) {
      console.error(`transfer queue message ${message.id} failed`, error);
      message.retry({ delaySeconds: backoffSeconds(message.attempts, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS) });
    }
  }
}

export async function handleMessage(env: Env, body: TransferQueueMessage, options: ConsumerOptions = {}): Promise<Verdict> {
  if (body.type === "release") {
    if (options.crashAt === "after_load") throw new InjectedCrash("after_load");
    const result = await payeeGate(env, body.payeeId).createPayout(body.payeeId, body.itemId);
    if (options.crashAt === "after_bank_call") throw new InjectedCrash("after_bank_call");
    // The payee's previous transfer is still moving: come back later rather than refuse.
    if (result.outcome === "deferred") return { action: "retry", delaySeconds: Math.max(30, backoffSeconds(options.deliveryAttempt ?? 1, 30, RETRY_MAX_SECONDS)) };
    return { action: "ack" };
  }
  return executeTransfer(env, body.payoutId, options);
}

export async function executeTransfer(env: Env, payoutId: string, options: ConsumerOptions = {}): Promise<Verdict> {
  const db = database(env.DB);
  const gateway = options.gateway ?? bankGateway(env);
  const retryDelay = () => backoffSeconds(options.deliveryAttempt ?? 1, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS);
  const crash = (point: CrashPoint) => {
    if (options.crashAt === point) throw new InjectedCrash(point);
  };

  let payout = await getPayout(db, payoutId).catch(() => null);
  if (!payout) return { action: "ack" };
  crash("after_load");

  // Only these states still need the bank; everything else means the work is done or owned elsewhere.
  if (payout.status === "created") {
    await changeStatus(db, payoutId, { to: "queued", actorId: CONSUMER_ACTOR, cause: "dequeued" });
    payout = await getPayout(db, payoutId);
  }
  if (payout.status !== "queued" && payout.status !== "unknown") return { action: "ack" };

  // A previous attempt may have reached the bank: ask before sending anything.
  if (payout.attempts > 0 || payout.status === "unknown") {
    const known = await gateway.getTransfer(payout.idempotencyKey);
    crash("after_status_check");
    if (known.kind === "unavailable") return { action: "retry", delaySeconds: retryDelay() };
    if (known.kind === "found") {
      await applyBankStatus(db, payoutId, known.transfer, CONSUMER_ACTOR, "status_check");
      return { action: "ack" };
    }
    // The bank confirms it has nothing under this key: resubmitting with the same key is safe.
  }

  await recordAttempt(db, payout, CONSUMER_ACTOR, { operation: "create_transfer" });
  crash("after_attempt_recorded");
  const outcome = await gateway.createTransfer(transferRequest(payout));
  crash("after_bank_call");

  switch (outcome.kind) {
    case "accepted":
      // The row read before the call, with the attempt just recorded (recordAttempt keeps the version).
      await applyBankStatus(db, payoutId, outcome.transfer, CONSUMER_ACTOR, "bank_response", { known: { ...payout, attempts: payout.attempts + 1 } });
      return { action: "ack" };
    case "rejected":
      await rejectPermanently(db, payout, outcome.code, outcome.message);
      return { action: "ack" };
    case "retry":
      await noteOutcome(db, payout, { outcome: "retry", reason: outcome.reason });
      return { action: "retry", delaySeconds: Math.max(outcome.retryAfterSeconds ?? 0, retryDelay()) };
    case "ambiguous":
      await changeStatus(db, payoutId, { to: "unknown", actorId: CONSUMER_ACTOR, cause: "ambiguous_bank_response", details: { reason: outcome.reason } });
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

/** The bank refused the transfer outright: the lifecycle opens the ticket the failure code calls for. */
async function rejectPermanently(db: Db, payout: PayoutRow, code: string, message: string) {
  await changeStatus(db, payout.id, { to: "failed", actorId: CONSUMER_ACTOR, cause: "bank_rejected", failureCode: code, failureReason: message });
}

async function noteOutcome(db: Db, payout: PayoutRow, details: Record<string, unknown>) {
  await recordEvent(db, { payoutId: payout.id, kind: "bank_response", actorId: CONSUMER_ACTOR, details });
}
