// What each console page shows, put together from the store's reads: the dashboard's counts and
// chart, a batch with its payouts, the filtered payout list, a payout with its story, exception
// lists and one exception in context, and one payee with its balances, reserve and holds.

import { listDailyReports } from "../../store/audit-report";
import { getBatch } from "../../store/batches";
import { activeExceptionCounts, attemptsOfItem, batchCountsByStatus, payoutTotalsByStatus } from "../../store/console-reads";
import type { Db } from "../../store/client";
import { holdsOfPayee } from "../../store/holds";
import { getException, listExceptions } from "../../store/exceptions";
import { exceptionView } from "../views/exceptions";
import { bankDetailsOf, getPayeeRow, payeeNames } from "../../store/payees";
import { getPayout, listPayouts, payoutTimeline } from "../../store/payouts";
import type { ReserveTerms } from "../../domain/balances";
import { BATCH_STATUSES, OPEN_EXCEPTION_STATUSES, PAYOUT_STATUSES } from "../../domain/statuses";
import { BANK_DETAIL_CAUSES, RETRY_ON_RESOLVE, retryKindFor } from "../../domain/exception-state";
import { maskAccountNumber, type PayeeType } from "../../domain/payees";
import { MISMATCH_CLASSES } from "../../domain/three-way";
import { balancesView } from "../views/balances";
import { batchView } from "../views/batches";
import { holdView } from "../views/holds";
import { payeeView } from "../views/payees";
import { payoutView } from "../views/payouts";
import { filteredPayouts } from "../../store/console-payouts";
import { dailyChartData } from "./daily-chart";
import { type ParsedFilters, payoutListHref } from "./payout-filters";
import type { DashboardData } from "./pages/dashboard";
import type { ExceptionPageProps } from "./pages/exceptions";
import { canReadAudit, type Viewer } from "./pages/shell";

export const PAGE_SIZE = 50;
const MAX_BATCH_PAYOUTS = 2000;
const MAX_ATTEMPTS_SHOWN = 50;

/** Every cause the system raises, for the exception list's filter. */
export const KNOWN_CAUSES = [...Object.keys(RETRY_ON_RESOLVE), ...MISMATCH_CLASSES.map((c) => `reconciliation_${c}`)].sort();

const inOrder = <T extends { status: string }>(order: readonly string[], rows: T[]) => [...rows].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));

