import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blockedForMs, recentFailures } from "../../src/domain/failure-window";

const rule = { limit: 3, windowMs: 60_000 };

describe("the failure window", () => {
  it("allows attempts until `limit` failures fall within the window, then until the oldest leaves it", () => {
    expect(blockedForMs([], 1_000_000, rule)).toBe(0);
    expect(blockedForMs([990_000, 995_000], 1_000_000, rule)).toBe(0);
    expect(blockedForMs([990_000, 995_000, 999_000], 1_000_000, rule)).toBe(50_000);
    expect(blockedForMs([990_000, 995_000, 999_000], 1_050_000, rule)).toBe(0);
    expect(blockedForMs([930_000, 995_000, 999_000], 1_000_000, rule)).toBe(0);
  });

  it("keeps at most `limit` failures, all within the window", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 30 }), fc.integer({ min: 0, max: 200_000 }), (times, nowMs) => {
        const kept = recentFailures([...times].sort((a, b) => a - b), nowMs, rule);
        expect(kept.length).toBeLessThanOrEqual(rule.limit);
        for (const t of kept) expect(t > nowMs - rule.windowMs && t <= nowMs).toBe(true);
        const blocked = blockedForMs(kept, nowMs, rule);
        expect(blocked >= 0 && blocked <= rule.windowMs).toBe(true);
      }),
    );
  });
});
