// The dashboard's chart of the last 30 days: the amount of payouts created each day, and the
// share of them that failed or were returned. Plain SVG drawn on the server (no script), named
// and summarised for screen readers, with the same numbers in a table beneath.

import type { FC } from "hono/jsx";
import { formatPaise } from "../../../domain/money";
import { type ChartDay, failureBasisPoints, formatRate } from "../daily-chart";
import { Scroll } from "../../pages/layout";
import { Card, ScrollTable } from "./parts";

/** On white, each at least 3:1 for graphics and 4.5:1 for text (WCAG 2.2 AA, 1.4.11 and 1.4.3); checked in test/unit/console-chart.test.ts. */
export const CHART_COLOURS = { amount: "#1d4ed8", failed: "#b42318", text: "#5b6475", axis: "#1d2330", grid: "#dde2ea" } as const;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "26 Nov" (with the year: "26 Nov 2026") from a UTC date "2026-11-26". */
export function dayLabel(day: string, withYear = false): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return `${date} ${MONTHS[month - 1]}${withYear ? ` ${year}` : ""}`;
}

// Geometry in viewBox units; the drawing scales to its card and scrolls on a phone.
const WIDTH = 600;
const HEIGHT = 290;
const LEFT = 8;
const PLOT_WIDTH = WIDTH - 2 * LEFT;
const AMOUNT = { heading: 14, maxLabel: 31, top: 37, bottom: 150 };
const RATE = { heading: 178, maxLabel: 195, top: 201, bottom: 256 };
const DAY_LABELS_Y = 276;
/** A date under every 7th bar, counted back from today, so the labels never crowd. */
const LABEL_EVERY = 7;

const dayTitle = (d: ChartDay) =>
  `${dayLabel(d.day, true)}: ${formatPaise(d.amountPaise)} in ${d.payouts} ${d.payouts === 1 ? "payout" : "payouts"}, ${d.failed} failed or returned (${formatRate(d.failureBasisPoints)})`;

function totalsOf(days: readonly ChartDay[]) {
  const payouts = days.reduce((n, d) => n + d.payouts, 0);
  const failed = days.reduce((n, d) => n + d.failed, 0);
  const amountPaise = days.reduce((n, d) => n + d.amountPaise, 0);
  return { payouts, failed, amountPaise, rate: failureBasisPoints(failed, payouts) };
}

/** What the picture says, in words: the period, its totals and its highest days. */
export function chartSummary(days: readonly ChartDay[]): string {
  const t = totalsOf(days);
  const first = days[0]!;
  const last = days[days.length - 1]!;
  const busiest = days.reduce((a, b) => (b.amountPaise > a.amountPaise ? b : a));
  const worst = days.reduce((a, b) => ((b.failureBasisPoints ?? -1) > (a.failureBasisPoints ?? -1) ? b : a));
  return (
    `From ${dayLabel(first.day, true)} to ${dayLabel(last.day, true)} (UTC days): ${t.payouts} ${t.payouts === 1 ? "payout" : "payouts"} created for ${formatPaise(t.amountPaise)}, ` +
    `${t.failed} failed or returned (${formatRate(t.rate)}). Highest amount: ${formatPaise(busiest.amountPaise)} on ${dayLabel(busiest.day)}. ` +
    `Highest failure rate: ${formatRate(worst.failureBasisPoints)} on ${dayLabel(worst.day)}. The table below lists every day.`
  );
}

const Bars: FC<{ days: readonly ChartDay[]; value: (d: ChartDay) => number; max: number; top: number; bottom: number; fill: string; testId: string }> = ({
  days,
  value,
  max,
  top,
  bottom,
  fill,
  testId,
}) => {
  const slot = PLOT_WIDTH / days.length;
  return (
    <g data-testid={testId}>
      {days.map((d, i) => {
        const v = value(d);
        if (max <= 0 || v <= 0) return null;
        // At least one unit tall, so a small but real value is never drawn as nothing.
        const height = Math.max(1, ((bottom - top) * v) / max);
        return (
          <rect x={(LEFT + i * slot + slot * 0.15).toFixed(1)} y={(bottom - height).toFixed(1)} width={(slot * 0.7).toFixed(1)} height={height.toFixed(1)} fill={fill}>
            <title>{dayTitle(d)}</title>
          </rect>
        );
      })}
    </g>
  );
};

