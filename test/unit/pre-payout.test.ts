import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EntryInput } from "../../src/domain/ledger";
import type { BankDetails } from "../../src/domain/payees";
import { orderShares, type PayeeCycleFacts, PRE_PAYOUT_CHECKS, type PrePayoutCheck, reconcilePayee } from "../../src/domain/pre-payout";
import { type SettlementBreakdown, expectedCollectedPaise, sellerPayablePaise, settlementEntries } from "../../src/domain/settlement";

const PAYEE = "pe_me";
const OTHER = "pe_other";
const BANK: BankDetails = { accountNumber: "123456789012", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" };

function order(orderId: string, over: Partial<SettlementBreakdown> = {}): SettlementBreakdown {
  const s: SettlementBreakdown = {
    orderId,
    cycleId: "2026-W48",
    sellerPayeeId: PAYEE,
    deliveryPartnerPayeeId: null,
    currency: "INR",
    grossAmountPaise: 100_000,
    platformFeePaise: 10_000,
    discountPaise: 5_000,
    voucherPaise: 2_000,
    walletAmountPaise: 3_000,
    deliveryFeePaise: 0,
    amountCollectedPaise: 0,
    ...over,
  };
  return { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
}

/** Facts exactly as a consistent ledger would report them: every check passes. */
function consistentFacts(settlements: SettlementBreakdown[], opts: { debitsPaise?: number; extraBalancePaise?: number } = {}): PayeeCycleFacts {
  const credits = orderShares(PAYEE, settlements).reduce((sum, o) => sum + o.amountPaise, 0);
  const debits = opts.debitsPaise ?? 0;
  return {
    payeeId: PAYEE,
    currency: "INR",
    settlements,
    ledgerByOrder: new Map(settlements.map((s) => [s.orderId, [settlementEntries(s)]])),
    cycleCreditsPaise: credits,
    cycleDebitsPaise: debits,
    committedPaise: debits,
    accountBalancePaise: credits - debits + (opts.extraBalancePaise ?? 0),
    bank: BANK,
    verificationStatus: "verified",
  };
}

const failed = (facts: PayeeCycleFacts) =>
  reconcilePayee(facts)
    .checks.filter((c) => !c.ok)
    .map((c) => c.check);

describe("pre-payout reconciliation of one payee", () => {
  it("passes every check and pays the cycle's credits less debits when the ledger agrees with the orders", () => {
    const settlements = [
      order("O1"),
      order("O2", { grossAmountPaise: 50_000, platformFeePaise: 5_000, discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0 }),
      order("O3", { sellerPayeeId: OTHER, deliveryPartnerPayeeId: PAYEE, deliveryFeePaise: 4_000 }),
    ];
    const result = reconcilePayee(consistentFacts(settlements, { debitsPaise: 1_000 }));
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => c.check)).toEqual([...PRE_PAYOUT_CHECKS]);
    expect(result.checks.every((c) => c.ok && c.reasons.length === 0)).toBe(true);
    expect(result.amountPaise).toBe(90_000 + 45_000 + 4_000 - 1_000);
    expect(result.orders).toEqual([
      { orderId: "O1", role: "seller", amountPaise: 90_000 },
      { orderId: "O2", role: "seller", amountPaise: 45_000 },
      { orderId: "O3", role: "delivery_partner", amountPaise: 4_000 },
    ]);
  });

  it("fails ledger_entries_exist alone when an order has no settlement transaction", () => {
    const facts = consistentFacts([order("O1"), order("O2")]);
    const ledgerByOrder = new Map(facts.ledgerByOrder);
    ledgerByOrder.set("O2", []);
    const result = reconcilePayee({ ...facts, ledgerByOrder });
    expect(failed({ ...facts, ledgerByOrder })).toEqual(["ledger_entries_exist"]);
    expect(result.checks.find((c) => c.check === "ledger_entries_exist")!.reasons).toEqual([expect.stringContaining("O2")]);
    expect(result.ok).toBe(false);
  });

  it("fails no_double_count alone when an order is posted twice in the ledger", () => {
    const facts = consistentFacts([order("O1")]);
    const entries = settlementEntries(order("O1"));
    expect(failed({ ...facts, ledgerByOrder: new Map([["O1", [entries, entries]]]) })).toEqual(["no_double_count"]);
  });

  it("fails no_double_count when one order appears in two settlements", () => {
    const facts = consistentFacts([order("O1")]);
    const result = reconcilePayee({ ...facts, settlements: [order("O1"), order("O1")] });
    expect(result.checks.find((c) => c.check === "no_double_count")!.ok).toBe(false);
    expect(result.ok).toBe(false);
  });

  it("fails components_match alone when the posted entries differ from the settlement's", () => {
    const facts = consistentFacts([order("O1")]);
    const posted = settlementEntries(order("O1")).map((e) => (e.accountId === "platform:fee_revenue" ? { ...e, amountPaise: e.amountPaise + 1 } : e));
    expect(failed({ ...facts, ledgerByOrder: new Map([["O1", [posted]]]) })).toEqual(["components_match"]);
  });

  it("fails amount_matches_outstanding alone when the ledger credits the payee more than its orders earned", () => {
    const facts = consistentFacts([order("O1")]);
    const result = reconcilePayee({ ...facts, cycleCreditsPaise: facts.cycleCreditsPaise + 500, accountBalancePaise: facts.accountBalancePaise + 500 });
    expect(result.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(["amount_matches_outstanding"]);
    expect(result.checks.find((c) => c.check === "amount_matches_outstanding")!.reasons).toEqual([expect.stringContaining("90500")]);
  });

  it("fails amount_matches_outstanding alone when the cycle is already paid in full", () => {
    const facts = consistentFacts([order("O1")]);
    const result = reconcilePayee({ ...facts, cycleDebitsPaise: facts.cycleCreditsPaise, committedPaise: facts.cycleCreditsPaise, accountBalancePaise: 0 });
    expect(result.amountPaise).toBe(0);
    expect(result.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(["amount_matches_outstanding"]);
  });

  it("reports a payee as paid in full only when the ledger agrees with the orders and nothing is outstanding", () => {
    const facts = consistentFacts([order("O1")]);
    expect(reconcilePayee(facts).paidInFull).toBe(false);
    const paid = { ...facts, cycleDebitsPaise: facts.cycleCreditsPaise, committedPaise: facts.cycleCreditsPaise, accountBalancePaise: 0 };
    expect(reconcilePayee(paid).paidInFull).toBe(true);
    // Bank details do not matter when there is nothing to send.
    expect(reconcilePayee({ ...paid, verificationStatus: "unverified" }).paidInFull).toBe(true);
    // A zero amount that the ledger cannot explain is not "paid", it is a problem to show.
    expect(reconcilePayee({ ...paid, cycleDebitsPaise: paid.cycleDebitsPaise + 1 }).paidInFull).toBe(false);
    // A wrong credit and the reversal that corrects it cancel out: the ledger explains the zero.
    expect(reconcilePayee({ ...paid, cycleCreditsPaise: paid.cycleCreditsPaise + 1, cycleDebitsPaise: paid.cycleDebitsPaise + 1 }).paidInFull).toBe(true);
    expect(reconcilePayee({ ...paid, ledgerByOrder: new Map([["O1", []]]) }).paidInFull).toBe(false);
    // Nothing outstanding in the ledger, but the payout records say nothing was paid either.
    expect(reconcilePayee({ ...paid, committedPaise: 0 }).paidInFull).toBe(false);
  });

  it("fails no_overpayment alone when the amount exceeds the payee's total outstanding payable", () => {
    const facts = consistentFacts([order("O1")]);
    expect(failed({ ...facts, accountBalancePaise: facts.cycleCreditsPaise - 1 })).toEqual(["no_overpayment"]);
  });

  it.each([
    ["unverified", { verificationStatus: "unverified" as const }, "bank_details_unverified"],
    ["marked invalid", { verificationStatus: "invalid" as const }, "bank_details_invalid"],
    ["missing", { bank: null }, "bank_details_missing"],
    ["malformed", { bank: { ...BANK, ifsc: "hdfc1234" } }, "bank_details_malformed"],
  ])("fails bank_details alone when the bank details are %s", (_name, change, reason) => {
    const facts = { ...consistentFacts([order("O1")]), ...change };
    const result = reconcilePayee(facts);
    expect(result.checks.filter((c) => !c.ok)).toEqual([{ check: "bank_details", ok: false, reasons: [reason] }]);
    // The amount is still reported, so the maker sees what is held back.
    expect(result.amountPaise).toBe(90_000);
  });

  // ---- properties ----

  const settlementsArb = fc
    .uniqueArray(
      fc.record({
        orderId: fc.stringMatching(/^ORD-[0-9]{1,6}$/),
        role: fc.constantFrom("seller", "seller_with_partner", "delivery_partner"),
        grossAmountPaise: fc.integer({ min: 2, max: 5_000_000 }),
        feeShare: fc.double({ min: 0, max: 0.99, noNaN: true }),
        discountPaise: fc.integer({ min: 0, max: 1_000 }),
        deliveryFeePaise: fc.integer({ min: 1, max: 50_000 }),
      }),
      { selector: (o) => o.orderId, minLength: 1, maxLength: 8 },
    )
    .map((orders) =>
      orders.map((o) => {
        const platformFeePaise = Math.floor(o.grossAmountPaise * o.feeShare);
        // When the payee only delivers, someone else sells; when it only sells, someone else may deliver.
        const sellerPayeeId = o.role === "delivery_partner" ? OTHER : PAYEE;
        const deliveryPartnerPayeeId = o.role === "seller" ? null : o.role === "delivery_partner" ? PAYEE : OTHER;
        return order(o.orderId, {
          sellerPayeeId,
          deliveryPartnerPayeeId,
          grossAmountPaise: o.grossAmountPaise,
          platformFeePaise: Math.min(platformFeePaise, o.grossAmountPaise - 1),
          discountPaise: Math.min(o.discountPaise, o.grossAmountPaise - 1),
          voucherPaise: 0,
          walletAmountPaise: 0,
          deliveryFeePaise: deliveryPartnerPayeeId === null ? 0 : o.deliveryFeePaise,
        });
      }),
    );

  const consistentArb = fc
    .tuple(settlementsArb, fc.double({ min: 0, max: 0.999, noNaN: true }), fc.integer({ min: 0, max: 10_000_000 }))
    .map(([settlements, paidShare, extraBalancePaise]) => {
      const credits = orderShares(PAYEE, settlements).reduce((sum, o) => sum + o.amountPaise, 0);
      return consistentFacts(settlements, { debitsPaise: Math.floor(credits * paidShare), extraBalancePaise });
    });

  it("passes every check for any consistent facts, paying exactly what the orders earned less what was paid", () => {
    fc.assert(
      fc.property(consistentArb, (facts) => {
        const result = reconcilePayee(facts);
        expect(result.checks.filter((c) => !c.ok)).toEqual([]);
        expect(result.ok).toBe(true);
        const earned = result.orders.reduce((sum, o) => sum + o.amountPaise, 0);
        expect(result.amountPaise).toBe(earned - facts.cycleDebitsPaise);
        expect(result.amountPaise).toBeGreaterThan(0);
        expect(result.paidInFull).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  type Perturbation = { check: PrePayoutCheck; apply: (facts: PayeeCycleFacts, pick: number) => PayeeCycleFacts };
  const pickOrder = (facts: PayeeCycleFacts, pick: number) => facts.settlements[pick % facts.settlements.length]!.orderId;
  const withPostings = (facts: PayeeCycleFacts, orderId: string, postings: EntryInput[][]) => {
    const ledgerByOrder = new Map(facts.ledgerByOrder);
    ledgerByOrder.set(orderId, postings);
    return { ...facts, ledgerByOrder };
  };
  const PERTURBATIONS: Perturbation[] = [
    { check: "ledger_entries_exist", apply: (f, pick) => withPostings(f, pickOrder(f, pick), []) },
    {
      check: "no_double_count",
      apply: (f, pick) => {
        const orderId = pickOrder(f, pick);
        const posted = f.ledgerByOrder.get(orderId)!;
        return withPostings(f, orderId, [...posted, ...posted]);
      },
    },
    {
      check: "components_match",
      apply: (f, pick) => {
        const orderId = pickOrder(f, pick);
        const [first, ...rest] = f.ledgerByOrder.get(orderId)![0]!;
        return withPostings(f, orderId, [[{ ...first!, amountPaise: first!.amountPaise + 1 + pick }, ...rest]]);
      },
    },
    {
      check: "amount_matches_outstanding",
      apply: (f, pick) => ({ ...f, cycleCreditsPaise: f.cycleCreditsPaise + 1 + pick, accountBalancePaise: f.accountBalancePaise + 1 + pick }),
    },
    { check: "amount_matches_outstanding", apply: (f) => ({ ...f, cycleDebitsPaise: f.cycleCreditsPaise }) },
    // The payout records say more is committed than the ledger has taken out of the payable.
    { check: "amount_matches_outstanding", apply: (f, pick) => ({ ...f, committedPaise: f.committedPaise + 1 + pick }) },
    {
      check: "no_overpayment",
      apply: (f, pick) => ({ ...f, accountBalancePaise: f.cycleCreditsPaise - f.cycleDebitsPaise - 1 - (pick % 1000) }),
    },
    { check: "bank_details", apply: (f, pick) => ({ ...f, verificationStatus: pick % 2 === 0 ? "unverified" : "invalid" }) },
    { check: "bank_details", apply: (f) => ({ ...f, bank: null }) },
    { check: "bank_details", apply: (f) => ({ ...f, bank: { ...BANK, accountNumber: "12AB" } }) },
  ];

  it("fails exactly the right check for any single perturbation of consistent facts", () => {
    fc.assert(
      fc.property(consistentArb, fc.nat({ max: PERTURBATIONS.length - 1 }), fc.nat({ max: 1_000_000 }), (facts, which, pick) => {
        const perturbation = PERTURBATIONS[which]!;
        const result = reconcilePayee(perturbation.apply(facts, pick));
        expect(result.ok).toBe(false);
        const failedChecks = result.checks.filter((c) => !c.ok);
        expect(failedChecks.map((c) => c.check)).toEqual([perturbation.check]);
        expect(failedChecks[0]!.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it("ignores orders that earned this payee nothing and counts both shares when it sells and delivers", () => {
    const settlements = [order("O1", { sellerPayeeId: OTHER, deliveryPartnerPayeeId: null }), order("O2", { deliveryPartnerPayeeId: OTHER, deliveryFeePaise: 3_000 })];
    expect(orderShares(PAYEE, settlements)).toEqual([{ orderId: "O2", role: "seller", amountPaise: 90_000 }]);
    expect(orderShares(OTHER, settlements)).toEqual([
      { orderId: "O1", role: "seller", amountPaise: 90_000 },
      { orderId: "O2", role: "delivery_partner", amountPaise: 3_000 },
    ]);
    expect(sellerPayablePaise(settlements[0]!)).toBe(90_000);
  });
});
