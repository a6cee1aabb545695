// Statutory deductions on what an Indian marketplace pays its sellers, as data: income-tax TDS
// under s.194-O, GST TCS under s.52 of the CGST Act, and GST on the platform's own fee. A change of
// law is a new rule with a start date; an order is computed with the rules in force on its date.
// The default rules, with their sources and dates, are DEFAULT_DEDUCTION_RULES (docs/statutory.md).

import type { PayeeType } from "./payees";
import { gstinStateCode, panHolderType, type TaxIdentity } from "./tax-ids";

export const DEDUCTION_KINDS = ["tds_194o", "gst_tcs", "gst_on_fee"] as const;
export type DeductionKind = (typeof DEDUCTION_KINDS)[number];

/** What a deduction is computed on. */
export const DEDUCTION_BASES = ["gross_sale", "net_taxable_value", "platform_fee"] as const;
export type DeductionBase = (typeof DEDUCTION_BASES)[number];

/** The ledger heads a deduction is owed under. */
export const TAX_HEADS = ["TDS", "CGST", "SGST", "IGST"] as const;
export type TaxHead = (typeof TAX_HEADS)[number];

export interface DeductionRule {
  id: string;
  kind: DeductionKind;
  /** The law's section, as a person would cite it. */
  section: string;
  payeeTypes: readonly PayeeType[];
  /** Which payees it applies to: with a PAN, without one, or either; only with a GSTIN, or either. */
  pan: "present" | "absent" | "any";
  gstin: "present" | "any";
  base: DeductionBase;
  rateBasisPoints: number;
  /** In force from this date (inclusive) to `to` (exclusive, null = still in force), ISO dates. */
  from: string;
  to: string | null;
  /**
   * No deduction for these PAN holder types while their gross sales through the platform in the
   * financial year (April–March) stay within this many paise (s.194-O(2): ₹5 lakh, individuals and HUFs).
   */
  annualThreshold: { grossPaise: number; holderTypes: readonly string[] } | null;
  source: string;
}

/**
 * What we understand to be in force, each with its source (checked 2 December 2026; see
 * docs/statutory.md). Rates in basis points of the base: 10 = 0.1 %, 50 = 0.5 %, 1,800 = 18 %.
 */
export const DEFAULT_DEDUCTION_RULES: readonly DeductionRule[] = [
  {
    id: "tds-194o-2020",
    kind: "tds_194o",
    section: "Income-tax Act 1961, s.194-O",
    payeeTypes: ["seller"],
    pan: "present",
    gstin: "any",
    base: "gross_sale",
    rateBasisPoints: 100,
    from: "2020-10-01",
    to: "2024-10-01",
    annualThreshold: { grossPaise: 5_00_000_00, holderTypes: ["individual", "hindu_undivided_family"] },
    source: "Finance Act 2020 (s.194-O inserted from 1 Oct 2020 at 1 %)",
  },
  {
    id: "tds-194o-2024",
    kind: "tds_194o",
    section: "Income-tax Act 1961, s.194-O",
    payeeTypes: ["seller"],
    pan: "present",
    gstin: "any",
    base: "gross_sale",
    rateBasisPoints: 10,
    from: "2024-10-01",
    to: null,
    annualThreshold: { grossPaise: 5_00_000_00, holderTypes: ["individual", "hindu_undivided_family"] },
    source: "Finance (No. 2) Act 2024, clause 61 of the Bill: 1 % → 0.1 % from 1 Oct 2024",
  },
  {
    id: "tds-194o-no-pan",
    kind: "tds_194o",
    section: "Income-tax Act 1961, s.194-O with s.206AA",
    payeeTypes: ["seller"],
    pan: "absent",
    gstin: "any",
    base: "gross_sale",
    rateBasisPoints: 500,
    from: "2020-10-01",
    to: null,
    annualThreshold: null,
    source: "s.206AA(1) proviso: 5 % for s.194-O where no PAN is furnished",
  },
  {
    id: "gst-tcs-2018",
    kind: "gst_tcs",
    section: "CGST Act 2017, s.52",
    payeeTypes: ["seller"],
    pan: "any",
    gstin: "present",
    base: "net_taxable_value",
    rateBasisPoints: 100,
    from: "2018-10-01",
    to: "2024-07-10",
    annualThreshold: null,
    source: "Notifications 52/2018-Central Tax and 02/2018-Integrated Tax (0.5 % + 0.5 %, or 1 % IGST)",
  },
  {
    id: "gst-tcs-2024",
    kind: "gst_tcs",
    section: "CGST Act 2017, s.52",
    payeeTypes: ["seller"],
    pan: "any",
    gstin: "present",
    base: "net_taxable_value",
    rateBasisPoints: 50,
    from: "2024-07-10",
    to: null,
    annualThreshold: null,
    source: "Notifications 15/2024-Central Tax and 01/2024-Integrated Tax of 10 Jul 2024 (0.25 % + 0.25 %, or 0.5 % IGST)",
  },
  {
    id: "gst-on-fee-2017",
    kind: "gst_on_fee",
    section: "CGST Act 2017, s.9; IGST Act 2017, s.5 (services, 18 %)",
    payeeTypes: ["seller", "delivery_partner"],
    pan: "any",
    gstin: "any",
    base: "platform_fee",
    rateBasisPoints: 1_800,
    from: "2017-07-01",
    to: null,
    annualThreshold: null,
    source: "Notification 11/2017-Central Tax (Rate), residual entry for services: 9 % CGST + 9 % SGST, or 18 % IGST",
  },
];

