// Order settlement ingestion: the marketplace reports each order's money breakdown once.

import { z } from "@hono/zod-openapi";
import { database } from "../../store/client";
import { getSettlement, ingestSettlement } from "../../store/settlements";
import { settlementInput, settlementSchema, settlementView } from "../views/settlements";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { idempotencyHeader, jsonBody, jsonContent } from "../schemas";

const routeSettlements = routeOf("Settlements");

const postSettlementRoute = routeSettlements("post", "/", "Ingest one order's settlement breakdown", {
  description: "Posted as one balanced ledger transaction. Idempotent by orderId: the same breakdown again returns the original (200); a different one is a 409.",
  middleware: [requireRole("system")] as const,
  request: { headers: idempotencyHeader, body: jsonBody(settlementInput) },
  responses: { 201: jsonContent(settlementSchema, "Settled and posted"), 200: jsonContent(settlementSchema, "Already settled with the same breakdown") },
});

const getSettlementRoute = routeSettlements("get", "/{orderId}", "Read an order's settlement", {
  request: { params: z.object({ orderId: z.string().max(100).openapi({ param: { name: "orderId", in: "path" } }) }) },
  responses: { 200: jsonContent(settlementSchema, "The settlement") },
});

export const settlementsRouter = router()
  .openapi(postSettlementRoute, async (c) => {
    const { settlement, replayed } = await ingestSettlement(database(c.env.DB), c.req.valid("json"), c.get("actor").actorId);
    return c.json(settlementView(settlement), replayed ? 200 : 201);
  })
  .openapi(getSettlementRoute, async (c) => c.json(settlementView(await getSettlement(database(c.env.DB), c.req.valid("param").orderId)), 200));
