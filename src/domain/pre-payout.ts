// Pre-payout reconciliation: before a payee's amount may go into a batch, prove it against the
// ledger. Every check is recorded with a reason; any failure blocks the item.
// "Fixing a wrong payout is harder than delaying a correct one."

import type { EntryInput } from "./ledger";
import type { Currency } from "./money";
import { type BankDetails, bankDetailsProblem, type VerificationStatus } from "./payees";
import { type SettlementBreakdown, type SettlementDeduction, sellerPayablePaise, settlementEntries } from "./settlement";
import { computeDeductions, type Deduction, type DeductionRule } from "./statutory";
import { formatPaise } from "./money";

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
  /** Each order's settlement transaction, for the remittance lines. */
  settlementTransactionIds?: ReadonlyMap<string, string> | undefined;
  /** Adjustments landing in the cycle, each with its signed effect on this payee's payable. */
  adjustments?: readonly AdjustmentFact[] | undefined;
  /** Shares of this cycle's settlements held back in the payee's rolling reserve. */
  reserveHolds?: readonly ReserveFact[] | undefined;
  /** Balances carried into or out of this cycle, each with its signed effect on the cycle. */
  carries?: readonly CarryFact[] | undefined;
  /** The payouts behind committedPaise, for the remittance lines. */
  earlierPayouts?: ReadonlyArray<{ payoutId: string; amountPaise: number }> | undefined;
  /** The statutory deduction rules now, to recompute each order's deductions from its recorded inputs. */
  deductionRules?: readonly DeductionRule[] | undefined;
}

export interface AdjustmentFact {
  adjustmentId: string;
  orderId: string;
  kind: string;
  transactionId: string;
  /** Signed effect on this payee's payable. */
  amountPaise: number;
}

export interface ReserveFact {
  orderId: string;
  transactionId: string;
  /** Held back (positive). */
  amountPaise: number;
}

export interface CarryFact {
  carryId: string;
  fromCycleId: string | null;
  toCycleId: string;
  /** in: this cycle is the target; out: this cycle is the source. */
  direction: "in" | "out";
  /** The leg posted in this cycle. */
  transactionId: string;
  /** Signed effect on this cycle: a deficit carried in is negative, one carried out positive. */
  amountPaise: number;
}

/**
 * One line of a remittance advice: something that makes up the amount paid, with the ledger
 * transaction that recorded it. A batch item's lines always sum to its net for the cycle.
 */
export interface RemittanceLine {
  type: "order" | "deduction" | "adjustment" | "reserve_hold" | "carried_in" | "carried_out" | "earlier_payout";
  description: string;
  orderId: string | null;
  reference: string | null;
  transactionId: string | null;
  amountPaise: number;
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
  /** Signed: what was carried into this cycle from other cycles and the released reserve. */
  carriedInPaise: number;
  /**
   * The ledger agrees with the records and the cycle nets below zero: nothing is paid and this
   * much is carried into the payee's next batch.
   */
  deficitPaise: number;
  /** What makes up the net: sums to amountPaise, or to −deficitPaise. */
  lines: RemittanceLine[];
}

/** Paid in this batch: the checks pass and no hold or deficit stands in the way. */
export const isPayable = (r: PrePayoutResult) => r.ok && r.hold === null && r.deficitPaise === 0;
/** Stops submission: a check failed on an item that would otherwise be paid. */
export const isBlocking = (r: PrePayoutResult) => !r.ok && r.hold === null && r.deficitPaise === 0;

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
    if (s.sellerPayeeId === facts.payeeId && s.taxInputs && facts.deductionRules) {
      const difference = deductionsDifference(s.deductions ?? [], computeDeductions(facts.deductionRules, s.taxInputs));
      if (difference) mismatched.push(`order ${s.orderId}: ${difference}`);
    }
  }
  record("ledger_entries_exist", missing);
  record("no_double_count", doubled);
  record("components_match", mismatched);

  // Two independent sources must agree: the ledger's outstanding for the cycle, and what the
  // records behind it add up to: orders earned, adjustments, reserve held back, balances carried
  // in or out, less what the payout records say is already reserved, in flight or paid.
  const lines = remittanceLines(facts, orders);
  const sum = (type: RemittanceLine["type"][]) => lines.filter((l) => type.includes(l.type)).reduce((s, l) => s + l.amountPaise, 0);
  const earnedPaise = sum(["order"]);
  const expectedOutstandingPaise = lines.reduce((s, l) => s + l.amountPaise, 0);
  const outstandingReasons: string[] = [];
  if (amountPaise !== expectedOutstandingPaise) {
    outstandingReasons.push(
      `the ledger shows ${amountPaise} paise outstanding for this payee in the cycle, but its orders (${earnedPaise}), adjustments (${sum(["adjustment"])}), reserve held (${sum(["reserve_hold"])}) and balances carried (${sum(["carried_in", "carried_out"])}) less payouts already made or in flight (${facts.committedPaise}) leave ${expectedOutstandingPaise}`,
    );
  }
  const ledgerRecordsAgree = missing.length === 0 && doubled.length === 0 && mismatched.length === 0 && amountPaise === expectedOutstandingPaise;
  const deficitPaise = amountPaise < 0 && ledgerRecordsAgree ? -amountPaise : 0;
  if (amountPaise === 0 || (amountPaise < 0 && deficitPaise === 0)) outstandingReasons.push("nothing is outstanding for this payee in the cycle");
  record("amount_matches_outstanding", outstandingReasons);

  record(
    "no_overpayment",
    amountPaise > facts.accountBalancePaise
      ? [`the amount ${amountPaise} exceeds the payee's total outstanding payable ${facts.accountBalancePaise}`]
      : [],
  );

  // Nothing is sent for a deficit, so the bank details cannot stop it being recorded.
  const bankProblem = deficitPaise > 0 ? null : bankDetailsProblem(facts.bank, facts.verificationStatus);
  record("bank_details", bankProblem ? [bankProblem] : []);

  const paidInFull = amountPaise === 0 && ledgerRecordsAgree;
  const carriedInPaise = lines.filter((l) => l.type === "carried_in").reduce((s, l) => s + l.amountPaise, 0);
  return {
    payeeId: facts.payeeId,
    amountPaise: Math.max(0, amountPaise),
    orders,
    checks,
    ok: checks.every((c) => c.ok),
    paidInFull,
    hold: facts.hold ?? null,
    carriedInPaise,
    deficitPaise,
    lines,
  };
}

