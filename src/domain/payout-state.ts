// The payout state machine: the one place that says which status changes are allowed.
// Everything that changes a payout's status asks `transition` first; a late or duplicate
// event that would move a payout backwards is refused here, recorded by the caller, and ignored.

export const PAYOUT_STATUSES = ["created", "queued", "processing", "unknown", "processed", "failed", "reversed", "cancelled"] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

/**
 * created     reserved in the ledger, transfer job not yet enqueued (the outbox state)
 * queued      transfer job enqueued
 * processing  sent to the bank, which accepted it and has not finished
 * unknown     the last bank call had an ambiguous outcome; ask the bank before anything else
 * processed   the bank debited our account: terminal unless the bank later returns the money
 * failed      the bank will not pay (or never received it); the reservation is voided
 * reversed    paid, then returned by the bank; the liability to the payee is restored
 * cancelled   withdrawn before it reached the bank; the reservation is voided
 */
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

export const TERMINAL_STATUSES: readonly PayoutStatus[] = ["failed", "reversed", "cancelled"];
/** Statuses in which the payout holds the payee's money (reserved, in flight or paid). */
export const HOLDING_STATUSES: readonly PayoutStatus[] = ["created", "queued", "processing", "unknown", "processed"];
/** Statuses in which a transfer may still be moving at the bank. */
export const IN_FLIGHT_STATUSES: readonly PayoutStatus[] = ["created", "queued", "processing", "unknown"];

export type TransitionCheck = { ok: true } | { ok: false; reason: "same_status" | "not_allowed" };

export function transition(from: PayoutStatus, to: PayoutStatus): TransitionCheck {
  if (from === to) return { ok: false, reason: "same_status" };
  return PAYOUT_TRANSITIONS[from].includes(to) ? { ok: true } : { ok: false, reason: "not_allowed" };
}

export const isTerminal = (s: PayoutStatus) => TERMINAL_STATUSES.includes(s);

/** The ledger posting that must be written together with a move into `to`, if any. */
export function postingFor(to: PayoutStatus): "settle" | "void" | "return" | null {
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
