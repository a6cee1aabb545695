// What the dashboard's chart shows: for each of the last 30 UTC days (the audit day, as the daily
// report counts it), the payouts created that day, their amount and how many of them failed or
// were returned. Summed by day in SQL; the days with none are filled in here.

import type { Db } from "../../store/client";
import { type DayTotalsRow, payoutTotalsByDay } from "../../store/console-payouts";

export const CHART_DAYS = 30;
const DAY_MS = 86_400_000;

export interface ChartDay extends DayTotalsRow {
  /** failed ÷ payouts in basis points (1 % = 100), rounded; null on a day without payouts. */
  failureBasisPoints: number | null;
}

/** The UTC dates of the `days` days ending today, oldest first, and the instants that bound them. */
export function chartWindow(nowMs: number, days = CHART_DAYS) {
  const todayStartMs = Date.parse(`${new Date(nowMs).toISOString().slice(0, 10)}T00:00:00.000Z`);
  const dates = Array.from({ length: days }, (_, i) => new Date(todayStartMs - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10));
  return { dates, fromIso: new Date(todayStartMs - (days - 1) * DAY_MS).toISOString(), toIso: new Date(todayStartMs + DAY_MS).toISOString() };
}

export const failureBasisPoints = (failed: number, payouts: number): number | null => (payouts === 0 ? null : Math.round((failed * 10_000) / payouts));

/** One entry per date, zeros where SQL returned no row. */
export function fillDays(dates: readonly string[], rows: readonly DayTotalsRow[]): ChartDay[] {
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return dates.map((day) => {
    const r = byDay.get(day) ?? { day, payouts: 0, amountPaise: 0, failed: 0 };
    return { ...r, failureBasisPoints: failureBasisPoints(r.failed, r.payouts) };
  });
}

export async function dailyChartData(db: Db, nowMs: number): Promise<ChartDay[]> {
  const { dates, fromIso, toIso } = chartWindow(nowMs);
  return fillDays(dates, await payoutTotalsByDay(db, fromIso, toIso));
}

/** "12.5 %" from basis points; "—" for a day without payouts. */
export const formatRate = (basisPoints: number | null) => (basisPoints === null ? "—" : `${(basisPoints / 100).toFixed(1)} %`);
