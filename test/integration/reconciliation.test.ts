// Three-way reconciliation through the real stack: payouts paid by the transfer consumer and the
// simulated bank, one source tampered with at a time (Disburse's payouts, the bank's statement,
// the ledger), then reconciled through the API. Each class must be found, raise exactly one
// ticket and one alert, and stay put when the same scope is run again.

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { DAILY_CRON, runScheduled } from "../../src/cloudflare/scheduled";
import { pollAndRedrive } from "../../src/services/polling";
import { api, unique } from "../support/api";
import { bank, configureBank, consume, payout, tickBank } from "../support/execution";
import {
  alertsFor,
  classesOf,
  countAlerts,
  expectOneTicketAndAlertEach,
  getPayoutBody,
  importStatement,
  mismatchesFor,
  paidCycle,
  type PayoutBody,
  postPayoutPosting,
  rawDayTotals,
  reconcile,
  reconcileOk,
  reconciliationTickets,
  type RunBody,
  setCreatedAt,
  setPayoutColumns,
  statementCsv,
  sumStatuses,
  ticketsWithOpenKey,
} from "../support/recon";
import { servicesFor } from "../../src/deps";
import { pollingSettings } from "../../src/config";

const DAY_MS = 86_400_000;

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
});

/** Every reconciliation ticket for these payouts, open or not: a re-run must not add any. */
async function ticketIds(payoutIds: readonly string[]) {
  const ids: string[] = [];
  for (const id of payoutIds) ids.push(...(await reconciliationTickets(id)).map((t) => t.id));
  return ids.sort();
}

describe("clean data", () => {
  it("reports a cycle paid through the bank as balanced, with no mismatches and no tickets", async () => {
    const { cycleId, payouts } = await paidCycle(3);
    expect(payouts.map((p) => p.status)).toEqual(["processed", "processed", "processed"]);
    const total = payouts.reduce((s, p) => s + p.amountPaise, 0);
    const run = await reconcileOk({ cycleId });
    expect(run).toMatchObject({ scope: "cycle", scopeKey: cycleId, bankSource: "gateway:simulated", mismatches: [], mismatchCount: 0, runCount: 1, actorId: "auditor-abe" });
    expect(run.totals).toEqual({
      payoutCount: 3,
      systemInitiatedPaise: total,
      bankDebitedPaise: total,
      ledgerCreditedPaise: total,
      bankReturnedPaise: 0,
      ledgerReturnedPaise: 0,
      pendingCount: 0,
      matchedCount: 3,
      balanced: true,
    });
    expect(await ticketIds(payouts.map((p) => p.id))).toEqual([]);
  });

  it("stays balanced for a cycle with a failed payout and one the bank returned", async () => {
    const { cycleId, payouts } = await paidCycle(3, { accountNumbers: ["", "123456780000", ""] });
    const [ok, failed, returned] = payouts as [PayoutBody, PayoutBody, PayoutBody];
    await tickBank();
    await bank(`/admin/transfers/${returned.id}/reverse`, {});
    await tickBank();
    expect((await getPayoutBody(failed.id)).status).toBe("failed");
    expect((await getPayoutBody(returned.id)).status).toBe("reversed");
    const run = await reconcileOk({ cycleId });
    expect(run.mismatches).toEqual([]);
    expect(run.totals).toEqual({
      payoutCount: 3,
      systemInitiatedPaise: ok.amountPaise + returned.amountPaise,
      bankDebitedPaise: ok.amountPaise + returned.amountPaise,
      ledgerCreditedPaise: ok.amountPaise + returned.amountPaise,
      bankReturnedPaise: returned.amountPaise,
      ledgerReturnedPaise: returned.amountPaise,
      pendingCount: 0,
      matchedCount: 3,
      balanced: true,
    });
  });

  it("counts payouts not yet sent to the bank as pending, not missing", async () => {
    const { cycleId, payouts } = await paidCycle(2, { consume: false });
    expect(payouts.map((p) => p.status)).toEqual(["queued", "queued"]);
    const run = await reconcileOk({ cycleId });
    expect(run.mismatches).toEqual([]);
    expect(run.totals).toMatchObject({ payoutCount: 2, pendingCount: 2, matchedCount: 0, systemInitiatedPaise: 0, balanced: true });
  });
});

