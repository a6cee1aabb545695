// Payouts: their status and their full timeline (state changes, bank calls, webhooks, polls,
// ledger postings), for operators and integrations.

import { z } from "@hono/zod-openapi";
import { PAYOUT_STATUSES } from "../../domain/statuses";
import { database } from "../../store/client";
import { getPayout, listPayouts, payoutSummary, payoutTimeline } from "../../store/payouts";
import { routeOf, router } from "../router";
import { idParam, jsonContent, limitQuery, pageOf } from "../schemas";
import { PAYOUT_EXAMPLE, payoutEventSchema, payoutSchema, payoutView } from "../views/payouts";
import { ITEM_EXAMPLE, remittanceLineSchema } from "../views/batches";
import { remittanceCsv } from "../../domain/remittance";
import { remittanceFor } from "../../store/remittance";
import { RemittancePage } from "../pages/remittance";

const remittanceSchema = z
  .object({
    payoutId: z.string(),
    payeeId: z.string(),
    payeeName: z.string(),
    cycleId: z.string(),
    currency: z.string(),
    amountPaise: z.number().int(),
    status: z.string(),
    bankReference: z.string().nullable(),
    processedAt: z.string().nullable(),
    lines: z.array(remittanceLineSchema),
  })
  .openapi("RemittanceAdvice", {
    example: {
      payoutId: PAYOUT_EXAMPLE.id,
      payeeId: PAYOUT_EXAMPLE.payeeId,
      payeeName: "Meena Stores",
      cycleId: PAYOUT_EXAMPLE.cycleId,
      currency: "INR",
      amountPaise: PAYOUT_EXAMPLE.amountPaise,
      status: PAYOUT_EXAMPLE.status,
      bankReference: PAYOUT_EXAMPLE.bankReference,
      processedAt: PAYOUT_EXAMPLE.processedAt,
      lines: ITEM_EXAMPLE.lines,
    },
  });

const routePayouts = routeOf("Payouts");

const listRoute = routePayouts("get", "/", "List payouts, newest first", {
  operationId: "listPayouts",
  request: {
    query: z.object({
      limit: limitQuery,
      cursor: z.string().max(100).optional(),
      batchId: z.string().max(100).optional(),
      payeeId: z.string().max(100).optional(),
      status: z.enum(PAYOUT_STATUSES).optional(),
    }),
  },
  responses: { 200: jsonContent(pageOf(payoutSchema, PAYOUT_EXAMPLE), "A page of payouts") },
});

const summaryRoute = routePayouts("get", "/summary", "Count payouts and their amounts by status, for a batch or a cycle", {
  operationId: "summarizePayouts",
  request: { query: z.object({ batchId: z.string().max(100).optional(), cycleId: z.string().max(60).optional() }) },
  responses: { 200: jsonContent(
      z.object({ count: z.number().int(), amountPaise: z.number().int(), byStatus: z.record(z.string(), z.object({ count: z.number().int(), amountPaise: z.number().int() })) }).openapi("PayoutSummary", {
        example: { count: 2, amountPaise: 89240, byStatus: { processed: { count: 1, amountPaise: 85240 }, failed: { count: 1, amountPaise: 4000 } } },
      }),
      "Counts and totals",
    ) },
});

const getRoute = routePayouts("get", "/{id}", "Read a payout", {
  operationId: "getPayout",
  request: { params: idParam },
  responses: { 200: jsonContent(payoutSchema, "The payout") },
});

const remittanceRoute = routePayouts("get", "/{id}/remittance", "A payout's remittance advice", {
  operationId: "getRemittanceAdvice",
  description:
    "Every order, adjustment, reserve movement and carried balance that makes up the payout, each with its ledger transaction; the lines sum exactly to the amount paid. `?format=csv` or `?format=html` (a printable page); `Accept: text/csv` or `text/html` work too.",
  request: { params: idParam, query: z.object({ format: z.enum(["json", "csv", "html"]).optional() }) },
  responses: {
    200: { description: "The advice", content: { "application/json": { schema: remittanceSchema }, "text/csv": { schema: z.string() }, "text/html": { schema: z.string() } } },
  },
});

const timelineRoute = routePayouts("get", "/{id}/timeline", "A payout's full timeline", {
  operationId: "getPayoutTimeline",
  request: { params: idParam },
  responses: { 200: jsonContent(
      z.object({ payout: payoutSchema, events: z.array(payoutEventSchema) }).openapi({
        example: {
          payout: PAYOUT_EXAMPLE,
          events: [
            { id: 903, at: "2026-12-01T06:40:09.000Z", kind: "created", fromStatus: null, toStatus: "created", actorId: "system:payee-gate", details: {} },
            { id: 904, at: "2026-12-01T06:40:09.000Z", kind: "state_change", fromStatus: "created", toStatus: "queued", actorId: "system:payee-gate", details: { cause: "enqueued" } },
            { id: 906, at: "2026-12-01T06:40:11.000Z", kind: "bank_call", fromStatus: null, toStatus: null, actorId: "system:transfer-consumer", details: { attempt: 1, outcome: "accepted" } },
            { id: 907, at: "2026-12-01T06:40:11.000Z", kind: "state_change", fromStatus: "queued", toStatus: "processing", actorId: "system:transfer-consumer", details: { cause: "bank_response" } },
            { id: 912, at: "2026-12-01T06:44:30.000Z", kind: "state_change", fromStatus: "processing", toStatus: "processed", actorId: "webhook:razorpayx", details: { bankStatus: "processed", bankReference: "HDFCN52026120100417732" } },
          ],
        },
      }),
      "The payout and its events, oldest first",
    ) },
});

export const payoutsRouter = router()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listPayouts(database(c.env.DB), { ...q, before: q.cursor });
    return c.json({ data: page.data.map(payoutView), nextCursor: page.nextCursor }, 200);
  })
  .openapi(summaryRoute, async (c) => c.json(await payoutSummary(database(c.env.DB), c.req.valid("query")), 200))
  .openapi(getRoute, async (c) => c.json(payoutView(await getPayout(database(c.env.DB), c.req.valid("param").id)), 200))
  .openapi(timelineRoute, async (c) => {
    const db = database(c.env.DB);
    const payout = await getPayout(db, c.req.valid("param").id);
    return c.json({ payout: payoutView(payout), events: await payoutTimeline(db, payout.id) }, 200);
  })
  .openapi(remittanceRoute, async (c) => {
    const advice = await remittanceFor(database(c.env.DB), c.req.valid("param").id);
    const accept = c.req.header("accept") ?? "";
    const wanted = c.req.valid("query").format ?? (/text\/csv/.test(accept) ? "csv" : /text\/html/.test(accept) ? "html" : "json");
    if (wanted === "csv") {
      return c.body(remittanceCsv(advice), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="remittance-${advice.payoutId}.csv"`,
      });
    }
    if (wanted === "html") return c.html(<RemittancePage advice={advice} />);
    return c.json(advice, 200);
  });
