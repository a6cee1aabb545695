// The ledger side of a payout, modelled on TigerBeetle's two-phase transfers with a clearing
// account: reserve (payable → in transit), then either settle (in transit → bank) or void
// (in transit → payable). A return after settlement (bank → payable) restores the liability.
// Each posting has a reference derived from the payout id, so it is written at most once.

import { payableAccountId } from "./accounts";
import type { TransactionInput } from "./ledger";
import type { Currency } from "./money";

export interface PayoutMoney {
  payoutId: string;
  payeeId: string;
  cycleId: string;
  amountPaise: number;
  currency: Currency;
}

export type PayoutPosting = "reserve" | "settle" | "void" | "return";

export const payoutRef = (payoutId: string, posting: PayoutPosting) => `payout:${payoutId}:${posting}`;

export function payoutTransaction(p: PayoutMoney, posting: PayoutPosting, bankReference?: string | null): TransactionInput {
  const payable = payableAccountId(p.payeeId);
  const legs: Record<PayoutPosting, [debit: string, credit: string, description: string]> = {
    reserve: [payable, "platform:payouts_in_transit", "Reserve payout"],
    settle: ["platform:payouts_in_transit", "platform:bank", "Bank debited for payout"],
    void: ["platform:payouts_in_transit", payable, "Void payout reservation"],
    return: ["platform:bank", payable, "Payout returned by the bank"],
  };
  const [debit, credit, description] = legs[posting];
  return {
    externalRef: payoutRef(p.payoutId, posting),
    kind: `payout_${posting}`,
    description: `${description} ${p.payoutId}`,
    cycleId: p.cycleId,
    payeeId: p.payeeId,
    metadata: bankReference ? { payoutId: p.payoutId, bankReference } : { payoutId: p.payoutId },
    entries: [
      { accountId: debit, direction: "debit", amountPaise: p.amountPaise, currency: p.currency },
      { accountId: credit, direction: "credit", amountPaise: p.amountPaise, currency: p.currency },
    ],
  };
}
