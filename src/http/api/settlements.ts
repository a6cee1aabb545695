// Order settlement ingestion: the marketplace reports each order's money breakdown once.

import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../../store/client";
import { getSettlement, ingestSettlement } from "../../store/settlements";
import { router } from "../router";
import { requireRole } from "../middleware/auth";
import { amountPaise, componentPaise, currency, errorResponses, idempotencyHeader, jsonContent, reference } from "../schemas";

const settlementInput = z
  .object({
    orderId: reference(100).openapi({ example: "ORD-10001" }),
    cycleId: reference(60).openapi({ example: "2026-W48" }),
    sellerPayeeId: z.string().min(1).max(100),
    deliveryPartnerPayeeId: z.string().min(1).max(100).nullable().default(null),
    currency: currency.default("INR"),
    grossAmountPaise: amountPaise.openapi({ description: "Order value of the goods at the seller's price." }),
    platformFeePaise: componentPaise.openapi({ description: "Commission kept by the marketplace from the seller." }),
    discountPaise: componentPaise.openapi({ description: "Platform-funded discount given to the customer." }),
    voucherPaise: componentPaise.openapi({ description: "Platform-funded voucher redeemed by the customer." }),
    walletAmountPaise: componentPaise.openapi({ description: "Part of the order paid from the customer's wallet." }),
    deliveryFeePaise: componentPaise.openapi({ description: "Delivery fee charged to the customer, owed to the delivery partner." }),
    amountCollectedPaise: componentPaise.openapi({
      description: "What the customer paid: gross + delivery fee − discount − voucher − wallet.",
    }),
  })
  .strict()
  .openapi("SettlementInput");

const settlementSchema = settlementInput
  .extend({
    deliveryPartnerPayeeId: z.string().nullable(),
    sellerPayablePaise: z.number().int(),
    transactionId: z.string(),
    actorId: z.string(),
    createdAt: z.string(),
  })
  .openapi("Settlement");

const postSettlementRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["Settlements"],
  summary: "Ingest one order's settlement breakdown",
  description: "Posted as one balanced ledger transaction. Idempotent by orderId: the same breakdown again returns the original (200); a different one is a 409.",
  middleware: [requireRole("system")] as const,
  request: { headers: idempotencyHeader, body: { required: true, content: { "application/json": { schema: settlementInput } } } },
  responses: {
    201: jsonContent(settlementSchema, "Settled and posted"),
    200: jsonContent(settlementSchema, "Already settled with the same breakdown"),
    ...errorResponses,
  },
});

const getSettlementRoute = createRoute({
  method: "get",
  path: "/{orderId}",
  tags: ["Settlements"],
  summary: "Read an order's settlement",
  request: { params: z.object({ orderId: z.string().max(100).openapi({ param: { name: "orderId", in: "path" } }) }) },
  responses: { 200: jsonContent(settlementSchema, "The settlement"), ...errorResponses },
});

export const settlementsRouter = router()
  .openapi(postSettlementRoute, async (c) => {
    const { settlement, replayed } = await ingestSettlement(database(c.env.DB), c.req.valid("json"), c.get("actor").actorId);
    return c.json(settlement, replayed ? 200 : 201);
  })
  .openapi(getSettlementRoute, async (c) => c.json(await getSettlement(database(c.env.DB), c.req.valid("param").orderId), 200));
