// An order's settlement: the breakdown a marketplace sends (validated by settlementInput) and the
// settlement as the API shows it, with what the seller is owed, written once.

import { z } from "@hono/zod-openapi";
import { sellerPayablePaise } from "../../domain/settlement";
import { DEDUCTION_KINDS, TAX_HEADS } from "../../domain/statutory";
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
    tax: z
      .object({
        placeOfSupplyState: z.string().max(2).openapi({ description: "GST state code of the place of supply.", example: "27" }),
        orderDate: z.iso.date().optional().openapi({ description: "The order's date: it picks the rules in force (default: today)." }),
        netTaxableValuePaise: componentPaise.optional().openapi({ description: "GST TCS base: the taxable value net of returns (default: grossAmountPaise)." }),
        deductions: z
          .object({ tdsPaise: componentPaise.optional(), tcsPaise: componentPaise.optional(), gstOnFeePaise: componentPaise.optional() })
          .strict()
          .optional()
          .openapi({ description: "Your own figures; each must match Disburse's to the paisa (422 deduction_mismatch)." }),
      })
      .strict()
      .optional()
      .openapi({ description: "With tax details, the statutory deductions (TDS s.194-O, GST TCS, GST on the fee) are computed and posted (docs/statutory.md)." }),
  })
  .strict()
  .openapi("SettlementInput", {
    example: {
      orderId: "ORD-1001",
      cycleId: "2026-W48",
      sellerPayeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
      deliveryPartnerPayeeId: "pe_01m8bgvjna1cqzb32jqg5v",
      currency: "INR",
      grossAmountPaise: 100000,
      platformFeePaise: 12000,
      discountPaise: 5000,
      voucherPaise: 2500,
      walletAmountPaise: 10000,
      deliveryFeePaise: 4000,
      amountCollectedPaise: 86500,
      tax: { placeOfSupplyState: "27", orderDate: "2026-11-26" },
    },
  });

const deductionSchema = z.object({
  ruleId: z.string(),
  kind: z.enum(DEDUCTION_KINDS),
  head: z.enum(TAX_HEADS),
  basePaise: z.number().int(),
  rateBasisPoints: z.number(),
  amountPaise: z.number().int(),
});

export const settlementSchema = settlementInput
  .omit({ tax: true })
  .extend({
    deliveryPartnerPayeeId: z.string().nullable(),
    deductions: z.array(deductionSchema).openapi({ description: "Statutory deductions from the seller's share; [] when the settlement carried no tax details." }),
    sellerPayablePaise: z.number().int(),
    transactionId: z.string(),
    actorId: z.string(),
    createdAt: z.string(),
  })
  .openapi("Settlement", {
    example: {
      orderId: "ORD-1001",
      cycleId: "2026-W48",
      sellerPayeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
      deliveryPartnerPayeeId: "pe_01m8bgvjna1cqzb32jqg5v",
      currency: "INR",
      grossAmountPaise: 100000,
      platformFeePaise: 12000,
      discountPaise: 5000,
      voucherPaise: 2500,
      walletAmountPaise: 10000,
      deliveryFeePaise: 4000,
      amountCollectedPaise: 86500,
      deductions: [
        { ruleId: "tds-194o-2024", kind: "tds_194o", head: "TDS", basePaise: 100000, rateBasisPoints: 10, amountPaise: 100 },
        { ruleId: "gst-tcs-2024", kind: "gst_tcs", head: "CGST", basePaise: 100000, rateBasisPoints: 25, amountPaise: 250 },
        { ruleId: "gst-tcs-2024", kind: "gst_tcs", head: "SGST", basePaise: 100000, rateBasisPoints: 25, amountPaise: 250 },
        { ruleId: "gst-on-fee-2017", kind: "gst_on_fee", head: "IGST", basePaise: 12000, rateBasisPoints: 1800, amountPaise: 2160 },
      ],
      sellerPayablePaise: 85240,
      transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq",
      actorId: "marketplace",
      createdAt: "2026-11-26T08:51:49.669Z",
    },
  });

export type SettlementView = z.infer<typeof settlementSchema>;

export function settlementView(row: SettlementRow): SettlementView {
  const full = breakdownOf(row);
  const { taxInputs: _inputs, deductions, ...breakdown } = full;
  return {
    ...breakdown,
    deductions: [...(deductions ?? [])],
    sellerPayablePaise: sellerPayablePaise(full),
    transactionId: row.transactionId,
    actorId: row.actorId,
    createdAt: row.createdAt,
  };
}

