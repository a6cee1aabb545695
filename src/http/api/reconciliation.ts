// Post-payout reconciliation, bank statement imports and the daily audit reports.

import { z } from "@hono/zod-openapi";
import { bankGateway } from "../../deps";
import { getDailyReport, listDailyReports, reportCsv } from "../../store/audit-report";
import { database } from "../../store/client";
import { runReconciliation } from "../../services/reconciliation";
import { getRun, importStatement, listRuns, listStatements } from "../../store/reconciliation";
import { reconcileAndReport } from "../../services/daily-audit";
import { STATEMENT_FORMATS } from "../../domain/statement";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { idempotencyHeader, idParam, jsonBody, jsonContent, listOf, reference } from "../schemas";
import { servicesFor } from "../../deps";
import { RUN_EXAMPLE, runSchema } from "../views/reconciliation";

const routeReconciliation = routeOf("Reconciliation");
const routeAudit = routeOf("Audit");

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a calendar date")
  .openapi({ example: "2026-11-25" });


const runRoute = routeReconciliation("post", "/reconciliation/runs", "Reconcile a day or a cycle three ways (system, bank, ledger)", {
  operationId: "runReconciliation",
  description:
    "Matches every payout by reference and amount: System Initiated = Bank Debited = Ledger Credited. Each mismatch raises an exception ticket and an alert. Re-running gives the same result and no duplicate tickets.",
  middleware: [requireRole("auditor", "admin")] as const,
  request: {
    body: jsonBody(
      z
        .object({ date: date.optional(), cycleId: reference(60).optional() })
        .strict()
        .refine((v) => (v.date === undefined) !== (v.cycleId === undefined), "send exactly one of date and cycleId")
        .openapi("RunReconciliation", { example: { date: "2026-12-01" } }),
    ),
  },
  responses: { 200: jsonContent(runSchema, "The run's result") },
});

const listRunsRoute = routeReconciliation("get", "/reconciliation/runs", "List reconciliation runs, latest first", {
  operationId: "listReconciliationRuns",
  middleware: [requireRole("auditor", "admin")] as const,
  request: { query: z.object({ scope: z.enum(["day", "cycle"]).optional(), limit: z.coerce.number().int().min(1).max(100).default(30) }) },
  responses: { 200: jsonContent(listOf(runSchema, RUN_EXAMPLE), "Runs") },
});

const getRunRoute = routeReconciliation("get", "/reconciliation/runs/{id}", "Read a reconciliation run", {
  operationId: "getReconciliationRun",
  middleware: [requireRole("auditor", "admin")] as const,
  request: { params: idParam },
  responses: { 200: jsonContent(runSchema, "The run") },
});

const csvMapping = z
  .object({
    date: z.string().min(1).max(60),
    bankReference: z.string().min(1).max(60),
    reference: z.string().min(1).max(60),
    debit: z.string().min(1).max(60).optional(),
    credit: z.string().min(1).max(60).optional(),
    amount: z.string().min(1).max(60).optional(),
    direction: z.string().min(1).max(60).optional(),
    currency: z.string().min(1).max(60).optional(),
    description: z.string().min(1).max(60).optional(),
  })
  .strict()
  .refine((m) => (m.amount ? m.direction !== undefined : m.debit !== undefined && m.credit !== undefined), "map either amount + direction, or debit + credit");

/** December's first day of the payout account's statement, as exported by the bank. */
const STATEMENT_EXAMPLE = {
  id: "stm_01m8t5nqf0santj3f089n0",
  format: "csv",
  fileSha256: "29a35afe16493a9ecc14a4d5a196862b29a41d824b266e70c0d5d6b8ae900808",
  lineCount: 1,
  fromAt: "2026-12-01T00:00:00.000Z",
  toAt: "2026-12-01T00:00:00.000Z",
  actorId: "admin-ada",
  createdAt: "2026-12-02T01:25:00.000Z",
};

const statementSchema = z
  .object({ id: z.string(), format: z.string(), fileSha256: z.string(), lineCount: z.number().int(), fromAt: z.string().nullable(), toAt: z.string().nullable(), actorId: z.string(), createdAt: z.string() })
  .openapi("BankStatement", { example: STATEMENT_EXAMPLE });

const importRoute = routeReconciliation("post", "/bank-statements", "Import a bank statement file", {
  operationId: "importBankStatement",
  description: "CSV with a column mapping (default: the layout in docs/reconciliation.md). The same file again is a no-op returning the first import.",
  middleware: [requireRole("admin", "system")] as const,
  request: {
    headers: idempotencyHeader,
    body: jsonBody(
      z
        .object({ format: z.enum(STATEMENT_FORMATS), content: z.string().min(1).max(1_000_000), mapping: csvMapping.optional() })
        .strict()
        .openapi("ImportStatement", {
          example: {
            format: "csv",
            content: "Value Date,UTR,Customer Reference,Debit,Credit,Currency,Narration\r\n2026-12-01,HDFCN52026120100417732,po_01m8r5a298c0hzbyvz5e9v,852.40,,INR,NEFT to Meena Stores\r\n",
          },
        }),
    ),
  },
  responses: { 201: jsonContent(statementSchema, "Imported"), 200: jsonContent(statementSchema, "This file was already imported") },
});

