// Risk signals for checkers: the few lines of a batch that look wrong, each with its reason in
// words. A checker approving hundreds of payouts cannot review every line; these point at the
// classic signs of a mistake or of fraud. Flags do not block approval; they are frozen with the
// batch at submission and are part of its fingerprint, so an approval records they were seen.

import type { BankDetails } from "./payees";
import { formatPaise } from "./money";

export const RISK_FLAGS = ["first_payout", "bank_details_changed", "shared_bank_account", "amount_outlier", "name_mismatch"] as const;
export type RiskFlagCode = (typeof RISK_FLAGS)[number];

export interface RiskFlag {
  code: RiskFlagCode;
  reason: string;
}

/** An amount above this many times the median of the payee's recent payouts is flagged. */
export const OUTLIER_MULTIPLE = 3;
/** How many of the payee's latest paid payouts make its history. */
export const HISTORY_PAYOUTS = 6;

export interface PayeeRiskFacts {
  payeeId: string;
  amountPaise: number;
  /** The details this batch would pay. */
  bank: BankDetails | null;
  /** The payee's paid payouts, newest first (at most HISTORY_PAYOUTS), with the details each was paid to. */
  history: ReadonlyArray<{ amountPaise: number; bank: BankDetails }>;
  /** Other payees whose bank account (number and IFSC) is the same as this one's. */
  sharingAccountWith: readonly string[];
  /** What the verification of the details in force found: the bank's name for the account and how well it matched. */
  nameCheck: { bankAccountName: string | null; nameMatchScore: number | null; threshold: number; override: { by: string; reason: string } | null } | null;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}

const sameAccount = (a: BankDetails, b: BankDetails) => a.accountNumber === b.accountNumber && a.ifsc === b.ifsc;

/** The flags of one payee's line, in the order of RISK_FLAGS. */
export function riskFlagsFor(f: PayeeRiskFacts): RiskFlag[] {
  const flags: RiskFlag[] = [];
  const last = f.history[0];
  if (!last) flags.push({ code: "first_payout", reason: "First payout to this payee: nothing has been paid to them before." });
  if (last && f.bank && !sameAccount(last.bank, f.bank)) {
    flags.push({ code: "bank_details_changed", reason: `Bank details changed since the last payout: that went to an account ending ${last.bank.accountNumber.slice(-4)}, this one to an account ending ${f.bank.accountNumber.slice(-4)}.` });
  }
  if (f.sharingAccountWith.length > 0) {
    const others = f.sharingAccountWith.slice(0, 3).join(", ") + (f.sharingAccountWith.length > 3 ? ` and ${f.sharingAccountWith.length - 3} more` : "");
    flags.push({ code: "shared_bank_account", reason: `The same bank account is on ${f.sharingAccountWith.length === 1 ? "another payee" : `${f.sharingAccountWith.length} other payees`}: ${others}.` });
  }
  if (f.history.length > 0) {
    const typical = median(f.history.map((h) => h.amountPaise));
    if (typical > 0 && f.amountPaise > OUTLIER_MULTIPLE * typical) {
      flags.push({
        code: "amount_outlier",
        reason: `${formatPaise(f.amountPaise)} is ${(f.amountPaise / typical).toFixed(1)}× the median of this payee's last ${f.history.length} payout${f.history.length === 1 ? "" : "s"} (${formatPaise(typical)}).`,
      });
    }
  }
  const check = f.nameCheck;
  if (check && check.bankAccountName !== null && check.nameMatchScore !== null && check.nameMatchScore < check.threshold) {
    const how = check.override ? `; verified on an override by ${check.override.by}: "${check.override.reason}"` : "";
    flags.push({
      code: "name_mismatch",
      reason: `The bank names the account holder "${check.bankAccountName}", which matches the payee's names at ${Math.round(check.nameMatchScore * 100)}% (${Math.round(check.threshold * 100)}% needed)${how}.`,
    });
  }
  return flags;
}
