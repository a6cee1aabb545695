// Order adjustments after settlement: a refund, cancellation, chargeback or goodwill credit on an
// order already settled. Each is one balanced transaction linked to the order, landing in the
// cycle the caller names; who bears each part is the caller's to say. The accounting of each
// case is in docs/ledger.md ("Adjustments").

import { deductionAccountId, payableAccountId, reserveAccountId } from "./accounts";
import { invalid } from "./errors";
import type { EntryInput, TransactionInput } from "./ledger";
import type { Currency } from "./money";
import type { SettlementBreakdown, SettlementDeduction } from "./settlement";
import { basisPointsOf } from "./statutory";

export const ADJUSTMENT_KINDS = ["refund", "cancellation", "chargeback", "goodwill"] as const;
export type AdjustmentKind = (typeof ADJUSTMENT_KINDS)[number];
export const BEARERS = ["seller", "platform"] as const;
export type Bearer = (typeof BEARERS)[number];

export interface AdjustmentInput {
  adjustmentId: string;
  orderId: string;
  kind: AdjustmentKind;
  /** The cycle whose payouts this adjustment is netted in. */
  cycleId: string;
  currency: Currency;
  reason: string;
  /** Part of the goods price given back to the customer (refund, cancellation, chargeback). */
  goodsPaise: number;
  /** Part of the delivery fee given back to the customer. */
  deliveryPaise: number;
  /** A goodwill credit to the customer's wallet (kind goodwill only). */
  goodwillPaise: number;
  /** How much of goodsPaise + goodwillPaise the seller bears; the platform bears the rest. */
  sellerBearsPaise: number;
  /** How much of deliveryPaise the delivery partner bears; the platform bears the rest. */
  deliveryPartnerBearsPaise: number;
  /** Platform fee given back to the seller on the refunded part (at most what the seller bears). */
  feeReturnedPaise: number;
  /** The card network's fee on a chargeback, and who pays it. */
  chargebackFeePaise: number;
  chargebackFeeBorneBy: Bearer;
  /** Take the seller's share from its rolling reserve first, then from its payable. */
  drawOnReserve: boolean;
}

/** What an order's earlier adjustments have already given back, per capped component. */
export interface RefundedSoFar {
  goodsPaise: number;
  deliveryPaise: number;
  feeReturnedPaise: number;
  customerPaise: number;
}

export const NOTHING_REFUNDED: RefundedSoFar = { goodsPaise: 0, deliveryPaise: 0, feeReturnedPaise: 0, customerPaise: 0 };

/** The most each component can ever give back: what the customer paid for it. */
export function refundCaps(s: SettlementBreakdown): RefundedSoFar {
  return {
    goodsPaise: s.grossAmountPaise,
    deliveryPaise: s.deliveryFeePaise,
    feeReturnedPaise: s.platformFeePaise,
    // Money and wallet balance; discounts and vouchers were never the customer's to get back.
    customerPaise: s.amountCollectedPaise + s.walletAmountPaise,
  };
}

/** What a customer gets back from this adjustment (goodwill is a credit, not a refund). */
export const customerRefundPaise = (a: AdjustmentInput) => a.goodsPaise + a.deliveryPaise;

export const refundedAfter = (before: RefundedSoFar, a: AdjustmentInput): RefundedSoFar => ({
  goodsPaise: before.goodsPaise + a.goodsPaise,
  deliveryPaise: before.deliveryPaise + a.deliveryPaise,
  feeReturnedPaise: before.feeReturnedPaise + a.feeReturnedPaise,
  customerPaise: before.customerPaise + customerRefundPaise(a),
});

const COMPONENT_FIELD: Record<keyof RefundedSoFar, string> = {
  goodsPaise: "goodsPaise",
  deliveryPaise: "deliveryPaise",
  feeReturnedPaise: "feeReturnedPaise",
  customerPaise: "goodsPaise",
};

