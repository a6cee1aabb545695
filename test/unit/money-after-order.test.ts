// Properties of money after the order, as pure rules: every adjustment the rules accept posts a
// balanced transaction whose effect on the seller is what it says; no sequence of accepted refunds
// gives back more than the customer paid; carrying balances between cycles moves no money; and a
// payable item's remittance lines always sum exactly to what is paid.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type AdjustmentInput,
  adjustmentEffect,
  adjustmentEntries,
  adjustmentTransaction,
  assertAdjustmentFits,
  NOTHING_REFUNDED,
  refundCaps,
  refundedAfter,
} from "../../src/domain/adjustments";
import { carryTransactions, planCarries, releasableAmounts, reserveSharePaise } from "../../src/domain/balances";
import { DomainError } from "../../src/domain/errors";
import { assertPostable, type EntryInput } from "../../src/domain/ledger";
import { isBlocking, isPayable, orderShares, type PayeeCycleFacts, reconcilePayee } from "../../src/domain/pre-payout";
import { remittanceAdvice, remittanceCsv } from "../../src/domain/remittance";
import { expectedCollectedPaise, type SettlementBreakdown, settlementEntries } from "../../src/domain/settlement";

const SELLER = "pe_seller";
const PARTNER = "pe_partner";

const orderArb = fc
  .record({
    grossAmountPaise: fc.integer({ min: 1, max: 10_000_000 }),
    feeShare: fc.integer({ min: 0, max: 100 }),
    discountShare: fc.integer({ min: 0, max: 30 }),
    walletShare: fc.integer({ min: 0, max: 30 }),
    deliveryFeePaise: fc.integer({ min: 0, max: 20_000 }),
  })
  .map(({ grossAmountPaise, feeShare, discountShare, walletShare, deliveryFeePaise }): SettlementBreakdown => {
    const s: SettlementBreakdown = {
      orderId: "ORD-1",
      cycleId: "C1",
      sellerPayeeId: SELLER,
      deliveryPartnerPayeeId: deliveryFeePaise > 0 ? PARTNER : null,
      currency: "INR",
      grossAmountPaise,
      platformFeePaise: Math.floor((grossAmountPaise * feeShare) / 100),
      discountPaise: Math.floor((grossAmountPaise * discountShare) / 100),
      voucherPaise: 0,
      walletAmountPaise: Math.floor((grossAmountPaise * walletShare) / 100),
      deliveryFeePaise,
      amountCollectedPaise: 0,
    };
    return { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
  });

/** Any adjustment, valid or not: the rules decide. */
const adjustmentArb = (s: SettlementBreakdown) =>
  fc
    .record({
      kind: fc.constantFrom("refund", "cancellation", "chargeback", "goodwill" as const),
      goodsPaise: fc.integer({ min: 0, max: s.grossAmountPaise }),
      deliveryPaise: fc.integer({ min: 0, max: s.deliveryFeePaise }),
      goodwillPaise: fc.integer({ min: 0, max: 100_000 }),
      sellerShare: fc.integer({ min: 0, max: 100 }),
      partnerShare: fc.integer({ min: 0, max: 100 }),
      feeShare: fc.integer({ min: 0, max: 100 }),
      chargebackFeePaise: fc.integer({ min: 0, max: 5_000 }),
      chargebackFeeBorneBy: fc.constantFrom("seller", "platform" as const),
      drawOnReserve: fc.boolean(),
    })
    .map((r, i = 0): AdjustmentInput => {
      const goods = r.kind === "goodwill" ? 0 : r.goodsPaise;
      const delivery = r.kind === "goodwill" ? 0 : r.deliveryPaise;
      const goodwill = r.kind === "goodwill" ? r.goodwillPaise : 0;
      const sellerBears = Math.floor(((goods + goodwill) * r.sellerShare) / 100);
      return {
        adjustmentId: `adj-${i}`,
        orderId: s.orderId,
        kind: r.kind,
        cycleId: "C2",
        currency: "INR",
        reason: "test",
        goodsPaise: goods,
        deliveryPaise: delivery,
        goodwillPaise: goodwill,
        sellerBearsPaise: sellerBears,
        deliveryPartnerBearsPaise: s.deliveryPartnerPayeeId ? Math.floor((delivery * r.partnerShare) / 100) : 0,
        feeReturnedPaise: Math.min(Math.floor((sellerBears * r.feeShare) / 100), s.platformFeePaise),
        chargebackFeePaise: r.kind === "chargeback" ? r.chargebackFeePaise : 0,
        chargebackFeeBorneBy: r.chargebackFeeBorneBy,
        drawOnReserve: r.drawOnReserve,
      };
    });

const accepts = (a: AdjustmentInput, s: SettlementBreakdown, before = NOTHING_REFUNDED) => {
  try {
    assertAdjustmentFits(a, s, before);
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.kind === "invalid") return false;
    throw error;
  }
};