describe("faults in Disburse's own records", () => {
  it("finds debited_but_not_paid when a paid payout is marked failed", async () => {
    const { cycleId, payouts } = await paidCycle(2);
    const [wrong, right] = payouts as [PayoutBody, PayoutBody];
    await setPayoutColumns(wrong.id, { status: "failed" });
    const run = await reconcileOk({ cycleId });
    expect(classesOf(run, wrong.id)).toEqual(["debited_but_not_paid"]);
    expect(classesOf(run, right.id)).toEqual([]);
    expect(run.totals).toMatchObject({ systemInitiatedPaise: right.amountPaise, bankDebitedPaise: wrong.amountPaise + right.amountPaise, matchedCount: 1, balanced: false });
    await expectOneTicketAndAlertEach(run, [wrong.id, right.id]);
  });

  it("finds both the bank and the ledger differing when Disburse's amount changed", async () => {
    const { cycleId, payouts } = await paidCycle(1);
    const p = payouts[0]!;
    await setPayoutColumns(p.id, { amount_paise: p.amountPaise + 1 });
    const run = await reconcileOk({ cycleId });
    expect(classesOf(run, p.id)).toEqual(["bank_amount_differs", "ledger_amount_differs"]);
    expect(run.mismatches[0]).toMatchObject({ systemPaise: p.amountPaise + 1, bankPaise: p.amountPaise, ledgerPaise: p.amountPaise });
    await expectOneTicketAndAlertEach(run, [p.id]);
  });

  it("finds missing_at_bank when Disburse calls a payout processed that never reached the bank", async () => {
    const { cycleId, payouts } = await paidCycle(1, { consume: false });
    const p = payouts[0]!;
    await setPayoutColumns(p.id, { status: "processed" });
    const run = await reconcileOk({ cycleId });
    expect(classesOf(run, p.id)).toEqual(["missing_at_bank"]);
    expect(run.mismatches[0]).toMatchObject({ systemPaise: p.amountPaise, bankPaise: 0, ledgerPaise: 0 });
    await expectOneTicketAndAlertEach(run, [p.id]);
  });
});

describe("faults in the ledger", () => {
  it("finds missing_in_ledger when the bank paid but the webhook was lost, and clears once polled", async () => {
    const { cycleId, payouts } = await paidCycle(1, { consume: false });
    const p = payouts[0]!;
    await configureBank({ processingDelayMs: 60_000, webhookScript: { [p.id]: ["lost"] } });
    try {
      await consume({ type: "transfer", payoutId: p.id });
      await tickBank(61_000); // the bank settles; its webhook never arrives
    } finally {
      await configureBank({ processingDelayMs: 0 });
    }
    expect((await payout(p.id)).payout.status).toBe("processing");
    const run = await reconcileOk({ cycleId });
    expect(classesOf(run, p.id)).toEqual(["missing_in_ledger"]);
    expect(run.mismatches[0]).toMatchObject({ systemPaise: p.amountPaise, bankPaise: p.amountPaise, ledgerPaise: 0 });
    const [ticket] = await expectOneTicketAndAlertEach(run, [p.id]);

    await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now() + 10 * 60_000);
    expect((await payout(p.id)).payout.status).toBe("processed");
    const after = await reconcileOk({ cycleId });
    expect(after.mismatches).toEqual([]);
    expect(after.totals.balanced).toBe(true);
    expect(after.runCount).toBe(2);
    // The run that no longer finds it resolves the ticket, saying which run and why; nothing duplicates it.
    const [cleared] = await reconciliationTickets(p.id);
    expect(cleared).toMatchObject({ id: ticket!.id, status: "resolved", resolved_by: "auditor-abe", retry_status: null });
    expect(cleared!.resolution_note).toBe(`Cleared by reconciliation run ${after.id} (cycle ${cycleId}, bank source: gateway:simulated): it no longer finds missing_in_ledger here.`);
    await reconcileOk({ cycleId });
    expect((await reconciliationTickets(p.id)).map((t) => [t.id, t.status])).toEqual([[ticket!.id, "resolved"]]);
  });

  it("finds ledger_amount_differs for a wrong settle posting written while the payout is still processing", async () => {
    const { cycleId, payouts } = await paidCycle(1, { consume: false });
    const p = payouts[0]!;
    await configureBank({ processingDelayMs: 10 * DAY_MS, webhookScript: { [p.id]: ["lost"] } });
    try {
      await consume({ type: "transfer", payoutId: p.id });
    } finally {
      await configureBank({ processingDelayMs: 0 });
    }
    expect((await payout(p.id)).payout.status).toBe("processing");
    await postPayoutPosting(p, "settle", p.amountPaise - 50_00);
    const run = await reconcileOk({ cycleId });
    expect(classesOf(run, p.id)).toEqual(["ledger_amount_differs"]);
    expect(run.mismatches[0]).toMatchObject({ systemPaise: p.amountPaise, bankPaise: 0, ledgerPaise: p.amountPaise - 50_00 });
    expect(run.totals).toMatchObject({ ledgerCreditedPaise: p.amountPaise - 50_00, bankDebitedPaise: 0, balanced: false });
    await expectOneTicketAndAlertEach(run, [p.id]);
  });

  it("finds reversed_in_ledger_not_at_bank for a return the bank never made", async () => {
    const { cycleId, payouts } = await paidCycle(1);
    const p = payouts[0]!;
    await postPayoutPosting(p, "return");
    const run = await reconcileOk({ cycleId });
    expect(classesOf(run, p.id)).toEqual(["reversed_in_ledger_not_at_bank"]);
    expect(run.totals).toMatchObject({ bankReturnedPaise: 0, ledgerReturnedPaise: p.amountPaise, balanced: false });
    await expectOneTicketAndAlertEach(run, [p.id]);
  });
});

