// Payee holds, for the risk team: place one with a reason (and optionally an end), list a payee's
// holds, and release one, which takes a second person. Held payees' items are not paid.

import { z } from "@hono/zod-openapi";
import { placeHold, listHolds, releaseHold } from "../../services/holds";
import { database, nowIso } from "../../store/client";
import { requireRole } from "../middleware/auth";
import { routeOf, router } from "../router";
import { humanText, idempotencyHeader, idParam, jsonBody, jsonContent, listOf } from "../schemas";
import { HOLD_EXAMPLE, holdSchema, holdView } from "../views/holds";

const routeHolds = routeOf("Payees");

const RISK_ROLES = ["admin", "risk"] as const;
const holdParams = idParam.extend({ holdId: z.string().max(100).openapi({ param: { name: "holdId", in: "path" } }) });

const placeRoute = routeHolds("post", "/{id}/holds", "Put a payee on hold", {
  operationId: "placeHold",
  description: "The payee's items are not paid while the hold is in force: they show in a batch as `held`, outside its total. A payout already at the bank is not affected.",
  middleware: [requireRole(...RISK_ROLES)] as const,
  request: {
    params: idParam,
    headers: idempotencyHeader,
    body: jsonBody(
      z
        .object({ reason: humanText(500), endsAt: z.iso.datetime().optional().openapi({ description: "When the hold lapses by itself (UTC); omit for a hold until released." }) })
        .strict()
        .openapi("PlaceHold", { example: { reason: "Three chargebacks this week; reviewing the seller's recent orders", endsAt: "2026-12-06T18:30:00Z" } }),
    ),
  },
  responses: { 201: jsonContent(holdSchema, "The hold") },
});

const listRoute = routeHolds("get", "/{id}/holds", "List a payee's holds, newest first", {
  operationId: "listHolds",
  middleware: [requireRole(...RISK_ROLES, "auditor", "maker", "checker")] as const,
  request: { params: idParam },
  responses: { 200: jsonContent(listOf(holdSchema, HOLD_EXAMPLE), "The payee's holds") },
});

const releaseRoute = routeHolds("post", "/{id}/holds/{holdId}/release", "Release a hold (someone other than who placed it)", {
  operationId: "releaseHold",
  middleware: [requireRole(...RISK_ROLES)] as const,
  request: { params: holdParams, body: jsonBody(z.object({ note: humanText(500) }).strict().openapi("ReleaseHold", { example: { note: "Orders checked with the seller; chargebacks were customer error" } })) },
  responses: { 200: jsonContent(holdSchema, "The released hold") },
});

export const holdsRouter = router()
  .openapi(placeRoute, async (c) => {
    const hold = await placeHold(database(c.env.DB), c.req.valid("param").id, c.req.valid("json"), c.get("actor").actorId);
    return c.json(holdView(hold, nowIso()), 201);
  })
  .openapi(listRoute, async (c) => {
    const now = nowIso();
    return c.json({ data: (await listHolds(database(c.env.DB), c.req.valid("param").id)).map((h) => holdView(h, now)) }, 200);
  })
  .openapi(releaseRoute, async (c) => {
    const { id, holdId } = c.req.valid("param");
    const hold = await releaseHold(database(c.env.DB), id, holdId, c.req.valid("json").note, c.get("actor").actorId);
    return c.json(holdView(hold, nowIso()), 200);
  });
