// Statutory deduction rules (TDS under s.194-O, GST TCS under s.52, GST on the platform fee) as
// data: read the rules with their date ranges and sources, and record a change of law as a new rule.

import { z } from "@hono/zod-openapi";
import { DEDUCTION_BASES, DEDUCTION_KINDS, type DeductionRule, TAX_HEADS } from "../../domain/statutory";
import { PAYEE_TYPES } from "../../domain/payees";
import { invalid } from "../../domain/errors";
import { database, nowIso } from "../../store/client";
import { addDeductionRule, filingLines, listDeductionRules, listDues, recordRemittance, reversalsInPeriod } from "../../store/statutory";
import { csvRows } from "../../domain/remittance";
import { tcsReturnRows, tdsCertificateRows, tdsReturnRows } from "../../domain/statutory-filings";
import { requireRole } from "../middleware/auth";
import { routeOf, router } from "../router";
import { amountPaise, humanText, idempotencyHeader, jsonBody, jsonContent, listOf, reference } from "../schemas";

const routeStatutory = routeOf("Statutory");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date, YYYY-MM-DD");

const ruleFields = {
  kind: z.enum(DEDUCTION_KINDS),
  section: humanText(200).openapi({ example: "Income-tax Act 1961, s.194-O" }),
  payeeTypes: z.array(z.enum(PAYEE_TYPES)).min(1),
  pan: z.enum(["present", "absent", "any"]).openapi({ description: "Applies to payees with a PAN, without one, or either." }),
  gstin: z.enum(["present", "any"]),
  base: z.enum(DEDUCTION_BASES).openapi({ description: "gross_sale, net_taxable_value or platform_fee." }),
  rateBasisPoints: z.number().int().min(0).max(10_000).openapi({ description: "10 = 0.1 %." }),
  from: isoDate.openapi({ description: "In force from this date (inclusive)." }),
  annualThreshold: z
    .object({ grossPaise: z.number().int().min(0), holderTypes: z.array(z.string().max(40)).min(1) })
    .strict()
    .nullable()
    .openapi({ description: "No deduction while these PAN holder types' gross sales in the financial year stay within grossPaise." }),
  source: humanText(500).openapi({ description: "Where the rule comes from: the act, notification or circular, and its date." }),
};

/** TDS under s.194-O at 0.1 %, in force since 1 October 2024 (as migrations/0011 seeds it). */
const RULE_EXAMPLE = {
  id: "tds-194o-2024",
  kind: "tds_194o" as const,
  section: "Income-tax Act 1961, s.194-O",
  payeeTypes: ["seller" as const],
  pan: "present" as const,
  gstin: "any" as const,
  base: "gross_sale" as const,
  rateBasisPoints: 10,
  from: "2024-10-01",
  to: null,
  annualThreshold: { grossPaise: 50000000, holderTypes: ["individual", "hindu_undivided_family"] },
  source: "Finance (No. 2) Act 2024, clause 61 of the Bill: 1 % → 0.1 % from 1 Oct 2024",
};

const ruleSchema = z.object({ id: z.string(), ...ruleFields, to: isoDate.nullable() }).openapi("DeductionRule", { example: RULE_EXAMPLE });

const listRoute = routeStatutory("get", "/rules", "The statutory deduction rules, with their date ranges and sources", {
  operationId: "listDeductionRules",
  responses: { 200: jsonContent(listOf(ruleSchema, RULE_EXAMPLE), "Every rule, by kind and start date") },
});

/** The July 2024 cut of GST TCS, as it would be recorded had it happened after go-live. */
const NEW_RULE_EXAMPLE = {
  kind: "gst_tcs" as const,
  section: "CGST Act 2017, s.52",
  payeeTypes: ["seller" as const],
  pan: "any" as const,
  gstin: "present" as const,
  base: "net_taxable_value" as const,
  rateBasisPoints: 50,
  from: "2024-07-10",
  annualThreshold: null,
  source: "Notifications 15/2024-Central Tax and 01/2024-Integrated Tax of 10 Jul 2024 (0.25 % + 0.25 %, or 0.5 % IGST)",
  supersedes: "gst-tcs-2018",
};

