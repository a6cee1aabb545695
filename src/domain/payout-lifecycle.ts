// The payout lifecycle in one module: which status changes are allowed, and what each move
// writes (the row's next fields, the ledger posting, the exception ticket, the freed payee and
// the next poll). Callers compute the plan here and apply it in one atomic write; a late or
// duplicate event that would move a payout backwards is refused, recorded by the caller, and ignored.

import type { ExceptionInput } from "./exception-state";
import type { PayoutPosting } from "./payout-ledger";
import { type BankTransferStatus, isIn, type PayoutStatus, TERMINAL_PAYOUT_STATUSES } from "./statuses";

export const PAYOUT_TRANSITIONS: Record<PayoutStatus, readonly PayoutStatus[]> = {
  created: ["queued", "processing", "unknown", "processed", "failed", "cancelled"],
  queued: ["processing", "unknown", "processed", "failed", "cancelled"],
  processing: ["unknown", "processed", "failed"],
  unknown: ["processing", "processed", "failed"],
  processed: ["reversed"],
  failed: [],
  reversed: [],
  cancelled: [],
};

/** How often a paid payout is re-checked for a return while it is inside the return window. */
export const RETURN_POLL_INTERVAL_MS = 3_600_000;

export type TransitionCheck = { ok: true } | { ok: false; reason: "same_status" | "not_allowed" };

export function transition(from: PayoutStatus, to: PayoutStatus): TransitionCheck {
  if (from === to) return { ok: false, reason: "same_status" };
  return PAYOUT_TRANSITIONS[from].includes(to) ? { ok: true } : { ok: false, reason: "not_allowed" };
}

export const isTerminal = (s: PayoutStatus) => isIn(TERMINAL_PAYOUT_STATUSES, s);

/** The ledger posting that must be written together with a move into `to`, if any. */
export function postingFor(to: PayoutStatus): PayoutPosting | null {
  switch (to) {
    case "processed":
      return "settle";
    case "failed":
    case "cancelled":
      return "void";
    case "reversed":
      return "return";
    default:
      return null;
  }
}

/** Bank failure codes that mean the payee's details are wrong: the fix is a correction, not a retry. */
const BANK_DETAIL_FAILURES = ["invalid_account", "account_closed"];

/** The exception cause of a payout the bank failed or refused. */
export const causeForBankFailure = (code: string | null | undefined) =>
  code !== null && code !== undefined && BANK_DETAIL_FAILURES.includes(code) ? "invalid_bank_details" : "bank_failure";

/** The exception cause of a payout the payee's gate refused to create. */
export const causeForRefusal = (reason: string) => (reason.startsWith("bank_details") ? "invalid_bank_details" : "payout_refused");

/** The payout status a bank status leads to; `reversed` first needs `processed` (see bankMoves). */
export const targetForBankStatus = (status: BankTransferStatus): PayoutStatus => (status === "pending" ? "processing" : status);

/**
 * The moves that apply what the bank says. A reversal that arrives before its "processed"
 * (reordered webhooks) is applied as processed, then reversed.
 */
export function bankMoves(current: PayoutStatus, status: BankTransferStatus): Array<{ to: PayoutStatus; inferred: boolean }> {
  const moves: Array<{ to: PayoutStatus; inferred: boolean }> = [];
  if (status === "reversed" && current !== "processed" && current !== "reversed") moves.push({ to: "processed", inferred: true });
  moves.push({ to: targetForBankStatus(status), inferred: false });
  return moves;
}

/** The columns of a payout that a status change may touch, and what identifies it. */
export interface PayoutState {
  id: string;
  batchId: string;
  itemId: string;
  payeeId: string;
  status: PayoutStatus;
  version: number;
  bankReference: string | null;
  lastBankStatus: string | null;
  failureCode: string | null;
  failureReason: string | null;
  processedAt: string | null;
  nextPollAt: string | null;
}

export interface PayoutChange {
  to: PayoutStatus;
  /** What caused it: "bank_response", "bank_rejected", "webhook", "poll", "enqueued", ... */
  cause: string;
  bankReference?: string | null | undefined;
  bankStatus?: string | undefined;
  failureCode?: string | null | undefined;
  failureReason?: string | null | undefined;
}

export interface ChangePlan {
  /** The row's fields after the move (the version is the lock the write checks). */
  next: Omit<PayoutState, "id" | "batchId" | "itemId" | "payeeId"> & { updatedAt: string; statusChangedAt: string };
  posting: PayoutPosting | null;
  exception: ExceptionInput | null;
  /** The move frees the payee's batch item, so the payee can be paid in another batch of the cycle. */
  freesItem: boolean;
}

export type PlanResult = { ok: true; plan: ChangePlan } | { ok: false; reason: "same_status" | "not_allowed" };

/** Computes everything a move writes, without writing it. */
export function planChange(current: PayoutState, change: PayoutChange, now: string): PlanResult {
  const check = transition(current.status, change.to);
  if (!check.ok) return check;
  // A failure always carries a code; other moves keep the last one unless the bank sends a new one.
  const failureCode = change.to === "failed" ? (change.failureCode ?? "bank_failed") : (change.failureCode ?? current.failureCode);
  const bankReference = change.bankReference ?? current.bankReference;
  return {
    ok: true,
    plan: {
      next: {
        status: change.to,
        version: current.version + 1,
        updatedAt: now,
        statusChangedAt: now,
        bankReference,
        lastBankStatus: change.bankStatus ?? current.lastBankStatus,
        failureCode,
        failureReason: change.failureReason !== undefined ? change.failureReason : current.failureReason,
        processedAt: change.to === "processed" ? now : current.processedAt,
        nextPollAt: nextPollAt(current, change.to, now),
      },
      posting: postingFor(change.to),
      exception: exceptionFor(current, change, { failureCode, bankReference }),
      // A payout that ends without paying (or was returned) frees its payee for another batch of the cycle.
      freesItem: isTerminal(change.to),
    },
  };
}

/**
 * A paid payout is still asked about now and then, in case the bank returns it and the return's
 * webhook is lost (the poller's return watch); a returned one is never asked about again.
 */
function nextPollAt(current: PayoutState, to: PayoutStatus, now: string): string | null {
  if (to === "processed") return new Date(Date.parse(now) + RETURN_POLL_INTERVAL_MS).toISOString();
  return to === "reversed" ? null : current.nextPollAt;
}

/** The ticket a move opens for a person: a failure or a return needs someone to decide what next. */
function exceptionFor(p: PayoutState, change: PayoutChange, after: { failureCode: string | null; bankReference: string | null }): ExceptionInput | null {
  const subject = { payoutId: p.id, batchId: p.batchId, itemId: p.itemId, payeeId: p.payeeId };
  if (change.to === "failed" && change.cause === "bank_rejected") {
    // Refused when it was submitted: the bank never accepted it.
    return {
      cause: causeForBankFailure(change.failureCode),
      summary: `The bank refused payout ${p.id}: ${change.failureCode}`,
      ...subject,
      details: { code: change.failureCode, message: change.failureReason },
    };
  }
  if (change.to === "failed") {
    return {
      cause: causeForBankFailure(change.failureCode),
      summary: `Payout ${p.id} failed at the bank: ${change.failureCode ?? "failed"}`,
      ...subject,
      details: { failureCode: change.failureCode ?? null, bankReference: after.bankReference },
    };
  }
  if (change.to === "reversed") {
    return {
      cause: "payout_reversed",
      summary: `Payout ${p.id} was returned by the bank after it was paid`,
      ...subject,
      details: { bankReference: after.bankReference },
    };
  }
  return null;
}
