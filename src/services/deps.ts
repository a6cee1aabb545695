// What the use cases need from the outside world, as ports: the database, the bank, the transfer
// queue and the payees' gates. src/deps.ts builds them from the Worker's bindings; tests and the
// simulation may pass their own.

import type { BankGateway } from "../bank/gateway";
import type { Db } from "../store/client";
import type { TransferQueueMessage } from "./queue-messages";

export interface TransferQueue {
  send(message: TransferQueueMessage): Promise<void>;
  /** Queues accepts at most SEND_BATCH_LIMIT messages per call. */
  sendBatch(messages: readonly TransferQueueMessage[]): Promise<void>;
}

export type GateResult =
  | { outcome: "created" | "existing"; payoutId: string }
  | { outcome: "refused"; reason: string }
  /** Not now: another transfer to this payee is still moving. Ask again later; nothing was recorded. */
  | { outcome: "deferred"; reason: string };

/** Set when an operator's resolution of a ticket asks for the item again. */
export interface GateRetry {
  /** The failed or returned payout being retried; absent when the item never got a payout. */
  retryOf?: string;
}

/** A payee's gate: the one place a payout for that payee is created, one decision at a time. */
export interface PayeeGateClient {
  createPayout(payeeId: string, itemId: string, retry?: GateRetry): Promise<GateResult>;
}

export interface Deps {
  db: Db;
  gateway: BankGateway;
  queue: TransferQueue;
  gate(payeeId: string): PayeeGateClient;
}

/** Queues' limit on messages per sendBatch. */
export const SEND_BATCH_LIMIT = 100;
