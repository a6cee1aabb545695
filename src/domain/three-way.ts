// Post-payout three-way reconciliation: what Disburse initiated, what the bank moved, and what
// the ledger recorded must agree, per payout and in total. The rule is
//   System Initiated = Bank Debited = Ledger Credited
// and every difference is classified so a person knows where to look.

import { IN_FLIGHT_PAYOUT_STATUSES, isIn, PAID_PAYOUT_STATUSES } from "./statuses";

export interface SystemPayout {
  payoutId: string;
  /** The reference the bank knows the transfer by (our idempotency key). */
  reference: string;
  amountPaise: number;
  status: string;
  bankReference: string | null;
}

export interface BankLine {
  bankReference: string;
  reference: string | null;
  direction: "debit" | "credit";
  amountPaise: number;
  kind: string;
}

export interface LedgerPosting {
  payoutId: string;
  posting: "settle" | "return";
  amountPaise: number;
}

export const MISMATCH_CLASSES = [
  "missing_at_bank",
  "missing_in_ledger",
  "bank_amount_differs",
  "ledger_amount_differs",
  "duplicate_bank_debit",
  "unknown_bank_debit",
  "debited_but_not_paid",
  "reversed_at_bank_not_in_ledger",
  "reversed_in_ledger_not_at_bank",
] as const;
export type MismatchClass = (typeof MISMATCH_CLASSES)[number];

export interface Mismatch {
  class: MismatchClass;
  payoutId: string | null;
  bankReference: string | null;
  message: string;
  systemPaise: number;
  bankPaise: number;
  ledgerPaise: number;
}

export interface ThreeWayResult {
  totals: {
    payoutCount: number;
    systemInitiatedPaise: number;
    bankDebitedPaise: number;
    ledgerCreditedPaise: number;
    bankReturnedPaise: number;
    ledgerReturnedPaise: number;
    pendingCount: number;
    matchedCount: number;
  };
  mismatches: Mismatch[];
  balanced: boolean;
}

export function reconcileThreeWay(system: readonly SystemPayout[], bank: readonly BankLine[], ledger: readonly LedgerPosting[]): ThreeWayResult {
  const mismatches: Mismatch[] = [];
  const { debits, credits, unknown } = matchBankLines(system, bank);
  mismatches.push(...unknown);
  const { settled, returned } = ledgerByPayout(ledger);

  let systemInitiatedPaise = 0;
  let pendingCount = 0;
  let matchedCount = 0;
  for (const p of system) {
    const paid = isIn(PAID_PAYOUT_STATUSES, p.status);
    if (paid) systemInitiatedPaise += p.amountPaise;
    const sides = {
      bankDebits: debits.get(p.payoutId) ?? [],
      bankCreditPaise: sumOf(credits.get(p.payoutId) ?? []),
      ledgerPaise: settled.get(p.payoutId) ?? 0,
      ledgerReturnPaise: returned.get(p.payoutId) ?? 0,
    };
    if (isIn(IN_FLIGHT_PAYOUT_STATUSES, p.status) && sides.bankDebits.length === 0 && sides.ledgerPaise === 0) {
      pendingCount++;
      continue;
    }
    const found = payoutMismatches(p, paid, sides);
    if (found.length === 0) matchedCount++;
    mismatches.push(...found);
  }

  const totals = {
    payoutCount: system.length,
    systemInitiatedPaise,
    bankDebitedPaise: sumOf([...debits.values()].flat()) + unknown.reduce((s, m) => s + m.bankPaise, 0),
    ledgerCreditedPaise: [...settled.values()].reduce((s, v) => s + v, 0),
    bankReturnedPaise: sumOf([...credits.values()].flat()),
    ledgerReturnedPaise: [...returned.values()].reduce((s, v) => s + v, 0),
    pendingCount,
    matchedCount,
  };
  return {
    totals,
    mismatches,
    balanced:
      mismatches.length === 0 &&
      totals.systemInitiatedPaise === totals.bankDebitedPaise &&
      totals.bankDebitedPaise === totals.ledgerCreditedPaise &&
      totals.bankReturnedPaise === totals.ledgerReturnedPaise,
  };
}

const sumOf = (lines: readonly BankLine[]) => lines.reduce((s, l) => s + l.amountPaise, 0);