const addRoute = routeStatutory("post", "/rules", "Record a change of law as a new deduction rule", {
  operationId: "createDeductionRule",
  description: "With `supersedes`, that rule (still in force) ends the day this one starts: orders dated before keep the old rate. Audited as `statutory.rule_added`.",
  middleware: [requireRole("admin")] as const,
  request: { headers: idempotencyHeader, body: jsonBody(z.object({ ...ruleFields, supersedes: z.string().max(100).nullable().default(null) }).strict().openapi("NewDeductionRule", { example: NEW_RULE_EXAMPLE })) },
  responses: { 201: jsonContent(ruleSchema, "The rule") },
});

const headSchema = z.enum(TAX_HEADS);
const period = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be a month, YYYY-MM");
const DUE_EXAMPLE = {
  kind: "tds_194o" as const,
  head: "TDS" as const,
  period: "2026-11",
  withheldPaise: 184300,
  reversedPaise: 1200,
  depositedPaise: 0,
  duePaise: 183100,
  dueDate: "2026-12-07",
  overdue: false,
};
const dueSchema = z
  .object({ kind: z.enum(DEDUCTION_KINDS), head: headSchema, period: z.string(), withheldPaise: z.number().int(), reversedPaise: z.number().int(), depositedPaise: z.number().int(), duePaise: z.number().int(), dueDate: z.string(), overdue: z.boolean() })
  .openapi("StatutoryDue", { example: DUE_EXAMPLE });

const duesRoute = routeStatutory("get", "/dues", "What was withheld, deposited and is still due, per tax kind, head and month", {
  operationId: "listStatutoryDues",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { query: z.object({ period: period.optional() }) },
  responses: { 200: jsonContent(listOf(dueSchema, DUE_EXAMPLE), "Dues, oldest month first, each with its due date and whether it is overdue") },
});

const REMITTANCE_EXAMPLE = {
  id: "srm_01m92taw807t3rgdpv2pp2",
  kind: "tds_194o",
  head: "TDS",
  period: "2026-11",
  amountPaise: 183100,
  reference: "CIN0510308291120260001",
  depositedOn: "2026-12-05",
  transactionId: "txn_01m92taw80hq6c3ysm2k0b",
};

const remitRoute = routeStatutory("post", "/remittances", "Record a deposit of withheld tax", {
  operationId: "createStatutoryRemittance",
  description:
    "A challan paid at the bank: posted once (the liability is debited, the bank credited), idempotent by `reference` per kind. More than is still due for the month is 422 `deposit_exceeds_due`. Audited as `statutory.remittance_recorded`.",
  middleware: [requireRole("admin")] as const,
  request: {
    headers: idempotencyHeader,
    body: jsonBody(
      z
        .object({ kind: z.enum(DEDUCTION_KINDS), head: headSchema, period, amountPaise: amountPaise, reference: reference(60).openapi({ example: "CIN0510308291120260001" }), depositedOn: z.iso.date() })
        .strict()
        .openapi("StatutoryRemittance", { example: { kind: "tds_194o", head: "TDS", period: "2026-11", amountPaise: 183100, reference: "CIN0510308291120260001", depositedOn: "2026-12-05" } }),
    ),
  },
  responses: {
    201: jsonContent(z.object({ id: z.string(), kind: z.string(), head: z.string(), period: z.string(), amountPaise: z.number().int(), reference: z.string(), depositedOn: z.string(), transactionId: z.string() }).openapi("StatutoryRemittanceRecord", { example: REMITTANCE_EXAMPLE }), "Recorded and posted"),
    200: jsonContent(z.object({ id: z.string() }).passthrough().openapi({ example: REMITTANCE_EXAMPLE }), "Already recorded with the same content"),
  },
});

const filingPeriod = z
  .string()
  .regex(/^(\d{4}-(0[1-9]|1[0-2])|\d{4}-\d{2}-Q[1-4])$/, "must be a month (YYYY-MM) or a financial-year quarter (YYYY-YY-Qn)")
  .openapi({ param: { name: "period", in: "path" }, description: "A month (YYYY-MM) or a financial-year quarter (2026-27-Q3 = October–December 2026).", example: "2026-27-Q3" });
