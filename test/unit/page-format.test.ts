import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatTime, statusLabel } from "../../src/http/pages/format";

describe("times for people", () => {
  it("shows an instant in IST, UTC+05:30, across the date line", () => {
    expect(formatTime("2026-11-26T08:35:33.837Z")).toBe("26 Nov 2026, 14:05 IST");
    expect(formatTime("2026-11-26T08:35:33.837Z", { seconds: true })).toBe("26 Nov 2026, 14:05:33 IST");
    expect(formatTime("2026-12-31T18:30:00.000Z")).toBe("1 Jan 2027, 00:00 IST");
    expect(formatTime("2026-03-01T18:29:59.000Z", { seconds: true })).toBe("1 Mar 2026, 23:59:59 IST");
  });

  it("agrees with the platform's Asia/Kolkata rules for any instant", () => {
    const intl = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Kolkata",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const parts = Object.fromEntries(intl.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
        const expected = `${Number(parts.day)} ${parts.month!.slice(0, 3)} ${parts.year}, ${parts.hour}:${parts.minute} IST`;
        expect(formatTime(new Date(ms).toISOString())).toBe(expected);
      }),
    );
  });

  it("returns what it cannot parse unchanged", () => {
    expect(formatTime("not a time")).toBe("not a time");
  });

  it("turns status values into words", () => {
    expect(statusLabel("pending_approval")).toBe("pending approval");
    expect(statusLabel("in_progress")).toBe("in progress");
    expect(statusLabel("failed")).toBe("failed");
  });
});
