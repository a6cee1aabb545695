// Daily audit reports as pages: the list of days, and one day's report (money initiated, debited
// at the bank and credited in the ledger, by status, with mismatches and open exceptions).

import type { FC } from "hono/jsx";
import type { DailyAuditReport } from "../../../store/audit-report";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Status, Time } from "../../pages/layout";
import { Card, CountRows, Crumbs, Fact, IfAny, StatusTotals, TableCard } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

export interface StoredReport {
  date: string;
  generatedAt: string;
  generatedBy: string;
  generationCount: number;
  report: DailyAuditReport;
}

/** Whether the day's bank, ledger and payouts agreed, as a badge. */
export const Balanced: FC<{ report: DailyAuditReport; testId?: string }> = ({ report, testId }) => (
  <Status value={report.balanced ? "balanced" : "not_balanced"} tone={report.balanced ? "ok" : "bad"} testId={testId} />
);

export const AuditListPage: FC<{ viewer: Viewer; reports: StoredReport[] }> = ({ viewer, reports }) => (
  <OpsLayout title="Daily audit reports" viewer={viewer} section="audit">
    <h1>Daily audit reports</h1>
    <p class="muted">One report per UTC day, made by the daily job at 06:00 IST or regenerated with POST /v1/audit-reports.</p>
    <TableCard
      label="Reports"
      count={reports.length}
      none="No reports yet."
      table="Reports"
      columns={["Day", { num: "Initiated" }, { num: "Processed" }, { num: "Failed" }, { num: "Mismatches" }, { num: "Open exceptions" }, "Generated"]}
    >
      {reports.map((stored) => (
        <ReportRow {...stored} />
      ))}
    </TableCard>
  </OpsLayout>
);

const ReportRow: FC<StoredReport> = ({ date, generatedAt, report: r }) => (
  <tr>
    <td class="nowrap">
      <a href={`/ops/audit/${date}`}>{date}</a>
      <div>
        <Balanced report={r} testId="balanced" />
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
);

export const AuditReportPage: FC<{ viewer: Viewer; stored: StoredReport }> = ({ viewer, stored }) => (
  <OpsLayout title={`Audit report ${stored.date}`} viewer={viewer} section="audit">
    <Crumbs trail={[["/ops/audit", "Daily audit reports"]]} />
    <h1>
      Audit report for {stored.date} <Balanced report={stored.report} testId="balanced" />
    </h1>
    <Provenance {...stored} />
    <div class="grid">
      <Money report={stored.report} />
      <ByStatus report={stored.report} />
      <Mismatches report={stored.report} />
      <OpenExceptions report={stored.report} />
    </div>
  </OpsLayout>
);

/** Who made the report and from what, and where to download it. */
const Provenance: FC<StoredReport> = ({ date, generatedAt, generatedBy, generationCount, report: r }) => (
  <>
    <p class="muted small">
      Generated <Time iso={generatedAt} /> by {generatedBy}
      {generationCount > 1 && <> ({generationCount} generations)</>} · bank figures from {r.bankSource} · reconciliation run{" "}
      <code>{r.reconciliationRunId}</code>
    </p>
    <p>
      <a href={`/ops/audit/${date}/csv`} download={`disburse-audit-${date}.csv`}>
        Download as CSV
      </a>{" "}
      <span class="muted small">
        (API: <code>GET /v1/audit-reports/{date}?format=csv</code>)
      </span>
    </p>
  </>
);

const Money: FC<{ report: DailyAuditReport }> = ({ report: r }) => (
  <Card label="Money" title="Money">
    <dl data-testid="money">
      <Fact term="Initiated">
        {formatPaise(r.initiated.amountPaise)} <span class="muted">({r.initiated.count} payouts)</span>
      </Fact>
      <Fact term="Debited at bank">{formatPaise(r.debitedAtBankPaise)}</Fact>
      <Fact term="Credited in ledger">{formatPaise(r.creditedInLedgerPaise)}</Fact>
      <Fact term="Returned at bank">{formatPaise(r.returnedAtBankPaise)}</Fact>
      <Fact term="Returned in ledger">{formatPaise(r.returnedInLedgerPaise)}</Fact>
    </dl>
  </Card>
);

const STATUS_ORDER = ["processed", "pending", "failed", "reversed", "cancelled"] as const;
// "pending" sums the statuses still in flight, so it takes their colour, not one of its own.
const toneOf = (s: (typeof STATUS_ORDER)[number]) => (s === "pending" ? "info" : undefined);

const ByStatus: FC<{ report: DailyAuditReport }> = ({ report: r }) => (
  <Card label="By status" title="Payouts by status">
    <StatusTotals rows={STATUS_ORDER.map((s) => ({ status: s, ...r.byStatus[s], tone: toneOf(s) }))} />
  </Card>
);

const sorted = (counts: Record<string, number>) => Object.entries(counts).sort(([a], [b]) => a.localeCompare(b));

const Mismatches: FC<{ report: DailyAuditReport }> = ({ report: r }) => (
  <Card label="Mismatches" title={`Mismatches: ${r.mismatches.count}`}>
    <IfAny count={r.mismatches.count} none="Bank, ledger and payouts agree.">
      <CountRows rows={sorted(r.mismatches.byClass).map(([cls, n]) => [statusLabel(cls), n])} />
    </IfAny>
  </Card>
);

const OpenExceptions: FC<{ report: DailyAuditReport }> = ({ report: r }) => (
  <Card label="Open exceptions" title={`Open exceptions: ${r.openExceptions.count}`}>
    <p class="muted small">When the report was generated.</p>
    {r.openExceptions.count > 0 && (
      <CountRows
        rows={sorted(r.openExceptions.byCause).map(([cause, n]) => [<a href={`/ops/exceptions?cause=${encodeURIComponent(cause)}`}>{statusLabel(cause)}</a>, n])}
      />
    )}
  </Card>
);
