// The filing exports as tables: the quarterly TDS return's deductee rows, the certificates'
// per-seller summary, and the monthly TCS return per supplier GSTIN. Pure: the store reads the
// lines, the route writes the CSV. Columns are documented in docs/statutory.md.

import type { DeductionReversal } from "./adjustments";

/** One order of the period with a deduction of one kind, with the seller's identity as it was used. */
export interface FilingLine {
  orderId: string;
  postedAt: string;
  payeeId: string;
  legalName: string | null;
  pan: string | null;
  gstin: string | null;
  placeOfSupplyState: string | null;
  section: string;
  rateBasisPoints: number;
  /** TDS: the amount credited (the gross sale); GST TCS: the net taxable value. */
  basePaise: number;
  tdsPaise: number;
  cgstPaise: number;
  sgstPaise: number;
  igstPaise: number;
}

/** A refund posted in the period that gave part of a deduction back. */
export interface FilingReversal {
  sellerPayeeId: string;
  /** The seller's GSTIN now, for a refund of an order from an earlier period. */
  gstin: string | null;
  goodsPaise: number;
  reversals: DeductionReversal[];
}

type Row = Array<string | number | null>;

/** What a deductee without a PAN is reported as. */
export const NO_PAN = "PANNOTAVBL";

const total = <T>(items: readonly T[], amount: (item: T) => number) => items.reduce((sum, item) => sum + amount(item), 0);
const percent = (basisPoints: number) => `${basisPoints / 100}%`;

export function tdsReturnRows(lines: readonly FilingLine[]): Row[] {
  return [
    ["order_id", "deductee_pan", "deductee_name", "payee_id", "section", "amount_credited_paise", "credited_on", "rate", "tds_paise"],
    ...lines.map((l) => [l.orderId, l.pan ?? NO_PAN, l.legalName, l.payeeId, l.section, l.basePaise, l.postedAt.slice(0, 10), percent(l.rateBasisPoints), l.tdsPaise]),
    ["total", null, null, null, null, total(lines, (l) => l.basePaise), null, null, total(lines, (l) => l.tdsPaise)],
  ];
}

export function tdsCertificateRows(lines: readonly FilingLine[]): Row[] {
  const by = new Map<string, { pan: string | null; name: string | null; payeeId: string; orders: number; credited: number; tds: number }>();
  for (const l of lines) {
    const key = `${l.payeeId}|${l.pan ?? ""}`;
    const t = by.get(key) ?? { pan: l.pan, name: l.legalName, payeeId: l.payeeId, orders: 0, credited: 0, tds: 0 };
    t.orders += 1;
    t.credited += l.basePaise;
    t.tds += l.tdsPaise;
    by.set(key, t);
  }
  const rows = [...by.values()];
  return [
    ["deductee_pan", "deductee_name", "payee_id", "orders", "amount_credited_paise", "tds_paise"],
    ...rows.map((r) => [r.pan ?? NO_PAN, r.name, r.payeeId, r.orders, r.credited, r.tds]),
    ["total", null, null, total(rows, (r) => r.orders), total(rows, (r) => r.credited), total(rows, (r) => r.tds)],
  ];
}

/** Per supplier GSTIN: gross supplies, returns, net, and the tax collected net of what refunds gave back. */
export function tcsReturnRows(lines: readonly FilingLine[], refunds: readonly FilingReversal[]): Row[] {
  const gstinOf = new Map(lines.map((l) => [l.payeeId, l.gstin ?? ""]));
  const by = new Map<string, { gstin: string; name: string | null; gross: number; returns: number; igst: number; cgst: number; sgst: number }>();
  const at = (gstin: string, name: string | null) => {
    const t = by.get(gstin) ?? { gstin, name, gross: 0, returns: 0, igst: 0, cgst: 0, sgst: 0 };
    by.set(gstin, t);
    return t;
  };
  for (const l of lines) {
    const t = at(l.gstin ?? "", l.legalName);
    t.gross += l.basePaise;
    t.igst += l.igstPaise;
    t.cgst += l.cgstPaise;
    t.sgst += l.sgstPaise;
  }
  for (const r of refunds) {
    const t = at(gstinOf.get(r.sellerPayeeId) ?? r.gstin ?? "", null);
    t.returns += r.goodsPaise;
    for (const x of r.reversals) if (x.head !== "TDS") t[x.head === "IGST" ? "igst" : x.head === "CGST" ? "cgst" : "sgst"] -= x.amountPaise;
  }
  const rows = [...by.values()].sort((a, b) => (a.gstin < b.gstin ? -1 : 1));
  return [
    ["supplier_gstin", "supplier_name", "gross_supplies_paise", "returns_paise", "net_taxable_value_paise", "igst_paise", "cgst_paise", "sgst_paise"],
    ...rows.map((r) => [r.gstin, r.name, r.gross, r.returns, r.gross - r.returns, r.igst, r.cgst, r.sgst]),
    ["total", null, total(rows, (r) => r.gross), total(rows, (r) => r.returns), total(rows, (r) => r.gross - r.returns), total(rows, (r) => r.igst), total(rows, (r) => r.cgst), total(rows, (r) => r.sgst)],
  ];
}
