// A payee's balances and statement as the API and the console show them, written once: each zod
// schema is the OpenAPI description and the type its view returns; and the date range a statement covers.

import { z } from "@hono/zod-openapi";
import type { ReserveTerms } from "../../domain/balances";
import type { PayeeType } from "../../domain/payees";
import type { PayeeStatement } from "../../domain/remittance";
import { payeeBalances, reserveTermsOf } from "../../store/balances";
import type { Db } from "../../store/client";

/** How far back a statement reaches when no `from` is given. */
export const STATEMENT_DEFAULT_DAYS = 30;

export const reserveTermsSchema = z.object({
  basisPoints: z.number().int().min(0).max(10_000).openapi({ description: "Share of each settlement held back, in basis points (100 = 1 %)." }),
  days: z.number().int().min(0).max(365).openapi({ description: "Days after the settlement when the held share is released." }),
});

export const reserveTermsInForceSchema = reserveTermsSchema.extend({ source: z.enum(["payee", "default"]) }).openapi({ example: { basisPoints: 500, days: 14, source: "payee" } });

export const balancesSchema = z
  .object({
    payeeId: z.string(),
    currency: z.string(),
    availablePaise: z.number().int().openapi({ description: "The payable balance not yet paid or reserved for a payout (below zero when the payee owes money back)." }),
    reservedPaise: z.number().int().openapi({ description: "Held in the rolling reserve." }),
    owedPaise: z.number().int().openapi({ description: "What the payee owes back (a deficit to be netted), or 0." }),
    byCycle: z.array(z.object({ cycleId: z.string(), netPaise: z.number().int() })).openapi({ description: "Cycles whose net is not zero: owed in that cycle (positive) or a deficit not yet carried (negative)." }),
    reserveTerms: reserveTermsInForceSchema,
    reserveHolds: z.array(z.object({ id: z.string(), orderId: z.string(), cycleId: z.string(), amountPaise: z.number().int(), releaseAt: z.string(), releasedAt: z.string().nullable(), releasedPaise: z.number().int().nullable() })),
  })
  .openapi("PayeeBalances", {
    example: {
      payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
      currency: "INR",
      availablePaise: 56350,
      reservedPaise: 3000,
      owedPaise: 0,
      byCycle: [{ cycleId: "2026-W49", netPaise: 56350 }],
      reserveTerms: { basisPoints: 500, days: 14, source: "payee" },
      reserveHolds: [{ id: "rsv_01m8m2k7v0pq3n8xg5d1ta", orderId: "ORD-1007", cycleId: "2026-W49", amountPaise: 3000, releaseAt: "2026-12-13T10:14:00.000Z", releasedAt: null, releasedPaise: null }],
    },
  });

export type BalancesView = z.infer<typeof balancesSchema>;

/** A payee's available, reserved and owed amounts, its non-zero cycle nets, reserve terms and reserve holds. */
export async function balancesView(db: Db, payee: { id: string; type: PayeeType }, defaults: Readonly<Record<PayeeType, ReserveTerms>>): Promise<BalancesView> {
  const { payable, reserve, holds, cycles } = await payeeBalances(db, payee.id);
  const available = payable ? payable.creditsPostedPaise - payable.debitsPostedPaise : 0;
  return {
    payeeId: payee.id,
    currency: payable?.currency ?? "INR",
    availablePaise: available,
    reservedPaise: reserve ? reserve.creditsPostedPaise - reserve.debitsPostedPaise : 0,
    owedPaise: Math.max(0, -available),
    byCycle: cycles.map((t) => ({ cycleId: t.cycleId, netPaise: t.creditsPaise - t.debitsPaise })).filter((t) => t.netPaise !== 0),
    reserveTerms: await reserveTermsOf(db, payee.id, payee.type, defaults),
    reserveHolds: holds.map((h) => ({ id: h.id, orderId: h.orderId, cycleId: h.cycleId, amountPaise: h.amountPaise, releaseAt: h.releaseAt, releasedAt: h.releasedAt, releasedPaise: h.releasedPaise })),
  };
}

/** The ORD-1001 settlement credited to Meena Stores' payable. */
const STATEMENT_LINE_EXAMPLE = {
  at: "2026-11-26T08:51:49.669Z",
  transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq",
  kind: "order_settlement",
  description: "Settlement of order ORD-1001",
  cycleId: "2026-W48",
  orderId: "ORD-1001",
  amountPaise: 85240,
  balancePaise: 85240,
};

