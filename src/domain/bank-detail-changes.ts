// Four eyes on bank details: every new set of a payee's bank details (the first ones too) is a
// pending change that a second person approves, and changed details become payable only after a
// cooling-off period. Until then the payee is not paid (or, if configured when the change was
// requested, is paid to the details in force before it).

import { conflict, forbidden, invalid } from "./errors";
import type { BankDetails, VerificationStatus } from "./payees";

export const BANK_CHANGE_STATUSES = ["pending", "approved", "rejected", "superseded"] as const;
export type BankChangeStatus = (typeof BANK_CHANGE_STATUSES)[number];

/** Bounds of BANK_CHANGE_COOLING_OFF_SECONDS: none at all, up to 30 days. */
export const COOLING_OFF_BOUNDS_SECONDS = { min: 0, max: 30 * 86_400, default: 86_400 } as const;
/** Bounds of BANK_NAME_MATCH_THRESHOLD (a score from src/domain/name-match.ts). */
export const NAME_MATCH_THRESHOLD_BOUNDS = { min: 0, max: 1, default: 0.8 } as const;

export interface BankChange {
  id: string;
  status: BankChangeStatus;
  requestedBy: string;
}

/** Four eyes: a change is approved or rejected by someone other than who requested it. */
export function assertMayDecide(change: BankChange, actorId: string) {
  if (change.status !== "pending") {
    throw conflict("bank_change_not_pending", `Bank details change ${change.id} is ${change.status}; only a pending change can be decided.`, { status: change.status });
  }
  if (change.requestedBy === actorId) {
    throw forbidden("bank_change_decided_by_requester", "A bank details change must be approved or rejected by a different person than the one who requested it.", {
      requestedBy: change.requestedBy,
    });
  }
}

/**
 * When approved details become payable. The payee's first details have no cooling-off: there is
 * no earlier account for them to redirect money from, and the approval was still a second
 * person's. Every later change waits the cooling-off period.
 */
export function payableFrom(approvedAt: string, coolingOffSeconds: number, firstDetails: boolean): string {
  return firstDetails ? approvedAt : new Date(Date.parse(approvedAt) + coolingOffSeconds * 1000).toISOString();
}

/** What the payee row says about its bank details, for deciding which (if any) may be paid. */
export interface PayeeBankState {
  bank: BankDetails | null;
  verificationStatus: VerificationStatus;
  /** Null for details from before four eyes, payable as they are. */
  payableFrom: string | null;
  pendingChangeId: string | null;
  /** The current change window pays the details in force before it (BANK_CHANGE_PAY_OLD_DETAILS_DURING_COOLING_OFF). */
  paysOldDetails: boolean;
  /** The details in force before the last approved change, kept through its cooling-off when paysOldDetails. */
  previous: (BankDetails & { verificationStatus: VerificationStatus }) | null;
}

export type PayableBank =
  | { ok: true; bank: BankDetails | null; verificationStatus: VerificationStatus }
  | { ok: false; code: "bank_details_change_pending" | "bank_details_cooling_off"; reason: string };

/** The bank details a payout may be sent to now, or why the payee's payouts are held. */
export function payableBank(state: PayeeBankState, now: string): PayableBank {
  let inForce: PayableBank = { ok: true, bank: state.bank, verificationStatus: state.verificationStatus };
  if (state.payableFrom !== null && state.payableFrom > now) {
    const { verificationStatus, ...previous } = state.previous ?? { verificationStatus: "unverified" as const };
    inForce =
      state.paysOldDetails && state.previous
        ? { ok: true, bank: previous as BankDetails, verificationStatus }
        : { ok: false, code: "bank_details_cooling_off", reason: `New bank details are in their cooling-off period until ${state.payableFrom}` };
  }
  if (state.pendingChangeId !== null && !state.paysOldDetails) {
    return { ok: false, code: "bank_details_change_pending", reason: `A bank details change (${state.pendingChangeId}) awaits a second person's approval` };
  }
  if (state.pendingChangeId !== null && inForce.ok && inForce.bank === null) {
    return { ok: false, code: "bank_details_change_pending", reason: `The payee's first bank details (${state.pendingChangeId}) await a second person's approval` };
  }
  return inForce;
}

/** The name-match rule for recording details as verified (scores from src/domain/name-match.ts). */
export function assertNameMatchAllowsVerified(
  input: { score: number; threshold: number; override: { reason: string } | undefined; actorId: string; requestedBy: string | null },
) {
  if (input.score >= input.threshold) return;
  if (!input.override) {
    throw invalid(
      "name_mismatch",
      `The name the bank returned matches the payee's names with score ${input.score}, below ${input.threshold}; a reviewer other than who entered the details must override with a reason.`,
      { score: input.score, threshold: input.threshold },
    );
  }
  if (input.requestedBy !== null && input.requestedBy === input.actorId) {
    throw forbidden("name_mismatch_override_by_requester", "A name mismatch must be overridden by someone other than who entered the bank details.", { requestedBy: input.requestedBy });
  }
}
