// What Disburse needs from a bank: create a transfer under an idempotency key, ask for a
// transfer's status, list the account's transactions (for reconciliation), and understand the
// bank's webhooks. Adapters turn each provider's HTTP into these outcomes.

import type { Currency } from "../domain/money";
import type { BankDetails } from "../domain/payees";

export interface TransferRequest {
  idempotencyKey: string;
  amountPaise: number;
  currency: Currency;
  account: BankDetails;
  /** Our payout id, echoed back by the bank in statements and webhooks. */
  reference: string;
  narration: string;
}

export { BANK_TRANSFER_STATUSES, type BankTransferStatus } from "../domain/statuses";
import type { BankTransferStatus } from "../domain/statuses";

export interface BankTransfer {
  bankReference: string;
  idempotencyKey: string;
  status: BankTransferStatus;
  amountPaise: number;
  failureCode?: string | undefined;
  failureReason?: string | undefined;
}

export type CreateOutcome =
  /** The bank has the transfer (new, or the one it already had for this key). */
  | { kind: "accepted"; transfer: BankTransfer }
  /** The bank refused for good (invalid account, account closed, rejected): never retry. */
  | { kind: "rejected"; code: string; message: string }
  /** The bank certainly did not act (e.g. rate limited): retry with the same key later. */
  | { kind: "retry"; reason: string; retryAfterSeconds?: number | undefined }
  /** The request may have reached the bank (timeout, connection reset, 5xx): ask before resending. */
  | { kind: "ambiguous"; reason: string };

export type StatusOutcome =
  | { kind: "found"; transfer: BankTransfer }
  | { kind: "not_found" }
  | { kind: "unavailable"; reason: string };

/** One line of the bank account's statement. */
export interface BankTransaction {
  bankReference: string;
  /** The idempotency key / our reference when the bank knows it. */
  reference: string | null;
  direction: "debit" | "credit";
  amountPaise: number;
  currency: Currency;
  kind: "payout" | "return" | "other";
  at: string;
}

export interface BankEvent {
  eventId: string;
  type: string;
  reference: string;
  bankReference: string | null;
  status: BankTransferStatus;
  failureCode?: string | undefined;
  failureReason?: string | undefined;
}

export type WebhookCheck = { ok: true; events: BankEvent[] } | { ok: false; reason: "bad_signature" | "stale_timestamp" | "malformed" };

export interface BankGateway {
  readonly provider: string;
  createTransfer(request: TransferRequest): Promise<CreateOutcome>;
  getTransfer(idempotencyKey: string): Promise<StatusOutcome>;
  listTransactions(fromIso: string, toIso: string): Promise<BankTransaction[]>;
}

export interface WebhookVerifier {
  verify(headers: Headers, rawBody: string, nowMs: number): Promise<WebhookCheck>;
}

/** Failure codes after which retrying is pointless; the payee's details must change first. */
export const PERMANENT_FAILURE_CODES = ["invalid_account", "account_closed", "beneficiary_rejected", "rejected"] as const;
