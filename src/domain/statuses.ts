// Every status list and set in one place: the drizzle schema, the zod schemas and the SQL
// filters all import them from here, so a status is never retyped as a string literal.

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
export const PAYOUT_STATUSES = ["created", "queued", "processing", "unknown", "processed", "failed", "reversed", "cancelled"] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const TERMINAL_PAYOUT_STATUSES = ["failed", "reversed", "cancelled"] as const satisfies readonly PayoutStatus[];
/** Statuses in which the payout holds the payee's money (reserved, in flight or paid). */
export const HOLDING_PAYOUT_STATUSES = ["created", "queued", "processing", "unknown", "processed"] as const satisfies readonly PayoutStatus[];
/** Statuses in which a transfer may still be moving at the bank. */
export const IN_FLIGHT_PAYOUT_STATUSES = ["created", "queued", "processing", "unknown"] as const satisfies readonly PayoutStatus[];
/** In flight and handed to the queue: the poller asks the bank about these when they linger. */
export const AWAITING_BANK_PAYOUT_STATUSES = ["queued", "processing", "unknown"] as const satisfies readonly PayoutStatus[];
/** Payouts the bank has confirmed paid (and possibly returned since). */
export const PAID_PAYOUT_STATUSES = ["processed", "reversed"] as const satisfies readonly PayoutStatus[];

/** The bank's view of a transfer, as every gateway normalises it. */
export const BANK_TRANSFER_STATUSES = ["pending", "processed", "failed", "reversed"] as const;
export type BankTransferStatus = (typeof BANK_TRANSFER_STATUSES)[number];

export const BATCH_STATUSES = ["draft", "pending_approval", "approved", "rejected", "cancelled", "executing", "completed"] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];
/** Statuses in which a batch holds its payees for the cycle. */
export const LIVE_BATCH_STATUSES = ["draft", "pending_approval", "approved", "executing", "completed"] as const satisfies readonly BatchStatus[];

/** Batches whose items the payee gates pay (a completed one only on an operator's retry). */
export const PAYING_BATCH_STATUSES = ["approved", "executing"] as const satisfies readonly BatchStatus[];

/**
 * ok: to be paid; blocked: failed a check; excluded: by the maker; held: its payee is on hold;
 * deficit: the cycle nets below zero, so nothing is paid and the deficit is carried forward.
 * Held and deficit items are not paid and not counted.
 */
export const BATCH_ITEM_STATUSES = ["ok", "blocked", "excluded", "held", "deficit"] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];

export const EXCEPTION_STATUSES = ["open", "in_progress", "resolved", "dismissed"] as const;
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number];
/** Tickets that still need a person. */
export const OPEN_EXCEPTION_STATUSES = ["open", "in_progress"] as const satisfies readonly ExceptionStatus[];
/** A resolution's retry: pending until it ran, done, or exhausted after throwing on every attempt. */
export const RETRY_STATUSES = ["pending", "done", "exhausted"] as const;
export type RetryStatus = (typeof RETRY_STATUSES)[number];

export const BANK_VERIFICATION_STATUSES = ["unverified", "verified", "invalid"] as const;
export type BankVerificationStatus = (typeof BANK_VERIFICATION_STATUSES)[number];

/** An event's delivery to one endpoint: still trying, delivered, or given up on (and alerted). */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Membership test that narrows, for the readonly tuples above. */
export const isIn = <T extends string>(set: readonly T[], value: string): value is T => (set as readonly string[]).includes(value);
