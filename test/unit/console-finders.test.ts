// The ops console's search text and payout-list filters, as pure functions: what is accepted
// and refused, and how days and amounts become instants and paise.

import { describe, expect, it } from "vitest";
import { parsePayoutFilters, payoutListHref } from "../../src/http/console/payout-filters";
import { lastFourOf, parseSearchText, SEARCH_MAX_CHARS } from "../../src/http/console/search";

const query = (params: Record<string, string>) => (name: string) => params[name];

describe("the search text", () => {
  it("is trimmed, and refused when too long or carrying control characters", () => {
    expect(parseSearchText("  SIMUTR0000000001 ")).toEqual({ ok: true, text: "SIMUTR0000000001" });
    expect(parseSearchText(undefined)).toEqual({ ok: "empty" });
    expect(parseSearchText("   ")).toEqual({ ok: "empty" });
    expect(parseSearchText("x".repeat(SEARCH_MAX_CHARS))).toMatchObject({ ok: true });
    expect(parseSearchText("x".repeat(SEARCH_MAX_CHARS + 1))).toMatchObject({ ok: false, problem: expect.stringContaining("at most 100") });
    for (const bad of ["a\tb", "line\nbreak", "nul\u0000", "del\u007f"]) expect(parseSearchText(bad).ok, JSON.stringify(bad)).toBe(false);
  });

  it("reads the last four digits of an account alone or masked as the console shows it, and nothing else", () => {
    expect(lastFourOf("1234")).toBe("1234");
    expect(lastFourOf("XXXXXXXX1234")).toBe("1234");
    expect(lastFourOf("*0000")).toBe("0000");
    for (const other of ["123", "12345", "12a4", "pe_1234", "1234 5678"]) expect(lastFourOf(other), other).toBeNull();
  });
});

describe("the payout list's filters", () => {
  it("turns UTC days (both included) into instants, and rupees into paise", () => {
    const parsed = parsePayoutFilters(
      query({ status: "failed", created_from: "2026-11-01", created_to: "2026-11-30", settled_from: "2026-02-28", settled_to: "2026-02-28", min: "1,500.5", max: "₹ 2000" }),
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.filter).toMatchObject({
      status: "failed",
      createdFrom: "2026-11-01T00:00:00.000Z",
      createdTo: "2026-12-01T00:00:00.000Z",
      settledFrom: "2026-02-28T00:00:00.000Z",
      settledTo: "2026-03-01T00:00:00.000Z",
      minPaise: 150_050,
      maxPaise: 200_000,
    });
  });

  it("names each problem instead of ignoring it", () => {
    const parsed = parsePayoutFilters(
      query({ status: "paid", created_from: "2026-02-30", settled_from: "2026-11-02", settled_to: "2026-11-01", min: "12.345", batch: "bat_1' OR 1=1", before: "junk" }),
    );
    expect(parsed.problems).toEqual([
      "Status must be one of: created, queued, processing, unknown, processed, failed, reversed, cancelled.",
      "Created dates must be dates such as 2026-11-26.",
      "The settled range ends before it starts.",
      "Amounts must be rupees such as 1500 or 1,500.50.",
      "A batch id is letters, digits and underscores, such as bat_01….",
      "The page link is damaged; start again from the first page.",
    ]);
    expect(parsePayoutFilters(query({ min: "500", max: "100" })).problems).toEqual(["The smallest amount is above the largest."]);
  });

  it("keeps the filters in the next page's link, with the cursor it reads back", () => {
    const form = { status: "processed", payee: "pe_01abc", min: "10" } as const;
    const href = payoutListHref(form, "2026-11-26T08:35:33.837Z~po_01xyz");
    expect(href).toBe("/ops/payouts?status=processed&payee=pe_01abc&min=10&before=2026-11-26T08%3A35%3A33.837Z%7Epo_01xyz");
    const params = new URL(href, "https://x.test").searchParams;
    const parsed = parsePayoutFilters((name) => params.get(name) ?? undefined);
    expect(parsed.before).toEqual({ createdAt: "2026-11-26T08:35:33.837Z", id: "po_01xyz" });
    expect(parsed.form).toEqual(form);
    expect(payoutListHref({})).toBe("/ops/payouts");
  });
});
