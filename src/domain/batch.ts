// Payout batches: their lifecycle as data, the approval rule, and the fingerprint that binds
// an approval to exactly the content the checker saw.

import { canonicalJson } from "./canonical";
import type { BankDetails } from "./payees";
import type { RiskFlag } from "./risk-flags";
import { type BatchItemStatus, BATCH_STATUSES, type BatchStatus } from "./statuses";

export const BATCH_TRANSITIONS: Record<BatchStatus, readonly BatchStatus[]> = {
  draft: ["pending_approval", "cancelled"],
  pending_approval: ["approved", "rejected", "cancelled"],
  approved: ["executing"],
  executing: ["completed"],
  rejected: [],
  cancelled: [],
  completed: [],
};

export function canTransitionBatch(from: BatchStatus, to: BatchStatus): boolean {
  return BATCH_TRANSITIONS[from].includes(to);
}

/**
 * The statuses a batch may move into `to` from. Every write that changes a batch's status
 * conditions on this list, so the SQL can never allow a move the table above does not.
 */
export function batchStatusesInto(to: BatchStatus): BatchStatus[] {
  return BATCH_STATUSES.filter((from) => BATCH_TRANSITIONS[from].includes(to));
}

export function requiredApprovals(totalPaise: number, twoCheckerThresholdPaise: number): 1 | 2 {
  return totalPaise > twoCheckerThresholdPaise ? 2 : 1;
}

export interface FingerprintItem {
  payeeId: string;
  amountPaise: number;
  currency: string;
  status: BatchItemStatus;
  exclusionReason: string | null;
  orderIds: string[];
  bank: BankDetails | null;
  /** The risk flags shown to checkers: approving binds to having seen them. */
  riskFlags: RiskFlag[];
}

/** The content an approval is bound to. Any change to an item, amount, bank detail or risk flag changes it. */
export function fingerprintContent(batch: { id: string; cycleId: string; currency: string }, items: FingerprintItem[]): string {
  const sorted = [...items].sort((a, b) => (a.payeeId < b.payeeId ? -1 : a.payeeId > b.payeeId ? 1 : 0));
  return canonicalJson({
    batchId: batch.id,
    cycleId: batch.cycleId,
    currency: batch.currency,
    items: sorted.map((i) => ({ ...i, orderIds: [...i.orderIds].sort() })),
  });
}
