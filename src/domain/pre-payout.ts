// Pre-payout reconciliation: before a payee's amount may go into a batch, prove it against the
// ledger. Every check is recorded with a reason; any failure blocks the item.
// "Fixing a wrong payout is harder than delaying a correct one."

import type { EntryInput } from "./ledger";
import type { Currency } from "./money";
import { type BankDetails, bankDetailsProblem, type VerificationStatus } from "./payees";
import { type SettlementBreakdown, sellerPayablePaise, settlementEntries } from "./settlement";

export const PRE_PAYOUT_CHECKS = [
  "ledger_entries_exist",
  "no_double_count",
  "components_match",
  "amount_matches_outstanding",
  "no_overpayment",
  "bank_details",
] as const;
export type PrePayoutCheck = (typeof PRE_PAYOUT_CHECKS)[number];

export interface CheckResult {
  check: PrePayoutCheck;
  ok: boolean;
  reasons: string[];
}

export interface PayeeCycleFacts {
  payeeId: string;
  currency: Currency;
  /** Settlements in the cycle where this payee is the seller or the delivery partner. */
  settlements: SettlementBreakdown[];
  /** For each of those orders, every settlement transaction the ledger holds (exactly one is right). */
  ledgerByOrder: ReadonlyMap<string, EntryInput[][]>;
  /** Credits and debits to the payee's payable account tagged with this cycle. */
  cycleCreditsPaise: number;
  cycleDebitsPaise: number;
  /**
   * From the payout records, not the ledger: what this payee's payouts for the cycle hold
   * (reserved, in flight or paid). Failed, cancelled and returned payouts hold nothing.
   */
  committedPaise: number;
  /** The payee's outstanding payable over all cycles. */
  accountBalancePaise: number;
  bank: BankDetails | null;
  verificationStatus: VerificationStatus;
  /** A hold in force on the payee: its items are held, not paid and not counted. */
  hold?: { holdId: string; reason: string } | null | undefined;
}

export interface OrderShare {
  orderId: string;
  role: "seller" | "delivery_partner";
  amountPaise: number;
}

export interface PrePayoutResult {
  payeeId: string;
  /** The payee's outstanding payable for the cycle, from the ledger. */
  amountPaise: number;
  orders: OrderShare[];
  checks: CheckResult[];
  ok: boolean;
  /**
   * The ledger agrees with the orders and the cycle is already paid in full: nothing to pay and
   * nothing wrong (bank details do not matter when there is nothing to send).
   */
  paidInFull: boolean;
  /** The payee is on hold: the item is held whatever its checks say (a held item never blocks a batch). */
  hold: { holdId: string; reason: string } | null;
}

/** Paid in this batch: the checks pass and no hold stands in the way. */
export const isPayable = (r: PrePayoutResult) => r.ok && r.hold === null;
/** Stops submission: a check failed on an item that would otherwise be paid. */
export const isBlocking = (r: PrePayoutResult) => !r.ok && r.hold === null;

/** This payee's share of each order: the seller's payable or the partner's delivery fee. */
export function orderShares(payeeId: string, settlements: readonly SettlementBreakdown[]): OrderShare[] {
  const shares: OrderShare[] = [];
  for (const s of settlements) {
    if (s.sellerPayeeId === payeeId) shares.push({ orderId: s.orderId, role: "seller", amountPaise: sellerPayablePaise(s) });
    if (s.deliveryPartnerPayeeId === payeeId) {
      shares.push({ orderId: s.orderId, role: "delivery_partner", amountPaise: s.deliveryFeePaise });
    }
  }
  return shares.filter((share) => share.amountPaise > 0);
}

export function reconcilePayee(facts: PayeeCycleFacts): PrePayoutResult {
  const orders = orderShares(facts.payeeId, facts.settlements);
  const amountPaise = facts.cycleCreditsPaise - facts.cycleDebitsPaise;
  const checks: CheckResult[] = [];
  const record = (check: PrePayoutCheck, reasons: string[]) => checks.push({ check, ok: reasons.length === 0, reasons });

  const missing: string[] = [];
  const doubled: string[] = [];
  const mismatched: string[] = [];
  const seen = new Set<string>();
  for (const s of facts.settlements) {
    if (seen.has(s.orderId)) doubled.push(`order ${s.orderId} appears in more than one settlement`);
    seen.add(s.orderId);
    const postings = facts.ledgerByOrder.get(s.orderId) ?? [];
    if (postings.length === 0) missing.push(`order ${s.orderId} has no settlement transaction in the ledger`);
    if (postings.length > 1) doubled.push(`order ${s.orderId} is posted ${postings.length} times in the ledger`);
    const posted = postings[0];
    if (posted) {
      const difference = entriesDifference(settlementEntries(s), posted);
      if (difference) mismatched.push(`order ${s.orderId}: ${difference}`);
    }
  }
  record("ledger_entries_exist", missing);
  record("no_double_count", doubled);
  record("components_match", mismatched);

  // Two independent sources must agree: the ledger's outstanding for the cycle, and the orders
  // earned less what the payout records say is already reserved, in flight or paid.
  const earnedPaise = orders.reduce((sum, o) => sum + o.amountPaise, 0);
  const expectedOutstandingPaise = earnedPaise - facts.committedPaise;
  const outstandingReasons: string[] = [];
  if (amountPaise !== expectedOutstandingPaise) {
    outstandingReasons.push(
      `the ledger shows ${amountPaise} paise outstanding for this payee in the cycle, but its orders (${earnedPaise}) less payouts already made or in flight (${facts.committedPaise}) leave ${expectedOutstandingPaise}`,
    );
  }
  if (amountPaise <= 0) outstandingReasons.push("nothing is outstanding for this payee in the cycle");
  record("amount_matches_outstanding", outstandingReasons);

  record(
    "no_overpayment",
    amountPaise > facts.accountBalancePaise
      ? [`the amount ${amountPaise} exceeds the payee's total outstanding payable ${facts.accountBalancePaise}`]
      : [],
  );

  const bankProblem = bankDetailsProblem(facts.bank, facts.verificationStatus);
  record("bank_details", bankProblem ? [bankProblem] : []);

  const ledgerAgrees = missing.length === 0 && doubled.length === 0 && mismatched.length === 0 && amountPaise === expectedOutstandingPaise;
  const paidInFull = amountPaise === 0 && ledgerAgrees;
  return { payeeId: facts.payeeId, amountPaise, orders, checks, ok: checks.every((c) => c.ok), paidInFull, hold: facts.hold ?? null };
}

/** Describes the first difference between two multisets of entries, or null when equal. */
export function entriesDifference(expected: readonly EntryInput[], actual: readonly EntryInput[]): string | null {
  const key = (e: EntryInput) => `${e.direction} ${e.accountId} ${e.amountPaise} ${e.currency}`;
  const counts = new Map<string, number>();
  for (const e of expected) counts.set(key(e), (counts.get(key(e)) ?? 0) + 1);
  for (const e of actual) counts.set(key(e), (counts.get(key(e)) ?? 0) - 1);
  for (const [k, n] of counts) {
    if (n > 0) return `the settlement expects "${k}" but the ledger does not have it`;
    if (n < 0) return `the ledger has "${k}" that the settlement does not explain`;
  }
  return null;
}
