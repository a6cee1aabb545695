// The console's first page: what is in flight and what needs a person, at a glance.

import type { FC } from "hono/jsx";
import type { DailyAuditReport } from "../../../store/audit-report";
import { formatPaise } from "../../../domain/money";
import { Scroll, Status } from "../../pages/layout";
import type { ChartDay } from "../daily-chart";
import { Balanced } from "./audit";
import { DailyPayoutsChart } from "./chart";
import { Card, CountRows, Fact, IfAny, StatusTotals, TimeFact } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

export interface DashboardData {
  batchesByStatus: Array<{ status: string; count: number }>;
  /** The current audit day (a UTC date, as the daily report counts it). */
  today: { date: string; byStatus: Array<{ status: string; count: number; amountPaise: number }> };
  openExceptions: { open: number; inProgress: number };
  /** null: no report yet; "forbidden": the viewer's roles may not read audit reports. */
  latestReport: { date: string; generatedAt: string; report: DailyAuditReport } | null | "forbidden";
  /** The last 30 UTC days, oldest first. */
  chart: ChartDay[];
}

export const DashboardPage: FC<{ viewer: Viewer; data: DashboardData }> = ({ viewer, data }) => (
  <OpsLayout title="Dashboard" viewer={viewer} section="dashboard">
    <h1>Dashboard</h1>
    <div class="grid">
      <OpenExceptions {...data.openExceptions} />
      <BatchesByStatus batches={data.batchesByStatus} />
      <TodaysPayouts {...data.today} />
      <LatestReport latest={data.latestReport} />
    </div>
    <DailyPayoutsChart days={data.chart} />
  </OpsLayout>
);

const OpenExceptions: FC<DashboardData["openExceptions"]> = ({ open, inProgress }) => (
  <Card label="Open exceptions" class={`stat ${open + inProgress > 0 ? "attention" : ""}`}>
    <h2>Exceptions needing a person</h2>
    <p class="big">
      <a href="/ops/exceptions" data-testid="open-exceptions">
        {open + inProgress}
      </a>
    </p>
    <p class="muted small">
      {open} open · {inProgress} in progress
    </p>
  </Card>
);

const BatchesByStatus: FC<{ batches: DashboardData["batchesByStatus"] }> = ({ batches }) => (
  <Card label="Batches by status" title="Batches by status">
    <IfAny count={batches.length} none="No batches yet.">
      <CountRows
        rows={batches.map((b) => [
          <a href={`/ops/batches?status=${b.status}`}>
            <Status value={b.status} />
          </a>,
          b.count,
        ])}
      />
    </IfAny>
  </Card>
);

const TodaysPayouts: FC<DashboardData["today"]> = ({ date, byStatus }) => (
  <Card label="Today's payouts" title="Payouts created today">
    <p class="muted small">
      Audit day {date} (UTC, from 05:30 IST): {byStatus.reduce((s, r) => s + r.count, 0)} payouts,{" "}
      {formatPaise(byStatus.reduce((s, r) => s + r.amountPaise, 0))}
    </p>
    <IfAny count={byStatus.length} none="None yet today.">
      <Scroll>
        <StatusTotals rows={byStatus} />
      </Scroll>
    </IfAny>
  </Card>
);

const LatestReport: FC<{ latest: DashboardData["latestReport"] }> = ({ latest }) => (
  <Card label="Latest daily audit report" title="Latest daily audit report">
    {latest === "forbidden" ? (
      <p class="muted">Audit reports are for the auditor and admin roles.</p>
    ) : latest === null ? (
      <p class="muted">No report generated yet.</p>
    ) : (
      <ReportSummary {...latest} />
    )}
  </Card>
);

const ReportSummary: FC<{ date: string; generatedAt: string; report: DailyAuditReport }> = ({ date, generatedAt, report }) => (
  <>
    <p>
      <a href={`/ops/audit/${date}`}>{date}</a> <Balanced report={report} />
    </p>
    <dl>
      <Fact term="Initiated">
        {report.initiated.count} · {formatPaise(report.initiated.amountPaise)}
      </Fact>
      <Fact term="Debited at bank">{formatPaise(report.debitedAtBankPaise)}</Fact>
      <Fact term="Credited in ledger">{formatPaise(report.creditedInLedgerPaise)}</Fact>
      <Fact term="Mismatches">{report.mismatches.count}</Fact>
      <TimeFact term="Generated" iso={generatedAt} />
    </dl>
  </>
);
