// The chart of accounts. Platform accounts are fixed; every payee gets one payable account.
// Balances follow each account type's normal side: assets and expenses grow with debits,
// liabilities, equity and revenue grow with credits.

import type { Currency } from "./money";
import type { DeductionKind, TaxHead } from "./statutory";

export type AccountType = "asset" | "liability" | "equity" | "revenue" | "expense";
export type Side = "debit" | "credit";

export const NORMAL_SIDE: Record<AccountType, Side> = {
  asset: "debit",
  expense: "debit",
  liability: "credit",
  equity: "credit",
  revenue: "credit",
};

export interface PlatformAccount {
  id: string;
  name: string;
  type: AccountType;
  description: string;
}

export const PLATFORM_ACCOUNTS = [
  {
    id: "platform:bank",
    name: "Bank — nodal/escrow account",
    type: "asset",
    description: "Customer collections land here; payouts are debited from it at the bank.",
  },
  {
    id: "platform:payouts_in_transit",
    name: "Payouts in transit",
    type: "liability",
    description:
      "Clearing account: money reserved for a payout that the bank has not yet confirmed. Zero when every payout has settled or been voided.",
  },
  {
    id: "platform:fee_revenue",
    name: "Platform fee revenue",
    type: "revenue",
    description: "Commission the marketplace keeps from each order.",
  },
  {
    id: "platform:discounts_expense",
    name: "Discounts expense",
    type: "expense",
    description: "Platform-funded discounts given to customers.",
  },
  {
    id: "platform:vouchers_expense",
    name: "Vouchers expense",
    type: "expense",
    description: "Platform-funded vouchers redeemed by customers.",
  },
  {
    id: "platform:customer_wallet",
    name: "Customer wallet liability",
    type: "liability",
    description: "Balances held in customers' wallets; using a wallet on an order reduces it.",
  },
  {
    id: "platform:refunds_payable",
    name: "Refunds payable to customers",
    type: "liability",
    description: "Refunds owed to customers after a return or cancellation, until the payment gateway pays them back.",
  },
  {
    id: "platform:refunds_expense",
    name: "Refunds expense",
    type: "expense",
    description: "The platform's share of refunds, cancellations and chargebacks it bears instead of the seller.",
  },
  {
    id: "platform:goodwill_expense",
    name: "Goodwill expense",
    type: "expense",
    description: "Goodwill credits to customers that the platform funds.",
  },
  {
    id: "platform:chargeback_fees_expense",
    name: "Chargeback fees expense",
    type: "expense",
    description: "Card-network fees on chargebacks that the platform bears.",
  },
  {
    id: "platform:cycle_carry_clearing",
    name: "Cycle carry-forward clearing",
    type: "liability",
    description:
      "Clearing account for a payee's balance carried from one payout cycle to another (a deficit netted, a released reserve). Always zero: both legs post together.",
  },
  {
    id: "platform:tds_194o_payable",
    name: "TDS payable (s.194-O)",
    type: "liability",
    description: "Income-tax withheld from sellers under s.194-O, owed to the government until deposited.",
  },
  {
    id: "platform:gst_tcs_cgst_payable",
    name: "GST TCS payable — CGST",
    type: "liability",
    description: "GST collected at source from sellers under s.52 of the CGST Act, central tax head.",
  },
  {
    id: "platform:gst_tcs_sgst_payable",
    name: "GST TCS payable — SGST",
    type: "liability",
    description: "GST collected at source from sellers, state tax head.",
  },
  {
    id: "platform:gst_tcs_igst_payable",
    name: "GST TCS payable — IGST",
    type: "liability",
    description: "GST collected at source from sellers on inter-state supplies.",
  },
  {
    id: "platform:gst_output_cgst",
    name: "GST output tax on fees — CGST",
    type: "liability",
    description: "GST the platform charges on its fee, central tax head.",
  },
  {
    id: "platform:gst_output_sgst",
    name: "GST output tax on fees — SGST",
    type: "liability",
    description: "GST the platform charges on its fee, state tax head.",
  },
  {
    id: "platform:gst_output_igst",
    name: "GST output tax on fees — IGST",
    type: "liability",
    description: "GST the platform charges on its fee to a seller in another state.",
  },
  {
    id: "platform:owner_equity",
    name: "Owner's equity",
    type: "equity",
    description: "Capital and opening balances (e.g. funding the bank account, opening wallet balances).",
  },
] as const satisfies readonly PlatformAccount[];

export type PlatformAccountId = (typeof PLATFORM_ACCOUNTS)[number]["id"];

export const payableAccountId = (payeeId: string) => `payee:${payeeId}:payable`;
/** The liability account a statutory deduction is owed under. */
export function deductionAccountId(kind: DeductionKind, head: TaxHead): PlatformAccountId {
  if (kind === "tds_194o") return "platform:tds_194o_payable";
  const h = head.toLowerCase() as "cgst" | "sgst" | "igst";
  return kind === "gst_tcs" ? `platform:gst_tcs_${h}_payable` : `platform:gst_output_${h}`;
}

/** A payee's rolling reserve: earnings held back against future refunds, released after a number of days. */
export const reserveAccountId = (payeeId: string) => `payee:${payeeId}:reserve`;

/** Signed balance on the account's normal side from its posted totals. */
export function normalBalancePaise(type: AccountType, debitsPaise: number, creditsPaise: number): number {
  return NORMAL_SIDE[type] === "debit" ? debitsPaise - creditsPaise : creditsPaise - debitsPaise;
}

export interface AccountRef {
  id: string;
  type: AccountType;
  currency: Currency;
}
