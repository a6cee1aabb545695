// Messages on the transfer queue. `release` asks a payee's gate to create the payout for a
// batch item; `transfer` asks the consumer to move a payout's money at the bank.

export type TransferQueueMessage =
  | { type: "release"; batchId: string; itemId: string; payeeId: string }
  | { type: "transfer"; payoutId: string };

export function isTransferQueueMessage(body: unknown): body is TransferQueueMessage {
  if (typeof body !== "object" || body === null) return false;
  const m = body as Record<string, unknown>;
  if (m.type === "transfer") return typeof m.payoutId === "string";
  if (m.type === "release") return typeof m.batchId === "string" && typeof m.itemId === "string" && typeof m.payeeId === "string";
  return false;
}

/** The dead-letter queue's name (wrangler.toml); its batches go to the dead-letter consumer. */
export const DEAD_LETTER_QUEUE = "disburse-transfers-dlq";
/** The outbound events queue (services/events.ts), consumed by the same Worker. */
export const EVENT_QUEUE = "disburse-events";
