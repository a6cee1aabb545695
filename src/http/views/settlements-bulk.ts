// Settlements in bulk: the call as documented (up to 1,000 of the orders POST /v1/settlements
// takes), each order as it arrived (a line), and the answer: one result per line, in order, and
// the count of each outcome.

import { z } from "@hono/zod-openapi";
import type { BulkOutcome } from "../../store/settlements-bulk";
import { MAX_BULK_SETTLEMENTS } from "../../store/settlements-bulk";
import { ApiError } from "../errors";
import { settlementInput } from "./settlements";

/** The JSON body as documented. It is validated in two steps (settlements-bulk.ts): its shape, then each order on its own. */
export const bulkSettlementsInput = z
  .object({
    orders: z
      .array(settlementInput)
      .min(1)
      .max(MAX_BULK_SETTLEMENTS)
      .openapi({ description: `1 to ${MAX_BULK_SETTLEMENTS} orders, each exactly what POST /v1/settlements takes. Each is validated and posted on its own.` }),
  })
  .strict()
  .openapi("BulkSettlementsInput", {
    example: {
      orders: [
        { orderId: "ORD-1001", cycleId: "2026-W48", sellerPayeeId: "pe_01m8bgvjkph2rsgrtjy0vv", deliveryPartnerPayeeId: "pe_01m8bgvjna1cqzb32jqg5v", grossAmountPaise: 100000, platformFeePaise: 12000, discountPaise: 5000, voucherPaise: 2500, walletAmountPaise: 10000, deliveryFeePaise: 4000, amountCollectedPaise: 86500 },
        { orderId: "ORD-1002", cycleId: "2026-W48", sellerPayeeId: "pe_01m8bgvjkph2rsgrtjy0vv", grossAmountPaise: 60000, platformFeePaise: 6000, discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0, deliveryFeePaise: 0, amountCollectedPaise: 60000, tax: { placeOfSupplyState: "29" } },
      ],
    },
  });

/** The shape the JSON body must have before its orders are looked at one by one. */
export const bulkEnvelope = z.object({ orders: z.array(z.unknown()) }).strict();

export const BULK_OUTCOMES = ["created", "replayed", "conflict", "invalid"] as const;
type Outcome = (typeof BULK_OUTCOMES)[number];

/** Why a line was refused: the field, when one is to blame, as a path (`tax.placeOfSupplyState`) that is also its CSV column. */
export interface LineRefusal {
  code: string;
  message: string;
  field: string | null;
  details?: unknown;
}

/** One order as it arrived: its position and the value to validate, or already why it cannot be an order. */
export type BulkLine = { index: number; line?: number; orderId?: unknown } & ({ value: unknown } | { refused: LineRefusal });

const lineRefusalSchema = z.object({
  code: z.string().openapi({ example: "settlement_does_not_add_up" }),
  message: z.string(),
  field: z.string().nullable().openapi({ description: "The field (also the CSV column) to blame, or null.", example: "amountCollectedPaise" }),
  details: z.unknown().optional(),
});

export const bulkLineSchema = z
  .object({
    index: z.number().int().openapi({ description: "The order's position among `orders` (or the CSV's rows), from 0." }),
    line: z.number().int().optional().openapi({ description: "CSV only: the line of the file the row starts on; the header is line 1." }),
    orderId: z.string().nullable(),
    outcome: z.enum(BULK_OUTCOMES).openapi({ description: "`created` now, `replayed` (already settled with the same breakdown), `conflict` (already settled with a different one), `invalid` (refused; nothing written for it)." }),
    transactionId: z.string().optional().openapi({ description: "The settlement's posting, when created or replayed." }),
    sellerPayablePaise: z.number().int().optional(),
    error: lineRefusalSchema.optional().openapi({ description: "Why, when `conflict` or `invalid`: the code and details POST /v1/settlements would answer." }),
  })
  .openapi("BulkSettlementLine");

const countsSchema = z.object(Object.fromEntries(BULK_OUTCOMES.map((o) => [o, z.number().int()])) as Record<Outcome, z.ZodNumber>);

export const bulkSettlementsSchema = z
  .object({ counts: countsSchema, results: z.array(bulkLineSchema) })
  .openapi("BulkSettlements", {
    example: {
      counts: { created: 1, replayed: 0, conflict: 0, invalid: 1 },
      results: [
        { index: 0, orderId: "ORD-1001", outcome: "created", transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", sellerPayablePaise: 88000 },
        {
          index: 1,
          orderId: "ORD-1002",
          outcome: "invalid",
          error: { code: "settlement_does_not_add_up", message: "amountCollectedPaise must equal grossAmountPaise + deliveryFeePaise - discountPaise - voucherPaise - walletAmountPaise = 60000.", field: "amountCollectedPaise", details: { field: "amountCollectedPaise", expectedPaise: 60000, receivedPaise: 59000 } },
        },
      ],
    },
  });

export type BulkLineView = z.infer<typeof bulkLineSchema>;
export type BulkSettlementsView = z.infer<typeof bulkSettlementsSchema>;

/** A line's result: refused before it reached the store, or the store's outcome for it. */
export function bulkLineView(line: BulkLine, result: LineRefusal | BulkOutcome): BulkLineView {
  const position = { index: line.index, ...(line.line === undefined ? {} : { line: line.line }) };
  if (!("outcome" in result)) return { ...position, orderId: orderIdOf(line), outcome: "invalid", error: result };
  if ("error" in result) {
    const { code, message, details } = result.error;
    return { ...position, orderId: orderIdOf(line), outcome: result.outcome, error: { code, message, field: fieldOf(details), ...(details === undefined ? {} : { details }) } };
  }
  return { ...position, orderId: result.orderId, outcome: result.outcome, transactionId: result.transactionId, sellerPayablePaise: result.sellerPayablePaise };
}

export function bulkSettlementsView(results: readonly BulkLineView[]): BulkSettlementsView {
  const counts = Object.fromEntries(BULK_OUTCOMES.map((o) => [o, results.filter((r) => r.outcome === o).length])) as Record<Outcome, number>;
  return { counts, results: [...results] };
}

/** The order id a line names, if it names one that could be an id, so a refused line can still be matched up. */
function orderIdOf(line: BulkLine): string | null {
  const id = "value" in line ? (line.value as { orderId?: unknown } | null)?.orderId : line.orderId;
  return typeof id === "string" && id.length <= 100 ? id : null;
}

const fieldOf = (details: unknown): string | null => {
  const field = (details as { field?: unknown } | null | undefined)?.field;
  return typeof field === "string" ? field : null;
};

export const noOrders = (message: string) => new ApiError(422, "no_orders", message);

export const tooManyOrders = (count: number, what: "orders" | "rows") =>
  new ApiError(413, "too_many_orders", `A call carries at most ${MAX_BULK_SETTLEMENTS} orders; this one has ${count} ${what}.`, { maxOrders: MAX_BULK_SETTLEMENTS, received: count });