/** Describes how recorded deductions differ from what the rules give now, or null when they agree. */
function deductionsDifference(recorded: readonly SettlementDeduction[], now: readonly Deduction[]): string | null {
  const key = (d: { kind: string; head: string; amountPaise: number }) => `${d.kind} ${d.head} ${d.amountPaise}`;
  const a = recorded.map(key).sort().join(", ");
  const b = now.map(key).sort().join(", ");
  return a === b ? null : `its statutory deductions (${a || "none"}) are not what the rules in force give (${b || "none"})`;
}

const DEDUCTION_NAMES: Record<SettlementDeduction["kind"], string> = { tds_194o: "TDS (s.194-O)", gst_tcs: "GST TCS", gst_on_fee: "GST on the platform fee" };

/** Everything that makes up the payee's net for the cycle, each with its ledger transaction. */
export function remittanceLines(facts: PayeeCycleFacts, orders: readonly OrderShare[]): RemittanceLine[] {
  const lines: RemittanceLine[] = [];
  for (const o of orders) {
    const transactionId = facts.settlementTransactionIds?.get(o.orderId) ?? null;
    const deductions = o.role === "seller" ? (facts.settlements.find((s) => s.orderId === o.orderId)?.deductions ?? []) : [];
    const withheld = deductions.reduce((sum, d) => sum + d.amountPaise, 0);
    lines.push({
      type: "order",
      description: o.role === "seller" ? `Order ${o.orderId}: sale less platform fee` : `Order ${o.orderId}: delivery fee`,
      orderId: o.orderId,
      reference: null,
      transactionId,
      amountPaise: o.amountPaise + withheld,
    });
    for (const d of deductions) {
      lines.push({
        type: "deduction",
        description: `${DEDUCTION_NAMES[d.kind]}${d.head === "TDS" ? "" : ` ${d.head}`} on order ${o.orderId}: ${d.rateBasisPoints / 100}% of ${formatPaise(d.basePaise)}`,
        orderId: o.orderId,
        reference: d.ruleId,
        transactionId,
        amountPaise: 0 - d.amountPaise,
      });
    }
  }
  for (const a of facts.adjustments ?? []) {
    if (a.amountPaise === 0) continue;
    lines.push({ type: "adjustment", description: `${a.kind} ${a.adjustmentId} on order ${a.orderId}`, orderId: a.orderId, reference: a.adjustmentId, transactionId: a.transactionId, amountPaise: a.amountPaise });
  }
  for (const r of facts.reserveHolds ?? []) {
    lines.push({ type: "reserve_hold", description: `Rolling reserve held from order ${r.orderId}`, orderId: r.orderId, reference: null, transactionId: r.transactionId, amountPaise: -r.amountPaise });
  }
  for (const c of facts.carries ?? []) {
    const incoming = c.direction === "in";
    lines.push({
      type: incoming ? "carried_in" : "carried_out",
      description: incoming
        ? c.fromCycleId === null
          ? "Rolling reserve released"
          : c.amountPaise < 0
            ? `Deficit carried from cycle ${c.fromCycleId}`
            : `Balance carried from cycle ${c.fromCycleId}`
        : `Deficit carried to cycle ${c.toCycleId}`,
      orderId: null,
      reference: c.carryId,
      transactionId: c.transactionId,
      amountPaise: c.amountPaise,
    });
  }
  for (const p of facts.earlierPayouts ?? []) {
    lines.push({ type: "earlier_payout", description: `Payout ${p.payoutId} already made for this cycle`, orderId: null, reference: p.payoutId, transactionId: null, amountPaise: -p.amountPaise });
  }
  if (!facts.earlierPayouts && facts.committedPaise !== 0) {
    lines.push({ type: "earlier_payout", description: "Payouts already made for this cycle", orderId: null, reference: null, transactionId: null, amountPaise: -facts.committedPaise });
  }
  return lines;
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
