// Payees (sellers and delivery partners) and the rules for their bank details.

export const PAYEE_TYPES = ["seller", "delivery_partner"] as const;
export type PayeeType = (typeof PAYEE_TYPES)[number];

export const VERIFICATION_STATUSES = ["unverified", "verified", "invalid"] as const;
export type VerificationStatus = (typeof VERIFICATION_STATUSES)[number];

/** IFSC: four letters (bank), a literal 0, then six alphanumerics (branch). */
export const IFSC_PATTERN = /^[A-Z]{4}0[A-Z0-9]{6}$/;
/** Indian bank account numbers are 9 to 18 digits. */
export const ACCOUNT_NUMBER_PATTERN = /^[0-9]{9,18}$/;

export interface BankDetails {
  accountNumber: string;
  ifsc: string;
  accountHolderName: string;
}

/** Shows only the last four digits, for audit records and pages. */
/** Bank details as people may see them: the account number masked to its last four digits. */
export const maskedBankDetails = (bank: BankDetails | null) =>
  bank && { accountNumberMasked: maskAccountNumber(bank.accountNumber), ifsc: bank.ifsc, accountHolderName: bank.accountHolderName };

export function maskAccountNumber(accountNumber: string): string {
  return `${"X".repeat(Math.max(0, accountNumber.length - 4))}${accountNumber.slice(-4)}`;
}

export function bankDetailsEqual(a: BankDetails | null, b: BankDetails | null): boolean {
  if (a === null || b === null) return a === b;
  return a.accountNumber === b.accountNumber && a.ifsc === b.ifsc && a.accountHolderName === b.accountHolderName;
}

/** Why a payee's bank details cannot be paid to, or null when they can. */
export function bankDetailsProblem(bank: BankDetails | null, status: VerificationStatus): string | null {
  if (bank === null) return "bank_details_missing";
  if (!ACCOUNT_NUMBER_PATTERN.test(bank.accountNumber) || !IFSC_PATTERN.test(bank.ifsc)) return "bank_details_malformed";
  if (bank.accountHolderName.trim() === "") return "bank_details_malformed";
  if (status === "invalid") return "bank_details_invalid";
  if (status !== "verified") return "bank_details_unverified";
  return null;
}
