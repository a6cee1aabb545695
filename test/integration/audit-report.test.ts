// The daily audit report: generated through the API for a day in the past (payouts moved there,
// so no other test's payouts share it), its figures checked against the payouts table itself,
// served as JSON and CSV to auditors and admins only, and regenerated idempotently.

import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { bank, configureBank, tickBank } from "../support/execution";
import { getPayoutBody, importStatement, paidCycle, type PayoutBody, rawDayTotals, setCreatedAt, statementCsv, sumStatuses } from "../support/recon";

const DATE = "2020-02-14";
const MISMATCH_DATE = "2020-03-02";
const ALL = ["created", "queued", "processing", "unknown", "processed", "failed", "reversed", "cancelled"];

let payouts: Record<"processed" | "failed" | "reversed" | "pending", PayoutBody>;

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
  // One payout in each kind of status, all created on DATE, and the bank's statement for it.
  const paid = await paidCycle(3, { accountNumbers: ["", "123456780000", ""] });
  const waiting = await paidCycle(1, { consume: false });
  const [processed, failed, reversed] = paid.payouts as [PayoutBody, PayoutBody, PayoutBody];
  await tickBank();
  await bank(`/admin/transfers/${reversed.id}/reverse`, {});
  await tickBank();
  payouts = {
    processed: await getPayoutBody(processed.id),
    failed: await getPayoutBody(failed.id),
    reversed: await getPayoutBody(reversed.id),
    pending: await getPayoutBody(waiting.payouts[0]!.id),
  };
  expect(Object.values(payouts).map((p) => p.status)).toEqual(["processed", "failed", "reversed", "queued"]);
  await setCreatedAt(
    Object.values(payouts).map((p) => p.id),
    `${DATE}T09:30:00.000Z`,
  );
  const imported = await importStatement(
    statementCsv([
      { date: "14/02/2020", utr: payouts.processed.bankReference!, reference: payouts.processed.id, debitPaise: payouts.processed.amountPaise },
      { date: "14/02/2020", utr: payouts.reversed.bankReference!, reference: payouts.reversed.id, debitPaise: payouts.reversed.amountPaise },
      { date: "15/02/2020", utr: payouts.reversed.bankReference!, reference: payouts.reversed.id, creditPaise: payouts.reversed.amountPaise },
    ]),
  );
  expect(imported.status, JSON.stringify(imported.body)).toBe(201);
});

const generate = (date: string, actor: "auditor" | "admin" = "auditor") => api(actor, "POST", "/v1/audit-reports", { date });

describe("generating a day's report", () => {
  it("reports the day's totals by status exactly as the payouts table has them, balanced three ways", async () => {
    const res = await generate(DATE);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ date: DATE, generatedBy: "auditor-abe", generationCount: 1 });
    const raw = await rawDayTotals(DATE);
    const amount = (p: PayoutBody) => ({ count: 1, amountPaise: p.amountPaise });
    const report = res.body.report;
    expect(report).toMatchObject({
      date: DATE,
      currency: "INR",
      initiated: sumStatuses(raw, ALL),
      byStatus: {
        processed: sumStatuses(raw, ["processed"]),
        failed: sumStatuses(raw, ["failed"]),
        reversed: sumStatuses(raw, ["reversed"]),
        pending: sumStatuses(raw, ["created", "queued", "processing", "unknown"]),
        cancelled: sumStatuses(raw, ["cancelled"]),
      },
      bankSource: "statement",
      balanced: true,
      mismatches: { count: 0, byClass: {} },
    });
    // The day holds exactly the four payouts moved there, so the raw figures are theirs.
    expect(report.initiated).toEqual({ count: 4, amountPaise: Object.values(payouts).reduce((s, p) => s + p.amountPaise, 0) });
    expect(report.byStatus).toEqual({
      processed: amount(payouts.processed),
      failed: amount(payouts.failed),
      reversed: amount(payouts.reversed),
      pending: amount(payouts.pending),
      cancelled: { count: 0, amountPaise: 0 },
    });
    const paidPaise = payouts.processed.amountPaise + payouts.reversed.amountPaise;
    expect(report).toMatchObject({
      debitedAtBankPaise: paidPaise,
      creditedInLedgerPaise: paidPaise,
      returnedAtBankPaise: payouts.reversed.amountPaise,
      returnedInLedgerPaise: payouts.reversed.amountPaise,
    });
    // Tickets still open anywhere, by cause; this day's failed and returned payouts are among them.
    expect(report.openExceptions.count).toBe(Object.values(report.openExceptions.byCause as Record<string, number>).reduce((s, n) => s + n, 0));
    expect(report.openExceptions.byCause.invalid_bank_details).toBeGreaterThanOrEqual(1);
    expect(report.openExceptions.byCause.payout_reversed).toBeGreaterThanOrEqual(1);

    const runs = await api("auditor", "GET", "/v1/reconciliation/runs?scope=day&limit=100");
    const run = runs.body.data.find((r: { scopeKey: string }) => r.scopeKey === DATE);
    expect(report.reconciliationRunId).toBe(run.id);
  });

  it("regenerates idempotently: the same figures, one more generation", async () => {
    const first = (await api("auditor", "GET", `/v1/audit-reports/${DATE}`)).body;
    const again = await generate(DATE, "admin");
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ date: DATE, generatedBy: "admin-ada", generationCount: first.generationCount + 1 });
    // Open tickets are counted across every day, so they may move with other work; all else may not.
    const { openExceptions: _a, ...figures } = first.report;
    const { openExceptions: _b, ...regenerated } = again.body.report;
    expect(regenerated).toEqual(figures);
    const listed = await api("auditor", "GET", "/v1/audit-reports?limit=366");
    expect(listed.body.data.filter((r: { date: string }) => r.date === DATE)).toEqual([expect.objectContaining({ generationCount: first.generationCount + 1 })]);
  });

  it("counts a day's mismatches by class", async () => {
    const { payouts: day } = await paidCycle(2);
    const [seen, unseen] = day as [PayoutBody, PayoutBody];
    await setCreatedAt([seen.id, unseen.id], `${MISMATCH_DATE}T11:00:00.000Z`);
    const imported = await importStatement(statementCsv([{ date: "02/03/2020", utr: seen.bankReference!, reference: seen.id, debitPaise: seen.amountPaise }]));
    expect(imported.status).toBe(201);
    const res = await generate(MISMATCH_DATE);
    expect(res.status).toBe(200);
    expect(res.body.report).toMatchObject({
      balanced: false,
      mismatches: { count: 1, byClass: { missing_at_bank: 1 } },
      debitedAtBankPaise: seen.amountPaise,
      creditedInLedgerPaise: seen.amountPaise + unseen.amountPaise,
      byStatus: { processed: { count: 2, amountPaise: seen.amountPaise + unseen.amountPaise } },
    });
    const csv = await api("auditor", "GET", `/v1/audit-reports/${MISMATCH_DATE}?format=csv`);
    expect(csv.body).toContain("\nmismatches,1,\n");
    expect(csv.body).toContain("\nmismatch_missing_at_bank,1,\n");
  });

  it("refuses a date that is not a calendar date and reports a day never generated as not found", async () => {
    const bad = await api("auditor", "POST", "/v1/audit-reports", { date: "2020-02-30" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    const missing = await api("auditor", "GET", "/v1/audit-reports/1999-12-31");
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("audit_report_not_found");
  });
});

