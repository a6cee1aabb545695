// Payouts: their status and their full timeline (state changes, bank calls, webhooks, polls,
// ledger postings), for operators and integrations.

import { z } from "@hono/zod-openapi";
import { PAYOUT_STATUSES } from "../../domain/statuses";
import { database } from "../../store/client";
import { getPayout, listPayouts, payoutSummary, payoutTimeline } from "../../store/payouts";
import { routeOf, router } from "../router";
import { idParam, jsonContent, limitQuery, pageOf } from "../schemas";
import { payoutEventSchema, payoutSchema, payoutView } from "../views/payouts";

const routePayouts = routeOf("Payouts");

const listRoute = routePayouts("get", "/", "List payouts, newest first", {
  request: {
    query: z.object({
      limit: limitQuery,
      cursor: z.string().max(100).optional(),
      batchId: z.string().max(100).optional(),
      payeeId: z.string().max(100).optional(),
      status: z.enum(PAYOUT_STATUSES).optional(),
    }),
  },
  responses: { 200: jsonContent(pageOf(payoutSchema), "A page of payouts") },
});

const summaryRoute = routePayouts("get", "/summary", "Count payouts and their amounts by status, for a batch or a cycle", {
  request: { query: z.object({ batchId: z.string().max(100).optional(), cycleId: z.string().max(60).optional() }) },
  responses: { 200: jsonContent(
      z.object({ count: z.number().int(), amountPaise: z.number().int(), byStatus: z.record(z.string(), z.object({ count: z.number().int(), amountPaise: z.number().int() })) }).openapi("PayoutSummary"),
      "Counts and totals",
    ) },
});

const getRoute = routePayouts("get", "/{id}", "Read a payout", {
  request: { params: idParam },
  responses: { 200: jsonContent(payoutSchema, "The payout") },
});

const timelineRoute = routePayouts("get", "/{id}/timeline", "A payout's full timeline", {
  request: { params: idParam },
  responses: { 200: jsonContent(z.object({ payout: payoutSchema, events: z.array(payoutEventSchema) }), "The payout and its events, oldest first") },
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
  });