/** Throws when the adjustment is inconsistent in itself or with the order it adjusts. */
export function assertAdjustmentFits(a: AdjustmentInput, s: SettlementBreakdown, before: RefundedSoFar): void {
  const bad = (field: string, message: string, details: Record<string, unknown> = {}) => {
    throw invalid("adjustment_does_not_add_up", message, { field, ...details });
  };
  if (a.currency !== s.currency) throw invalid("currency_mismatch", `Order ${s.orderId} was settled in ${s.currency}, not ${a.currency}.`, { field: "currency" });
  if (a.kind === "goodwill") {
    if (a.goodwillPaise <= 0) bad("goodwillPaise", "A goodwill credit needs goodwillPaise above zero.");
    if (a.goodsPaise > 0 || a.deliveryPaise > 0) bad("goodsPaise", "A goodwill credit gives nothing back; use a refund for goods or delivery.");
  } else {
    if (a.goodwillPaise > 0) bad("goodwillPaise", "goodwillPaise belongs to a goodwill adjustment only.");
    if (customerRefundPaise(a) <= 0) bad("goodsPaise", `A ${a.kind} must give back goodsPaise or deliveryPaise above zero.`);
  }
  if (a.kind !== "chargeback" && a.chargebackFeePaise > 0) bad("chargebackFeePaise", "Only a chargeback has a chargeback fee.");
  if (a.sellerBearsPaise > a.goodsPaise + a.goodwillPaise) {
    bad("sellerBearsPaise", "sellerBearsPaise cannot exceed goodsPaise + goodwillPaise.", { maximumPaise: a.goodsPaise + a.goodwillPaise });
  }
  if (a.deliveryPartnerBearsPaise > a.deliveryPaise) {
    bad("deliveryPartnerBearsPaise", "deliveryPartnerBearsPaise cannot exceed deliveryPaise.", { maximumPaise: a.deliveryPaise });
  }
  if (a.deliveryPartnerBearsPaise > 0 && s.deliveryPartnerPayeeId === null) {
    bad("deliveryPartnerBearsPaise", `Order ${s.orderId} has no delivery partner to bear part of the refund.`);
  }
  if (a.feeReturnedPaise > a.sellerBearsPaise) {
    bad("feeReturnedPaise", "feeReturnedPaise cannot exceed what the seller bears.", { maximumPaise: a.sellerBearsPaise });
  }
  const caps = refundCaps(s);
  const after = refundedAfter(before, a);
  for (const component of Object.keys(caps) as Array<keyof RefundedSoFar>) {
    if (after[component] > caps[component]) {
      throw invalid("refund_exceeds_paid", `This ${a.kind} would give back more ${componentName(component)} than order ${s.orderId} had.`, {
        field: COMPONENT_FIELD[component],
        component: componentName(component),
        capPaise: caps[component],
        alreadyRefundedPaise: before[component],
        requestedPaise: after[component] - before[component],
        excessPaise: after[component] - caps[component],
      });
    }
  }
}

function componentName(component: keyof RefundedSoFar): string {
  return { goodsPaise: "goods", deliveryPaise: "delivery fee", feeReturnedPaise: "platform fee", customerPaise: "customer payment" }[component];
}

/** Part of an order's statutory deduction given back to the seller because the sale was refunded. */
export interface DeductionReversal {
  kind: SettlementDeduction["kind"];
  head: SettlementDeduction["head"];
  amountPaise: number;
}

/**
 * What a refund gives back of the order's statutory deductions: TDS and GST TCS on the goods
 * refunded, GST on the fee returned. Computed on the cumulative refund (what the refunds so far
 * plus this one give, less what the refunds so far gave), so no rounding adds up past a deduction.
 */
export function deductionReversals(s: SettlementBreakdown, before: RefundedSoFar, a: AdjustmentInput): DeductionReversal[] {
  const out: DeductionReversal[] = [];
  for (const d of s.deductions ?? []) {
    const [was, now] = d.kind === "gst_on_fee" ? [before.feeReturnedPaise, before.feeReturnedPaise + a.feeReturnedPaise] : [before.goodsPaise, before.goodsPaise + a.goodsPaise];
    const upTo = (refunded: number) => Math.min(d.amountPaise, basisPointsOf(Math.min(refunded, d.basePaise), d.rateBasisPoints));
    const amountPaise = upTo(now) - upTo(was);
    if (amountPaise > 0) out.push({ kind: d.kind, head: d.head, amountPaise });
  }
  return out;
}

/** How an adjustment moves each payee's money: what it takes from payables and from the reserve. */
export interface AdjustmentEffect {
  /** Signed change of the seller's payable (negative: the seller owes it back), deductions given back included. */
  sellerPayablePaise: number;
  /** Taken from the seller's rolling reserve instead of its payable. */
  sellerReservePaise: number;
  /** Signed change of the delivery partner's payable. */
  deliveryPartnerPayablePaise: number;
  /** Statutory deductions given back to the seller (TDS, TCS, GST on a returned fee). */
  deductionReversals: DeductionReversal[];
}

/**
 * The seller's share (what it bears, less the fee given back, plus a chargeback fee it pays),
 * drawn from the reserve first when asked and the reserve has it.
 */