const netOn = (entries: readonly EntryInput[], accountId: string) =>
  entries.filter((e) => e.accountId === accountId).reduce((n, e) => n + (e.direction === "credit" ? e.amountPaise : -e.amountPaise), 0);

describe("adjustments", () => {
  it("post a balanced transaction whose movement on each payee is the effect it reports", () => {
    fc.assert(
      fc.property(
        orderArb.chain((s) => fc.tuple(fc.constant(s), adjustmentArb(s), fc.integer({ min: 0, max: 1_000_000 }))),
        ([s, a, reservePaise]) => {
          fc.pre(accepts(a, s));
          const effect = adjustmentEffect(a, reservePaise);
          const tx = adjustmentTransaction(a, s, effect);
          assertPostable(tx);
          expect(netOn(tx.entries, `payee:${SELLER}:payable`)).toBe(effect.sellerPayablePaise);
          expect(0 - netOn(tx.entries, `payee:${SELLER}:reserve`)).toBe(effect.sellerReservePaise);
          expect(effect.sellerReservePaise).toBeLessThanOrEqual(reservePaise);
          if (s.deliveryPartnerPayeeId) expect(netOn(tx.entries, `payee:${PARTNER}:payable`)).toBe(effect.deliveryPartnerPayablePaise);
          // The customer side receives exactly what was given back (and the chargeback fee leaves the bank).
          const toCustomer = a.kind === "goodwill" ? netOn(tx.entries, "platform:customer_wallet") : a.kind === "refund" || a.kind === "cancellation" ? netOn(tx.entries, "platform:refunds_payable") : 0;
          if (a.kind !== "chargeback") expect(toCustomer).toBe(a.goodsPaise + a.deliveryPaise + a.goodwillPaise);
        },
      ),
    );
  });

  it("never give back more than the customer paid, however many are accepted in turn", () => {
    fc.assert(
      fc.property(
        orderArb.chain((s) => fc.tuple(fc.constant(s), fc.array(adjustmentArb(s), { minLength: 1, maxLength: 8 }))),
        ([s, list]) => {
          let refunded = NOTHING_REFUNDED;
          for (const a of list) if (accepts(a, s, refunded)) refunded = refundedAfter(refunded, a);
          const caps = refundCaps(s);
          expect(refunded.goodsPaise).toBeLessThanOrEqual(caps.goodsPaise);
          expect(refunded.deliveryPaise).toBeLessThanOrEqual(caps.deliveryPaise);
          expect(refunded.feeReturnedPaise).toBeLessThanOrEqual(caps.feeReturnedPaise);
          expect(refunded.customerPaise).toBeLessThanOrEqual(caps.customerPaise);
        },
      ),
    );
  });

  it("names the entries of a refund the seller and platform split, with the fee given back", () => {
    const s = { ...orderArbExample(), deliveryPartnerPayeeId: null };
    const a: AdjustmentInput = { ...baseAdjustment(s), goodsPaise: 40_000, sellerBearsPaise: 30_000, feeReturnedPaise: 3_000 };
    const entries = adjustmentEntries(a, s, adjustmentEffect(a, 0)).map((e) => `${e.direction} ${e.accountId} ${e.amountPaise}`).sort();
    expect(entries).toEqual([`debit payee:${SELLER}:payable 27000`, "credit platform:refunds_payable 40000", "debit platform:fee_revenue 3000", "debit platform:refunds_expense 10000"].sort());
  });
});

