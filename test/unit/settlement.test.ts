import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { payableAccountId } from "../../src/domain/accounts";
import { DomainError } from "../../src/domain/errors";
import { assertPostable, type EntryInput } from "../../src/domain/ledger";
import {
  assertSettlementAddsUp,
  expectedCollectedPaise,
  type SettlementBreakdown,
  settlementEntries,
  settlementTransaction,
} from "../../src/domain/settlement";

const SELLER = "pe_seller";
const PARTNER = "pe_partner";

const breakdown = (over: Partial<SettlementBreakdown> = {}): SettlementBreakdown => {
  const s: SettlementBreakdown = {
    orderId: "ORD-1",
    cycleId: "2026-W48",
    sellerPayeeId: SELLER,
    deliveryPartnerPayeeId: PARTNER,
    currency: "INR",
    grossAmountPaise: 100_000,
    platformFeePaise: 10_000,
    discountPaise: 5_000,
    voucherPaise: 2_000,
    walletAmountPaise: 3_000,
    deliveryFeePaise: 4_000,
    amountCollectedPaise: 0,
    ...over,
  };
  return "amountCollectedPaise" in over ? s : { ...s, amountCollectedPaise: expectedCollectedPaise(s) };
};

function domainErrorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error("expected a DomainError, nothing was thrown");
}

function fieldOfError(s: SettlementBreakdown): unknown {
  const error = domainErrorOf(() => assertSettlementAddsUp(s));
  expect(error.code).toBe("settlement_does_not_add_up");
  expect(error.kind).toBe("invalid");
  return (error.details as { field: unknown }).field;
}

const amountOn = (entries: EntryInput[], accountId: string, direction: "debit" | "credit") =>
  entries.filter((e) => e.accountId === accountId && e.direction === direction).reduce((sum, e) => sum + e.amountPaise, 0);

/** Any breakdown that adds up: components chosen so that what was collected is never negative. */
const validBreakdown: fc.Arbitrary<SettlementBreakdown> = fc
  .record({
    grossAmountPaise: fc.integer({ min: 1, max: 100_000_000_000 }),
    feeShare: fc.double({ min: 0, max: 1, noNaN: true }),
    deliveryFeePaise: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10_000_000 })),
    partnerWithoutFee: fc.boolean(),
    discountShare: fc.double({ min: 0, max: 1, noNaN: true }),
    voucherShare: fc.double({ min: 0, max: 1, noNaN: true }),
    walletShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((g) => {
    const platformFeePaise = Math.floor(g.grossAmountPaise * g.feeShare);
    const payable = g.grossAmountPaise + g.deliveryFeePaise;
    const discountPaise = Math.floor(payable * g.discountShare);
    const voucherPaise = Math.floor((payable - discountPaise) * g.voucherShare);
    const walletAmountPaise = Math.floor((payable - discountPaise - voucherPaise) * g.walletShare);
    const hasPartner = g.deliveryFeePaise > 0 || g.partnerWithoutFee;
    return breakdown({
      grossAmountPaise: g.grossAmountPaise,
      platformFeePaise,
      deliveryFeePaise: g.deliveryFeePaise,
      deliveryPartnerPayeeId: hasPartner ? PARTNER : null,
      discountPaise,
      voucherPaise,
      walletAmountPaise,
    });
  });

describe("assertSettlementAddsUp", () => {
  it("accepts a breakdown whose collected amount is gross + delivery fee − discount − voucher − wallet", () => {
    const s = breakdown();
    expect(s.amountCollectedPaise).toBe(100_000 + 4_000 - 5_000 - 2_000 - 3_000);
    expect(() => assertSettlementAddsUp(s)).not.toThrow();
  });

  it("names amountCollectedPaise when the customer paid a different amount, with the expected figure", () => {
    const error = domainErrorOf(() => assertSettlementAddsUp(breakdown({ amountCollectedPaise: 94_001 })));
    expect(error.code).toBe("settlement_does_not_add_up");
    expect(error.details).toEqual({ field: "amountCollectedPaise", expectedPaise: 94_000, receivedPaise: 94_001 });
  });

  it("names platformFeePaise when the fee is larger than the order", () => {
    expect(fieldOfError(breakdown({ platformFeePaise: 100_001 }))).toBe("platformFeePaise");
  });

  it("names deliveryPartnerPayeeId when a delivery fee has nobody to be paid to", () => {
    expect(fieldOfError(breakdown({ deliveryPartnerPayeeId: null }))).toBe("deliveryPartnerPayeeId");
  });

  it("names deliveryPartnerPayeeId when the seller is also named as the delivery partner", () => {
    expect(fieldOfError(breakdown({ deliveryPartnerPayeeId: SELLER }))).toBe("deliveryPartnerPayeeId");
  });

  it("names walletAmountPaise when discounts, vouchers and wallet exceed what the order is worth", () => {
    expect(fieldOfError(breakdown({ walletAmountPaise: 200_000, amountCollectedPaise: 0 }))).toBe("walletAmountPaise");
  });

  it("accepts a fee equal to the whole order and an order paid entirely from discounts and wallet", () => {
    expect(() => assertSettlementAddsUp(breakdown({ platformFeePaise: 100_000 }))).not.toThrow();
    expect(() =>
      assertSettlementAddsUp(breakdown({ discountPaise: 50_000, voucherPaise: 4_000, walletAmountPaise: 50_000 })),
    ).not.toThrow();
  });

  it("accepts every generated breakdown that adds up and rejects it once the collected amount is off", () => {
    fc.assert(
      fc.property(validBreakdown, fc.integer({ min: -1_000_000, max: 1_000_000 }).filter((d) => d !== 0), (s, delta) => {
        expect(() => assertSettlementAddsUp(s)).not.toThrow();
        expect(fieldOfError({ ...s, amountCollectedPaise: s.amountCollectedPaise + delta })).toBe("amountCollectedPaise");
      }),
    );
  });
});