describe("faults in the bank's statement", () => {
  // Payouts moved to a day of their own, so this statement is the only bank source that day.
  const DATE = "2031-01-05";

  it("finds every bank-side class from an imported CSV statement, in the cycle's run and the day's", async () => {
    const { cycleId, payouts } = await paidCycle(6);
    const [clean, missing, duplicated, differs, returned, byUtr] = payouts as [PayoutBody, PayoutBody, PayoutBody, PayoutBody, PayoutBody, PayoutBody];
    await setCreatedAt(
      payouts.map((p) => p.id),
      `${DATE}T10:00:00.000Z`,
    );
    const strangerUtr = unique("UTRX").toUpperCase();
    const debit = (p: PayoutBody, over: { date?: string; debitPaise?: number; reference?: string | null; utr?: string } = {}) => ({
      date: over.date ?? "05/01/2031",
      utr: over.utr ?? p.bankReference!,
      reference: over.reference === undefined ? p.id : over.reference,
      debitPaise: over.debitPaise ?? p.amountPaise,
    });
    const csv = statementCsv([
      debit(clean),
      debit(duplicated),
      debit(duplicated, { utr: `${duplicated.bankReference}-2` }),
      debit(differs, { debitPaise: differs.amountPaise + 100 }),
      debit(returned),
      { date: "06/01/2031", utr: returned.bankReference!, reference: returned.id, creditPaise: returned.amountPaise, narration: "RETURN, account frozen" },
      debit(byUtr, { reference: null, date: "2031-01-06" }),
      { date: "05/01/2031", utr: strangerUtr, debitPaise: 4_321_00, narration: 'Debit "unknown"' },
      { date: "05/01/2031", utr: unique("NEFTIN"), creditPaise: 50_000_00, narration: "Account top-up" },
    ]);
    const imported = await importStatement(csv);
    expect(imported.status, JSON.stringify(imported.body)).toBe(201);
    expect(imported.body).toMatchObject({ format: "csv", lineCount: 9, fromAt: `${DATE}T00:00:00.000Z`, toAt: "2031-01-06T00:00:00.000Z" });

    const ids = payouts.map((p) => p.id);
    const expectBankClasses = (run: RunBody) => {
      expect(run.bankSource).toBe("statement");
      expect(classesOf(run, clean.id)).toEqual([]);
      expect(classesOf(run, missing.id)).toEqual(["missing_at_bank"]);
      expect(classesOf(run, duplicated.id)).toEqual(["duplicate_bank_debit"]);
      expect(classesOf(run, differs.id)).toEqual(["bank_amount_differs"]);
      expect(classesOf(run, returned.id)).toEqual(["reversed_at_bank_not_in_ledger"]);
      expect(classesOf(run, byUtr.id)).toEqual([]);
    };
    const amount = clean.amountPaise; // every payout of the cycle is for the same order amount
    expect(payouts.every((p) => p.amountPaise === amount)).toBe(true);

    // A cycle's run reports its own payouts; an unexplained debit is the day's to report.
    const cycleRun = await reconcileOk({ cycleId });
    expectBankClasses(cycleRun);
    expect(classesOf(cycleRun, null)).toEqual([]);
    expect(cycleRun.totals).toEqual({
      payoutCount: 6,
      systemInitiatedPaise: 6 * amount,
      bankDebitedPaise: 6 * amount + 100,
      ledgerCreditedPaise: 6 * amount,
      bankReturnedPaise: amount,
      ledgerReturnedPaise: 0,
      pendingCount: 0,
      matchedCount: 2,
      balanced: false,
    });
    await expectOneTicketAndAlertEach(cycleRun, ids);
    const ticketsAfterCycle = await ticketIds(ids);
    expect(ticketsAfterCycle).toHaveLength(4);

    const dayRun = await reconcileOk({ date: DATE });
    expectBankClasses(dayRun);
    expect(dayRun.mismatches.filter((m) => m.payoutId === null)).toEqual([
      { class: "unknown_bank_debit", payoutId: null, bankReference: strangerUtr, message: expect.stringContaining(strangerUtr), systemPaise: 0, bankPaise: 4_321_00, ledgerPaise: 0 },
    ]);
    expect(dayRun.totals).toMatchObject({ payoutCount: 6, bankDebitedPaise: 6 * amount + 100 + 4_321_00, matchedCount: 2 });
    // The same mismatches seen from the day raise no second ticket.
    expect(await ticketIds(ids)).toEqual(ticketsAfterCycle);
    const unknown = await ticketsWithOpenKey(`reconciliation_unknown_bank_debit|bank:${strangerUtr}`);
    expect(unknown.map((t) => [t.cause, t.status, t.payout_id])).toEqual([["reconciliation_unknown_bank_debit", "open", null]]);
    expect(JSON.parse(unknown[0]!.details)).toMatchObject({ scope: "day", scopeKey: DATE, bankReference: strangerUtr, bankPaise: 4_321_00, bankSource: "statement" });
    expect((await alertsFor(unknown[0]!.id)).map((a) => a.type)).toEqual(["exception.opened"]);

    const again = await reconcileOk({ date: DATE });
    expect(again.runCount).toBe(2);
    expect(await ticketsWithOpenKey(`reconciliation_unknown_bank_debit|bank:${strangerUtr}`)).toHaveLength(1);

    // The next day's statement lines belong to these payouts, whether they name the payout or
    // only carry its UTR: that day has nothing of its own to report.
    const nextDay = await reconcileOk({ date: "2031-01-06" });
    expect(nextDay.bankSource).toBe("statement");
    expect(nextDay.mismatches).toEqual([]);
    expect(nextDay.totals).toMatchObject({ payoutCount: 0, bankDebitedPaise: 0, bankReturnedPaise: 0, balanced: true });
  });
});