const Panel: FC<{ heading: string; maxLabel: string; at: typeof AMOUNT }> = ({ heading, maxLabel, at }) => (
  <>
    <text x={LEFT} y={at.heading} font-size="13" font-weight="600" fill={CHART_COLOURS.axis}>
      {heading}
    </text>
    <text x={LEFT} y={at.maxLabel} font-size="12" fill={CHART_COLOURS.text}>
      {maxLabel}
    </text>
    <line x1={LEFT} x2={WIDTH - LEFT} y1={at.top} y2={at.top} stroke={CHART_COLOURS.grid} stroke-dasharray="4 3" />
    <line x1={LEFT} x2={WIDTH - LEFT} y1={at.bottom} y2={at.bottom} stroke={CHART_COLOURS.axis} />
  </>
);

const Drawing: FC<{ days: readonly ChartDay[]; summary: string }> = ({ days, summary }) => {
  const maxAmount = Math.max(...days.map((d) => d.amountPaise));
  const maxRate = Math.max(...days.map((d) => d.failureBasisPoints ?? 0));
  const slot = PLOT_WIDTH / days.length;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby="payout-chart-title"
      aria-describedby="payout-chart-desc"
      data-testid="payout-chart"
      style="display:block;width:100%;min-width:540px;max-width:760px;height:auto"
    >
      <title id="payout-chart-title">Payouts created per day over the last {days.length} days, and the share that failed</title>
      <desc id="payout-chart-desc">{summary}</desc>
      <Panel heading="Amount created per day" maxLabel={`Highest day: ${formatPaise(maxAmount)}`} at={AMOUNT} />
      <Bars days={days} value={(d) => d.amountPaise} max={maxAmount} top={AMOUNT.top} bottom={AMOUNT.bottom} fill={CHART_COLOURS.amount} testId="amount-bars" />
      <Panel heading="Failed or returned, share of the day's payouts" maxLabel={`Highest day: ${formatRate(maxRate)}`} at={RATE} />
      <Bars days={days} value={(d) => d.failureBasisPoints ?? 0} max={maxRate} top={RATE.top} bottom={RATE.bottom} fill={CHART_COLOURS.failed} testId="failure-bars" />
      {days.map((d, i) =>
        (days.length - 1 - i) % LABEL_EVERY === 0 ? (
          <text x={(LEFT + (i + 0.5) * slot).toFixed(1)} y={DAY_LABELS_Y} font-size="12" text-anchor="middle" fill={CHART_COLOURS.text}>
            {dayLabel(d.day)}
          </text>
        ) : null,
      )}
    </svg>
  );
};

/** The numbers behind the chart, one row per day, oldest first like the bars. */
const DayTable: FC<{ days: readonly ChartDay[] }> = ({ days }) => (
  <details>
    <summary>The numbers, day by day</summary>
    <ScrollTable
      label="Payouts per day"
      testId="payout-days"
      columns={["Day (UTC)", { num: "Payouts" }, { num: "Amount" }, { num: "Failed or returned" }, { num: "Failure rate" }]}
    >
      {days.map((d) => (
        <tr data-day={d.day}>
          <td class="nowrap">{dayLabel(d.day, true)}</td>
          <td class="num">{d.payouts}</td>
          <td class="num">{formatPaise(d.amountPaise)}</td>
          <td class="num">{d.failed}</td>
          <td class="num">{formatRate(d.failureBasisPoints)}</td>
        </tr>
      ))}
    </ScrollTable>
  </details>
);

export const DailyPayoutsChart: FC<{ days: readonly ChartDay[] }> = ({ days }) => {
  const t = totalsOf(days);
  return (
    <Card label={`Payouts over the last ${days.length} days`} title={`Payouts over the last ${days.length} days`}>
      <p class="muted small" data-testid="chart-totals">
        {t.payouts} {t.payouts === 1 ? "payout" : "payouts"} created for {formatPaise(t.amountPaise)}; {t.failed} failed or returned ({formatRate(t.rate)}). UTC
        days, as the daily audit counts them.
      </p>
      {t.payouts === 0 ? (
        <p class="muted">No payouts in these days.</p>
      ) : (
        <>
          <Scroll label="Chart of payouts per day">
            <Drawing days={days} summary={chartSummary(days)} />
          </Scroll>
          <DayTable days={days} />
        </>
      )}
    </Card>
  );
};
