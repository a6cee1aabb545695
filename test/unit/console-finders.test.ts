// The ops console's search text, payout-list filters and 30-day chart, as pure functions: what
// is accepted and refused, how days and amounts become instants and paise, and the chart's words,
// numbers and colours.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chartWindow, fillDays, formatRate } from "../../src/http/console/daily-chart";
import { parsePayoutFilters, payoutListHref } from "../../src/http/console/payout-filters";
import { CHART_COLOURS, DailyPayoutsChart, chartSummary, dayLabel } from "../../src/http/console/pages/chart";
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

describe("the dashboard's 30-day chart", () => {
  const NOW = Date.parse("2026-11-26T20:00:00.000Z");

  it("covers the 30 UTC days ending today, filling days without payouts with zeros", () => {
    const window = chartWindow(NOW);
    expect(window.dates).toHaveLength(30);
    expect(window.dates[0]).toBe("2026-10-28");
    expect(window.dates[29]).toBe("2026-11-26");
    expect(window).toMatchObject({ fromIso: "2026-10-28T00:00:00.000Z", toIso: "2026-11-27T00:00:00.000Z" });
    const days = fillDays(window.dates, [{ day: "2026-11-25", payouts: 8, amountPaise: 123_456, failed: 1 }]);
    expect(days[28]).toEqual({ day: "2026-11-25", payouts: 8, amountPaise: 123_456, failed: 1, failureBasisPoints: 1250 });
    expect(days[29]).toEqual({ day: "2026-11-26", payouts: 0, amountPaise: 0, failed: 0, failureBasisPoints: null });
    expect(formatRate(1250)).toBe("12.5 %");
    expect(formatRate(null)).toBe("—");
  });

  it("names itself for screen readers and carries every day's numbers in a table", () => {
    const window = chartWindow(NOW);
    const days = fillDays(window.dates, [
      { day: "2026-11-20", payouts: 3, amountPaise: 900_000, failed: 0 },
      { day: "2026-11-25", payouts: 4, amountPaise: 100_000, failed: 1 },
    ]);
    const html = String(DailyPayoutsChart({ days }));
    expect(html).toContain('role="img" aria-labelledby="payout-chart-title" aria-describedby="payout-chart-desc"');
    expect(html).toContain('<title id="payout-chart-title">');
    expect(chartSummary(days)).toBe(
      "From 28 Oct 2026 to 26 Nov 2026 (UTC days): 7 payouts created for ₹10,000.00, 1 failed or returned (14.3 %). " +
        "Highest amount: ₹9,000.00 on 20 Nov. Highest failure rate: 25.0 % on 25 Nov. The table below lists every day.",
    );
    expect(html).toContain(`<desc id="payout-chart-desc">${chartSummary(days)}</desc>`);
    expect([...html.matchAll(/<tr data-day="/g)]).toHaveLength(30);
    expect(html).toMatch(/<tr data-day="2026-11-25"><td class="nowrap">25 Nov 2026<\/td><td class="num">4<\/td><td class="num">₹1,000.00<\/td><td class="num">1<\/td><td class="num">25.0 %<\/td><\/tr>/);
    // One bar per day with payouts in the amount panel, one per day with failures in the other.
    expect(html.match(/<g data-testid="amount-bars">([\s\S]*?)<\/g>/)![1]!.match(/<rect/g)).toHaveLength(2);
    expect(html.match(/<g data-testid="failure-bars">([\s\S]*?)<\/g>/)![1]!.match(/<rect/g)).toHaveLength(1);
    expect(dayLabel("2026-01-05", true)).toBe("5 Jan 2026");
  });

  it("says there were no payouts instead of drawing an empty chart", () => {
    const html = String(DailyPayoutsChart({ days: fillDays(chartWindow(NOW).dates, []) }));
    expect(html).toContain("No payouts in these days.");
    expect(html).not.toContain("<svg");
  });

  it("draws a bar's height in proportion to its day's amount, any amounts", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10_000_000_000 }), { minLength: 30, maxLength: 30 }), (amounts) => {
        const days = fillDays(
          chartWindow(NOW).dates,
          chartWindow(NOW).dates.map((day, i) => ({ day, payouts: amounts[i]! > 0 ? 1 : 0, amountPaise: amounts[i]!, failed: 0 })),
        );
        const html = String(DailyPayoutsChart({ days }));
        const bars = html.match(/<g data-testid="amount-bars">([\s\S]*?)<\/g>/)?.[1] ?? "";
        const heights = [...bars.matchAll(/height="([\d.]+)"/g)].map((m) => Number(m[1]));
        expect(heights).toHaveLength(amounts.filter((a) => a > 0).length);
        for (const h of heights) expect(h).toBeGreaterThanOrEqual(1);
        if (heights.length > 0) expect(Math.max(...heights)).toBeCloseTo(113, 0);
      }),
    );
  });

  // The dashed gridline is decoration (each panel's highest value is written out), so it is exempt.
  it("uses colours that pass WCAG AA on white: 3:1 for the bars and the baseline, 4.5:1 for the text", () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrastOnWhite = (hex: string) => 1.05 / (luminance(hex) + 0.05);
    expect(contrastOnWhite(CHART_COLOURS.amount)).toBeGreaterThanOrEqual(3);
    expect(contrastOnWhite(CHART_COLOURS.failed)).toBeGreaterThanOrEqual(3);
    expect(contrastOnWhite(CHART_COLOURS.axis)).toBeGreaterThanOrEqual(4.5); // the baseline, and the panel headings
    expect(contrastOnWhite(CHART_COLOURS.text)).toBeGreaterThanOrEqual(4.5);
    expect(contrastOnWhite("#ffffff")).toBe(1);
  });
});