describe("reading a report", () => {
  it("serves JSON by default, the same as the generation returned", async () => {
    const res = await api("auditor", "GET", `/v1/audit-reports/${DATE}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({ date: DATE, report: expect.objectContaining({ date: DATE, currency: "INR" }) });
  });

  it("serves CSV for ?format=csv, one metric per line, with the JSON's figures", async () => {
    const json = (await api("auditor", "GET", `/v1/audit-reports/${DATE}`)).body.report;
    const res = await api("auditor", "GET", `/v1/audit-reports/${DATE}?format=csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="disburse-audit-${DATE}.csv"`);
    const lines = (res.body as string).trimEnd().split("\n");
    const rows = new Map(lines.map((l) => [l.split(",")[0]!, l.split(",").slice(1)]));
    expect(rows.size).toBe(lines.length); // one line per metric
    expect(rows.get("metric")).toEqual(["count", "amount_paise"]);
    expect(rows.get("initiated")).toEqual([String(json.initiated.count), String(json.initiated.amountPaise)]);
    for (const status of ["processed", "failed", "reversed", "pending", "cancelled"]) {
      expect(rows.get(`status_${status}`), status).toEqual([String(json.byStatus[status].count), String(json.byStatus[status].amountPaise)]);
    }
    expect(rows.get("debited_at_bank")).toEqual(["", String(json.debitedAtBankPaise)]);
    expect(rows.get("credited_in_ledger")).toEqual(["", String(json.creditedInLedgerPaise)]);
    expect(rows.get("returned_at_bank")).toEqual(["", String(json.returnedAtBankPaise)]);
    expect(rows.get("returned_in_ledger")).toEqual(["", String(json.returnedInLedgerPaise)]);
    expect(rows.get("mismatches")).toEqual(["0", ""]);
  });

  it("serves CSV for Accept: text/csv, unless JSON is asked for by name", async () => {
    const csv = await api("auditor", "GET", `/v1/audit-reports/${DATE}`, undefined, { accept: "text/csv" });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.body).toMatch(/^metric,count,amount_paise\n/);
    const json = await api("auditor", "GET", `/v1/audit-reports/${DATE}?format=json`, undefined, { accept: "text/csv" });
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(json.body.date).toBe(DATE);
  });

  it("is for auditors and admins only", async () => {
    for (const actor of ["maker", "checker", "system"] as const) {
      expect((await api(actor, "POST", "/v1/audit-reports", { date: DATE })).status, actor).toBe(403);
      expect((await api(actor, "GET", `/v1/audit-reports/${DATE}`)).status, actor).toBe(403);
      expect((await api(actor, "GET", `/v1/audit-reports/${DATE}?format=csv`)).status, actor).toBe(403);
      expect((await api(actor, "GET", "/v1/audit-reports")).status, actor).toBe(403);
    }
    expect((await api(null, "GET", `/v1/audit-reports/${DATE}`)).status).toBe(401);
    expect((await api("admin", "GET", `/v1/audit-reports/${DATE}?format=csv`)).status).toBe(200);
    expect((await api("auditor", "GET", "/v1/audit-reports")).status).toBe(200);
  });
});
