// Statutory deductions as rules: PAN and GSTIN checks, the rules in force on a date, and what an
// order carries under the default rules (figures worked by hand in docs/statutory.md).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors";
import { basisPointsOf, computeDeductions, DEFAULT_DEDUCTION_RULES, type DeductionInput, depositDueDate, financialYear, rulesInForce } from "../../src/domain/statutory";
import { assertGstin, assertPan, assertTaxIdentity, gstinCheckCharacter, panHolderType } from "../../src/domain/tax-ids";

const codeOf = (f: () => void) => {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
};

describe("PAN and GSTIN", () => {
  it("computes the GSTIN check character of published examples", () => {
    // GSTINs printed on public invoices and in the GST portal's own examples.
    for (const gstin of ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4", "24AAACC1206D1ZM"]) expect(gstinCheckCharacter(gstin.slice(0, 14))).toBe(gstin[14]);
  });

  it("accepts well-formed identifiers and refuses the rest with a code per cause", () => {
    expect(codeOf(() => assertPan("AAPFU0939F"))).toBeNull();
    expect(panHolderType("ABCPE1234F")).toBe("individual");
    expect(panHolderType("AAPFU0939F")).toBe("firm");
    for (const bad of ["AAPFU0939", "aapfu0939f", "AAPXU0939F", "AAPFU09391", "AAPFU0939F "]) expect(codeOf(() => assertPan(bad))).toBe("invalid_pan");
    expect(codeOf(() => assertGstin("27AAPFU0939F1ZV"))).toBeNull();
    expect(codeOf(() => assertGstin("27AAPFU0939F1ZW"))).toBe("invalid_gstin"); // wrong check character
    expect(codeOf(() => assertGstin("99AAPFU0939F1ZV"))).toBe("invalid_gstin"); // no such state
    expect(codeOf(() => assertGstin("27AAPFU0939F1XV"))).toBe("invalid_gstin"); // no Z
  });

  it("refuses a GSTIN that carries another PAN, and identifiers without a legal name", () => {
    expect(codeOf(() => assertTaxIdentity({ legalName: "Asha Traders", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" }))).toBeNull();
    expect(codeOf(() => assertTaxIdentity({ legalName: "Asha Traders", pan: "AAGCB7383J", gstin: "27AAPFU0939F1ZV" }))).toBe("gstin_pan_mismatch");
    expect(codeOf(() => assertTaxIdentity({ legalName: null, pan: "AAPFU0939F", gstin: null }))).toBe("legal_name_required");
    expect(codeOf(() => assertTaxIdentity({ legalName: null, pan: null, gstin: null }))).toBeNull();
  });

  it("detects every single-character change of a valid GSTIN's first 14 characters", () => {
    const valid = "27AAPFU0939F1ZV";
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 13 }), fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), (i, ch) => {
        fc.pre(valid[i] !== ch);
        const changed = `${valid.slice(0, i)}${ch}${valid.slice(i + 1)}`;
        expect(gstinCheckCharacter(changed.slice(0, 14))).not.toBe(valid[14]);
      }),
    );
  });
});

describe("rules in force", () => {
  it("picks each law's rate by the order's date", () => {
    const tds = (d: string) => rulesInForce(DEFAULT_DEDUCTION_RULES, d).filter((r) => r.kind === "tds_194o" && r.pan === "present").map((r) => r.rateBasisPoints);
    const tcs = (d: string) => rulesInForce(DEFAULT_DEDUCTION_RULES, d).filter((r) => r.kind === "gst_tcs").map((r) => r.rateBasisPoints);
    expect(tds("2024-09-30")).toEqual([100]);
    expect(tds("2024-10-01")).toEqual([10]);
    expect(tcs("2024-07-09")).toEqual([100]);
    expect(tcs("2024-07-10")).toEqual([50]);
    expect(financialYear("2026-03-31")).toBe("2025-26");
    expect(financialYear("2026-04-01")).toBe("2026-27");
    expect(depositDueDate("tds_194o", "2026-11")).toBe("2026-12-07");
    expect(depositDueDate("tds_194o", "2026-03")).toBe("2026-04-30");
    expect(depositDueDate("gst_tcs", "2026-12")).toBe("2027-01-10");
    expect(depositDueDate("gst_on_fee", "2026-12")).toBe("2027-01-20");
  });
});

