// A payee's money beyond one payout: its available, reserved and owed balances, its rolling-reserve
// terms, and its statement for a date range (JSON, CSV or a printable page).

import { z } from "@hono/zod-openapi";
import { reserveDefaults } from "../../config";
import { assertReserveTerms } from "../../domain/balances";
import { statementCsv } from "../../domain/remittance";
import { invalid } from "../../domain/errors";
import { payeeBalances, reserveTermsOf, setReserveTerms } from "../../store/balances";
import { database } from "../../store/client";
import { getPayeeRow } from "../../store/payees";
import { statementFor } from "../../store/remittance";
import { requireRole } from "../middleware/auth";
import { StatementPage } from "../pages/remittance";
import { routeOf, router } from "../router";
import { idempotencyHeader, idParam, jsonBody, jsonContent } from "../schemas";

const routeBalances = routeOf("Payees");
const STATEMENT_DEFAULT_DAYS = 30;

const termsSchema = z.object({
  basisPoints: z.number().int().min(0).max(10_000).openapi({ description: "Share of each settlement held back, in basis points (100 = 1 %)." }),
  days: z.number().int().min(0).max(365).openapi({ description: "Days after the settlement when the held share is released." }),
});

const balancesSchema = z
  .object({
    payeeId: z.string(),
    currency: z.string(),
    availablePaise: z.number().int().openapi({ description: "The payable balance not yet paid or reserved for a payout (below zero when the payee owes money back)." }),
    reservedPaise: z.number().int().openapi({ description: "Held in the rolling reserve." }),
    owedPaise: z.number().int().openapi({ description: "What the payee owes back (a deficit to be netted), or 0." }),
    byCycle: z.array(z.object({ cycleId: z.string(), netPaise: z.number().int() })).openapi({ description: "Cycles whose net is not zero: owed in that cycle (positive) or a deficit not yet carried (negative)." }),
    reserveTerms: termsSchema.extend({ source: z.enum(["payee", "default"]) }),
    reserveHolds: z.array(z.object({ id: z.string(), orderId: z.string(), cycleId: z.string(), amountPaise: z.number().int(), releaseAt: z.string(), releasedAt: z.string().nullable(), releasedPaise: z.number().int().nullable() })),
  })
  .openapi("PayeeBalances");

const balancesRoute = routeBalances("get", "/{id}/balances", "A payee's available, reserved and owed amounts", {
  request: { params: idParam },
  responses: { 200: jsonContent(balancesSchema, "The balances") },
});

const setTermsRoute = routeBalances("put", "/{id}/reserve", "Set a payee's rolling-reserve terms", {
  description: "Applies to settlements ingested from now on; a share already held is released on its own date. Audited.",
  middleware: [requireRole("admin", "risk")] as const,
  request: { params: idParam, headers: idempotencyHeader, body: jsonBody(termsSchema.strict().openapi("ReserveTerms")) },
  responses: { 200: jsonContent(termsSchema.extend({ source: z.enum(["payee", "default"]) }), "The terms now in force") },
});

const statementRoute = routeBalances("get", "/{id}/statement", "A payee's statement for a date range", {
  description: "Opening balance, every movement of the payee's payable (earnings, adjustments, reserve, payouts) and the closing balance. `?format=csv` or `?format=html` (a printable page).",
  request: {
    params: idParam,
    query: z.object({
      from: z.iso.datetime({ offset: true }).optional().openapi({ description: "Start, inclusive (ISO 8601); 30 days before `to` if omitted." }),
      to: z.iso.datetime({ offset: true }).optional().openapi({ description: "End, exclusive (ISO 8601); now if omitted." }),
      format: z.enum(["json", "csv", "html"]).optional(),
    }),
  },
  responses: { 200: { description: "The statement", content: { "application/json": { schema: z.any() }, "text/csv": { schema: z.string() }, "text/html": { schema: z.string() } } } },
});

export const balancesRouter = router()
  .openapi(balancesRoute, async (c) => {
    const db = database(c.env.DB);
    const payee = await getPayeeRow(db, c.req.valid("param").id);
    const { payable, reserve, holds, cycles } = await payeeBalances(db, payee.id);
    const available = payable ? payable.creditsPostedPaise - payable.debitsPostedPaise : 0;
    const terms = await reserveTermsOf(db, payee.id, payee.type, reserveDefaults(c.env));
    return c.json(
      {
        payeeId: payee.id,
        currency: payable?.currency ?? "INR",
        availablePaise: available,
        reservedPaise: reserve ? reserve.creditsPostedPaise - reserve.debitsPostedPaise : 0,
        owedPaise: Math.max(0, -available),
        byCycle: cycles.map((t) => ({ cycleId: t.cycleId, netPaise: t.creditsPaise - t.debitsPaise })).filter((t) => t.netPaise !== 0),
        reserveTerms: terms,
        reserveHolds: holds.map((h) => ({ id: h.id, orderId: h.orderId, cycleId: h.cycleId, amountPaise: h.amountPaise, releaseAt: h.releaseAt, releasedAt: h.releasedAt, releasedPaise: h.releasedPaise })),
      },
      200,
    );
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
    const toIso = new Date(to ?? Date.now()).toISOString();
    const fromIso = from ? new Date(from).toISOString() : new Date(Date.parse(toIso) - STATEMENT_DEFAULT_DAYS * 86_400_000).toISOString();
    if (toIso <= fromIso) throw invalid("invalid_range", "to must be after from.", { field: "to" });
    const statement = await statementFor(database(c.env.DB), c.req.valid("param").id, fromIso, toIso);
    const accept = c.req.header("accept") ?? "";
    const wanted = format ?? (/text\/csv/.test(accept) ? "csv" : /text\/html/.test(accept) ? "html" : "json");
    if (wanted === "csv") {
      return c.body(statementCsv(statement), 200, {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="statement-${statement.payeeId}-${fromIso.slice(0, 10)}.csv"`,
      });
    }
    if (wanted === "html") return c.html(<StatementPage statement={statement} />);
    return c.json(statement, 200);
  });