const csvResponse = { 200: { description: "CSV, amounts in paise", content: { "text/csv": { schema: z.string() } } } };
const csvFile = (c: { body: (b: string, s: 200, h: Record<string, string>) => Response }, name: string, rows: Parameters<typeof csvRows>[0]) =>
  c.body(csvRows(rows), 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="disburse-${name}.csv"` });

const tdsRoute = routeStatutory("get", "/filings/tds/{period}", "TDS under s.194-O per deductee and order, in the shape of the quarterly TDS return (CSV)", {
  operationId: "exportTdsFiling",
  description: "Columns: order_id, deductee PAN and name, section, amount credited (the gross sale), date of credit, rate, TDS; a total line. Usually asked for a quarter.",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: z.object({ period: filingPeriod }) },
  responses: csvResponse,
});

const certificatesRoute = routeStatutory("get", "/filings/tds-certificates/{period}", "Per-seller TDS summary for the quarter's certificates (CSV)", {
  operationId: "exportTdsCertificates",
  description: "One line per deductee: PAN, name, payee, orders, amount credited, TDS deducted; a total line.",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: z.object({ period: filingPeriod }) },
  responses: csvResponse,
});

const tcsRoute = routeStatutory("get", "/filings/tcs/{period}", "GST TCS per supplier GSTIN, in the shape of the monthly TCS return (CSV)", {
  operationId: "exportTcsFiling",
  description: "One line per supplier GSTIN: gross supplies, returns, net taxable value, and the IGST, CGST and SGST collected net of what refunds gave back; a total line.",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: z.object({ period: filingPeriod }) },
  responses: csvResponse,
});

const ruleView = (r: DeductionRule) => ({ ...r, payeeTypes: [...r.payeeTypes], annualThreshold: r.annualThreshold && { ...r.annualThreshold, holderTypes: [...r.annualThreshold.holderTypes] } });

export const statutoryRouter = router()
  .openapi(tdsRoute, async (c) => {
    const { period: p } = c.req.valid("param");
    return csvFile(c, `tds-194o-${p}`, tdsReturnRows(await filingLines(database(c.env.DB), "tds_194o", p)));
  })
  .openapi(certificatesRoute, async (c) => {
    const { period: p } = c.req.valid("param");
    return csvFile(c, `tds-certificates-${p}`, tdsCertificateRows(await filingLines(database(c.env.DB), "tds_194o", p)));
  })
  .openapi(tcsRoute, async (c) => {
    const { period: p } = c.req.valid("param");
    const db = database(c.env.DB);
    return csvFile(c, `gst-tcs-${p}`, tcsReturnRows(await filingLines(db, "gst_tcs", p), await reversalsInPeriod(db, "gst_tcs", p)));
  })
  .openapi(duesRoute, async (c) => c.json({ data: await listDues(database(c.env.DB), nowIso().slice(0, 10), c.req.valid("query").period) }, 200))
  .openapi(remitRoute, async (c) => {
    const { remittance, replayed } = await recordRemittance(database(c.env.DB), c.req.valid("json"), c.get("actor").actorId);
    const view = { id: remittance.id, kind: remittance.kind, head: remittance.head, period: remittance.period, amountPaise: remittance.amountPaise, reference: remittance.reference, depositedOn: remittance.depositedOn, transactionId: remittance.transactionId };
    return replayed ? c.json(view, 200) : c.json(view, 201);
  })
  .openapi(listRoute, async (c) => c.json({ data: (await listDeductionRules(database(c.env.DB))).map(ruleView) }, 200))
  .openapi(addRoute, async (c) => {
    const { supersedes, ...rule } = c.req.valid("json");
    if (Number.isNaN(Date.parse(`${rule.from}T00:00:00Z`)) || new Date(`${rule.from}T00:00:00Z`).toISOString().slice(0, 10) !== rule.from) {
      throw invalid("invalid_date", `${rule.from} is not a calendar date.`, { field: "from" });
    }
    return c.json(ruleView(await addDeductionRule(database(c.env.DB), rule, supersedes, c.get("actor").actorId)), 201);
  });
