// Settlements in bulk: up to 1,000 orders in one call, as JSON or as a CSV file. Each order is
// validated and posted on its own, exactly as POST /v1/settlements would, and answered per line.

import { z } from "@hono/zod-openapi";
import { reserveDefaults, statutorySettings } from "../../config";
import { validationDetails } from "../../domain/errors";
import { database } from "../../store/client";
import { ingestSettlements, MAX_BULK_SETTLEMENTS } from "../../store/settlements-bulk";
import { ApiError, errorJson, onNotFound } from "../errors";
import { requireRole } from "../middleware/auth";
import { LARGE_BODY_LIMITS } from "../middleware/body";
import { routeOf, router } from "../router";
import { errorSchema, idempotencyHeader, jsonContent } from "../schemas";
import { type BulkLine, bulkEnvelope, bulkLineView, bulkSettlementsInput, bulkSettlementsSchema, bulkSettlementsView, type LineRefusal, noOrders, tooManyOrders } from "../views/settlements-bulk";
import { settlementInput } from "../views/settlements";
import { linesOfCsv, SETTLEMENT_CSV_COLUMNS, SETTLEMENTS_CSV_EXAMPLE } from "../views/settlements-csv";

const PATH = "/bulk";
const MAX_BYTES = LARGE_BODY_LIMITS["/v1/settlements/bulk"]!;

const postBulkRoute = routeOf("Settlements")("post", PATH, "Ingest up to 1,000 orders' settlements in one call, as JSON or CSV", {
  operationId: "createSettlementsInBulk",
  description: [
    `Each order is validated and posted on its own, exactly as POST /v1/settlements posts it (the same ledger transaction, idempotent by orderId), and answered in \`results\`, one per order in the order sent: \`created\`, \`replayed\`, \`conflict\` or \`invalid\` with the field and the reason. A bad order never blocks the others.`,
    `Send \`{"orders": [...]}\` as application/json, or a CSV file as text/csv: one order per row, a header naming the columns (${SETTLEMENT_CSV_COLUMNS.map((c) => `\`${c.name}\``).join(", ")}; a nested field by its path; optional columns may be left out and optional cells empty).`,
    `At most ${MAX_BULK_SETTLEMENTS.toLocaleString("en-IN")} orders (413 too_many_orders) and ${MAX_BYTES / 1024 / 1024} MiB (413 body_too_large). 200 when at least one order is created or replayed; when none is, nothing was written and the answer is 422 no_orders_posted with the same results in error.details.`,
  ].join("\n\n"),
  request: {
    headers: idempotencyHeader,
    body: {
      required: true,
      content: {
        "application/json": { schema: bulkSettlementsInput },
        "text/csv": { schema: z.string().openapi({ description: "One order per row under a header row (docs/api.md, Settlements in bulk).", example: SETTLEMENTS_CSV_EXAMPLE }) },
      },
    },
  },
  responses: {
    200: jsonContent(bulkSettlementsSchema, "One result per order, in order, and the count of each outcome"),
    413: { description: "More than 1,000 orders, or a body over the byte limit", content: { "application/json": { schema: errorSchema } } },
  },
});

const isCsv = (contentType: string | undefined) => contentType !== undefined && /^text\/csv\s*(;|$)/i.test(contentType);

export const settlementsBulkRouter = router();
// The route is described here and served by the handler below, not through .openapi(): that would
// validate every order with the body, and one bad order would then refuse them all.
settlementsBulkRouter.openAPIRegistry.registerPath(postBulkRoute);
settlementsBulkRouter
  .post(PATH, requireRole("system"), async (c) => {
    const text = await c.req.text();
    const lines = isCsv(c.req.header("content-type")) ? linesOfCsv(text) : linesOfJson(text);
    const checked = lines.map((line) => ({ line, ...checkLine(line) }));
    const valid = checked.filter((l) => l.input !== undefined);
    const outcomes = await ingestSettlements(database(c.env.DB), valid.map((l) => l.input!), c.get("actor").actorId, reserveDefaults(c.env), statutorySettings(c.env));
    const outcomeOf = new Map(valid.map((l, i) => [l.line, outcomes[i]!]));
    const view = bulkSettlementsView(checked.map(({ line, refused }) => bulkLineView(line, refused ?? outcomeOf.get(line)!)));
    if (view.counts.created + view.counts.replayed > 0) return c.json(view, 200);
    return errorJson(c, 422, "no_orders_posted", "No order in this call could be posted, so nothing was written; each result says why.", view);
  })
  // Every other method on /bulk is an unknown route, not a read of an order called "bulk".
  .all(PATH, (c) => onNotFound(c));

/** The orders of a JSON body: its shape is checked here, each order later on its own. */
function linesOfJson(text: string): BulkLine[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
  const orders = (body as { orders?: unknown } | null)?.orders;
  if (Array.isArray(orders) && orders.length > MAX_BULK_SETTLEMENTS) throw tooManyOrders(orders.length, "orders");
  const parsed = bulkEnvelope.safeParse(body);
  if (!parsed.success) throw new ApiError(400, "validation_failed", "The request json is not valid.", validationDetails(parsed.error));
  if (parsed.data.orders.length === 0) throw noOrders(`\`orders\` is empty: send 1 to ${MAX_BULK_SETTLEMENTS} orders.`);
  return parsed.data.orders.map((value, index) => ({ index, value }));
}

/** A line validated as POST /v1/settlements validates its body. */
function checkLine(line: BulkLine): { input?: z.infer<typeof settlementInput>; refused?: LineRefusal } {
  if ("refused" in line) return { refused: line.refused };
  const parsed = settlementInput.safeParse(line.value);
  if (parsed.success) return { input: parsed.data };
  const details = validationDetails(parsed.error);
  const first = details[0]!;
  return { refused: { code: "validation_failed", message: first.path ? `${first.path}: ${first.message}` : first.message, field: first.path || null, details } };
}
