// Exception tickets: what opens one, their lifecycle as data, and which causes retry the payout
// when resolved.

import type { ExceptionStatus } from "./statuses";

export interface ExceptionInput {
  cause: string;
  summary: string;
  payoutId?: string | null;
  batchId?: string | null;
  itemId?: string | null;
  payeeId?: string | null;
  /** What the ticket is about when it is not a payout, item, batch or payee (e.g. a bank reference). */
  subjectKey?: string | null;
  details?: Record<string, unknown>;
}

/** One open ticket per cause and subject: the key a second raise of the same ticket collides on. */
export const openKeyOf = (e: Pick<ExceptionInput, "cause" | "payoutId" | "itemId" | "batchId" | "payeeId" | "subjectKey">) =>
  `${e.cause}|${e.subjectKey ?? e.payoutId ?? e.itemId ?? e.batchId ?? e.payeeId ?? "-"}`;

export const EXCEPTION_TRANSITIONS: Record<ExceptionStatus, readonly ExceptionStatus[]> = {
  open: ["in_progress", "resolved", "dismissed"],
  in_progress: ["resolved", "dismissed"],
  resolved: [],
  dismissed: [],
};

export function canTransitionException(from: ExceptionStatus, to: ExceptionStatus): boolean {
  return EXCEPTION_TRANSITIONS[from].includes(to);
}

/**
 * What resolving a ticket of each cause does:
 * - new_attempt: the payout failed or was returned; pay the item again (new payout, same path)
 * - release: the payee's gate refused or never got the item; ask it again
 * - requeue: the payout may still be moving; hand it back to the consumer, which asks the bank first
 * - rearm: another ticket's retry threw on every attempt; run that retry again from its first attempt
 * - none: investigation only (reconciliation mismatches, ...)
 */
export const RETRY_ON_RESOLVE: Record<string, "new_attempt" | "release" | "requeue" | "rearm" | "none"> = {
  invalid_bank_details: "new_attempt",
  bank_failure: "new_attempt",
  payout_reversed: "new_attempt",
  payout_refused: "release",
  release_dead_lettered: "release",
  transfer_dead_lettered: "requeue",
  payout_stuck: "requeue",
  retry_exhausted: "rearm",
};

export const retryKindFor = (cause: string) => RETRY_ON_RESOLVE[cause] ?? "none";

/** Causes whose fix is the payee's bank details: resolving needs them verified first. */
export const BANK_DETAIL_CAUSES = ["invalid_bank_details"] as const;

/**
 * A retry that throws is tried again by the cron with exponential backoff: 5, 10, 20, … minutes
 * after each failure, so the eight attempts span about 10.6 hours. After the eighth it stops and
 * raises a `retry_exhausted` ticket instead of running on every cron for ever.
 */
export const RETRY_MAX_ATTEMPTS = 8;
export const RETRY_FIRST_BACKOFF_MS = 5 * 60_000;

/** What follows a retry's failed attempt number `attempts` (1-based) at `nowMs`: when to try again, or stop. */
export function afterFailedRetry(attempts: number, nowMs: number): { exhausted: true } | { exhausted: false; nextAtMs: number } {
  if (attempts >= RETRY_MAX_ATTEMPTS) return { exhausted: true };
  return { exhausted: false, nextAtMs: nowMs + RETRY_FIRST_BACKOFF_MS * 2 ** (attempts - 1) };
}

/** The one open retry_exhausted ticket about a given ticket's retry. */
export const retryExhaustedSubject = (exceptionId: string) => `retry|${exceptionId}`;
