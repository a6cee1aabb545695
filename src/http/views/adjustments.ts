// An order adjustment (refund, cancellation, chargeback, goodwill): what a marketplace sends and
// how the API shows it, with its effect on each payee and its ledger transaction.

import { z } from "@hono/zod-openapi";
import { ADJUSTMENT_KINDS, BEARERS } from "../../domain/adjustments";
import type { AdjustmentRow } from "../../store/adjustments";
import { componentPaise, currency, humanText, reference } from "../schemas";

export const adjustmentInput = z
  .object({
    adjustmentId: reference(100).openapi({ description: "Your id for this adjustment: the idempotency key.", example: "RET-555" }),
    kind: z.enum(ADJUSTMENT_KINDS),
    cycleId: reference(60).openapi({ description: "The payout cycle whose payouts this adjustment is netted in.", example: "2026-W49" }),
    currency: currency.default("INR"),
    reason: humanText(500).openapi({ example: "Customer returned one of two items" }),
    goodsPaise: componentPaise.default(0).openapi({ description: "Part of the goods price given back to the customer." }),
    deliveryPaise: componentPaise.default(0).openapi({ description: "Part of the delivery fee given back to the customer." }),
    goodwillPaise: componentPaise.default(0).openapi({ description: "Goodwill credit to the customer's wallet (kind goodwill)." }),
    sellerBearsPaise: componentPaise.default(0).openapi({ description: "How much of goodsPaise + goodwillPaise the seller bears; the platform bears the rest." }),
    deliveryPartnerBearsPaise: componentPaise.default(0).openapi({ description: "How much of deliveryPaise the delivery partner bears." }),
    feeReturnedPaise: componentPaise.default(0).openapi({ description: "Platform fee given back to the seller on the refunded part." }),
    chargebackFeePaise: componentPaise.default(0).openapi({ description: "The card network's chargeback fee (kind chargeback)." }),
    chargebackFeeBorneBy: z.enum(BEARERS).default("platform"),
    drawOnReserve: z.boolean().default(false).openapi({ description: "Take the seller's share from its rolling reserve first." }),
  })
  .strict()
  .openapi("AdjustmentInput", {
    example: {
      adjustmentId: "RET-555",
      kind: "refund",
      cycleId: "2026-W49",
      currency: "INR",
      reason: "Customer returned one of two items",
      goodsPaise: 40000,
      deliveryPaise: 0,
      goodwillPaise: 0,
      sellerBearsPaise: 40000,
      deliveryPartnerBearsPaise: 0,
      feeReturnedPaise: 4800,
      chargebackFeePaise: 0,
      chargebackFeeBorneBy: "platform",
      drawOnReserve: false,
    },
  });

/** A return of ₹400 of goods on ORD-1001, borne by the seller, with the fee on it given back. */
export const ADJUSTMENT_EXAMPLE = {
  adjustmentId: "RET-555",
  orderId: "ORD-1001",
  kind: "refund" as const,
  cycleId: "2026-W49",
  currency: "INR" as const,
  reason: "Customer returned one of two items",
  goodsPaise: 40000,
  deliveryPaise: 0,
  goodwillPaise: 0,
  sellerBearsPaise: 40000,
  deliveryPartnerBearsPaise: 0,
  feeReturnedPaise: 4800,
  chargebackFeePaise: 0,
  chargebackFeeBorneBy: "platform" as const,
  drawOnReserve: false,
  sellerPayeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
  deliveryPartnerPayeeId: "pe_01m8bgvjna1cqzb32jqg5v",
  effect: {
    sellerPayablePaise: -34096,
    sellerReservePaise: 0,
    deliveryPartnerPayablePaise: 0,
    deductionReversals: [{ kind: "tds_194o", head: "TDS", amountPaise: 40 }, { kind: "gst_tcs", head: "CGST", amountPaise: 100 }, { kind: "gst_tcs", head: "SGST", amountPaise: 100 }, { kind: "gst_on_fee", head: "IGST", amountPaise: 864 }],
  },
  transactionId: "txn_01m8e7e970fn64snyzs2f5",
  actorId: "marketplace",
  createdAt: "2026-11-27T10:05:00.000Z",
};

/** The input's fields, as recorded (not `.extend`ed: the input refuses unknown fields, the answer has more). */
export const adjustmentSchema = z
  .object({
    ...adjustmentInput.shape,
    orderId: z.string(),
    sellerPayeeId: z.string(),
    deliveryPartnerPayeeId: z.string().nullable(),
    effect: z.object({
      sellerPayablePaise: z.number().int().openapi({ description: "Signed change of the seller's payable." }),
      sellerReservePaise: z.number().int().openapi({ description: "Taken from the seller's reserve." }),
      deliveryPartnerPayablePaise: z.number().int(),
      deductionReversals: z
        .array(z.object({ kind: z.string(), head: z.string(), amountPaise: z.number().int() }))
        .openapi({ description: "Statutory deductions on the refunded part given back to the seller (included in sellerPayablePaise)." }),
    }),
    transactionId: z.string(),
    actorId: z.string(),
    createdAt: z.string(),
  })
  .openapi("Adjustment", { example: ADJUSTMENT_EXAMPLE });

export type AdjustmentView = z.infer<typeof adjustmentSchema>;

export function adjustmentView(row: AdjustmentRow): AdjustmentView {
  return {
    adjustmentId: row.id,
    orderId: row.orderId,
    kind: row.kind,
    cycleId: row.cycleId,
    currency: row.currency as AdjustmentView["currency"],
    reason: row.reason,
    goodsPaise: row.goodsPaise,
    deliveryPaise: row.deliveryPaise,
    goodwillPaise: row.goodwillPaise,
    sellerBearsPaise: row.sellerBearsPaise,
    deliveryPartnerBearsPaise: row.deliveryPartnerBearsPaise,
    feeReturnedPaise: row.feeReturnedPaise,
    chargebackFeePaise: row.chargebackFeePaise,
    chargebackFeeBorneBy: row.chargebackFeeBorneBy,
    drawOnReserve: row.drawOnReserve,
    sellerPayeeId: row.sellerPayeeId,
    deliveryPartnerPayeeId: row.deliveryPartnerPayeeId,
    effect: {
      sellerPayablePaise: row.sellerPayablePaise,
      sellerReservePaise: row.sellerReservePaise,
      deliveryPartnerPayablePaise: row.deliveryPartnerPayablePaise,
      deductionReversals: JSON.parse(row.deductionReversals) as Array<{ kind: string; head: string; amountPaise: number }>,
    },
    transactionId: row.transactionId,
    actorId: row.actorId,
    createdAt: row.createdAt,
  };
}
