// Payout batches: the maker creates, reconciles, excludes and submits; checkers approve or
// reject. Amounts always come from the ledger, never from the caller.

import { z } from "@hono/zod-openapi";
import { batchSettings } from "../../config";
import { getBatch, listBatches } from "../../store/batches";
import { database } from "../../store/client";
import { BATCH_STATUSES } from "../../domain/statuses";
import { servicesFor } from "../../deps";
import { decide } from "../../services/approvals";
import { cancelBatch, createBatch, excludeItem, reconcileBatch, submitBatch } from "../../services/batches";
import { releaseApprovedBatch } from "../../services/release";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { currency, humanText, idempotencyHeader, idParam, jsonBody, jsonContent, limitQuery, reference } from "../schemas";
import { batchListSchema, batchListView, batchSchema, batchView, decisionSchema, decisionView } from "../views/batches";

const routeBatches = routeOf("Batches");
const routeApprovals = routeOf("Approvals");

const createBatchRoute = routeBatches("post", "/", "Create a payout batch for a cycle (maker)", {
  operationId: "createBatch",
  description:
    "One item per payee with an outstanding payable in the cycle (or per payee in `payeeIds`), computed from the ledger and checked by pre-payout reconciliation. The same cycle and payee set returns the existing live batch (200).",
  middleware: [requireRole("maker")] as const,
  request: {
    headers: idempotencyHeader,
    body: jsonBody(
      z
        .object({
          cycleId: reference(60),
          currency: currency.default("INR"),
          payeeIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
        })
        .strict()
        .openapi("CreateBatch", { example: { cycleId: "2026-W48", currency: "INR" } }),
    ),
  },
  responses: { 201: jsonContent(batchSchema, "Created"), 200: jsonContent(batchSchema, "The existing live batch for this cycle and payee set") },
});

const listRoute = routeBatches("get", "/", "List batches, newest first", {
  operationId: "listBatches",
  request: { query: z.object({ limit: limitQuery, cursor: z.string().max(100).optional(), cycleId: z.string().max(60).optional(), status: z.enum(BATCH_STATUSES).optional() }) },
  responses: { 200: jsonContent(batchListSchema, "A page of batches") },
});

const getRoute = routeBatches("get", "/{id}", "Read a batch with its items and reconciliation results", {
  operationId: "getBatch",
  request: { params: idParam },
  responses: { 200: jsonContent(batchSchema, "The batch") },
});

const makerAction = (operationId: string, path: string, summary: string, description: string, bodySchema?: z.ZodType) =>
  routeBatches("post", path, summary, {
    operationId,
    description,
    middleware: [requireRole("maker")] as const,
    request: { params: path.includes("{itemId}") ? idParam.extend({ itemId: z.string().max(100).openapi({ param: { name: "itemId", in: "path" } }) }) : idParam, ...(bodySchema ? { body: jsonBody(bodySchema) } : {}) },
    responses: { 200: jsonContent(batchSchema, "The batch") },
  });

const reasonBody = z.object({ reason: humanText(500) }).strict();

const reconcileRoute = makerAction("reconcileBatch", "/{id}/reconcile", "Re-run pre-payout reconciliation on a draft", "Recomputes every live item's amount and checks from the ledger.");
const excludeRoute = makerAction("excludeBatchItem", "/{id}/items/{itemId}/exclude", "Exclude an item from a draft, with a reason", "The payee is then free to be paid in another batch of the cycle.", reasonBody.openapi("ExcludeItem", { example: { reason: "The seller disputes the return on ORD-1001; pay it next week" } }));
const submitRoute = makerAction(
  "submitBatch",
  "/{id}/submit",
  "Submit a draft for approval",
  "Re-runs reconciliation; refuses while any item is blocked. Freezes and fingerprints the content, and sends each eligible checker a signed approval link.",
);
const cancelRoute = makerAction("cancelBatch", "/{id}/cancel", "Cancel a draft or pending batch", "Releases its payees.", reasonBody.openapi("CancelBatch", { example: { reason: "Built before the late settlements arrived; rebuilding" } }));