function orderArbExample(): SettlementBreakdown {
  const s: SettlementBreakdown = { orderId: "ORD-1", cycleId: "C1", sellerPayeeId: SELLER, deliveryPartnerPayeeId: null, currency: "INR", grossAmountPaise: 100_000, platformFeePaise: 10_000, discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0, deliveryFeePaise: 0, amountCollectedPaise: 0 };
  return { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
}

function baseAdjustment(s: SettlementBreakdown): AdjustmentInput {
  return { adjustmentId: "a", orderId: s.orderId, kind: "refund", cycleId: "C2", currency: "INR", reason: "r", goodsPaise: 0, deliveryPaise: 0, goodwillPaise: 0, sellerBearsPaise: 0, deliveryPartnerBearsPaise: 0, feeReturnedPaise: 0, chargebackFeePaise: 0, chargebackFeeBorneBy: "platform", drawOnReserve: false };
}

describe("balances across cycles", () => {
  it("carry every other cycle's deficit and the released reserve, and the carry moves no money", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cycleId: fc.constantFrom("C1", "C2", "C3", "C4"), netPaise: fc.integer({ min: -1_000_000, max: 1_000_000 }) })),
        fc.integer({ min: -1_000, max: 1_000_000 }),
        (rows, untagged) => {
          const nets = [...new Map(rows.map((r) => [r.cycleId, r])).values()];
          const plans = planCarries("C4", nets, untagged);
          for (const p of plans) {
            const [out, into] = carryTransactions({ carryId: "c", payeeId: SELLER, fromCycleId: p.fromCycleId, toCycleId: "C4", amountPaise: p.amountPaise, currency: "INR" });
            assertPostable(out);
            assertPostable(into);
            // The source cycle goes to zero, the target moves by the amount, the payable total does not move.
            expect(netOn(out.entries, `payee:${SELLER}:payable`)).toBe(-p.amountPaise);
            expect(netOn(into.entries, `payee:${SELLER}:payable`)).toBe(p.amountPaise);
            expect(netOn([...out.entries, ...into.entries], "platform:cycle_carry_clearing")).toBe(0);
          }
          const carriedFromCycles = plans.filter((p) => p.fromCycleId !== null);
          expect(carriedFromCycles.map((p) => p.fromCycleId).sort()).toEqual(nets.filter((n) => n.cycleId !== "C4" && n.netPaise < 0).map((n) => n.cycleId).sort());
          expect(plans.some((p) => p.fromCycleId === null)).toBe(untagged > 0);
        },
      ),
    );
  });

  it("hold back a reserve share exactly, and release no more than the reserve holds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const share = reserveSharePaise(amount, bps);
        expect(Number.isSafeInteger(share)).toBe(true);
        expect(share).toBeLessThanOrEqual(amount);
        expect(BigInt(share) * 10_000n).toBeLessThanOrEqual(BigInt(amount) * BigInt(bps));
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -100, max: 1_000_000 }), fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 6 }), (balance, amounts) => {
        const released = releasableAmounts(balance, amounts.map((amountPaise, i) => ({ id: `h${i}`, amountPaise })));
        const total = [...released.values()].reduce((s, n) => s + n, 0);
        expect(total).toBeLessThanOrEqual(Math.max(0, balance));
        amounts.forEach((a, i) => expect(released.get(`h${i}`)).toBeLessThanOrEqual(a));
      }),
    );
  });
});

