// Remittance advice and payee statements: what a payee is told about the money it received, as
// data that renders to JSON, CSV and a printable page. The lines of an advice sum exactly to the
// amount paid; a statement's opening balance plus its lines is its closing balance.

import { assertInvariant } from "./errors";
import type { RemittanceLine } from "./pre-payout";
import { sumPaise } from "./money";

export interface RemittanceAdvice {
  payoutId: string;
  payeeId: string;
  payeeName: string;
  cycleId: string;
  currency: string;
  amountPaise: number;
  status: string;
  bankReference: string | null;
  processedAt: string | null;
  lines: RemittanceLine[];
}

/** An advice whose lines do not add up to the payout is a bug: it is never shown. */
export function remittanceAdvice(a: Omit<RemittanceAdvice, "lines">, lines: readonly RemittanceLine[]): RemittanceAdvice {
  const total = sumPaise(lines.map((l) => l.amountPaise));
  assertInvariant(total === a.amountPaise, `remittance lines of payout ${a.payoutId} sum to ${total}, not ${a.amountPaise}`);
  return { ...a, lines: [...lines] };
}

/** A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab/CR) is quoted with a leading apostrophe. */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  if (typeof value === "number") return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvRows = (rows: ReadonlyArray<ReadonlyArray<string | number | null>>) => `${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;

export function remittanceCsv(a: RemittanceAdvice): string {
  return csvRows([
    ["payout_id", "payee_id", "cycle_id", "line", "type", "description", "order_id", "reference", "transaction_id", "amount_paise", "currency"],
    ...a.lines.map((l, i) => [a.payoutId, a.payeeId, a.cycleId, i + 1, l.type, l.description, l.orderId, l.reference, l.transactionId, l.amountPaise, a.currency]),
    [a.payoutId, a.payeeId, a.cycleId, "total", "payout", `Paid${a.bankReference ? ` (bank reference ${a.bankReference})` : ""}`, null, a.bankReference, null, a.amountPaise, a.currency],
  ]);
}

export interface StatementLine {
  at: string;
  transactionId: string;
  kind: string;
  description: string;
  cycleId: string | null;
  orderId: string | null;
  /** Signed: credits to the payee's payable are positive. */
  amountPaise: number;
  balancePaise: number;
}

export interface PayeeStatement {
  payeeId: string;
  payeeName: string;
  currency: string;
  from: string;
  to: string;
  openingBalancePaise: number;
  closingBalancePaise: number;
  totals: { earningsPaise: number; adjustmentsPaise: number; reservePaise: number; payoutsPaise: number; otherPaise: number };
  reserveBalancePaise: number;
  lines: StatementLine[];
}

/** Which statement total a ledger transaction kind belongs to. */
export function statementBucket(kind: string): keyof PayeeStatement["totals"] {
  if (kind === "order_settlement") return "earningsPaise";
  if (kind.startsWith("order_")) return "adjustmentsPaise";
  if (kind.startsWith("reserve_")) return "reservePaise";
  if (kind.startsWith("payout_")) return "payoutsPaise";
  return "otherPaise";
}

/** Builds a statement from the opening balance and the movements in the range, oldest first. */
export function payeeStatement(
  head: Omit<PayeeStatement, "closingBalancePaise" | "totals" | "lines">,
  movements: ReadonlyArray<Omit<StatementLine, "balancePaise">>,
): PayeeStatement {
  let balance = head.openingBalancePaise;
  const totals = { earningsPaise: 0, adjustmentsPaise: 0, reservePaise: 0, payoutsPaise: 0, otherPaise: 0 };
  const lines = movements.map((m) => {
    balance += m.amountPaise;
    totals[statementBucket(m.kind)] += m.amountPaise;
    return { ...m, balancePaise: balance };
  });
  return { ...head, closingBalancePaise: balance, totals, lines };
}

export function statementCsv(s: PayeeStatement): string {
  return csvRows([
    ["payee_id", "date", "transaction_id", "kind", "description", "cycle_id", "order_id", "amount_paise", "balance_paise", "currency"],
    [s.payeeId, s.from, null, "opening_balance", "Opening balance", null, null, null, s.openingBalancePaise, s.currency],
    ...s.lines.map((l) => [s.payeeId, l.at, l.transactionId, l.kind, l.description, l.cycleId, l.orderId, l.amountPaise, l.balancePaise, s.currency]),
    [s.payeeId, s.to, null, "closing_balance", "Closing balance", null, null, null, s.closingBalancePaise, s.currency],
  ]);
}
