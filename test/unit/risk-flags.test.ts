import { describe, expect, it } from "vitest";
import { median, type PayeeRiskFacts, riskFlagsFor } from "../../src/domain/risk-flags";

const account = (n: string) => ({ accountNumber: n, ifsc: "HDFC0001234", accountHolderName: "A" });
const facts = (over: Partial<PayeeRiskFacts> = {}): PayeeRiskFacts => ({
  payeeId: "pe_a",
  amountPaise: 100_000,
  bank: account("111122223333"),
  history: [{ amountPaise: 100_000, bank: account("111122223333") }],
  sharingAccountWith: [],
  nameCheck: null,
  ...over,
});
const codes = (f: PayeeRiskFacts) => riskFlagsFor(f).map((x) => x.code);

describe("risk flags", () => {
  it("flags nothing for a payee paid before to the same account at a usual amount", () => {
    expect(riskFlagsFor(facts())).toEqual([]);
  });

  it("flags a first payout", () => {
    expect(riskFlagsFor(facts({ history: [] }))).toEqual([{ code: "first_payout", reason: "First payout to this payee: nothing has been paid to them before." }]);
  });

  it("flags bank details changed since the last payout, naming both accounts' last four digits", () => {
    const [flag] = riskFlagsFor(facts({ history: [{ amountPaise: 100_000, bank: account("999988887777") }] }));
    expect(flag).toEqual({ code: "bank_details_changed", reason: expect.stringMatching(/ending 7777.*ending 3333/) });
  });

  it("flags an account shared with other payees, naming them", () => {
    const [flag] = riskFlagsFor(facts({ sharingAccountWith: ["pe_b", "pe_c"] }));
    expect(flag).toEqual({ code: "shared_bank_account", reason: expect.stringContaining("2 other payees: pe_b, pe_c") });
  });

  it("flags an amount above three times the median of recent payouts, and not one at three times", () => {
    const history = [50_000, 100_000, 100_000, 200_000].map((amountPaise) => ({ amountPaise, bank: account("111122223333") }));
    expect(median(history.map((h) => h.amountPaise))).toBe(100_000);
    expect(codes(facts({ history, amountPaise: 300_000 }))).toEqual([]);
    const [flag] = riskFlagsFor(facts({ history, amountPaise: 300_001 }));
    expect(flag).toMatchObject({ code: "amount_outlier", reason: expect.stringContaining("the median of this payee's last 4 payouts (₹1,000.00)") });
  });

  it("lists every flag that applies, in a fixed order", () => {
    expect(codes(facts({ history: [{ amountPaise: 1_000, bank: account("000011112222") }], amountPaise: 10_000, sharingAccountWith: ["pe_z"] }))).toEqual([
      "bank_details_changed",
      "shared_bank_account",
      "amount_outlier",
    ]);
  });
  it("flags a bank account whose holder's name did not match the payee's, saying who overrode it", () => {
    const nameCheck = { bankAccountName: "R K ENTERPRISES", nameMatchScore: 0.4, threshold: 0.8, override: { by: "checker-chen", reason: "trade name on file" } };
    expect(riskFlagsFor(facts({ nameCheck }))).toEqual([
      { code: "name_mismatch", reason: 'The bank names the account holder "R K ENTERPRISES", which matches the payee\'s names at 40% (80% needed); verified on an override by checker-chen: "trade name on file".' },
    ]);
    expect(codes(facts({ nameCheck: { ...nameCheck, nameMatchScore: 0.8 } }))).toEqual([]);
    expect(codes(facts({ nameCheck: { ...nameCheck, bankAccountName: null, nameMatchScore: null } }))).toEqual([]);
  });
});