const approveRoute = routeApprovals("post", "/{id}/approve", "Approve a batch (checker, not its maker)", {
  operationId: "approveBatch",
  description: "Bound to the fingerprint you reviewed: if anything changed, the approval is refused. Repeating your own approval is a no-op.",
  middleware: [requireRole("checker")] as const,
  request: { params: idParam, body: jsonBody(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/) }).strict().openapi("ApproveBatch", { example: { fingerprint: "78e2a92d80f29316a34a727467cb8d5c565c6f26f67b687f14645b18723f79c9" } })) },
  responses: { 200: jsonContent(decisionSchema, "The batch after your approval") },
});
const rejectRoute = routeApprovals("post", "/{id}/reject", "Reject a batch with a reason (checker, not its maker)", {
  operationId: "rejectBatch",
  middleware: [requireRole("checker")] as const,
  request: {
    params: idParam,
    body: jsonBody(z.object({ fingerprint: z.string().regex(/^[0-9a-f]{64}$/), reason: humanText(500) }).strict().openapi("RejectBatch", { example: { fingerprint: "78e2a92d80f29316a34a727467cb8d5c565c6f26f67b687f14645b18723f79c9", reason: "The amount for Meena Stores is three times its usual week; check with the category team first" } })),
  },
  responses: { 200: jsonContent(decisionSchema, "The rejected batch") },
});

export const batchesRouter = router()
  .openapi(createBatchRoute, async (c) => {
    const { batch, existing } = await createBatch(database(c.env.DB), c.req.valid("json"), c.get("actor").actorId);
    return c.json(batchView(batch), existing ? 200 : 201);
  })
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(batchListView(await listBatches(database(c.env.DB), { limit: q.limit, before: q.cursor, cycleId: q.cycleId, status: q.status })), 200);
  })
  .openapi(getRoute, async (c) => c.json(batchView(await getBatch(database(c.env.DB), c.req.valid("param").id)), 200))
  .openapi(reconcileRoute, async (c) => c.json(batchView(await reconcileBatch(database(c.env.DB), c.req.valid("param").id, c.get("actor").actorId)), 200))
  .openapi(excludeRoute, async (c) => {
    const { id, itemId } = c.req.valid("param") as { id: string; itemId: string };
    const { reason } = c.req.valid("json" as never) as { reason: string };
    return c.json(batchView(await excludeItem(database(c.env.DB), id, itemId, reason, c.get("actor").actorId)), 200);
  })
  .openapi(submitRoute, async (c) => {
    const batch = await submitBatch(database(c.env.DB), c.req.valid("param").id, c.get("actor").actorId, batchSettings(c.env));
    return c.json(batchView(batch), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const { reason } = c.req.valid("json" as never) as { reason: string };
    return c.json(batchView(await cancelBatch(database(c.env.DB), c.req.valid("param").id, reason, c.get("actor").actorId)), 200);
  })
  .openapi(approveRoute, async (c) => {
    const outcome = await decide(database(c.env.DB), {
      batchId: c.req.valid("param").id,
      checkerId: c.get("actor").actorId,
      decision: "approve",
      fingerprint: c.req.valid("json").fingerprint,
      via: "api",
    });
    if (outcome.approvedNow) c.executionCtx.waitUntil(releaseApprovedBatch(servicesFor(c.env), outcome.batch.row.id));
    return c.json(decisionView(outcome.batch, outcome.recorded), 200);
  })
  .openapi(rejectRoute, async (c) => {
    const { fingerprint, reason } = c.req.valid("json");
    const outcome = await decide(database(c.env.DB), { batchId: c.req.valid("param").id, checkerId: c.get("actor").actorId, decision: "reject", fingerprint, reason, via: "api" });
    return c.json(decisionView(outcome.batch, outcome.recorded), 200);
  });
