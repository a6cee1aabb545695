// Helpers for reconciliation, audit reports and exception tickets: pay a cycle through the
// simulated bank, tamper with one source, reconcile through the API, and read the tickets and
// alerts a run leaves behind.

import { env } from "cloudflare:test";
import { expect } from "vitest";
import { database } from "../../src/store/client";
import { postTransaction } from "../../src/store/ledger";
import { formatPaise } from "../../src/domain/money";
import { type PayoutPosting, payoutTransaction } from "../../src/domain/payout-ledger";
import type { TestActor } from "./actors";
import { api } from "./api";
import { approvedBatch, consume, releaseByHand } from "./execution";

export interface PayoutBody {
  id: string;
  batchId: string;
  itemId: string;
  payeeId: string;
  cycleId: string;
  amountPaise: number;
  status: string;
  bankReference: string | null;
  createdAt: string;
}

export interface MismatchBody {
  class: string;
  payoutId: string | null;
  bankReference: string | null;
  message: string;
  systemPaise: number;
  bankPaise: number;
  ledgerPaise: number;
}

export interface RunBody {
  id: string;
  scope: "day" | "cycle";
  scopeKey: string;
  bankSource: string;
  totals: {
    payoutCount: number;
    systemInitiatedPaise: number;
    bankDebitedPaise: number;
    ledgerCreditedPaise: number;
    bankReturnedPaise: number;
    ledgerReturnedPaise: number;
    pendingCount: number;
    matchedCount: number;
    balanced: boolean;
  };
  mismatches: MismatchBody[];
  mismatchCount: number;
  runCount: number;
  actorId: string;
}

