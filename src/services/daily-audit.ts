// The daily job: reconcile yesterday three ways, then write its audit report. Both are
// idempotent, so the cron firing twice, or an operator regenerating a day, is harmless.

import { bankGateway } from "../gateways";
import { buildDailyReport, storeDailyReport } from "../store/audit-report";
import { database } from "../store/client";
import { runReconciliation } from "../store/reconciliation";
import type { Env } from "../env";

export const DAILY_ACTOR = "system:daily-audit";

export async function reconcileAndReport(env: Env, date: string, actorId: string) {
  const db = database(env.DB);
  const run = await runReconciliation(db, bankGateway(env), { scope: "day", date }, actorId);
  const report = await storeDailyReport(db, await buildDailyReport(db, date, run), actorId);
  return { run, report };
}

/** The UTC date before the one `nowMs` falls on. */
export function previousDay(nowMs: number): string {
  return new Date(nowMs - 86_400_000).toISOString().slice(0, 10);
}