export async function dashboardData(db: Db, viewer: Viewer, nowMs: number): Promise<DashboardData> {
  const date = new Date(nowMs).toISOString().slice(0, 10);
  const start = `${date}T00:00:00.000Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString();
  const batchCounts = await batchCountsByStatus(db);
  const payoutTotals = await payoutTotalsByStatus(db, start, end);
  const openExceptions = await activeExceptionCounts(db);
  const latestReport = canReadAudit(viewer) ? ((await listDailyReports(db, 1))[0] ?? null) : "forbidden";
  const chart = await dailyChartData(db, nowMs);
  return {
    batchesByStatus: inOrder(BATCH_STATUSES, batchCounts),
    today: { date, byStatus: inOrder(PAYOUT_STATUSES, payoutTotals) },
    openExceptions,
    latestReport,
    chart,
  };
}

export async function batchPageData(db: Db, id: string) {
  const batch = batchView(await getBatch(db, id));
  const payouts = await listPayouts(db, { batchId: batch.id, limit: MAX_BATCH_PAYOUTS });
  return {
    batch,
    payeeNames: await payeeNames(db, batch.items.map((i) => i.payeeId)),
    payouts: payouts.data.map(payoutView),
    morePayouts: payouts.nextCursor !== null,
  };
}

/** One page of the payout list for filters that parsed, with the link to the next. */
export async function payoutListData(db: Db, parsed: ParsedFilters) {
  const page = await filteredPayouts(db, parsed.filter, parsed.before, PAGE_SIZE);
  const rows = page.data.map(payoutView);
  return {
    rows,
    payeeNames: await payeeNames(db, rows.map((r) => r.payeeId)),
    nextHref: page.nextCursor ? payoutListHref(parsed.form, page.nextCursor) : null,
  };
}

export async function payoutPageData(db: Db, id: string) {
  const row = await getPayout(db, id);
  const attempts = await attemptsOfItem(db, row.itemId, MAX_ATTEMPTS_SHOWN);
  return {
    payout: { ...payoutView(row), retryOf: row.retryOf },
    payeeName: (await payeeNames(db, [row.payeeId]))[row.payeeId] ?? null,
    events: await payoutTimeline(db, row.id),
    exceptions: (await listExceptions(db, { payoutId: row.id, limit: PAGE_SIZE })).data.map(exceptionView),
    attempts,
  };
}

/** A payee as the API shows it, with its balances, reserve terms and holds (the ones in force first, then newest first). */
export async function payeePageData(db: Db, id: string, reserveDefaults: Readonly<Record<PayeeType, ReserveTerms>>, now: string) {
  const row = await getPayeeRow(db, id);
  const holds = (await holdsOfPayee(db, row.id)).map((h) => holdView(h, now));
  return {
    payee: payeeView(row),
    balances: await balancesView(db, row, reserveDefaults),
    holds: [...holds.filter((h) => h.active), ...holds.filter((h) => !h.active)],
  };
}

/** Open and in-progress tickets together, newest first: the top of both lists, merged. */
export async function activeExceptions(db: Db, cause: string | undefined, before: string | undefined) {
  const [open, working] = await Promise.all(
    OPEN_EXCEPTION_STATUSES.map((status) => listExceptions(db, { status, cause, before, limit: PAGE_SIZE })),
  );
  const merged = [...open!.data, ...working!.data].sort((a, b) => (a.id < b.id ? 1 : -1));
  const data = merged.slice(0, PAGE_SIZE).map(exceptionView);
  const more = merged.length > PAGE_SIZE || open!.nextCursor !== null || working!.nextCursor !== null;
  return { data, nextCursor: more && data.length > 0 ? data[data.length - 1]!.id : null };
}

export async function exceptionPageData(db: Db, id: string): Promise<Omit<ExceptionPageProps, "viewer">> {
  const { row, notes } = await getException(db, id);
  const payeeId = row.payeeId ?? (row.payoutId ? (await getPayout(db, row.payoutId)).payeeId : null);
  const payeeRow = payeeId ? await getPayeeRow(db, payeeId).catch(() => null) : null;
  const bank = payeeRow ? bankDetailsOf(payeeRow) : null;
  return {
    exception: { ...exceptionView(row), notes },
    payee: payeeRow && {
      id: payeeRow.id,
      displayName: payeeRow.displayName,
      accountNumberMasked: bank ? maskAccountNumber(bank.accountNumber) : null,
      ifsc: bank?.ifsc ?? null,
      verificationStatus: payeeRow.bankVerificationStatus,
    },
    resolveEffect: resolveEffect(row.cause),
  };
}

function resolveEffect(cause: string): string {
  const fixFirst = (BANK_DETAIL_CAUSES as readonly string[]).includes(cause)
    ? " Correct and verify the payee's bank details first (PATCH /v1/payees/:id, then its verification); until then resolving is refused."
    : "";
  switch (retryKindFor(cause)) {
    case "new_attempt":
      return `Resolving pays the item again: a new payout through the payee's gate, never a second payment of money already paid.${fixFirst}`;
    case "release":
      return "Resolving asks the payee's gate again to make the payout.";
    case "requeue":
      return "Resolving hands the payout back to the transfer worker, which asks the bank before sending anything.";
    case "rearm":
      return "Resolving runs the failed retry again from its first attempt, on the scheduler's next pass; fix what made it fail first.";
    case "none":
      return "Resolving records the outcome of your investigation; nothing is retried.";
  }
}