export async function payoutsOfBatch(batchId: string): Promise<PayoutBody[]> {
  const res = await api("auditor", "GET", `/v1/payouts?batchId=${batchId}&limit=100`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

export async function getPayoutBody(id: string): Promise<PayoutBody> {
  const res = await api("auditor", "GET", `/v1/payouts/${id}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/**
 * A fresh cycle of `payees` payouts, released and (unless `consume` is false) each taken
 * through the transfer consumer and the simulated bank. Payouts come back in item order.
 */
export async function paidCycle(payees = 1, opts: { accountNumbers?: string[]; consume?: boolean } = {}) {
  const { cycleId, batch, payees: created } = await approvedBatch({ payees, ...(opts.accountNumbers ? { accountNumbers: opts.accountNumbers } : {}) });
  const released = await releaseByHand(batch);
  expect(released).toHaveLength(payees);
  if (opts.consume ?? true) for (const p of released) await consume({ type: "transfer", payoutId: p.id });
  const byPayee = new Map((await payoutsOfBatch(batch.id)).map((p) => [p.payeeId, p]));
  const payouts = created.map((payee: { id: string }) => byPayee.get(payee.id)!);
  return { cycleId, batch, payees: created, payouts };
}

export const reconcile = (body: { cycleId: string } | { date: string }, actor: TestActor = "auditor") => api(actor, "POST", "/v1/reconciliation/runs", body);

export async function reconcileOk(body: { cycleId: string } | { date: string }, actor: TestActor = "auditor"): Promise<RunBody> {
  const res = await reconcile(body, actor);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The classes a run found for one payout (null: the unknown debits), sorted. */
export const classesOf = (run: RunBody, payoutId: string | null) =>
  run.mismatches
    .filter((m) => m.payoutId === payoutId)
    .map((m) => m.class)
    .sort();

/** Only the mismatches about these payouts: the day's runs also see every other test's payouts. */
export const mismatchesFor = (run: RunBody, payoutIds: readonly string[]) => run.mismatches.filter((m) => m.payoutId !== null && payoutIds.includes(m.payoutId));

export interface TicketRow {
  id: string;
  cause: string;
  status: string;
  payout_id: string | null;
  open_key: string | null;
  details: string;
  retry_status: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

export async function ticketsFor(payoutId: string): Promise<TicketRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM exceptions WHERE payout_id = ? ORDER BY id").bind(payoutId).all<TicketRow>();
  return results;
}

export async function reconciliationTickets(payoutId: string): Promise<TicketRow[]> {
  return (await ticketsFor(payoutId)).filter((t) => t.cause.startsWith("reconciliation_"));
}

export async function ticketsWithOpenKey(openKey: string): Promise<TicketRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM exceptions WHERE open_key = ?").bind(openKey).all<TicketRow>();
  return results;
}

/** A ticket's alerts: its exception.opened events, with the ticket as it was opened. */
export async function alertsFor(exceptionId: string): Promise<Array<{ id: string; type: string; data: Record<string, unknown> }>> {
  const { results } = await env.DB.prepare("SELECT id, type, data FROM events WHERE subject_id = ? AND type = 'exception.opened'")
    .bind(exceptionId)
    .all<{ id: string; type: string; data: string }>();
  return results.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}

/**
 * Every mismatch of the run about these payouts has exactly one open ticket of cause
 * `reconciliation_<class>` and exactly one alert for it; returns the tickets.
 */
export async function expectOneTicketAndAlertEach(run: RunBody, payoutIds: readonly string[]): Promise<TicketRow[]> {
  const tickets: TicketRow[] = [];
  for (const m of mismatchesFor(run, payoutIds)) {
    const open = (await ticketsFor(m.payoutId!)).filter((t) => t.cause === `reconciliation_${m.class}`);
    expect(open.map((t) => t.status), `${m.class} for ${m.payoutId}`).toEqual(["open"]);
    const alerts = await alertsFor(open[0]!.id);
    expect(alerts, `alert for ${m.class}`).toHaveLength(1);
    expect(alerts[0]!.type).toBe("exception.opened");
    expect(alerts[0]!.data).toMatchObject({ id: open[0]!.id, cause: `reconciliation_${m.class}`, payoutId: m.payoutId });
    tickets.push(open[0]!);
  }
  return tickets;
}

export async function countAlerts(): Promise<number> {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'exception.opened'").first<{ n: number }>())!.n;
}

/** Moves payouts to another day, as if they had been created then. */
export async function setCreatedAt(payoutIds: readonly string[], iso: string) {
  for (const id of payoutIds) await env.DB.prepare("UPDATE payouts SET created_at = ? WHERE id = ?").bind(iso, id).run();
}

export async function setPayoutColumns(payoutId: string, set: { status?: string; amount_paise?: number }) {
  for (const [column, value] of Object.entries(set)) {
    await env.DB.prepare(`UPDATE payouts SET ${column} = ? WHERE id = ?`).bind(value, payoutId).run();
  }
}

/** Writes one of a payout's ledger postings directly, as a faulty writer would, with any amount. */
export async function postPayoutPosting(payout: PayoutBody, posting: PayoutPosting, amountPaise = payout.amountPaise) {
  const db = database(env.DB);
  const input = payoutTransaction({ payoutId: payout.id, payeeId: payout.payeeId, cycleId: payout.cycleId, amountPaise, currency: "INR" }, posting, payout.bankReference);
  return postTransaction(db, input, "test:faulty-writer");
}

// ---- bank statements ----

export interface StatementRow {
  /** DD/MM/YYYY or YYYY-MM-DD */
  date: string;
  utr: string;
  reference?: string | null;
  debitPaise?: number;
  creditPaise?: number;
  narration?: string;
}

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** A statement in the default layout, with amounts written as a bank writes them ("₹1,23,456.78"). */
export function statementCsv(rows: readonly StatementRow[]): string {
  const lines = [["Value Date", "UTR", "Customer Reference", "Debit", "Credit", "Currency", "Narration"].join(",")];
  for (const r of rows) {
    lines.push(
      [
        r.date,
        r.utr,
        r.reference ?? "",
        r.debitPaise === undefined ? "" : formatPaise(r.debitPaise),
        r.creditPaise === undefined ? "" : formatPaise(r.creditPaise),
        "INR",
        r.narration ?? "NEFT payout",
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export const importStatement = (content: string, actor: TestActor = "admin", mapping?: Record<string, string>) =>
  api(actor, "POST", "/v1/bank-statements", { format: "csv", content, ...(mapping ? { mapping } : {}) });

/** What the payouts table itself says a day holds, by status: the figures a report must match. */
export async function rawDayTotals(date: string): Promise<Record<string, { count: number; amountPaise: number }>> {
  const { results } = await env.DB.prepare(
    "SELECT status, COUNT(*) AS n, COALESCE(SUM(amount_paise), 0) AS total FROM payouts WHERE created_at >= ? AND created_at < ? GROUP BY status",
  )
    .bind(`${date}T00:00:00.000Z`, new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString())
    .all<{ status: string; n: number; total: number }>();
  return Object.fromEntries(results.map((r) => [r.status, { count: r.n, amountPaise: r.total }]));
}

export function sumStatuses(raw: Record<string, { count: number; amountPaise: number }>, statuses: readonly string[]) {
  return statuses.reduce((t, s) => ({ count: t.count + (raw[s]?.count ?? 0), amountPaise: t.amountPaise + (raw[s]?.amountPaise ?? 0) }), { count: 0, amountPaise: 0 });
}