/** The rules in force on an order's date (ISO date or timestamp). */
export const rulesInForce = (rules: readonly DeductionRule[], onDate: string) => {
  const day = onDate.slice(0, 10);
  return rules.filter((r) => r.from <= day && (r.to === null || day < r.to));
};

/** The Indian financial year (April–March) an order date falls in, e.g. "2026-27". */
export function financialYear(onDate: string): string {
  const year = Number(onDate.slice(0, 4));
  const month = Number(onDate.slice(5, 7));
  const start = month >= 4 ? year : year - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

export interface DeductionInput {
  orderDate: string;
  payeeType: PayeeType;
  identity: TaxIdentity;
  grossSalePaise: number;
  /** The supply's taxable value net of returns (GST TCS base); the caller's figure, or the gross sale. */
  netTaxableValuePaise: number;
  platformFeePaise: number;
  /** Where the supply is made (GST state code): intra-state when it is the seller's GSTIN state. */
  placeOfSupplyState: string | null;
  /** The platform's own GST state, for GST on its fee. */
  platformState: string;
  /** The payee's gross sales through the platform earlier in the same financial year. */
  yearGrossBeforePaise: number;
}

export interface Deduction {
  ruleId: string;
  kind: DeductionKind;
  head: TaxHead;
  section: string;
  basePaise: number;
  rateBasisPoints: number;
  amountPaise: number;
}

/** Basis points of an amount, rounded half up to the paisa, in BigInt (amount × rate can pass 2^53). */
export function basisPointsOf(amountPaise: number, basisPoints: number): number {
  const product = BigInt(amountPaise) * BigInt(basisPoints);
  return Number((product + 5_000n) / 10_000n);
}

function applies(rule: DeductionRule, input: DeductionInput): boolean {
  if (!rule.payeeTypes.includes(input.payeeType)) return false;
  if (rule.pan === "present" && input.identity.pan === null) return false;
  if (rule.pan === "absent" && input.identity.pan !== null) return false;
  if (rule.gstin === "present" && input.identity.gstin === null) return false;
  const threshold = rule.annualThreshold;
  if (threshold && input.identity.pan !== null && threshold.holderTypes.includes(panHolderType(input.identity.pan))) {
    if (input.yearGrossBeforePaise + input.grossSalePaise <= threshold.grossPaise) return false;
  }
  return true;
}

/**
 * Every deduction an order's settlement carries for one payee, computed with the rules in force on
 * its date. GST is split CGST + SGST (half each, the odd paisa to CGST) when supplier and place of
 * supply are in one state, IGST otherwise.
 */
export function computeDeductions(rules: readonly DeductionRule[], input: DeductionInput): Deduction[] {
  const out: Deduction[] = [];
  for (const rule of rulesInForce(rules, input.orderDate).filter((r) => applies(r, input))) {
    const basePaise = rule.base === "gross_sale" ? input.grossSalePaise : rule.base === "net_taxable_value" ? input.netTaxableValuePaise : input.platformFeePaise;
    const amountPaise = basisPointsOf(basePaise, rule.rateBasisPoints);
    if (amountPaise === 0) continue;
    const common = { ruleId: rule.id, kind: rule.kind, section: rule.section, basePaise, rateBasisPoints: rule.rateBasisPoints };
    if (rule.kind === "tds_194o") {
      out.push({ ...common, head: "TDS", amountPaise });
      continue;
    }
    const supplierState = rule.kind === "gst_tcs" ? (input.identity.gstin ? gstinStateCode(input.identity.gstin) : null) : input.platformState;
    const recipientState = rule.kind === "gst_tcs" ? input.placeOfSupplyState : input.identity.gstin ? gstinStateCode(input.identity.gstin) : input.placeOfSupplyState;
    if (supplierState !== null && supplierState === recipientState) {
      const sgst = Math.floor(amountPaise / 2);
      out.push({ ...common, head: "CGST", rateBasisPoints: rule.rateBasisPoints / 2, amountPaise: amountPaise - sgst });
      out.push({ ...common, head: "SGST", rateBasisPoints: rule.rateBasisPoints / 2, amountPaise: sgst });
    } else {
      out.push({ ...common, head: "IGST", amountPaise });
    }
  }
  return out;
}

/**
 * Deposit due dates: TDS by the 7th of the next month (30 April for March; Income-tax Rules r.30);
 * GST TCS by the 10th (CGST Act s.52(3)); GST on the platform's own fee with its monthly return,
 * by the 20th (GSTR-3B, CGST Rules r.61, monthly filers).
 */
export function depositDueDate(kind: DeductionKind, period: string): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const next = m === 12 ? { y: y + 1, m: 1 } : { y, m: m + 1 };
  const mm = String(next.m).padStart(2, "0");
  if (kind === "tds_194o") return m === 3 ? `${y}-04-30` : `${next.y}-${mm}-07`;
  return `${next.y}-${mm}-${kind === "gst_tcs" ? "10" : "20"}`;
}

/** A filing period: a month (YYYY-MM) or a quarter of a financial year (2026-27-Q3 = Oct–Dec 2026), as [start, end) times. */
export function periodRange(period: string): { start: string; end: string } | null {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  const iso = (y: number, m: number) => `${y + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, "0")}-01T00:00:00.000Z`;
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    return { start: iso(y, m), end: iso(y, m + 1) };
  }
  const quarter = /^(\d{4})-(\d{2})-Q([1-4])$/.exec(period);
  if (!quarter || (Number(quarter[1]) + 1) % 100 !== Number(quarter[2])) return null;
  const firstMonth = 4 + (Number(quarter[3]) - 1) * 3; // Q1 = April
  return { start: iso(Number(quarter[1]), firstMonth), end: iso(Number(quarter[1]), firstMonth + 3) };
}
