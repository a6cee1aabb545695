// Outbound events: which exist, which an endpoint receives, and when a failed delivery is tried
// again. Events are what Disburse tells the marketplace (payout states, batches, tickets, bank
// details); they are delivered to webhook endpoints as the Standard Webhooks specification says.

import type { BatchStatus, ExceptionStatus, PayoutStatus } from "./statuses";

/** Every event type, grouped by the object it reports on (its subject). */
export const EVENT_TYPES = [
  "payout.created",
  "payout.queued",
  "payout.processing",
  "payout.unknown",
  "payout.processed",
  "payout.failed",
  "payout.reversed",
  "payout.cancelled",
  "batch.submitted",
  "batch.approval_requested",
  "batch.approved",
  "batch.rejected",
  "batch.cancelled",
  "batch.executing",
  "batch.completed",
  "exception.opened",
  "exception.resolved",
  "exception.dismissed",
  "reconciliation.mismatch",
  "payee.bank_details_changed",
  "payee.bank_details_change_requested",
  "payee.bank_details_change_approved",
  "payee.bank_details_change_rejected",
  "payee.bank_details_verification_set",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Events whose data is written as receivers see it (a bank details change, masked), not a row to render. */
export const BANK_CHANGE_EVENT_TYPES = ["payee.bank_details_change_requested", "payee.bank_details_change_approved", "payee.bank_details_change_rejected"] as const satisfies readonly EventType[];
export const isBankChangeEvent = (type: string) => (BANK_CHANGE_EVENT_TYPES as readonly string[]).includes(type);

export const EVENT_SUBJECTS = ["payout", "batch", "exception", "reconciliation_run", "payee"] as const;
export type EventSubject = (typeof EVENT_SUBJECTS)[number];

export const subjectOf = (type: EventType): EventSubject => {
  const prefix = type.slice(0, type.indexOf("."));
  return prefix === "reconciliation" ? "reconciliation_run" : (prefix as EventSubject);
};

/** A payout's status and the event that reports reaching it are one-to-one. */
export const payoutEventType = (status: PayoutStatus): EventType => `payout.${status}`;

/** The batch statuses that are reported (a draft is the maker's own business). */
export function batchEventType(status: BatchStatus): EventType | null {
  if (status === "draft") return null;
  if (status === "pending_approval") return "batch.submitted";
  return `batch.${status}`;
}

export function exceptionEventType(status: ExceptionStatus): EventType | null {
  if (status === "open") return "exception.opened";
  if (status === "resolved" || status === "dismissed") return `exception.${status}`;
  return null;
}

/**
 * An endpoint's filter: exact types, a whole group ("payout.*"), or everything ("*"). An empty
 * filter is refused when the endpoint is created, so it never silently receives nothing.
 */
export const EVENT_FILTER_PATTERN = /^(\*|[a-z_]+\.\*|[a-z_]+\.[a-z_]+)$/;

export function filterIsKnown(filter: string): boolean {
  if (filter === "*") return true;
  if (filter.endsWith(".*")) return EVENT_TYPES.some((t) => t.startsWith(filter.slice(0, -1)));
  return (EVENT_TYPES as readonly string[]).includes(filter);
}

export function wantsEvent(filters: readonly string[], type: EventType): boolean {
  return filters.some((f) => f === "*" || f === type || (f.endsWith(".*") && type.startsWith(f.slice(0, -1))));
}

/**
 * Seconds after the previous attempt at which each retry is made: 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, then every 12 h. The last retry comes 3 days 18 h after the first attempt; after it the
 * delivery is failed and an operator is alerted. (Svix, the reference implementation's author,
 * publishes a similar schedule; ours runs longer because payouts settle over days.)
 */
export const RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 43_200, 43_200, 43_200, 43_200, 43_200, 43_200] as const;
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

/** When attempt number `attempt` (1-based) failed at `nowMs`: the next try, or null to give up. */
export function nextDeliveryAttemptMs(attempt: number, nowMs: number): number | null {
  const delay = RETRY_DELAYS_SECONDS[attempt - 1];
  return delay === undefined ? null : nowMs + delay * 1000;
}

/**
 * How long both signing secrets sign after a rotation, by default and at most: a receiver has
 * that long to switch to the new secret.
 */
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 86_400;
export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 86_400;

/** Standard Webhooks secrets: "whsec_" and the base64 of 24 to 64 random bytes. */
export const SIGNING_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** A receiver's response is kept this long (characters) on the attempt, to debug with. */
export const RESPONSE_EXCERPT_CHARS = 500;