describe("settlementEntries", () => {
  it("credits seller gross − fee, partner the delivery fee and revenue the fee; debits bank, discounts, vouchers and wallet", () => {
    const entries = settlementEntries(breakdown());
    expect(entries).toEqual(
      expect.arrayContaining([
        { accountId: "platform:bank", direction: "debit", amountPaise: 94_000, currency: "INR" },
        { accountId: "platform:discounts_expense", direction: "debit", amountPaise: 5_000, currency: "INR" },
        { accountId: "platform:vouchers_expense", direction: "debit", amountPaise: 2_000, currency: "INR" },
        { accountId: "platform:customer_wallet", direction: "debit", amountPaise: 3_000, currency: "INR" },
        { accountId: payableAccountId(SELLER), direction: "credit", amountPaise: 90_000, currency: "INR" },
        { accountId: "platform:fee_revenue", direction: "credit", amountPaise: 10_000, currency: "INR" },
        { accountId: payableAccountId(PARTNER), direction: "credit", amountPaise: 4_000, currency: "INR" },
      ]),
    );
    expect(entries).toHaveLength(7);
  });

  it("writes no entry for a component that is zero", () => {
    const entries = settlementEntries(
      breakdown({ discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0, deliveryFeePaise: 0, deliveryPartnerPayeeId: null }),
    );
    expect(entries.map((e) => e.accountId).sort()).toEqual(["payee:pe_seller:payable", "platform:bank", "platform:fee_revenue"]);
  });

  it("always yields balanced entries with positive integer amounts that account for every component", () => {
    fc.assert(
      fc.property(validBreakdown, (s) => {
        const entries = settlementEntries(s);
        expect(() => assertPostable(settlementTransaction(s))).not.toThrow();
        for (const e of entries) {
          expect(Number.isSafeInteger(e.amountPaise)).toBe(true);
          expect(e.amountPaise).toBeGreaterThan(0);
          expect(e.currency).toBe(s.currency);
        }
        const debits = entries.filter((e) => e.direction === "debit").reduce((sum, e) => sum + e.amountPaise, 0);
        const credits = entries.filter((e) => e.direction === "credit").reduce((sum, e) => sum + e.amountPaise, 0);
        expect(debits).toBe(credits);
        expect(amountOn(entries, "platform:bank", "debit")).toBe(s.amountCollectedPaise);
        expect(amountOn(entries, "platform:discounts_expense", "debit")).toBe(s.discountPaise);
        expect(amountOn(entries, "platform:vouchers_expense", "debit")).toBe(s.voucherPaise);
        expect(amountOn(entries, "platform:customer_wallet", "debit")).toBe(s.walletAmountPaise);
        expect(amountOn(entries, payableAccountId(SELLER), "credit")).toBe(s.grossAmountPaise - s.platformFeePaise);
        expect(amountOn(entries, "platform:fee_revenue", "credit")).toBe(s.platformFeePaise);
        expect(amountOn(entries, payableAccountId(PARTNER), "credit")).toBe(s.deliveryFeePaise);
      }),
    );
  });
});

describe("settlementTransaction", () => {
  it("is keyed by order id and carries the cycle and seller", () => {
    const t = settlementTransaction(breakdown());
    expect(t).toMatchObject({ externalRef: "order:ORD-1:settlement", kind: "order_settlement", cycleId: "2026-W48", orderId: "ORD-1", payeeId: SELLER });
  });
});