/** Each bank line goes to the payout it names (by our reference or the bank's); a debit naming none is unknown. */
function matchBankLines(system: readonly SystemPayout[], bank: readonly BankLine[]) {
  const byReference = new Map(system.map((p) => [p.reference, p]));
  const byBankReference = new Map(system.filter((p) => p.bankReference).map((p) => [p.bankReference!, p]));
  const debits = new Map<string, BankLine[]>();
  const credits = new Map<string, BankLine[]>();
  const unknown: Mismatch[] = [];
  for (const line of bank) {
    const payout = (line.reference && byReference.get(line.reference)) || byBankReference.get(line.bankReference);
    if (payout) {
      const into = line.direction === "debit" ? debits : credits;
      into.set(payout.payoutId, [...(into.get(payout.payoutId) ?? []), line]);
    } else if (line.direction === "debit") {
      unknown.push({
        class: "unknown_bank_debit",
        payoutId: null,
        bankReference: line.bankReference,
        message: `The bank debited ${line.amountPaise} paise (${line.bankReference}) for a transfer Disburse did not initiate.`,
        systemPaise: 0,
        bankPaise: line.amountPaise,
        ledgerPaise: 0,
      });
    }
  }
  return { debits, credits, unknown };
}

function ledgerByPayout(ledger: readonly LedgerPosting[]) {
  const settled = new Map<string, number>();
  const returned = new Map<string, number>();
  for (const p of ledger) {
    const into = p.posting === "settle" ? settled : returned;
    into.set(p.payoutId, (into.get(p.payoutId) ?? 0) + p.amountPaise);
  }
  return { settled, returned };
}

/** What disagrees for one payout across the three sources, in the order the classes are listed. */
function payoutMismatches(
  p: SystemPayout,
  paid: boolean,
  { bankDebits, bankCreditPaise, ledgerPaise, ledgerReturnPaise }: { bankDebits: BankLine[]; bankCreditPaise: number; ledgerPaise: number; ledgerReturnPaise: number },
): Mismatch[] {
  const bankDebitPaise = sumOf(bankDebits);
  const found: Mismatch[] = [];
  const add = (cls: MismatchClass, message: string) =>
    found.push({ class: cls, payoutId: p.payoutId, bankReference: p.bankReference, message, systemPaise: p.amountPaise, bankPaise: bankDebitPaise, ledgerPaise });
  if (bankDebits.length > 1) add("duplicate_bank_debit", `The bank debited payout ${p.payoutId} ${bankDebits.length} times.`);
  if (paid && bankDebits.length === 0) add("missing_at_bank", `Payout ${p.payoutId} is ${p.status} in Disburse but the bank shows no debit.`);
  // Only a payout Disburse has given up on (failed, cancelled) is "not paid"; one still moving
  // whose debit arrived before its webhook is the ledger lagging, reported as missing_in_ledger.
  if (!paid && !isIn(IN_FLIGHT_PAYOUT_STATUSES, p.status) && bankDebitPaise - bankCreditPaise > 0) {
    add("debited_but_not_paid", `The bank debited payout ${p.payoutId}, which Disburse has as ${p.status}.`);
  }
  if (bankDebits.length === 1 && bankDebitPaise !== p.amountPaise) {
    add("bank_amount_differs", `The bank debited ${bankDebitPaise} paise for payout ${p.payoutId} of ${p.amountPaise}.`);
  }
  if (bankDebits.length > 0 && ledgerPaise === 0) add("missing_in_ledger", `The bank debited payout ${p.payoutId} but the ledger has no settlement posting.`);
  if (ledgerPaise !== 0 && ledgerPaise !== p.amountPaise) {
    add("ledger_amount_differs", `The ledger credited the bank ${ledgerPaise} paise for payout ${p.payoutId} of ${p.amountPaise}.`);
  }
  if (bankCreditPaise > 0 && ledgerReturnPaise === 0) {
    add("reversed_at_bank_not_in_ledger", `The bank returned payout ${p.payoutId} but the ledger does not show the return.`);
  }
  if (ledgerReturnPaise > 0 && bankCreditPaise === 0) {
    add("reversed_in_ledger_not_at_bank", `The ledger shows payout ${p.payoutId} returned but the bank shows no return.`);
  }
  return found;
}
