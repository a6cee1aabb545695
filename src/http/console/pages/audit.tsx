// Daily audit reports as pages: the list of days, and one day's report (money initiated, debited
// at the bank and credited in the ledger, by status, with mismatches and open exceptions).

import type { FC } from "hono/jsx";
import type { DailyAuditReport } from "../../../store/audit-report";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Scroll, Status, Time } from "../../pages/layout";
import { OpsLayout, type Viewer } from "./shell";

export interface StoredReport {
  date: string;
  generatedAt: string;
  generatedBy: string;
  generationCount: number;
  report: DailyAuditReport;
}

const Balanced: FC<{ report: DailyAuditReport }> = ({ report }) => (
  <Status value={report.balanced ? "balanced" : "not_balanced"} tone={report.balanced ? "ok" : "bad"} testId="balanced" />
);

export const AuditListPage: FC<{ viewer: Viewer; reports: StoredReport[] }> = ({ viewer, reports }) => (
  <OpsLayout title="Daily audit reports" viewer={viewer} section="audit">
    <h1>Daily audit reports</h1>
    <p class="muted">One report per UTC day, made by the daily job at 06:00 IST or regenerated with POST /v1/audit-reports.</p>
    <section class="card" aria-label="Reports">
      {reports.length === 0 ? (
        <p class="muted">No reports yet.</p>
      ) : (
        <Scroll label="Reports">
          <table>
            <thead>
              <tr>
                <th>Day</th>
                <th class="num">Initiated</th>
                <th class="num">Processed</th>
                <th class="num">Failed</th>
                <th class="num">Mismatches</th>
                <th class="num">Open exceptions</th>
                <th>Generated</th>
              </tr>
            </thead>
            <tbody>
              {reports.map(({ date, generatedAt, report: r }) => (
                <tr>
                  <td class="nowrap">
                    <a href={`/ops/audit/${date}`}>{date}</a>
                    <div>
                      <Balanced report={r} />
                    </div>
                  </td>
                  <td class="num">
                    {r.initiated.count} · {formatPaise(r.initiated.amountPaise)}
                  </td>
                  <td class="num">{formatPaise(r.byStatus.processed.amountPaise)}</td>
                  <td class="num">{formatPaise(r.byStatus.failed.amountPaise)}</td>
                  <td class="num">{r.mismatches.count}</td>
                  <td class="num">{r.openExceptions.count}</td>
                  <td class="nowrap">
                    <Time iso={generatedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  </OpsLayout>
);

const STATUS_ORDER = ["processed", "pending", "failed", "reversed", "cancelled"] as const;

export const AuditReportPage: FC<{ viewer: Viewer; stored: StoredReport }> = ({ viewer, stored }) => {
  const r = stored.report;
  const counts = (entries: Record<string, number>) => Object.entries(entries).sort(([a], [b]) => a.localeCompare(b));
  return (
    <OpsLayout title={`Audit report ${stored.date}`} viewer={viewer} section="audit">
      <p class="muted small">
        <a href="/ops/audit">Daily audit reports</a> /
      </p>
      <h1>
        Audit report for {stored.date} <Balanced report={r} />
      </h1>
      <p class="muted small">
        Generated <Time iso={stored.generatedAt} /> by {stored.generatedBy}
        {stored.generationCount > 1 && <> ({stored.generationCount} generations)</>} · bank figures from {r.bankSource} · reconciliation run{" "}
        <code>{r.reconciliationRunId}</code>
      </p>
      <p>
        <a href={`/ops/audit/${stored.date}/csv`} download={`disburse-audit-${stored.date}.csv`}>
          Download as CSV
        </a>{" "}
        <span class="muted small">
          (API: <code>GET /v1/audit-reports/{stored.date}?format=csv</code>)
        </span>
      </p>

      <div class="grid">
        <section class="card" aria-label="Money">
          <h2>Money</h2>
          <dl data-testid="money">
            <dt>Initiated</dt>
            <dd>
              {formatPaise(r.initiated.amountPaise)} <span class="muted">({r.initiated.count} payouts)</span>
            </dd>
            <dt>Debited at bank</dt>
            <dd>{formatPaise(r.debitedAtBankPaise)}</dd>
            <dt>Credited in ledger</dt>
            <dd>{formatPaise(r.creditedInLedgerPaise)}</dd>
            <dt>Returned at bank</dt>
            <dd>{formatPaise(r.returnedAtBankPaise)}</dd>
            <dt>Returned in ledger</dt>
            <dd>{formatPaise(r.returnedInLedgerPaise)}</dd>
          </dl>
        </section>

        <section class="card" aria-label="By status">
          <h2>Payouts by status</h2>
          <table>
            <thead>
              <tr>
                <th>Status</th>
                <th class="num">Payouts</th>
                <th class="num">Amount</th>
              </tr>
            </thead>
            <tbody>
              {STATUS_ORDER.map((s) => (
                <tr>
                  <td>
                    <Status value={s} tone={s === "pending" ? "info" : undefined} />
                  </td>
                  <td class="num">{r.byStatus[s].count}</td>
                  <td class="num">{formatPaise(r.byStatus[s].amountPaise)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>

        <section class="card" aria-label="Mismatches">
          <h2>Mismatches: {r.mismatches.count}</h2>
          {r.mismatches.count === 0 ? (
            <p class="muted">Bank, ledger and payouts agree.</p>
          ) : (
            <table>
              <tbody>
                {counts(r.mismatches.byClass).map(([cls, n]) => (
                  <tr>
                    <td>{statusLabel(cls)}</td>
                    <td class="num">{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>

        <section class="card" aria-label="Open exceptions">
          <h2>Open exceptions: {r.openExceptions.count}</h2>
          <p class="muted small">When the report was generated.</p>
          {r.openExceptions.count > 0 && (
            <table>
              <tbody>
                {counts(r.openExceptions.byCause).map(([cause, n]) => (
                  <tr>
                    <td>
                      <a href={`/ops/exceptions?cause=${encodeURIComponent(cause)}`}>{statusLabel(cause)}</a>
                    </td>
                    <td class="num">{n}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      </div>
    </OpsLayout>
  );
};