const listStatementsRoute = routeReconciliation("get", "/bank-statements", "List imported bank statements", {
  operationId: "listBankStatements",
  middleware: [requireRole("admin", "auditor", "system")] as const,
  responses: { 200: jsonContent(listOf(statementSchema, STATEMENT_EXAMPLE), "Statements") },
});

/** The daily audit of 1 December 2026: one payout debited and credited as recorded, one failed and open. */
const REPORT_EXAMPLE = {
  date: "2026-12-01",
  generatedAt: "2026-12-02T01:30:01.000Z",
  generatedBy: "system:daily-audit",
  generationCount: 1,
  report: {
    date: "2026-12-01",
    currency: "INR",
    initiated: { count: 2, amountPaise: 89240 },
    byStatus: {
      processed: { count: 1, amountPaise: 85240 },
      failed: { count: 1, amountPaise: 4000 },
      reversed: { count: 0, amountPaise: 0 },
      pending: { count: 0, amountPaise: 0 },
      cancelled: { count: 0, amountPaise: 0 },
    },
    debitedAtBankPaise: 85240,
    creditedInLedgerPaise: 85240,
    returnedAtBankPaise: 0,
    returnedInLedgerPaise: 0,
    bankSource: "gateway:razorpayx",
    balanced: true,
    mismatches: { count: 0, byClass: {} },
    openExceptions: { count: 1, byCause: { bank_failure: 1 } },
    reconciliationRunId: RUN_EXAMPLE.id,
    statutory: [],
  },
};

const reportSchema = z
  .object({ date: z.string(), generatedAt: z.string(), generatedBy: z.string(), generationCount: z.number().int(), report: z.record(z.string(), z.unknown()) })
  .openapi("DailyAuditReport", { example: REPORT_EXAMPLE });

const generateReportRoute = routeAudit("post", "/audit-reports", "Reconcile a day and (re)generate its audit report", {
  operationId: "generateAuditReport",
  middleware: [requireRole("auditor", "admin")] as const,
  request: { body: jsonBody(z.object({ date }).strict().openapi("GenerateAuditReport", { example: { date: "2026-12-01" } })) },
  responses: { 200: jsonContent(reportSchema, "The stored report") },
});

const listReportsRoute = routeAudit("get", "/audit-reports", "List daily audit reports, newest first", {
  operationId: "listAuditReports",
  middleware: [requireRole("auditor", "admin")] as const,
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(366).default(31) }) },
  responses: { 200: jsonContent(listOf(reportSchema, REPORT_EXAMPLE), "Reports") },
});

const getReportRoute = routeAudit("get", "/audit-reports/{date}", "Read a day's audit report as JSON or CSV", {
  operationId: "getAuditReport",
  description: "`?format=csv` (or `Accept: text/csv`) returns one metric per line. The HTML view is /ops/audit/{date}.",
  middleware: [requireRole("auditor", "admin")] as const,
  request: { params: z.object({ date: date.openapi({ param: { name: "date", in: "path" } }) }), query: z.object({ format: z.enum(["json", "csv"]).optional() }) },
  responses: { 200: { description: "The report", content: { "application/json": { schema: reportSchema }, "text/csv": { schema: z.string() } } } },
});

export const reconciliationRouter = router()
  .openapi(runRoute, async (c) => {
    const body = c.req.valid("json");
    const actorId = c.get("actor").actorId;
    if (body.date) return c.json((await reconcileAndReport(servicesFor(c.env), body.date, actorId)).run, 200);
    return c.json(await runReconciliation(database(c.env.DB), bankGateway(c.env), { scope: "cycle", cycleId: body.cycleId! }, actorId), 200);
  })
  .openapi(listRunsRoute, async (c) => c.json({ data: await listRuns(database(c.env.DB), c.req.valid("query")) }, 200))
  .openapi(getRunRoute, async (c) => c.json(await getRun(database(c.env.DB), c.req.valid("param").id), 200))
  .openapi(importRoute, async (c) => {
    const { statement, replayed } = await importStatement(database(c.env.DB), c.req.valid("json"), c.get("actor").actorId);
    return c.json(statement, replayed ? 200 : 201);
  })
  .openapi(listStatementsRoute, async (c) => c.json({ data: await listStatements(database(c.env.DB), 100) }, 200))
  .openapi(generateReportRoute, async (c) => c.json((await reconcileAndReport(servicesFor(c.env), c.req.valid("json").date, c.get("actor").actorId)).report, 200))
  .openapi(listReportsRoute, async (c) => c.json({ data: await listDailyReports(database(c.env.DB), c.req.valid("query").limit) }, 200))
  .openapi(getReportRoute, async (c) => {
    const stored = await getDailyReport(database(c.env.DB), c.req.valid("param").date);
    const wantsCsv = c.req.valid("query").format === "csv" || (c.req.valid("query").format === undefined && /text\/csv/.test(c.req.header("accept") ?? ""));
    if (wantsCsv) {
      return c.body(reportCsv(stored.report), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="disburse-audit-${stored.date}.csv"`,
      });
    }
    return c.json(stored, 200);
  });