describe("remittance lines", () => {
  /** Facts from a random cycle history, with the ledger either agreeing or off by a random amount. */
  const factsArb = fc
    .record({
      orders: fc.array(fc.integer({ min: 1, max: 5_000_000 }), { maxLength: 5 }),
      adjustments: fc.array(fc.integer({ min: -3_000_000, max: 500_000 }), { maxLength: 4 }),
      reserves: fc.array(fc.integer({ min: 1, max: 200_000 }), { maxLength: 3 }),
      carries: fc.array(fc.record({ amount: fc.integer({ min: -2_000_000, max: 2_000_000 }), incoming: fc.boolean() }), { maxLength: 3 }),
      payouts: fc.array(fc.integer({ min: 1, max: 3_000_000 }), { maxLength: 2 }),
      ledgerError: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 100_000 })),
      extraBalance: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .map((r): PayeeCycleFacts => {
      const settlements = r.orders.map((gross, i) => {
        const s: SettlementBreakdown = { ...orderArbExample(), orderId: `O${i}`, grossAmountPaise: gross, platformFeePaise: Math.floor(gross / 10) };
        return { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
      });
      const earned = orderShares(SELLER, settlements).reduce((s, o) => s + o.amountPaise, 0);
      const net =
        earned + r.adjustments.reduce((s, n) => s + n, 0) - r.reserves.reduce((s, n) => s + n, 0) + r.carries.reduce((s, c) => s + (c.incoming ? c.amount : -c.amount), 0) - r.payouts.reduce((s, n) => s + n, 0);
      const ledgerNet = net + r.ledgerError;
      return {
        payeeId: SELLER,
        currency: "INR",
        settlements,
        ledgerByOrder: new Map(settlements.map((s) => [s.orderId, [settlementEntries(s)]])),
        cycleCreditsPaise: Math.max(0, ledgerNet),
        cycleDebitsPaise: Math.max(0, -ledgerNet),
        committedPaise: r.payouts.reduce((s, n) => s + n, 0),
        earlierPayouts: r.payouts.map((amountPaise, i) => ({ payoutId: `po${i}`, amountPaise })),
        accountBalancePaise: ledgerNet + r.extraBalance,
        bank: { accountNumber: "123456789012", ifsc: "HDFC0001234", accountHolderName: "A" },
        verificationStatus: "verified",
        settlementTransactionIds: new Map(settlements.map((s) => [s.orderId, `txn_${s.orderId}`])),
        adjustments: r.adjustments.map((amountPaise, i) => ({ adjustmentId: `a${i}`, orderId: "O0", kind: "refund", transactionId: `txn_a${i}`, amountPaise })),
        reserveHolds: r.reserves.map((amountPaise, i) => ({ orderId: `O${i}`, transactionId: `txn_r${i}`, amountPaise })),
        carries: r.carries.map((c, i) => ({ carryId: `c${i}`, fromCycleId: c.incoming ? "C0" : "C1", toCycleId: c.incoming ? "C1" : "C9", direction: c.incoming ? "in" : "out", transactionId: `txn_c${i}`, amountPaise: c.incoming ? c.amount : -c.amount })),
      };
    });

  it("always sum exactly to what a payable item pays, or to its deficit, and nothing unproven is paid", () => {
    fc.assert(
      fc.property(factsArb, (facts) => {
        const r = reconcilePayee(facts);
        const total = r.lines.reduce((s, l) => s + l.amountPaise, 0);
        if (isPayable(r)) {
          expect(total).toBe(r.amountPaise);
          expect(r.amountPaise).toBeGreaterThan(0);
          expect(r.amountPaise).toBeLessThanOrEqual(facts.accountBalancePaise);
          const advice = remittanceAdvice({ payoutId: "po", payeeId: SELLER, payeeName: "S", cycleId: "C1", currency: "INR", amountPaise: r.amountPaise, status: "processed", bankReference: null, processedAt: null }, r.lines);
          expect(remittanceCsv(advice).trim().split("\r\n")).toHaveLength(r.lines.length + 2);
        }
        if (r.deficitPaise > 0) expect(total).toBe(-r.deficitPaise);
        // A ledger that disagrees with the records never pays and never passes as a deficit.
        const ledgerNet = facts.cycleCreditsPaise - facts.cycleDebitsPaise;
        if (ledgerNet !== total) {
          expect(isPayable(r)).toBe(false);
          expect(r.deficitPaise).toBe(0);
          expect(isBlocking(r) || r.hold !== null).toBe(true);
        }
      }),
    );
  });

  it("refuse an advice whose lines do not add up", () => {
    expect(() =>
      remittanceAdvice({ payoutId: "po", payeeId: SELLER, payeeName: "S", cycleId: "C1", currency: "INR", amountPaise: 100, status: "processed", bankReference: null, processedAt: null }, [
        { type: "order", description: "x", orderId: "O", reference: null, transactionId: null, amountPaise: 99 },
      ]),
    ).toThrow(/sum to 99, not 100/);
  });

  it("keep formulas out of the CSV a seller opens in a spreadsheet", () => {
    const csv = remittanceCsv({ payoutId: "po", payeeId: SELLER, payeeName: "S", cycleId: "=HYPERLINK(1)", currency: "INR", amountPaise: 5, status: "processed", bankReference: null, processedAt: null, lines: [{ type: "order", description: "+cmd", orderId: "@x", reference: null, transactionId: null, amountPaise: 5 }] });
    expect(csv).not.toMatch(/(^|,)[=+@]/m);
  });
});

