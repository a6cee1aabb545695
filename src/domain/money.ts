// Money is an integer count of minor units (paise for INR) with a currency. Never a float.

/** Currencies Disburse can pay out in, with their minor-unit exponent. */
export const CURRENCIES = { INR: { minorUnitDigits: 2 } } as const;
export type Currency = keyof typeof CURRENCIES;
export const CURRENCY_CODES = Object.keys(CURRENCIES) as [Currency, ...Currency[]];

/**
 * The largest single amount accepted anywhere: 10^13 paise, ₹10,000 crore. Far above any real payout, far below
 * Number.MAX_SAFE_INTEGER, so sums of many amounts stay exact.
 */
export const MAX_AMOUNT_PAISE = 10_000_000_000_000;

export function isAmountPaise(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 && value <= MAX_AMOUNT_PAISE;
}

/** Formats paise as rupees for people ("₹1,234.50"). Integer arithmetic only. */
export function formatPaise(amountPaise: number, currency: Currency = "INR"): string {
  const negative = amountPaise < 0;
  const abs = Math.abs(amountPaise);
  const rupees = Math.trunc(abs / 100);
  const paise = abs % 100;
  const grouped = groupIndian(String(rupees));
  const symbol = currency === "INR" ? "₹" : `${currency} `;
  return `${negative ? "-" : ""}${symbol}${grouped}.${String(paise).padStart(2, "0")}`;
}

// Indian digit grouping: last three digits, then pairs (12,34,567).
function groupIndian(digits: string): string {
  if (digits.length <= 3) return digits;
  const last3 = digits.slice(-3);
  let rest = digits.slice(0, -3);
  const groups: string[] = [];
  while (rest.length > 2) {
    groups.unshift(rest.slice(-2));
    rest = rest.slice(0, -2);
  }
  if (rest.length > 0) groups.unshift(rest);
  return `${groups.join(",")},${last3}`;
}

/** Adds amounts, asserting the result stays exactly representable. */
export function sumPaise(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    total += amount;
    if (!Number.isSafeInteger(total)) throw new Error("invariant violated: paise sum overflowed");
  }
  return total;
}