describe("an order's deductions under the default rules", () => {
  const base: DeductionInput = {
    orderDate: "2026-11-26",
    payeeType: "seller",
    identity: { legalName: "Asha Traders", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" },
    grossSalePaise: 1_00_000,
    netTaxableValuePaise: 1_00_000,
    platformFeePaise: 12_000,
    placeOfSupplyState: "27",
    platformState: "29",
    yearGrossBeforePaise: 0,
  };
  const summary = (input: DeductionInput) => computeDeductions(DEFAULT_DEDUCTION_RULES, input).map((d) => `${d.kind} ${d.head} ${d.amountPaise}`);

  it("withholds 0.1 % TDS, collects 0.5 % TCS split in-state, and charges 18 % IGST on a fee from another state", () => {
    // ₹1,000 sale by a firm in Maharashtra to a customer in Maharashtra; the platform is in Karnataka.
    expect(summary(base)).toEqual(["tds_194o TDS 100", "gst_tcs CGST 250", "gst_tcs SGST 250", "gst_on_fee IGST 2160"]);
  });

  it("takes IGST TCS for a customer in another state, and CGST + SGST on the fee from the seller's own state", () => {
    expect(summary({ ...base, placeOfSupplyState: "29", platformState: "27" })).toEqual(["tds_194o TDS 100", "gst_tcs IGST 500", "gst_on_fee CGST 1080", "gst_on_fee SGST 1080"]);
  });

  it("withholds 5 % without a PAN, and nothing from an individual within ₹5 lakh a year", () => {
    expect(summary({ ...base, identity: { legalName: null, pan: null, gstin: null } })).toEqual(["tds_194o TDS 5000", "gst_on_fee IGST 2160"]);
    const individual = { legalName: "Meena Rao", pan: "ABCPE1234F", gstin: null };
    expect(summary({ ...base, identity: individual, yearGrossBeforePaise: 4_99_00_000 })).toEqual(["gst_on_fee IGST 2160"]);
    expect(summary({ ...base, identity: individual, yearGrossBeforePaise: 4_99_50_000 })).toEqual(["tds_194o TDS 100", "gst_on_fee IGST 2160"]);
  });

  it("uses the rates of the order's date", () => {
    expect(summary({ ...base, orderDate: "2024-07-01" })).toEqual(["tds_194o TDS 1000", "gst_tcs CGST 500", "gst_tcs SGST 500", "gst_on_fee IGST 2160"]);
  });

  it("rounds half up to the paisa without losing precision on any amount", () => {
    expect(basisPointsOf(5, 1000)).toBe(1); // 0.5 paisa → 1
    expect(basisPointsOf(4, 1000)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const got = BigInt(basisPointsOf(amount, bps));
        const exact = BigInt(amount) * BigInt(bps);
        expect(got * 10_000n - exact <= 5_000n && exact - got * 10_000n < 5_000n).toBe(true);
      }),
    );
  });

  it("never takes more than the base, and splits GST into halves that add up", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000_000 }), fc.integer({ min: 0, max: 500_000_000 }), fc.constantFrom("27", "29"), (gross, fee, state) => {
        const all = computeDeductions(DEFAULT_DEDUCTION_RULES, { ...base, grossSalePaise: gross, netTaxableValuePaise: gross, platformFeePaise: fee, placeOfSupplyState: state });
        for (const kind of ["tds_194o", "gst_tcs", "gst_on_fee"] as const) {
          const mine = all.filter((d) => d.kind === kind);
          const total = mine.reduce((s, d) => s + d.amountPaise, 0);
          if (mine.length > 0) expect(total).toBe(basisPointsOf(mine[0]!.basePaise, DEFAULT_DEDUCTION_RULES.find((r) => r.id === mine[0]!.ruleId)!.rateBasisPoints));
          expect(total).toBeLessThanOrEqual(kind === "gst_on_fee" ? fee : gross);
        }
      }),
    );
  });
});

describe("a settlement with deductions", () => {
  it("always balances, and the seller's net plus every deduction is what the seller earned", async () => {
    const { assertPostable } = await import("../../src/domain/ledger");
    const { expectedCollectedPaise, sellerPayablePaise, settlementTransaction } = await import("../../src/domain/settlement");
    const identities = [
      { legalName: "Asha Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" },
      { legalName: "Meena Rao", pan: "ABCPE1234F", gstin: null },
      { legalName: null, pan: null, gstin: null },
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000_000 }),
        fc.integer({ min: 0, max: 30 }),
        fc.constantFrom(...identities),
        fc.constantFrom("27", "29", "07"),
        fc.constantFrom("2024-07-09", "2024-07-10", "2024-09-30", "2024-10-01", "2026-11-26"),
        fc.integer({ min: 0, max: 60_000_000 }),
        (gross, feeShare, identity, place, orderDate, yearBefore) => {
          const fee = Math.floor((gross * feeShare) / 100);
          const deductions = computeDeductions(DEFAULT_DEDUCTION_RULES, { ...base(), identity, grossSalePaise: gross, netTaxableValuePaise: gross, platformFeePaise: fee, placeOfSupplyState: place, orderDate, yearGrossBeforePaise: yearBefore });
          const s = { orderId: "O", cycleId: "C", sellerPayeeId: "pe", deliveryPartnerPayeeId: null, currency: "INR" as const, grossAmountPaise: gross, platformFeePaise: fee, discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0, deliveryFeePaise: 0, amountCollectedPaise: 0, deductions };
          const settled = { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
          fc.pre(deductions.reduce((t, d) => t + d.amountPaise, 0) <= gross - fee);
          assertPostable(settlementTransaction(settled));
          expect(sellerPayablePaise(settled) + deductions.reduce((t, d) => t + d.amountPaise, 0)).toBe(gross - fee);
        },
      ),
    );
  });
});

function base(): DeductionInput {
  return { orderDate: "2026-11-26", payeeType: "seller", identity: { legalName: null, pan: null, gstin: null }, grossSalePaise: 1, netTaxableValuePaise: 1, platformFeePaise: 0, placeOfSupplyState: "27", platformState: "29", yearGrossBeforePaise: 0 };
}
