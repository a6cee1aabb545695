// Order settlement ingestion: the marketplace reports each order's money breakdown once.

import { z } from "@hono/zod-openapi";
import { database } from "../../store/client";
import { reserveDefaults, statutorySettings } from "../../config";
import { getSettlement, ingestSettlement } from "../../store/settlements";
import { adjustmentsOfOrder, recordAdjustment } from "../../store/adjustments";
import { ADJUSTMENT_EXAMPLE, adjustmentInput, adjustmentSchema, adjustmentView } from "../views/adjustments";
import { settlementInput, settlementSchema, settlementView } from "../views/settlements";
import { routeOf, router } from "../router";
import { settlementsBulkRouter } from "./settlements-bulk";
import { requireRole } from "../middleware/auth";
import { idempotencyHeader, jsonBody, jsonContent, listOf } from "../schemas";

const routeSettlements = routeOf("Settlements");

const postSettlementRoute = routeSettlements("post", "/", "Ingest one order's settlement breakdown", {
  operationId: "createSettlement",
  description: "Posted as one balanced ledger transaction. Idempotent by orderId: the same breakdown again returns the original (200); a different one is a 409.",
  middleware: [requireRole("system")] as const,
  request: { headers: idempotencyHeader, body: jsonBody(settlementInput) },
  responses: { 201: jsonContent(settlementSchema, "Settled and posted"), 200: jsonContent(settlementSchema, "Already settled with the same breakdown") },
});

const getSettlementRoute = routeSettlements("get", "/{orderId}", "Read an order's settlement", {
  operationId: "getSettlement",
  request: { params: z.object({ orderId: z.string().max(100).openapi({ param: { name: "orderId", in: "path" } }) }) },
  responses: { 200: jsonContent(settlementSchema, "The settlement") },
});

const orderIdParam = z.object({ orderId: z.string().max(100).openapi({ param: { name: "orderId", in: "path" } }) });

const postAdjustmentRoute = routeSettlements("post", "/{orderId}/adjustments", "Record a refund, cancellation, chargeback or goodwill credit on a settled order", {
  operationId: "createAdjustment",
  description:
    "Posted as one balanced transaction linked to the order and landing in `cycleId`. Idempotent by adjustmentId: the same content again returns the original (200); different content is a 409. The order's cumulative refunds never exceed what the customer paid, per component (422 `refund_exceeds_paid` names the component and the excess).",
  middleware: [requireRole("system")] as const,
  request: { params: orderIdParam, headers: idempotencyHeader, body: jsonBody(adjustmentInput) },
  responses: { 201: jsonContent(adjustmentSchema, "Recorded and posted"), 200: jsonContent(adjustmentSchema, "Already recorded with the same content") },
});

const listAdjustmentsRoute = routeSettlements("get", "/{orderId}/adjustments", "List an order's adjustments", {
  operationId: "listAdjustments",
  request: { params: orderIdParam },
  responses: { 200: jsonContent(listOf(adjustmentSchema, ADJUSTMENT_EXAMPLE), "The order's adjustments, oldest first") },
});

export const settlementsRouter = router()
  .route("/", settlementsBulkRouter) // first: /bulk is the bulk route, never an order called "bulk"
  .openapi(postSettlementRoute, async (c) => {
    const { settlement, replayed } = await ingestSettlement(database(c.env.DB), c.req.valid("json"), c.get("actor").actorId, reserveDefaults(c.env), statutorySettings(c.env));
    return c.json(settlementView(settlement), replayed ? 200 : 201);
  })
  .openapi(getSettlementRoute, async (c) => c.json(settlementView(await getSettlement(database(c.env.DB), c.req.valid("param").orderId)), 200))
  .openapi(postAdjustmentRoute, async (c) => {
    const body = c.req.valid("json");
    const { adjustment, replayed } = await recordAdjustment(database(c.env.DB), { ...body, orderId: c.req.valid("param").orderId }, c.get("actor").actorId);
    return c.json(adjustmentView(adjustment), replayed ? 200 : 201);
  })
  .openapi(listAdjustmentsRoute, async (c) => {
    const db = database(c.env.DB);
    const { orderId } = c.req.valid("param");
    await getSettlement(db, orderId);
    const rows = await adjustmentsOfOrder(db, orderId);
    return c.json({ data: rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0)).map(adjustmentView) }, 200);
  });
