// Moving payouts through their lifecycle: the one path by which any status changes. The plan
// comes from domain/payout-lifecycle.ts; the store writes it atomically, under a version lock.

import { bankMoves, planChange } from "../domain/payout-lifecycle";
import type { BankTransferStatus } from "../domain/statuses";
import { type Db, nowIso } from "../store/client";
import { type ChangeRecord, getPayout, type PayoutRow, recordEvent, writePayoutChange } from "../store/payouts";

export type Change = ChangeRecord;

export type ChangeResult = { applied: true; payout: PayoutRow } | { applied: false; payout: PayoutRow; reason: "same_status" | "not_allowed" };

const MAX_CHANGE_ATTEMPTS = 5;

/**
 * Moves a payout to a new status if the lifecycle allows it, writing what the lifecycle's plan
 * says the move entails in one atomic batch. A move the lifecycle refuses (late, duplicate or
 * backwards) is recorded on the timeline and ignored. Safe to call concurrently and repeatedly.
 */
export async function changeStatus(db: Db, payoutId: string, change: Change, known?: PayoutRow): Promise<ChangeResult> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    // A row the caller just read saves a query; if it is stale, the version lock below fails
    // and the next attempt reads afresh.
    const current = attempt === 0 && known ? known : await getPayout(db, payoutId);
    const planned = planChange(current, change, nowIso());
    if (!planned.ok) {
      if (planned.reason === "not_allowed") await recordIgnored(db, current, change);
      return { applied: false, payout: current, reason: planned.reason };
    }
    const { plan } = planned;
    if ((await writePayoutChange(db, current, change, plan)) === "lost_race") continue;
    return { applied: true, payout: { ...current, ...plan.next } };
  }
  throw new Error(`payout ${payoutId}: could not apply ${change.to} after ${MAX_CHANGE_ATTEMPTS} attempts of contention`);
}

function recordIgnored(db: Db, current: PayoutRow, change: Change) {
  return recordEvent(db, {
    payoutId: current.id,
    kind: "ignored_event",
    from: current.status,
    to: change.to,
    actorId: change.actorId,
    details: { cause: change.cause, bankStatus: change.bankStatus ?? null, ...change.details },
  });
}

/**
 * Applies what the bank says (from a response, a webhook or a poll), through the moves the
 * lifecycle derives from it (a reversal before its "processed" is applied as both).
 */
export async function applyBankStatus(
  db: Db,
  payoutId: string,
  bank: { status: BankTransferStatus; bankReference: string | null; failureCode?: string | undefined; failureReason?: string | undefined },
  actorId: string,
  cause: string,
  options: {
    /** The payout as the caller just read it: saves a query; a stale row only costs a retry. */
    known?: PayoutRow | undefined;
    /** Written on the state-change event (a webhook's event id and type, for example). */
    details?: Record<string, unknown> | undefined;
  } = {},
): Promise<ChangeResult> {
  let current = options.known ?? (await getPayout(db, payoutId));
  let result: ChangeResult = { applied: false, payout: current, reason: "same_status" };
  for (const move of bankMoves(current.status, bank.status)) {
    const change: Change = move.inferred
      ? { to: move.to, actorId, cause, bankReference: bank.bankReference, bankStatus: bank.status, details: { ...options.details, inferredFrom: bank.status } }
      : { to: move.to, actorId, cause, bankReference: bank.bankReference, bankStatus: bank.status, details: options.details, failureCode: bank.failureCode, failureReason: bank.failureReason };
    result = await changeStatus(db, payoutId, change, current);
    if (move.inferred && !result.applied && result.payout.status !== "processed") return result;
    current = result.payout;
  }
  return result;
}
