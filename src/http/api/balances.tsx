// A payee's money beyond one payout: its available, reserved and owed balances, its rolling-reserve
// terms, and its statement for a date range (JSON, CSV or a printable page).

import { z } from "@hono/zod-openapi";
import { reserveDefaults } from "../../config";
import { assertReserveTerms } from "../../domain/balances";
import { statementCsv } from "../../domain/remittance";
import { invalid } from "../../domain/errors";
import { setReserveTerms } from "../../store/balances";
import { database } from "../../store/client";
import { getPayeeRow } from "../../store/payees";
import { statementFor } from "../../store/remittance";
import { requireRole } from "../middleware/auth";
import { StatementPage } from "../pages/remittance";
import { routeOf, router } from "../router";
import { idempotencyHeader, idParam, jsonBody, jsonContent } from "../schemas";
import { balancesSchema, balancesView, reserveTermsInForceSchema, reserveTermsSchema, statementCsvHeaders, statementRange, statementSchema, statementView } from "../views/balances";

const routeBalances = routeOf("Payees");

const balancesRoute = routeBalances("get", "/{id}/balances", "A payee's available, reserved and owed amounts", {
  operationId: "getPayeeBalances",
  request: { params: idParam },
  responses: { 200: jsonContent(balancesSchema, "The balances") },
});

const setTermsRoute = routeBalances("put", "/{id}/reserve", "Set a payee's rolling-reserve terms", {
  operationId: "setReserveTerms",
  description: "Applies to settlements ingested from now on; a share already held is released on its own date. Audited.",
  middleware: [requireRole("admin", "risk")] as const,
  request: { params: idParam, headers: idempotencyHeader, body: jsonBody(reserveTermsSchema.strict().openapi("ReserveTerms", { example: { basisPoints: 500, days: 14 } })) },
  responses: { 200: jsonContent(reserveTermsInForceSchema, "The terms now in force") },
});

const statementRoute = routeBalances("get", "/{id}/statement", "A payee's statement for a date range", {
  operationId: "getPayeeStatement",
  description: "Opening balance, every movement of the payee's payable (earnings, adjustments, reserve, payouts) and the closing balance. `?format=csv` or `?format=html` (a printable page).",
  request: {
    params: idParam,
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Start, inclusive (ISO 8601); 30 days before `to` if omitted." }),
      to: z.iso.datetime({ offset: true }).optional().openapi({ description: "End, exclusive (ISO 8601); now if omitted." }),
      format: z.enum(["json", "csv", "html"]).optional(),
    }),
  },
  responses: {
    200: { description: "The statement", content: { "application/json": { schema: statementSchema }, "text/csv": { schema: z.string() }, "text/html": { schema: z.string() } } },
  },
});

export const balancesRouter = router()
  .openapi(balancesRoute, async (c) => {
    const db = database(c.env.DB);
    const payee = await getPayeeRow(db, c.req.valid("param").id);
    return c.json(await balancesView(db, payee, reserveDefaults(c.env)), 200);
  })
  .openapi(setTermsRoute, async (c) => {
    const db = database(c.env.DB);
    const payee = await getPayeeRow(db, c.req.valid("param").id);
    const terms = c.req.valid("json");
    assertReserveTerms(terms);
    await setReserveTerms(db, payee.id, terms, c.get("actor").actorId);
    return c.json({ ...terms, source: "payee" as const }, 200);
  })
  .openapi(statementRoute, async (c) => {
    const { from, to, format } = c.req.valid("query");
    const range = statementRange(from, to, Date.now());
    if (!range) throw invalid("invalid_range", "to must be after from.", { field: "to" });
    const statement = await statementFor(database(c.env.DB), c.req.valid("param").id, range.from, range.to);
    const accept = c.req.header("accept") ?? "";
    const wanted = format ?? (/text\/csv/.test(accept) ? "csv" : /text\/html/.test(accept) ? "html" : "json");
    if (wanted === "csv") {
      return c.body(statementCsv(statement), 200, statementCsvHeaders(statement.payeeId, range.from));
    }
    if (wanted === "html") return c.html(<StatementPage statement={statement} />);
    return c.json(statementView(statement), 200);
  });