export function adjustmentEffect(a: AdjustmentInput, reserveBalancePaise: number, reversals: readonly DeductionReversal[] = []): AdjustmentEffect {
  const sellerOwesPaise = a.sellerBearsPaise - a.feeReturnedPaise + (a.chargebackFeeBorneBy === "seller" ? a.chargebackFeePaise : 0);
  const fromReserve = a.drawOnReserve ? Math.max(0, Math.min(sellerOwesPaise, reserveBalancePaise)) : 0;
  const givenBack = reversals.reduce((sum, r) => sum + r.amountPaise, 0);
  return {
    // Subtractions from zero, never negation: -0 is not a paisa amount.
    sellerPayablePaise: fromReserve - sellerOwesPaise + givenBack,
    sellerReservePaise: fromReserve,
    deliveryPartnerPayablePaise: 0 - a.deliveryPartnerBearsPaise,
    deductionReversals: [...reversals],
  };
}

export const adjustmentExternalRef = (adjustmentId: string) => `adjustment:${adjustmentId}`;

/**
 * Debits: whoever bears the money (seller payable or reserve, delivery partner payable, the
 * platform's refunds / goodwill / chargeback-fee expense) and fee revenue for a fee given back.
 * Credits: where the money goes (refunds payable to customers, the customer's wallet for
 * goodwill, the bank for a chargeback the card network already took) and the seller for the fee.
 */
export function adjustmentEntries(a: AdjustmentInput, s: SettlementBreakdown, effect: AdjustmentEffect): EntryInput[] {
  const seller = payableAccountId(s.sellerPayeeId);
  const platformShare = a.goodsPaise + a.goodwillPaise - a.sellerBearsPaise + (a.deliveryPaise - a.deliveryPartnerBearsPaise);
  const customerAccount = a.kind === "goodwill" ? "platform:customer_wallet" : a.kind === "chargeback" ? "platform:bank" : "platform:refunds_payable";
  const platformExpense = a.kind === "goodwill" ? "platform:goodwill_expense" : "platform:refunds_expense";
  const lines: Array<[string, "debit" | "credit", number]> = [
    [seller, "debit", a.sellerBearsPaise - effect.sellerReservePaise + (a.chargebackFeeBorneBy === "seller" ? a.chargebackFeePaise : 0)],
    [reserveAccountId(s.sellerPayeeId), "debit", effect.sellerReservePaise],
    [platformExpense, "debit", platformShare],
    ["platform:fee_revenue", "debit", a.feeReturnedPaise],
    [seller, "credit", a.feeReturnedPaise],
    [customerAccount, "credit", customerRefundPaise(a) + a.goodwillPaise],
    ["platform:chargeback_fees_expense", "debit", a.chargebackFeeBorneBy === "platform" ? a.chargebackFeePaise : 0],
    ["platform:bank", "credit", a.chargebackFeePaise],
  ];
  if (s.deliveryPartnerPayeeId !== null) lines.push([payableAccountId(s.deliveryPartnerPayeeId), "debit", a.deliveryPartnerBearsPaise]);
  // Deductions on the refunded part are no longer owed to the government: back to the seller.
  for (const r of effect.deductionReversals) lines.push([deductionAccountId(r.kind, r.head), "debit", r.amountPaise], [seller, "credit", r.amountPaise]);
  return netLines(lines, a.currency);
}

/** Debits and credits to the same account are netted, so the seller's payable shows one movement. */
function netLines(lines: ReadonlyArray<[string, "debit" | "credit", number]>, currency: Currency): EntryInput[] {
  const net = new Map<string, number>();
  for (const [accountId, direction, amountPaise] of lines) net.set(accountId, (net.get(accountId) ?? 0) + (direction === "debit" ? amountPaise : -amountPaise));
  return [...net]
    .filter(([, n]) => n !== 0)
    .map(([accountId, n]) => ({ accountId, direction: n > 0 ? ("debit" as const) : ("credit" as const), amountPaise: Math.abs(n), currency }));
}

export function adjustmentTransaction(a: AdjustmentInput, s: SettlementBreakdown, effect: AdjustmentEffect): TransactionInput {
  return {
    externalRef: adjustmentExternalRef(a.adjustmentId),
    kind: `order_${a.kind}`,
    description: `${a.kind[0]!.toUpperCase()}${a.kind.slice(1)} ${a.adjustmentId} on order ${a.orderId}: ${a.reason}`,
    entries: adjustmentEntries(a, s, effect),
    cycleId: a.cycleId,
    orderId: a.orderId,
    payeeId: s.sellerPayeeId,
    metadata: { adjustmentId: a.adjustmentId },
  };
}
