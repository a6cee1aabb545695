// The daily audit report: totals initiated, debited at the bank and credited in the ledger, by
// status, with the day's mismatches and the exceptions still open. Stored per day; generating a
// day again replaces it with the same figures (plus whatever changed since).

import { and, count, eq, gte, lt, sql, sum } from "drizzle-orm";
import { notFound } from "../domain/errors";
import { listDues } from "./statutory";
import { type Db, nowIso } from "./client";
import { dayStartMs, type RunView } from "./reconciliation";
import { dailyAuditReports, exceptions, payouts } from "./schema";
import { IN_FLIGHT_PAYOUT_STATUSES, OPEN_EXCEPTION_STATUSES, PAYOUT_STATUSES } from "../domain/statuses";
import { sqlList } from "./sql-list";

const DAY_MS = 86_400_000;

export interface StatusTotal {
  count: number;
  amountPaise: number;
}

export interface DailyAuditReport {
  date: string;
  currency: "INR";
  initiated: StatusTotal;
  byStatus: { processed: StatusTotal; failed: StatusTotal; reversed: StatusTotal; pending: StatusTotal; cancelled: StatusTotal };
  debitedAtBankPaise: number;
  creditedInLedgerPaise: number;
  returnedAtBankPaise: number;
  returnedInLedgerPaise: number;
  bankSource: string;
  balanced: boolean;
  mismatches: { count: number; byClass: Record<string, number> };
  openExceptions: { count: number; byCause: Record<string, number> };
  reconciliationRunId: string;
  /**
   * Statutory deductions whose deposit was due by this day, per kind, head and month: withheld,
   * given back by refunds, deposited, and what is still owed (docs/statutory.md).
   */
  statutory?: Array<{ kind: string; head: string; period: string; withheldPaise: number; reversedPaise: number; depositedPaise: number; duePaise: number; dueDate: string }>;
}


export async function buildDailyReport(db: Db, date: string, run: RunView): Promise<DailyAuditReport> {
  const start = new Date(dayStartMs(date)).toISOString();
  const end = new Date(dayStartMs(date) + DAY_MS).toISOString();
  const rows = await db
    .select({ status: payouts.status, n: count(), total: sum(payouts.amountPaise) })
    .from(payouts)
    .where(and(gte(payouts.createdAt, start), lt(payouts.createdAt, end)))
    .groupBy(payouts.status);
  const total = (statuses: readonly string[]): StatusTotal => {
    const matching = rows.filter((r) => statuses.includes(r.status));
    return { count: matching.reduce((s, r) => s + r.n, 0), amountPaise: matching.reduce((s, r) => s + Number(r.total ?? 0), 0) };
  };
  const open = await db
    .select({ cause: exceptions.cause, n: count() })
    .from(exceptions)
    .where(sql`${exceptions.status} IN ${sqlList(OPEN_EXCEPTION_STATUSES)}`)
    .groupBy(exceptions.cause);
  const byClass: Record<string, number> = {};
  for (const m of run.mismatches) byClass[m.class] = (byClass[m.class] ?? 0) + 1;
  return {
    date,
    currency: "INR",
    initiated: total(PAYOUT_STATUSES),
    byStatus: {
      processed: total(["processed"]),
      failed: total(["failed"]),
      reversed: total(["reversed"]),
      pending: total(IN_FLIGHT_PAYOUT_STATUSES),
      cancelled: total(["cancelled"]),
    },
    debitedAtBankPaise: run.totals.bankDebitedPaise,
    creditedInLedgerPaise: run.totals.ledgerCreditedPaise,
    returnedAtBankPaise: run.totals.bankReturnedPaise,
    returnedInLedgerPaise: run.totals.ledgerReturnedPaise,
    bankSource: run.bankSource,
    balanced: run.totals.balanced,
    mismatches: { count: run.mismatchCount, byClass },
    openExceptions: { count: open.reduce((s, r) => s + r.n, 0), byCause: Object.fromEntries(open.map((r) => [r.cause, r.n])) },
    reconciliationRunId: run.id,
    statutory: (await listDues(db, date))
      .filter((d) => d.dueDate <= date)
      .map(({ overdue: _overdue, ...d }) => d),
  };
}

export async function storeDailyReport(db: Db, report: DailyAuditReport, actorId: string) {
  const now = nowIso();
  await db
    .insert(dailyAuditReports)
    .values({ date: report.date, report: JSON.stringify(report), generatedAt: now, generatedBy: actorId })
    .onConflictDoUpdate({
      target: dailyAuditReports.date,
      set: { report: JSON.stringify(report), generatedAt: now, generatedBy: actorId, generationCount: sql`${dailyAuditReports.generationCount} + 1` },
    });
  return getDailyReport(db, report.date);
}

export async function getDailyReport(db: Db, date: string) {
  const row = await db.select().from(dailyAuditReports).where(eq(dailyAuditReports.date, date)).get();
  if (!row) throw notFound("audit_report_not_found", `No audit report for ${date}; generate it with POST /v1/audit-reports.`);
  return { ...row, report: JSON.parse(row.report) as DailyAuditReport };
}

export async function listDailyReports(db: Db, limit: number) {
  const rows = await db.select().from(dailyAuditReports).orderBy(sql`${dailyAuditReports.date} DESC`).limit(limit);
  return rows.map((r) => ({ date: r.date, generatedAt: r.generatedAt, generatedBy: r.generatedBy, generationCount: r.generationCount, report: JSON.parse(r.report) as DailyAuditReport }));
}

/** One metric per line, for spreadsheets: "metric,count,amount_paise". */
export function reportCsv(r: DailyAuditReport): string {
  const lines = [
    ["metric", "count", "amount_paise"],
    ["initiated", r.initiated.count, r.initiated.amountPaise],
    ...Object.entries(r.byStatus).map(([status, t]) => [`status_${status}`, t.count, t.amountPaise]),
    ["debited_at_bank", "", r.debitedAtBankPaise],
    ["credited_in_ledger", "", r.creditedInLedgerPaise],
    ["returned_at_bank", "", r.returnedAtBankPaise],
    ["returned_in_ledger", "", r.returnedInLedgerPaise],
    ["mismatches", r.mismatches.count, ""],
    ...Object.entries(r.mismatches.byClass).map(([cls, n]) => [`mismatch_${cls}`, n, ""]),
    ["open_exceptions", r.openExceptions.count, ""],
    ...Object.entries(r.openExceptions.byCause).map(([cause, n]) => [`open_exception_${cause}`, n, ""]),
    ...(r.statutory ?? []).map((d) => [`statutory_due_${d.kind}_${d.head}_${d.period}`, "", d.duePaise]),
  ];
  return `${lines.map((l) => l.join(",")).join("\n")}\n`;
}
