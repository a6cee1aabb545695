// Status polling, the fallback for lost webhooks: payouts that have not reached a final state
// within the poll delay are looked up at the bank and resolved. The same pass re-drives anything
// a crash left behind (payouts never enqueued, batches never released) and raises an exception
// for any payout still unresolved past the polling horizon.

import { RETURN_POLL_INTERVAL_MS } from "../domain/payout-lifecycle";
import { IN_FLIGHT_PAYOUT_STATUSES, isIn } from "../domain/statuses";
import { nowIso } from "../store/client";
import {
  batchesLeftBehind,
  completeFinishedBatches,
  paidPayoutsDueForReturnCheck,
  payoutsAwaitingBank,
  payoutStatus,
  setNextReturnCheck,
  unsentPayouts,
} from "../store/execution";
import { raiseException } from "../store/exceptions";
import { type PayoutRow, recordEvent } from "../store/payouts";
import type { Deps } from "./deps";
import { applyBankStatus } from "./payouts";
import { releaseApprovedBatch } from "./release";

const POLL_ACTOR = "system:poller";
const POLL_BATCH_LIMIT = 200;
const REDRIVE_AFTER_MS = 60_000;

export interface PollingSettings {
  /** A payout not final this long after its last change is asked about at the bank. */
  pollAfterMs: number;
  /** Still unresolved this long after creation: an exception for a person. */
  horizonMs: number;
  /** How long after payment a payout is still re-checked for a bank return. */
  returnWatchMs: number;
}

export interface PollSummary {
  polled: number;
  resolved: number;
  redriven: number;
  stuck: number;
  released: number;
  completed: number;
  returnsFound: number;
}

export async function pollAndRedrive(deps: Deps, settings: PollingSettings, nowMs: number): Promise<PollSummary> {
  const summary: PollSummary = { polled: 0, resolved: 0, redriven: 0, stuck: 0, released: 0, completed: 0, returnsFound: 0 };
  summary.redriven = await redriveUnsent(deps, nowMs);
  for (const payout of await payoutsAwaitingBank(deps.db, iso(nowMs - settings.pollAfterMs), POLL_BATCH_LIMIT)) {
    summary.polled++;
    const outcome = await pollOne(deps, payout);
    if (outcome === "resolved") summary.resolved++;
    if (outcome === "redriven") summary.redriven++;
    if (await raiseIfStuck(deps, payout, nowMs - settings.horizonMs)) summary.stuck++;
  }
  summary.returnsFound = await pollForReturns(deps, settings, nowMs);
  summary.released = await redriveBatches(deps, nowMs);
  summary.completed = await completeFinishedBatches(deps.db, nowIso());
  return summary;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Payouts reserved but never handed to the queue (a crash between the two): enqueue again. */
async function redriveUnsent(deps: Deps, nowMs: number): Promise<number> {
  const unsent = await unsentPayouts(deps.db, iso(nowMs - REDRIVE_AFTER_MS), POLL_BATCH_LIMIT);
  for (const p of unsent) await deps.queue.send({ type: "transfer", payoutId: p.id });
  return unsent.length;
}

async function pollOne(deps: Deps, payout: PayoutRow): Promise<"resolved" | "redriven" | "unchanged"> {
  const known = await deps.gateway.getTransfer(payout.idempotencyKey);
  await recordEvent(deps.db, { payoutId: payout.id, kind: "poll", actorId: POLL_ACTOR, details: { result: known.kind, bankStatus: known.kind === "found" ? known.transfer.status : null } });
  if (known.kind === "found") {
    const result = await applyBankStatus(deps.db, payout.id, known.transfer, POLL_ACTOR, "poll", { known: payout });
    return result.applied ? "resolved" : "unchanged";
  }
  if (known.kind === "not_found" && payout.status !== "processing") {
    // The bank never got it (or its queue message was dead-lettered): hand it to the consumer again.
    await deps.queue.send({ type: "transfer", payoutId: payout.id });
    return "redriven";
  }
  return "unchanged";
}

/** A payout still in flight past the horizon is a ticket for a person (one per payout while open). */
async function raiseIfStuck(deps: Deps, payout: PayoutRow, createdBeforeMs: number): Promise<boolean> {
  const after = await payoutStatus(deps.db, payout.id);
  if (!after || !isIn(IN_FLIGHT_PAYOUT_STATUSES, after.status) || Date.parse(payout.createdAt) >= createdBeforeMs) return false;
  await raiseException(deps.db, {
    cause: "payout_stuck",
    summary: `Payout ${payout.id} is still ${after.status} after the polling horizon`,
    payoutId: payout.id,
    batchId: payout.batchId,
    itemId: payout.itemId,
    payeeId: payout.payeeId,
    details: { status: after.status, since: payout.createdAt },
  });
  return true;
}

/**
 * Paid payouts inside the return window are asked about every few hours: a bank can return a
 * payout days later, and if that webhook is lost this is what notices (before reconciliation).
 */
async function pollForReturns(deps: Deps, settings: PollingSettings, nowMs: number): Promise<number> {
  let found = 0;
  for (const payout of await paidPayoutsDueForReturnCheck(deps.db, iso(nowMs), POLL_BATCH_LIMIT)) {
    const known = await deps.gateway.getTransfer(payout.idempotencyKey);
    if (known.kind === "found" && known.transfer.status === "reversed") {
      await recordEvent(deps.db, { payoutId: payout.id, kind: "poll", actorId: POLL_ACTOR, details: { result: "found", bankStatus: "reversed" } });
      if ((await applyBankStatus(deps.db, payout.id, known.transfer, POLL_ACTOR, "poll", { known: payout })).applied) found++;
      continue;
    }
    const insideWindow = Date.parse(payout.processedAt ?? payout.updatedAt) > nowMs - settings.returnWatchMs;
    await setNextReturnCheck(deps.db, payout.id, insideWindow ? iso(nowMs + RETURN_POLL_INTERVAL_MS * 6) : null);
  }
  return found;
}

/** Approved batches never released, and executing batches with items never turned into payouts. */
async function redriveBatches(deps: Deps, nowMs: number): Promise<number> {
  let released = 0;
  for (const b of await batchesLeftBehind(deps.db, iso(nowMs - REDRIVE_AFTER_MS), 20)) released += await releaseApprovedBatch(deps, b.id);
  return released;
}
