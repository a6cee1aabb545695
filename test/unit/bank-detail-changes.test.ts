import { describe, expect, it } from "vitest";
import { payableBank, payableFrom, type PayeeBankState } from "../../src/domain/bank-detail-changes";
import { bestNameMatch, jaroWinkler, nameMatchScore } from "../../src/domain/name-match";

describe("name match", () => {
  it("scores the same name in another order, case and honorifics as 1", () => {
    expect(nameMatchScore("Arjun Rao", "RAO ARJUN")).toBe(1);
    expect(nameMatchScore("Mr. Arjun Rao", "arjun rao")).toBe(1);
    expect(nameMatchScore("M/S Meena Stores Pvt Ltd", "MEENA STORES")).toBe(1);
  });

  it("pairs a typo and an initial, and not a different name", () => {
    expect(nameMatchScore("Arjun Kumar Rao", "ARJUN KUMARR RAO")).toBe(1);
    expect(nameMatchScore("A Rao", "Arjun Rao")).toBe(1);
    expect(nameMatchScore("Asha Traders", "Usha Traders")).toBe(0.5);
    expect(nameMatchScore("Meena Stores", "Ramesh Kumar Traders")).toBe(0);
  });

  it("takes the best of the account holder and the legal name, skipping missing ones", () => {
    expect(bestNameMatch("ASHA TRADERS LLP", ["Asha T", null, "Asha Traders LLP"])).toBe(1);
    expect(bestNameMatch("anyone", [null])).toBe(0);
  });

  it("is Jaro–Winkler on tokens (the textbook MARTHA/MARHTA is 0.961)", () => {
    expect(jaroWinkler("MARTHA", "MARHTA")).toBeCloseTo(0.961, 3);
  });
});

describe("which bank details may be paid", () => {
  const bank = { accountNumber: "123456789012", ifsc: "HDFC0001234", accountHolderName: "New" };
  const old = { accountNumber: "999988887777", ifsc: "HDFC0001234", accountHolderName: "Old", verificationStatus: "verified" as const };
  const base: PayeeBankState = { bank, verificationStatus: "verified", payableFrom: "2026-12-02T00:00:00.000Z", pendingChangeId: null, paysOldDetails: false, previous: null };
  const now = "2026-12-01T12:00:00.000Z";

  it("holds the payee while approved changed details cool off, unless configured to pay the old ones", () => {
    expect(payableBank(base, now)).toMatchObject({ ok: false, code: "bank_details_cooling_off" });
    expect(payableBank({ ...base, paysOldDetails: true, previous: old }, now)).toEqual({ ok: true, bank: { accountNumber: old.accountNumber, ifsc: old.ifsc, accountHolderName: "Old" }, verificationStatus: "verified" });
    expect(payableBank(base, "2026-12-02T00:00:00.000Z")).toEqual({ ok: true, bank, verificationStatus: "verified" });
  });

  it("holds the payee while a change awaits approval, and always when there is nothing approved to pay", () => {
    const pending = { ...base, payableFrom: null, pendingChangeId: "bdc_1" };
    expect(payableBank(pending, now)).toMatchObject({ ok: false, code: "bank_details_change_pending" });
    expect(payableBank({ ...pending, paysOldDetails: true }, now)).toEqual({ ok: true, bank, verificationStatus: "verified" });
    expect(payableBank({ ...pending, bank: null, paysOldDetails: true }, now)).toMatchObject({ ok: false, code: "bank_details_change_pending" });
  });

  it("starts the cooling-off at approval, except for a payee's first details", () => {
    expect(payableFrom("2026-12-01T00:00:00.000Z", 86_400, false)).toBe("2026-12-02T00:00:00.000Z");
    expect(payableFrom("2026-12-01T00:00:00.000Z", 86_400, true)).toBe("2026-12-01T00:00:00.000Z");
  });
});
