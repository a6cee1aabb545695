import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatPaise, isAmountPaise, MAX_AMOUNT_PAISE, sumPaise } from "../../src/domain/money";

/** Reads a formatted amount back into paise, so formatting can be checked as a round trip. */
function parseFormatted(text: string): number {
  const match = /^(-?)₹([\d,]+)\.(\d{2})$/.exec(text);
  if (!match) throw new Error(`not a formatted amount: ${text}`);
  const rupees = Number(match[2]!.replaceAll(",", ""));
  const paise = rupees * 100 + Number(match[3]);
  return match[1] === "-" ? -paise : paise;
}

// Indian grouping: up to three digits, or pairs followed by a final group of three.
const INDIAN_GROUPING = /^-?₹(\d{1,3}|\d{1,2}(,\d{2})*,\d{3})\.\d{2}$/;

describe("formatPaise", () => {
  it("formats whole and fractional rupees with two paise digits", () => {
    expect(formatPaise(0)).toBe("₹0.00");
    expect(formatPaise(5)).toBe("₹0.05");
    expect(formatPaise(100)).toBe("₹1.00");
    expect(formatPaise(123_450)).toBe("₹1,234.50");
  });

  it("groups rupees the Indian way: last three digits, then pairs", () => {
    expect(formatPaise(99_999)).toBe("₹999.99");
    expect(formatPaise(100_000)).toBe("₹1,000.00");
    expect(formatPaise(1_234_567_800)).toBe("₹1,23,45,678.00");
    expect(formatPaise(MAX_AMOUNT_PAISE)).toBe("₹1,00,00,00,00,000.00");
  });

  it("puts the minus sign before the currency symbol for negative amounts", () => {
    expect(formatPaise(-505)).toBe("-₹5.05");
    expect(formatPaise(-123_456_789)).toBe("-₹12,34,567.89");
  });

  it("round-trips every amount in range and always uses Indian grouping", () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_AMOUNT_PAISE, max: MAX_AMOUNT_PAISE }), (amountPaise) => {
        const text = formatPaise(amountPaise);
        expect(text).toMatch(INDIAN_GROUPING);
        expect(parseFormatted(text)).toBe(amountPaise);
      }),
    );
  });
});

describe("isAmountPaise", () => {
  it("accepts positive integers up to the maximum", () => {
    expect(isAmountPaise(1)).toBe(true);
    expect(isAmountPaise(125_000)).toBe(true);
    expect(isAmountPaise(MAX_AMOUNT_PAISE)).toBe(true);
  });

  it("rejects zero, negatives, fractions, amounts above the maximum and non-finite numbers", () => {
    for (const value of [0, -1, -0, 1.5, 0.01, MAX_AMOUNT_PAISE + 1, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(isAmountPaise(value), String(value)).toBe(false);
    }
  });

  it("rejects values that are not numbers, even numeric strings", () => {
    for (const value of ["100", null, undefined, {}, [100], 100n, true]) {
      expect(isAmountPaise(value), String(value)).toBe(false);
    }
  });

  it("accepts exactly the integers in [1, MAX_AMOUNT_PAISE]", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -MAX_AMOUNT_PAISE, max: 2 * MAX_AMOUNT_PAISE }), fc.double()), (value) => {
        const expected = Number.isInteger(value) && value >= 1 && value <= MAX_AMOUNT_PAISE;
        expect(isAmountPaise(value)).toBe(expected);
      }),
    );
  });
});

describe("sumPaise", () => {
  it("adds amounts exactly", () => {
    expect(sumPaise([1, 2, 3])).toBe(6);
    expect(sumPaise([])).toBe(0);
  });

  it("refuses a sum that is no longer exactly representable", () => {
    expect(() => sumPaise([Number.MAX_SAFE_INTEGER, 1])).toThrow(/overflow/);
  });
});
