// One order's money breakdown, checked to add up and turned into one balanced journal
// transaction. The accounting of each component is documented in docs/ledger.md ("Settlements").

import { deductionAccountId, payableAccountId } from "./accounts";
import { invalid } from "./errors";
import type { EntryInput, TransactionInput } from "./ledger";
import type { Currency } from "./money";
import type { DeductionInput, DeductionKind, TaxHead } from "./statutory";

export interface SettlementBreakdown {
  orderId: string;
  cycleId: string;
  sellerPayeeId: string;
  deliveryPartnerPayeeId: string | null;
  currency: Currency;
  grossAmountPaise: number;
  platformFeePaise: number;
  discountPaise: number;
  voucherPaise: number;
  walletAmountPaise: number;
  deliveryFeePaise: number;
  amountCollectedPaise: number;
  /**
   * Statutory deductions from the seller's share (TDS, GST TCS, GST on the fee), computed at
   * ingestion when the settlement carries tax details (docs/statutory.md); none otherwise.
   */
  deductions?: readonly SettlementDeduction[] | undefined;
  /** What the deductions were computed from, so pre-payout reconciliation can recompute them. */
  taxInputs?: DeductionInput | undefined;
}

export interface SettlementDeduction {
  ruleId: string;
  kind: DeductionKind;
  head: TaxHead;
  basePaise: number;
  rateBasisPoints: number;
  amountPaise: number;
}

export const deductionsTotalPaise = (s: SettlementBreakdown) => (s.deductions ?? []).reduce((sum, d) => sum + d.amountPaise, 0);

/** What the customer must have paid for the breakdown to add up. */
export function expectedCollectedPaise(s: SettlementBreakdown): number {
  return s.grossAmountPaise + s.deliveryFeePaise - s.discountPaise - s.voucherPaise - s.walletAmountPaise;
}

/** What the seller is owed for the order: its sale less the platform's fee and any statutory deductions. */
export const sellerPayablePaise = (s: SettlementBreakdown) => s.grossAmountPaise - s.platformFeePaise - deductionsTotalPaise(s);

/** Throws `settlement_does_not_add_up` naming the first field that is wrong. */
export function assertSettlementAddsUp(s: SettlementBreakdown): void {
  if (s.platformFeePaise > s.grossAmountPaise) {
    throw invalid("settlement_does_not_add_up", "platformFeePaise cannot exceed grossAmountPaise.", {
      field: "platformFeePaise",
      maximumPaise: s.grossAmountPaise,
    });
  }
  if (deductionsTotalPaise(s) > s.grossAmountPaise - s.platformFeePaise) {
    throw invalid("settlement_does_not_add_up", "The statutory deductions exceed what the seller is owed for this order.", {
      field: "tax",
      deductionsPaise: deductionsTotalPaise(s),
      sellerSharePaise: s.grossAmountPaise - s.platformFeePaise,
    });
  }
  if (s.deliveryFeePaise > 0 && s.deliveryPartnerPayeeId === null) {
    throw invalid("settlement_does_not_add_up", "A deliveryFeePaise above zero needs a deliveryPartnerPayeeId.", {
      field: "deliveryPartnerPayeeId",
    });
  }
  if (s.deliveryPartnerPayeeId !== null && s.deliveryPartnerPayeeId === s.sellerPayeeId) {
    throw invalid("settlement_does_not_add_up", "The seller and the delivery partner must be different payees.", {
      field: "deliveryPartnerPayeeId",
    });
  }
  const expected = expectedCollectedPaise(s);
  if (expected < 0) {
    throw invalid(
      "settlement_does_not_add_up",
      "discountPaise + voucherPaise + walletAmountPaise exceed grossAmountPaise + deliveryFeePaise.",
      { field: "walletAmountPaise" },
    );
  }
  if (s.amountCollectedPaise !== expected) {
    throw invalid(
      "settlement_does_not_add_up",
      `amountCollectedPaise must equal grossAmountPaise + deliveryFeePaise - discountPaise - voucherPaise - walletAmountPaise = ${expected}.`,
      { field: "amountCollectedPaise", expectedPaise: expected, receivedPaise: s.amountCollectedPaise },
    );
  }
}

/** The journal entries for a settlement; zero components produce no entry. */
export function settlementEntries(s: SettlementBreakdown): EntryInput[] {
  const c = s.currency;
  const lines: Array<[string, "debit" | "credit", number]> = [
    ["platform:bank", "debit", s.amountCollectedPaise],
    ["platform:discounts_expense", "debit", s.discountPaise],
    ["platform:vouchers_expense", "debit", s.voucherPaise],
    ["platform:customer_wallet", "debit", s.walletAmountPaise],
    [payableAccountId(s.sellerPayeeId), "credit", sellerPayablePaise(s)],
    ["platform:fee_revenue", "credit", s.platformFeePaise],
    ...(s.deductions ?? []).map((d): [string, "debit" | "credit", number] => [deductionAccountId(d.kind, d.head), "credit", d.amountPaise]),
  ];
  if (s.deliveryPartnerPayeeId !== null) {
    lines.push([payableAccountId(s.deliveryPartnerPayeeId), "credit", s.deliveryFeePaise]);
  }
  return lines
    .filter(([, , amountPaise]) => amountPaise > 0)
    .map(([accountId, direction, amountPaise]) => ({ accountId, direction, amountPaise, currency: c }));
}

export const settlementExternalRef = (orderId: string) => `order:${orderId}:settlement`;

export function settlementTransaction(s: SettlementBreakdown): TransactionInput {
  return {
    externalRef: settlementExternalRef(s.orderId),
    kind: "order_settlement",
    description: `Settlement of order ${s.orderId}`,
    entries: settlementEntries(s),
    cycleId: s.cycleId,
    orderId: s.orderId,
    payeeId: s.sellerPayeeId,
  };
}
