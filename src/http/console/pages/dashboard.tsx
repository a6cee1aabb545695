// The console's first page: what is in flight and what needs a person, at a glance.

import type { FC } from "hono/jsx";
import type { DailyAuditReport } from "../../../store/audit-report";
import { formatPaise } from "../../../domain/money";
import { Scroll, Status, Time } from "../../pages/layout";
import { OpsLayout, type Viewer } from "./shell";

export interface DashboardData {
  batchesByStatus: Array<{ status: string; count: number }>;
  /** The current audit day (a UTC date, as the daily report counts it). */
  today: { date: string; byStatus: Array<{ status: string; count: number; amountPaise: number }> };
  openExceptions: { open: number; inProgress: number };
  /** null: no report yet; "forbidden": the viewer's roles may not read audit reports. */
  latestReport: { date: string; generatedAt: string; report: DailyAuditReport } | null | "forbidden";
}

export const DashboardPage: FC<{ viewer: Viewer; data: DashboardData }> = ({ viewer, data }) => {
  const activeExceptions = data.openExceptions.open + data.openExceptions.inProgress;
  const todayTotal = data.today.byStatus.reduce((s, r) => s + r.amountPaise, 0);
  const todayCount = data.today.byStatus.reduce((s, r) => s + r.count, 0);
  return (
    <OpsLayout title="Dashboard" viewer={viewer} section="dashboard">
      <h1>Dashboard</h1>
      <div class="grid">
        <section class={`card stat ${activeExceptions > 0 ? "attention" : ""}`} aria-label="Open exceptions">
          <h2>Exceptions needing a person</h2>
          <p class="big">
            <a href="/ops/exceptions" data-testid="open-exceptions">
              {activeExceptions}
            </a>
          </p>
          <p class="muted small">
            {data.openExceptions.open} open · {data.openExceptions.inProgress} in progress
          </p>
        </section>

        <section class="card" aria-label="Batches by status">
          <h2>Batches by status</h2>
          {data.batchesByStatus.length === 0 ? (
            <p class="muted">No batches yet.</p>
          ) : (
            <table>
              <tbody>
                {data.batchesByStatus.map((b) => (
                  <tr>
                    <td>
                      <a href={`/ops/batches?status=${b.status}`}>
                        <Status value={b.status} />
                      </a>
                    </td>
                    <td class="num">{b.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section class="card" aria-label="Today's payouts">
          <h2>Payouts created today</h2>
          <p class="muted small">
            Audit day {data.today.date} (UTC, from 05:30 IST): {todayCount} payouts, {formatPaise(todayTotal)}
          </p>
          {data.today.byStatus.length === 0 ? (
            <p class="muted">None yet today.</p>
          ) : (
            <Scroll>
              <table>
                <thead>
                  <tr>
                    <th>Status</th>
                    <th class="num">Payouts</th>
                    <th class="num">Amount</th>
                  </tr>
                </thead>
                <tbody>
                  {data.today.byStatus.map((r) => (
                    <tr>
                      <td>
                        <Status value={r.status} />
                      </td>
                      <td class="num">{r.count}</td>
                      <td class="num">{formatPaise(r.amountPaise)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
        </section>

        <section class="card" aria-label="Latest daily audit report">
          <h2>Latest daily audit report</h2>
          {data.latestReport === "forbidden" ? (
            <p class="muted">Audit reports are for the auditor and admin roles.</p>
          ) : data.latestReport === null ? (
            <p class="muted">No report generated yet.</p>
          ) : (
            <ReportSummary {...data.latestReport} />
          )}
        </section>
      </div>
    </OpsLayout>
  );
};

const ReportSummary: FC<{ date: string; generatedAt: string; report: DailyAuditReport }> = ({ date, generatedAt, report }) => (
  <>
    <p>
      <a href={`/ops/audit/${date}`}>{date}</a>{" "}
      <Status value={report.balanced ? "balanced" : "not_balanced"} tone={report.balanced ? "ok" : "bad"} />
    </p>
    <dl>
      <dt>Initiated</dt>
      <dd>
        {report.initiated.count} · {formatPaise(report.initiated.amountPaise)}
      </dd>
      <dt>Debited at bank</dt>
      <dd>{formatPaise(report.debitedAtBankPaise)}</dd>
      <dt>Credited in ledger</dt>
      <dd>{formatPaise(report.creditedInLedgerPaise)}</dd>
      <dt>Mismatches</dt>
      <dd>{report.mismatches.count}</dd>
      <dt>Generated</dt>
      <dd>
        <Time iso={generatedAt} />
      </dd>
    </dl>
  </>
);
