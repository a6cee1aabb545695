// Settlements as a CSV file, one order per row: the columns are settlementInput's fields, a nested
// field named by its path (`tax.placeOfSupplyState`), so an error in a row names its column. Rows
// become the same objects a JSON call sends, and are validated by the same schema.

import { parseCsvRows } from "../../domain/statement";
import { DomainError } from "../../domain/errors";
import { MAX_BULK_SETTLEMENTS } from "../../store/settlements-bulk";
import { ApiError } from "../errors";
import { type BulkLine, type LineRefusal, noOrders, tooManyOrders } from "./settlements-bulk";

interface Column {
  name: string;
  /** Must be in the header (the field has no default); a cell may still be left empty, and the row is then refused. */
  required: boolean;
  paise: boolean;
}

const column = (name: string, required: boolean, paise = name.endsWith("Paise")): Column => ({ name, required, paise });

/** The columns, in the order docs/api.md lists them; a file may have them in any order and leave out the optional ones. */
export const SETTLEMENT_CSV_COLUMNS: readonly Column[] = [
  column("orderId", true),
  column("cycleId", true),
  column("sellerPayeeId", true),
  column("deliveryPartnerPayeeId", false),
  column("currency", false),
  column("grossAmountPaise", true),
  column("platformFeePaise", true),
  column("discountPaise", true),
  column("voucherPaise", true),
  column("walletAmountPaise", true),
  column("deliveryFeePaise", true),
  column("amountCollectedPaise", true),
  column("tax.placeOfSupplyState", false),
  column("tax.orderDate", false),
  column("tax.netTaxableValuePaise", false),
  column("tax.deductions.tdsPaise", false),
  column("tax.deductions.tcsPaise", false),
  column("tax.deductions.gstOnFeePaise", false),
];

const BY_NAME = new Map(SETTLEMENT_CSV_COLUMNS.map((c) => [c.name, c]));
const PAISE_CELL = /^\d+$/;

export const SETTLEMENTS_CSV_EXAMPLE = [
  "orderId,cycleId,sellerPayeeId,deliveryPartnerPayeeId,grossAmountPaise,platformFeePaise,discountPaise,voucherPaise,walletAmountPaise,deliveryFeePaise,amountCollectedPaise,tax.placeOfSupplyState",
  "ORD-1001,2026-W48,pe_01m8bgvjkph2rsgrtjy0vv,pe_01m8bgvjna1cqzb32jqg5v,100000,12000,5000,2500,10000,4000,86500,",
  "ORD-1002,2026-W48,pe_01m8bgvjkph2rsgrtjy0vv,,60000,6000,0,0,0,0,60000,29",
  "",
].join("\r\n");

/**
 * The rows of a CSV file as bulk lines: a row that cannot be an order (a cell that is not a whole
 * number of paise, a row of the wrong width) is refused on its own. The header decides for the
 * whole file: unknown, repeated or missing columns refuse the call (422 csv_header_invalid).
 */
export function linesOfCsv(text: string): BulkLine[] {
  const [head, ...rows] = csvRows(text);
  if (!head) throw noOrders("The CSV file is empty: its first line must be the header.");
  const header = headerOf(head.cells);
  if (rows.length === 0) throw noOrders("The CSV file has a header but no rows.");
  if (rows.length > MAX_BULK_SETTLEMENTS) throw tooManyOrders(rows.length, "rows");
  return rows.map(({ line, cells }, index): BulkLine => {
    if (cells.length !== header.length) {
      return { index, line, refused: { code: "malformed_csv_row", message: `Line ${line} has ${cells.length} fields; the header has ${header.length}.`, field: null } };
    }
    const value: Record<string, unknown> = {};
    let refused: LineRefusal | null = null;
    for (const [i, col] of header.entries()) {
      const cell = cells[i]!;
      if (cell === "") continue;
      if (col.paise && !PAISE_CELL.test(cell)) {
        refused ??= { code: "validation_failed", message: `${col.name} must be a whole number of paise, digits only (${JSON.stringify(cell)} is not).`, field: col.name };
        continue;
      }
      setPath(value, col.name.split("."), col.paise ? Number(cell) : cell);
    }
    return refused ? { index, line, orderId: value.orderId, refused } : { index, line, value };
  });
}

function csvRows(text: string) {
  try {
    return parseCsvRows(text.replace(/^\ufeff/, ""));
  } catch (error) {
    // The statement parser's only refusal: a quoted field never closed, so where rows end is unknown.
    if (error instanceof DomainError) throw new ApiError(422, "malformed_csv", error.message);
    throw error;
  }
}

function headerOf(names: readonly string[]): Column[] {
  const trimmed = names.map((n) => n.trim());
  const unknown = trimmed.filter((n) => !BY_NAME.has(n));
  const duplicate = [...new Set(trimmed.filter((n, i) => trimmed.indexOf(n) !== i))];
  const missing = SETTLEMENT_CSV_COLUMNS.filter((c) => c.required && !trimmed.includes(c.name)).map((c) => c.name);
  if (unknown.length > 0 || duplicate.length > 0 || missing.length > 0) {
    const problems = [
      unknown.length > 0 ? `unknown columns ${unknown.map((n) => JSON.stringify(n)).join(", ")}` : null,
      duplicate.length > 0 ? `repeated columns ${duplicate.join(", ")}` : null,
      missing.length > 0 ? `missing columns ${missing.join(", ")}` : null,
    ].filter(Boolean);
    throw new ApiError(422, "csv_header_invalid", `The CSV header (its first line) has ${problems.join("; ")}.`, {
      unknown,
      duplicate,
      missing,
      columns: SETTLEMENT_CSV_COLUMNS.map((c) => c.name),
    });
  }
  return trimmed.map((n) => BY_NAME.get(n)!);
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown) {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) target[head] = value;
  else setPath((target[head] ??= {}) as Record<string, unknown>, rest, value);
}