describe("re-running a scope", () => {
  it("gives the same totals and mismatches, counts the run, and raises no new tickets or alerts", async () => {
    const { cycleId, payouts } = await paidCycle(4);
    const [failed, changed, returned] = payouts as [PayoutBody, PayoutBody, PayoutBody];
    await setPayoutColumns(failed.id, { status: "failed" });
    await setPayoutColumns(changed.id, { amount_paise: changed.amountPaise + 7 });
    await postPayoutPosting(returned, "return");
    const ids = payouts.map((p) => p.id);

    const first = await reconcileOk({ cycleId });
    expect(first.mismatchCount).toBe(4);
    await expectOneTicketAndAlertEach(first, ids);
    const tickets = await ticketIds(ids);
    const alerts = await countAlerts();

    const second = await reconcileOk({ cycleId }, "admin");
    expect(second.id).toBe(first.id);
    expect(second.runCount).toBe(2);
    expect(second.actorId).toBe("admin-ada");
    expect(second.totals).toEqual(first.totals);
    expect(second.mismatches).toEqual(first.mismatches);
    expect(await ticketIds(ids)).toEqual(tickets);
    expect(await countAlerts()).toBe(alerts);

    // Today's run sees the same payouts among everyone else's, and still opens nothing new for them.
    const today = await reconcileOk({ date: new Date().toISOString().slice(0, 10) });
    expect(mismatchesFor(today, ids).map((m) => [m.payoutId, m.class]).sort()).toEqual(first.mismatches.map((m) => [m.payoutId, m.class]).sort());
    expect(await ticketIds(ids)).toEqual(tickets);

    const listed = await api("auditor", "GET", "/v1/reconciliation/runs?scope=cycle&limit=100");
    expect(listed.body.data.filter((r: RunBody) => r.scopeKey === cycleId)).toEqual([expect.objectContaining({ id: first.id, runCount: 2 })]);
    const read = await api("auditor", "GET", `/v1/reconciliation/runs/${first.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: first.id, runCount: 2, totals: first.totals });
  });

  it("leaves a cleared mismatch's ticket to the person who took it, and other scopes' tickets alone", async () => {
    const { cycleId, payouts } = await paidCycle(2);
    const [taken, elsewhere] = payouts as [PayoutBody, PayoutBody];
    await setPayoutColumns(taken.id, { status: "failed" });
    await setPayoutColumns(elsewhere.id, { status: "failed" });
    await reconcileOk({ cycleId });
    const [takenTicket] = await reconciliationTickets(taken.id);
    const [elsewhereTicket] = await reconciliationTickets(elsewhere.id);
    expect((await api("admin", "POST", `/v1/exceptions/${takenTicket!.id}/status`, { status: "in_progress", note: "Looking." })).status).toBe(200);

    // Both are fixed; the day's run (another scope) is clean for them, the cycle's run is not run yet.
    await setPayoutColumns(taken.id, { status: "processed" });
    await setPayoutColumns(elsewhere.id, { status: "processed" });
    const today = await reconcileOk({ date: new Date().toISOString().slice(0, 10) });
    expect(mismatchesFor(today, [taken.id, elsewhere.id])).toEqual([]);
    expect((await reconciliationTickets(elsewhere.id)).map((t) => t.status)).toEqual(["open"]);

    await reconcileOk({ cycleId });
    expect((await reconciliationTickets(elsewhere.id)).map((t) => [t.id, t.status])).toEqual([[elsewhereTicket!.id, "resolved"]]);
    expect((await reconciliationTickets(taken.id)).map((t) => [t.id, t.status])).toEqual([[takenTicket!.id, "in_progress"]]);
  });

  it("opens a new ticket when a resolved mismatch is found again", async () => {
    const { cycleId, payouts } = await paidCycle(1);
    const p = payouts[0]!;
    await setPayoutColumns(p.id, { status: "failed" });
    await reconcileOk({ cycleId });
    const [first] = await reconciliationTickets(p.id);
    const resolved = await api("admin", "POST", `/v1/exceptions/${first!.id}/status`, { status: "resolved", note: "Investigated; the bank will be asked." });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.retryStatus).toBeNull(); // investigation only: nothing is paid again
    await reconcileOk({ cycleId });
    expect((await reconciliationTickets(p.id)).map((t) => t.status)).toEqual(["resolved", "open"]);
  });
});

describe("the daily cron", () => {
  const yesterday = () => new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);

  it("reconciles yesterday three ways and stores its audit report", async () => {
    const date = yesterday();
    const { payouts } = await paidCycle(2);
    const [right, wrong] = payouts as [PayoutBody, PayoutBody];
    await setCreatedAt([right.id, wrong.id], `${date}T12:00:00.000Z`);
    await setPayoutColumns(wrong.id, { status: "failed" });

    await runScheduled({ cron: DAILY_CRON, scheduledTime: Date.now() }, env);

    const runs = await api("auditor", "GET", "/v1/reconciliation/runs?scope=day&limit=100");
    const run = (runs.body.data as RunBody[]).find((r) => r.scopeKey === date)!;
    expect(run).toMatchObject({ scope: "day", actorId: "system:daily-audit" });
    expect(classesOf(run, wrong.id)).toEqual(["debited_but_not_paid"]);
    expect(classesOf(run, right.id)).toEqual([]);
    await expectOneTicketAndAlertEach(run, [right.id, wrong.id]);

    const stored = await api("auditor", "GET", `/v1/audit-reports/${date}`);
    expect(stored.status, JSON.stringify(stored.body)).toBe(200);
    expect(stored.body).toMatchObject({ date, generatedBy: "system:daily-audit" });
    const raw = await rawDayTotals(date);
    expect(stored.body.report).toMatchObject({
      date,
      reconciliationRunId: run.id,
      initiated: sumStatuses(raw, ["created", "queued", "processing", "unknown", "processed", "failed", "reversed", "cancelled"]),
      byStatus: { processed: sumStatuses(raw, ["processed"]), failed: sumStatuses(raw, ["failed"]) },
      debitedAtBankPaise: run.totals.bankDebitedPaise,
      creditedInLedgerPaise: run.totals.ledgerCreditedPaise,
      balanced: false,
    });
    expect(stored.body.report.byStatus.failed.count).toBeGreaterThanOrEqual(1);
    expect(stored.body.report.mismatches.byClass.debited_but_not_paid).toBeGreaterThanOrEqual(1);
  });

  it("fired twice at once, stores one report and raises no duplicate tickets", async () => {
    const date = yesterday();
    const { payouts } = await paidCycle(1);
    const p = payouts[0]!;
    await setCreatedAt([p.id], `${date}T13:00:00.000Z`);
    await setPayoutColumns(p.id, { status: "failed" });
    const before = (await api("auditor", "GET", `/v1/audit-reports/${date}`)).body.generationCount ?? 0;

    const controller = { cron: DAILY_CRON, scheduledTime: Date.now() };
    await Promise.all([runScheduled(controller, env), runScheduled(controller, env)]);

    const tickets = await reconciliationTickets(p.id);
    expect(tickets.map((t) => [t.cause, t.status])).toEqual([["reconciliation_debited_but_not_paid", "open"]]);
    expect(await alertsFor(tickets[0]!.id)).toHaveLength(1);
    const reports = await api("auditor", "GET", "/v1/audit-reports?limit=366");
    const forDate = reports.body.data.filter((r: { date: string }) => r.date === date);
    expect(forDate).toHaveLength(1);
    expect(forDate[0].generationCount).toBe(before + 2);
    const runs = await api("auditor", "GET", "/v1/reconciliation/runs?scope=day&limit=100");
    expect(runs.body.data.filter((r: RunBody) => r.scopeKey === date)).toHaveLength(1);
  });

  it("ignores other cron expressions for the daily job", async () => {
    const date = "2031-02-01";
    await runScheduled({ cron: "0 0 1 1 *", scheduledTime: Date.parse(`${date}T00:30:00.000Z`) + DAY_MS }, env);
    expect((await api("auditor", "GET", `/v1/audit-reports/${date}`)).status).toBe(404);
  });
});

describe("the API", () => {
  it("lets auditors and admins reconcile and read runs, and no one else", async () => {
    const { cycleId } = await paidCycle(1);
    for (const actor of ["maker", "checker", "system"] as const) {
      const res = await reconcile({ cycleId }, actor);
      expect(res.status, actor).toBe(403);
    }
    expect((await api(null, "POST", "/v1/reconciliation/runs", { cycleId })).status).toBe(401);
    expect((await api("maker", "GET", "/v1/reconciliation/runs")).status).toBe(403);
    expect((await reconcile({ cycleId }, "admin")).status).toBe(200);
  });

  it("needs exactly one of date and cycleId, and a real calendar date", async () => {
    for (const body of [{}, { date: "2031-01-05", cycleId: "cyc-x" }, { date: "2031-02-30" }, { date: "05/01/2031" }]) {
      const res = await api("auditor", "POST", "/v1/reconciliation/runs", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
    }
    const missing = await api("auditor", "GET", "/v1/reconciliation/runs/rec_nope");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("reconciliation_run_not_found");
  });

  it("imports a statement once, lists it, and refuses a bad line with 422 naming it", async () => {
    const utr = unique("UTRI").toUpperCase();
    const csv = statementCsv([{ date: "20/03/2031", utr, reference: null, creditPaise: 1_00 }]);
    const first = await importStatement(csv);
    expect(first.status).toBe(201);
    const again = await importStatement(csv, "system");
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const listed = await api("auditor", "GET", "/v1/bank-statements");
    expect(listed.body.data.filter((s: { id: string }) => s.id === first.body.id)).toHaveLength(1);
    expect((await importStatement(csv, "auditor")).status).toBe(403);

    const bad = await importStatement(`${csv.trimEnd()}\r\n\r\n31/02/2031,${utr}-2,,1.00,,INR,x\r\n`);
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: "malformed_statement", details: { line: 4 } });
    expect(bad.body.error.message).toMatch(/^Line 4: /);

    const mapped = await importStatement(`Txn Date,Ref No,Remarks,Amount,Dr/Cr\n21/03/2031,${utr}-3,,"1,23,456.78",CR\n`, "admin", {
      date: "Txn Date",
      bankReference: "Ref No",
      reference: "Remarks",
      amount: "Amount",
      direction: "Dr/Cr",
    });
    expect(mapped.status, JSON.stringify(mapped.body)).toBe(201);
    const line = await env.DB.prepare("SELECT direction, amount_paise FROM bank_statement_lines WHERE bank_reference = ?").bind(`${utr}-3`).first();
    expect(line).toEqual({ direction: "credit", amount_paise: 12_345_678 });
  });
});
