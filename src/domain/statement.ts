// Bank statement import. A parser turns one file format into statement lines; CSV is the first,
// and another format (e.g. ISO 20022 camt.053) is one more `StatementParser`.

import { invalid } from "./errors";
import { CURRENCY_CODES, MAX_AMOUNT_PAISE } from "./money";

export interface StatementLine {
  lineNo: number;
  bankReference: string;
  /** Our reference (the payout id / idempotency key) when the bank echoes it. */
  reference: string | null;
  direction: "debit" | "credit";
  amountPaise: number;
  currency: string;
  kind: "payout" | "return" | "other";
  /** ISO-8601 timestamp (dates without a time are taken as 00:00 UTC). */
  at: string;
}

export interface StatementParser {
  readonly format: string;
  parse(content: string): StatementLine[];
}

/**
 * Which CSV column holds what. Either one signed/directional amount column with a direction
 * column, or separate debit and credit columns (the common bank export layout).
 */
export interface CsvColumnMapping {
  date: string;
  bankReference: string;
  reference: string;
  debit?: string;
  credit?: string;
  amount?: string;
  direction?: string;
  currency?: string;
  description?: string;
}

/** The default mapping: the layout documented in docs/reconciliation.md. */
export const DEFAULT_CSV_MAPPING: CsvColumnMapping = {
  date: "Value Date",
  bankReference: "UTR",
  reference: "Customer Reference",
  debit: "Debit",
  credit: "Credit",
  currency: "Currency",
  description: "Narration",
};

export const MAX_STATEMENT_LINES = 20_000;

/** Parses "1,234.50" / "1234.5" / "₹ 1,234" into paise exactly, without floating point. */
export function parseRupeesToPaise(text: string): number | null {
  const cleaned = text.replace(/[₹,\s]/g, "").replace(/^INR/i, "");
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  const paise = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  return Number.isSafeInteger(paise) && paise <= MAX_AMOUNT_PAISE ? paise : null;
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. */
export function parseCsv(content: string): string[][] {
  return parseCsvRows(content).map((r) => r.cells);
}

/**
 * Like parseCsv, with the physical line each row starts on (1-based), so an error can name the
 * line a person sees in the file even after blank lines or line breaks inside quoted fields.
 */
export function parseCsvRows(content: string): Array<{ line: number; cells: string[] }> {
  const rows: Array<{ line: number; cells: string[] }> = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < content.length; i++) {
    const ch = content[i]!;
    if (quoted) {
      if (ch === '"' && content[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === "\n" || (ch === "\r" && content[i + 1] !== "\n")) line++;
        field += ch;
      }
    } else if (ch === '"' && field === "") quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && content[i + 1] === "\n") i++;
      row.push(field);
      if (row.some((f) => f !== "")) rows.push({ line: rowLine, cells: row });
      row = [];
      field = "";
      line++;
      rowLine = line;
    } else field += ch;
  }
  if (quoted) throw invalid("malformed_statement", "The CSV ends inside a quoted field.");
  row.push(field);
  if (row.some((f) => f !== "")) rows.push({ line: rowLine, cells: row });
  return rows;
}

function parseDate(text: string): string | null {
  const t = text.trim();
  let iso: string | null = null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) iso = `${t}T00:00:00.000Z`;
  else if (/^\d{2}\/\d{2}\/\d{4}$/.test(t)) iso = `${t.slice(6)}-${t.slice(3, 5)}-${t.slice(0, 2)}T00:00:00.000Z`; // DD/MM/YYYY, as Indian banks write it
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(t)) iso = t;
  if (!iso || Number.isNaN(Date.parse(iso))) return null;
  const at = new Date(iso).toISOString();
  // Date.parse rolls 31/02 over into March; a day the month does not have is not a date.
  return at.slice(0, 10) === iso.slice(0, 10) ? at : null;
}

export class CsvStatementParser implements StatementParser {
  readonly format = "csv";
  constructor(private readonly mapping: CsvColumnMapping = DEFAULT_CSV_MAPPING) {}

  parse(content: string): StatementLine[] {
    const [headerRow, ...rows] = parseCsvRows(content);
    if (!headerRow) throw invalid("malformed_statement", "The statement is empty.");
    const header = headerRow.cells;
    if (rows.length > MAX_STATEMENT_LINES) throw invalid("statement_too_large", `A statement has at most ${MAX_STATEMENT_LINES} lines.`);
    const m = this.mapping;
    const col = (name: string | undefined) => (name === undefined ? -1 : header.map((h) => h.trim()).indexOf(name));
    const required = [m.date, m.bankReference, m.reference, ...(m.amount ? [m.amount, m.direction ?? ""] : [m.debit ?? "", m.credit ?? ""])];
    const missing = required.filter((name) => col(name) < 0);
    if (missing.length > 0) throw invalid("malformed_statement", `The statement has no column ${missing.map((n) => `"${n}"`).join(", ")}.`, { missing });

    return rows.map(({ line: lineNo, cells }) => {
      const cell = (name: string | undefined) => (col(name) >= 0 ? (cells[col(name)] ?? "").trim() : "");
      const bad = (what: string) => invalid("malformed_statement", `Line ${lineNo}: ${what}.`, { line: lineNo });
      const at = parseDate(cell(m.date));
      if (!at) throw bad(`"${cell(m.date)}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`);
      let direction: "debit" | "credit";
      let amountText: string;
      if (m.amount) {
        const d = cell(m.direction).toLowerCase();
        if (!["dr", "debit", "d", "cr", "credit", "c"].includes(d)) throw bad(`direction "${cell(m.direction)}" is not DR or CR`);
        direction = d.startsWith("d") ? "debit" : "credit";
        amountText = cell(m.amount);
      } else {
        const debit = cell(m.debit);
        const credit = cell(m.credit);
        if ((debit === "") === (credit === "")) throw bad("exactly one of the debit and credit columns must have an amount");
        direction = debit !== "" ? "debit" : "credit";
        amountText = debit !== "" ? debit : credit;
      }
      const amountPaise = parseRupeesToPaise(amountText);
      if (amountPaise === null || amountPaise <= 0) throw bad(`"${amountText}" is not an amount in rupees`);
      const bankReference = cell(m.bankReference);
      if (bankReference === "") throw bad("the bank reference is empty");
      const reference = cell(m.reference) || null;
      // Amounts are compared with payouts in paise, so a line in another currency cannot match
      // anything honestly: refuse the file rather than reconcile rupees against dollars.
      const currency = (cell(m.currency) || "INR").toUpperCase();
      if (!(CURRENCY_CODES as readonly string[]).includes(currency)) throw bad(`currency "${cell(m.currency)}" is not one Disburse pays in (${CURRENCY_CODES.join(", ")})`);
      return {
        lineNo,
        bankReference,
        reference,
        direction,
        amountPaise,
        currency,
        kind: reference ? (direction === "debit" ? "payout" : "return") : "other",
        at,
      };
    });
  }
}

export const STATEMENT_FORMATS = ["csv"] as const;

export function statementParser(format: (typeof STATEMENT_FORMATS)[number], mapping?: CsvColumnMapping): StatementParser {
  switch (format) {
    case "csv":
      return new CsvStatementParser(mapping);
  }
}
