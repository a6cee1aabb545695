// An order's settlement: the breakdown a marketplace sends (validated by settlementInput) and the
// settlement as the API shows it, with what the seller is owed, written once.

import { z } from "@hono/zod-openapi";
import { sellerPayablePaise } from "../../domain/settlement";
import { breakdownOf, type SettlementRow } from "../../store/settlements";
import { amountPaise, componentPaise, currency, reference } from "../schemas";

export const settlementInput = z
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

export const settlementSchema = settlementInput
  .extend({
    deliveryPartnerPayeeId: z.string().nullable(),
    sellerPayablePaise: z.number().int(),
    transactionId: z.string(),
    actorId: z.string(),
    createdAt: z.string(),
  })
  .openapi("Settlement");

export type SettlementView = z.infer<typeof settlementSchema>;

export function settlementView(row: SettlementRow): SettlementView {
  const breakdown = breakdownOf(row);
  return {
    ...breakdown,
    sellerPayablePaise: sellerPayablePaise(breakdown),
    transactionId: row.transactionId,
    actorId: row.actorId,
    createdAt: row.createdAt,
  };
}

