// The daily job: reconcile yesterday three ways, then write its audit report. Both are
// idempotent, so the cron firing twice, or an operator regenerating a day, is harmless.

import { buildDailyReport, storeDailyReport } from "../store/audit-report";
import { raiseOverdueDeposits } from "../store/statutory";
import { runReconciliation } from "./reconciliation";
import type { Deps } from "./deps";

export const DAILY_ACTOR = "system:daily-audit";

export async function reconcileAndReport(deps: Deps, date: string, actorId: string) {
  const run = await runReconciliation(deps.db, deps.gateway, { scope: "day", date }, actorId);
  // Withheld tax not deposited by its due date is a ticket (and so in the report's open exceptions).
  await raiseOverdueDeposits(deps.db, date);
  const report = await storeDailyReport(deps.db, await buildDailyReport(deps.db, date, run), actorId);
  return { run, report };
}

/** The UTC date before the one `nowMs` falls on. */
export function previousDay(nowMs: number): string {
  return new Date(nowMs - 86_400_000).toISOString().slice(0, 10);
}