describe("the worked examples in docs/money-after-the-order.md", () => {
  // The order of README's Try it: goods ₹1,000, fee ₹120, discount ₹50, voucher ₹25, wallet ₹100, delivery ₹40.
  const tryIt: SettlementBreakdown = (() => {
    const s: SettlementBreakdown = { orderId: "ORD-10001", cycleId: "W48", sellerPayeeId: SELLER, deliveryPartnerPayeeId: PARTNER, currency: "INR", grossAmountPaise: 100_000, platformFeePaise: 12_000, discountPaise: 5_000, voucherPaise: 2_500, walletAmountPaise: 10_000, deliveryFeePaise: 4_000, amountCollectedPaise: 0 };
    return { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
  })();
  const entriesOf = (over: Partial<AdjustmentInput>) => {
    const a = { ...baseAdjustment(tryIt), ...over };
    assertAdjustmentFits(a, tryIt, NOTHING_REFUNDED);
    return adjustmentEntries(a, tryIt, adjustmentEffect(a, 0)).map((e) => `${e.direction} ${e.accountId} ${e.amountPaise}`).sort();
  };

  it("posts each example exactly as the tables say", () => {
    expect(refundCaps(tryIt).customerPaise).toBe(96_500);
    expect(entriesOf({ goodsPaise: 50_000, sellerBearsPaise: 50_000, feeReturnedPaise: 6_000 })).toEqual(
      [`debit payee:${SELLER}:payable 44000`, "debit platform:fee_revenue 6000", "credit platform:refunds_payable 50000"].sort(),
    );
    expect(entriesOf({ goodsPaise: 20_000, deliveryPaise: 4_000, sellerBearsPaise: 10_000 })).toEqual(
      [`debit payee:${SELLER}:payable 10000`, "debit platform:refunds_expense 14000", "credit platform:refunds_payable 24000"].sort(),
    );
    expect(
      entriesOf({ kind: "chargeback", goodsPaise: 82_500, deliveryPaise: 4_000, sellerBearsPaise: 82_500, deliveryPartnerBearsPaise: 4_000, chargebackFeePaise: 2_500, chargebackFeeBorneBy: "seller" }),
    ).toEqual([`debit payee:${SELLER}:payable 85000`, `debit payee:${PARTNER}:payable 4000`, "credit platform:bank 89000"].sort());
    expect(entriesOf({ kind: "goodwill", goodwillPaise: 10_000 })).toEqual(["debit platform:goodwill_expense 10000", "credit platform:customer_wallet 10000"].sort());
  });
});
