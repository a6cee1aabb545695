// Payouts: their status and their full timeline (state changes, bank calls, webhooks, polls,
// ledger postings), for operators and integrations.

import { createRoute, z } from "@hono/zod-openapi";
import { and, count, desc, eq, lt, type SQL, sum } from "drizzle-orm";
import { database } from "../../store/client";
import { getPayout, inCycle, payoutTimeline, payoutView } from "../../store/payouts";
import { payouts } from "../../store/schema";
import { PAYOUT_STATUSES } from "../../domain/statuses";
import { router } from "../router";
import { errorResponses, jsonContent, limitQuery } from "../schemas";

const payoutSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    itemId: z.string(),
    payeeId: z.string(),
    cycleId: z.string(),
    amountPaise: z.number().int(),
    currency: z.string(),
    status: z.enum(PAYOUT_STATUSES),
    idempotencyKey: z.string(),
    bankAccount: z.object({ accountNumberMasked: z.string(), ifsc: z.string() }),
    attempts: z.number().int(),
    bankReference: z.string().nullable(),
    failureCode: z.string().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    processedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi("Payout");

const eventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    actorId: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi("PayoutEvent");

const idParam = z.object({ id: z.string().max(100).openapi({ param: { name: "id", in: "path" } }) });

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Payouts"],
  summary: "List payouts, newest first",
  request: {
    query: z.object({
      limit: limitQuery,
      cursor: z.string().max(100).optional(),
      batchId: z.string().max(100).optional(),
      payeeId: z.string().max(100).optional(),
      status: z.enum(PAYOUT_STATUSES).optional(),
    }),
  },
  responses: { 200: jsonContent(z.object({ data: z.array(payoutSchema), nextCursor: z.string().nullable() }), "A page of payouts"), ...errorResponses },
});

const summaryRoute = createRoute({
  method: "get",
  path: "/summary",
  tags: ["Payouts"],
  summary: "Count payouts and their amounts by status, for a batch or a cycle",
  request: { query: z.object({ batchId: z.string().max(100).optional(), cycleId: z.string().max(60).optional() }) },
  responses: {
    200: jsonContent(
      z.object({ count: z.number().int(), amountPaise: z.number().int(), byStatus: z.record(z.string(), z.object({ count: z.number().int(), amountPaise: z.number().int() })) }).openapi("PayoutSummary"),
      "Counts and totals",
    ),
    ...errorResponses,
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Payouts"],
  summary: "Read a payout",
  request: { params: idParam },
  responses: { 200: jsonContent(payoutSchema, "The payout"), ...errorResponses },
});

const timelineRoute = createRoute({
  method: "get",
  path: "/{id}/timeline",
  tags: ["Payouts"],
  summary: "A payout's full timeline",
  request: { params: idParam },
  responses: { 200: jsonContent(z.object({ payout: payoutSchema, events: z.array(eventSchema) }), "The payout and its events, oldest first"), ...errorResponses },
});

export const payoutsRouter = router()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const conditions: SQL[] = [];
    if (q.batchId) conditions.push(eq(payouts.batchId, q.batchId));
    if (q.payeeId) conditions.push(eq(payouts.payeeId, q.payeeId));
    if (q.status) conditions.push(eq(payouts.status, q.status));
    if (q.cursor) conditions.push(lt(payouts.id, q.cursor));
    const rows = await database(c.env.DB)
      .select()
      .from(payouts)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(payouts.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit).map(payoutView);
    return c.json({ data: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null }, 200);
  })
  .openapi(summaryRoute, async (c) => {
    const q = c.req.valid("query");
    const conditions: SQL[] = [];
    const db = database(c.env.DB);
    if (q.batchId) conditions.push(eq(payouts.batchId, q.batchId));
    if (q.cycleId) conditions.push(inCycle(db, q.cycleId));
    const rows = await db
      .select({ status: payouts.status, n: count(), total: sum(payouts.amountPaise) })
      .from(payouts)
      .where(conditions.length ? and(...conditions) : undefined)
      .groupBy(payouts.status);
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, { count: r.n, amountPaise: Number(r.total ?? 0) }]));
    return c.json(
      { count: rows.reduce((n, r) => n + r.n, 0), amountPaise: rows.reduce((n, r) => n + Number(r.total ?? 0), 0), byStatus },
      200,
    );
  })
  .openapi(getRoute, async (c) => c.json(payoutView(await getPayout(database(c.env.DB), c.req.valid("param").id)), 200))
  .openapi(timelineRoute, async (c) => {
    const db = database(c.env.DB);
    const payout = await getPayout(db, c.req.valid("param").id);
    return c.json({ payout: payoutView(payout), events: await payoutTimeline(db, payout.id) }, 200);
  });