export const statementLineSchema = z
  .object({
    at: z.string().openapi({ description: "When the movement was posted (ISO 8601)." }),
    transactionId: z.string(),
    kind: z.string().openapi({ description: "The ledger transaction's kind, e.g. `order_settlement`, `order_refund`, `reserve_hold`, `payout_reserve`, `manual`." }),
    description: z.string(),
    cycleId: z.string().nullable(),
    orderId: z.string().nullable(),
    amountPaise: z.number().int().openapi({ description: "Signed: credits to the payee's payable are positive, debits negative." }),
    balancePaise: z.number().int().openapi({ description: "The payable's balance after this movement." }),
  })
  .openapi("PayeeStatementLine", { example: STATEMENT_LINE_EXAMPLE });

export const statementSchema = z
  .object({
    payeeId: z.string(),
    payeeName: z.string(),
    currency: z.string(),
    from: z.string().openapi({ description: "Start of the range, inclusive (ISO 8601, UTC)." }),
    to: z.string().openapi({ description: "End of the range, exclusive (ISO 8601, UTC)." }),
    openingBalancePaise: z.number().int().openapi({ description: "The payable's balance at `from`: every movement before it." }),
    closingBalancePaise: z.number().int().openapi({ description: "The opening balance plus every line's amount: the balance at `to`." }),
    totals: z
      .object({
        earningsPaise: z.number().int().openapi({ description: "Lines of kind `order_settlement`." }),
        adjustmentsPaise: z.number().int().openapi({ description: "Other `order_` kinds: refunds, cancellations, chargebacks, goodwill credits." }),
        reservePaise: z.number().int().openapi({ description: "`reserve_` kinds: held back and released." }),
        payoutsPaise: z.number().int().openapi({ description: "`payout_` kinds: paid out, and returned or voided." }),
        otherPaise: z.number().int().openapi({ description: "Anything else, such as balances carried between cycles and manual postings." }),
      })
      .openapi({ description: "The lines' amounts summed by kind; together they are the closing balance less the opening." }),
    reserveBalancePaise: z.number().int().openapi({ description: "Held in the rolling reserve now, when the statement is read (not at `to`)." }),
    lines: z.array(statementLineSchema).openapi({ description: "Every movement of the payable in the range, oldest first (at most 5,000)." }),
  })
  .openapi("PayeeStatement", {
    example: {
      payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
      payeeName: "Meena Stores",
      currency: "INR",
      from: "2026-11-01T00:00:00.000Z",
      to: "2026-12-01T00:00:00.000Z",
      openingBalancePaise: 0,
      closingBalancePaise: 85240,
      totals: { earningsPaise: 85240, adjustmentsPaise: 0, reservePaise: 0, payoutsPaise: 0, otherPaise: 0 },
      reserveBalancePaise: 0,
      lines: [STATEMENT_LINE_EXAMPLE],
    },
  });

export type StatementView = z.infer<typeof statementSchema>;

/** A statement as the API serves it in JSON: the fields the schema names, and no others. */
export function statementView(s: PayeeStatement): StatementView {
  return {
    payeeId: s.payeeId,
    payeeName: s.payeeName,
    currency: s.currency,
    from: s.from,
    to: s.to,
    openingBalancePaise: s.openingBalancePaise,
    closingBalancePaise: s.closingBalancePaise,
    totals: { earningsPaise: s.totals.earningsPaise, adjustmentsPaise: s.totals.adjustmentsPaise, reservePaise: s.totals.reservePaise, payoutsPaise: s.totals.payoutsPaise, otherPaise: s.totals.otherPaise },
    reserveBalancePaise: s.reserveBalancePaise,
    lines: s.lines.map((l) => ({ at: l.at, transactionId: l.transactionId, kind: l.kind, description: l.description, cycleId: l.cycleId, orderId: l.orderId, amountPaise: l.amountPaise, balancePaise: l.balancePaise })),
  };
}

/**
 * The [from, to) a statement covers, as ISO instants: `to` is now when omitted, `from` is
 * STATEMENT_DEFAULT_DAYS before `to`. Null when `to` is not after `from`.
 */
export function statementRange(from: string | undefined, to: string | undefined, nowMs: number): { from: string; to: string } | null {
  const toIso = new Date(to ?? nowMs).toISOString();
  const fromIso = from ? new Date(from).toISOString() : new Date(Date.parse(toIso) - STATEMENT_DEFAULT_DAYS * 86_400_000).toISOString();
  return toIso > fromIso ? { from: fromIso, to: toIso } : null;
}

/** The headers a statement's CSV download is answered with, by the API and the console alike. */
export const statementCsvHeaders = (payeeId: string, from: string) => ({
  "content-type": "text/csv; charset=utf-8",
  "content-disposition": `attachment; filename="statement-${payeeId}-${from.slice(0, 10)}.csv"`,
});
