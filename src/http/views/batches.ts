// How a batch is shown, written once: each zod schema is the OpenAPI description and, through
// z.infer, the type its view function must return, for the API, the console and approval pages.

import { z } from "@hono/zod-openapi";
import { maskedBankDetails } from "../../domain/payees";
import { BATCH_ITEM_STATUSES, BATCH_STATUSES } from "../../domain/statuses";
import { type BatchRow, itemBank, itemChecks, itemLines, itemOrders, itemRiskFlags, type ItemRow, type LoadedBatch } from "../../store/batches";
import { PRE_PAYOUT_CHECKS } from "../../domain/pre-payout";
import { RISK_FLAGS } from "../../domain/risk-flags";
import type { Page } from "../../store/page";

export const remittanceLineSchema = z
  .object({
    type: z.enum(["order", "deduction", "adjustment", "reserve_hold", "carried_in", "carried_out", "earlier_payout"]),
    description: z.string(),
    orderId: z.string().nullable(),
    reference: z.string().nullable(),
    transactionId: z.string().nullable(),
    amountPaise: z.number().int(),
  })
  .openapi("RemittanceLine", {
    example: { type: "order", description: "Order ORD-1001", orderId: "ORD-1001", reference: null, transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", amountPaise: 88000 },
  });

const checkSchema = z.object({ check: z.string(), ok: z.boolean(), reasons: z.array(z.string()) });

export const riskFlagSchema = z
  .object({ code: z.enum(RISK_FLAGS), reason: z.string().openapi({ description: "Why, in words, for the checker." }) })
  .openapi("RiskFlag", { description: "A sign a checker should look at before approving; frozen at submission and part of the fingerprint." });

const itemObject = z
  .object({
    id: z.string(),
    payeeId: z.string(),
    amountPaise: z.number().int(),
    currency: z.string(),
    status: z.enum(BATCH_ITEM_STATUSES),
    orders: z.array(z.object({ orderId: z.string(), role: z.string(), amountPaise: z.number().int() })),
    reconciliation: z.array(checkSchema),
    reconciledAt: z.string(),
    exclusionReason: z.string().nullable(),
    bankDetails: z.object({ accountNumberMasked: z.string(), ifsc: z.string(), accountHolderName: z.string() }).nullable(),
    carriedInPaise: z.number().int().openapi({ description: "Signed: balance carried into this cycle (a deficit from an earlier cycle is negative, a released reserve positive)." }),
    deficitPaise: z.number().int().openapi({ description: "Status deficit: the cycle nets below zero by this much; nothing is paid and it is carried to the payee's next batch." }),
    lines: z
      .array(remittanceLineSchema)
      .openapi({ description: "What makes up the amount: orders, adjustments, reserve held, balances carried, earlier payouts. Sums to amountPaise (or to −deficitPaise)." }),
    riskFlags: z.array(riskFlagSchema).openapi({ description: "Set at submission for lines to be paid: first payout, bank details changed since the last payout, an account shared with other payees, an amount far above the payee's history." }),
  });
export type ItemView = z.infer<typeof itemObject>;

const checksPassed = PRE_PAYOUT_CHECKS.map((check) => ({ check, ok: true, reasons: [] }));

/** The seller's line of the week's batch: one order, less the statutory deductions on it. */
export const ITEM_EXAMPLE: ItemView = {
  id: "itm_01m8newwy0etfmn2x8pbk5",
  payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
  amountPaise: 85240,
  currency: "INR",
  status: "ok",
  orders: [{ orderId: "ORD-1001", role: "seller", amountPaise: 85240 }],
  reconciliation: checksPassed,
  reconciledAt: "2026-11-30T05:30:00.412Z",
  exclusionReason: null,
  bankDetails: { accountNumberMasked: "XXXXXXXXXX5678", ifsc: "HDFC0001234", accountHolderName: "Meena Stores" },
  carriedInPaise: 0,
  deficitPaise: 0,
  lines: [
    { type: "order", description: "Order ORD-1001", orderId: "ORD-1001", reference: null, transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", amountPaise: 88000 },
    { type: "deduction", description: "TDS under s.194-O on order ORD-1001", orderId: "ORD-1001", reference: null, transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", amountPaise: -100 },
    { type: "deduction", description: "GST TCS under s.52 on order ORD-1001", orderId: "ORD-1001", reference: null, transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", amountPaise: -500 },
    { type: "deduction", description: "GST on the platform fee of order ORD-1001", orderId: "ORD-1001", reference: null, transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", amountPaise: -2160 },
  ],
  riskFlags: [{ code: "first_payout", reason: "First payout to this payee: nothing has been paid to them before." }],
};

const RIDER_ITEM_EXAMPLE: ItemView = {
  ...ITEM_EXAMPLE,
  id: "itm_01m8newwy06f5mx1czjah5",
  payeeId: "pe_01m8bgvjna1cqzb32jqg5v",
  amountPaise: 4000,
  orders: [{ orderId: "ORD-1001", role: "delivery_partner", amountPaise: 4000 }],
  bankDetails: { accountNumberMasked: "XXXXXXXX8901", ifsc: "SBIN0004321", accountHolderName: "Arjun Rao" },
  lines: [{ type: "order", description: "Delivery of order ORD-1001", orderId: "ORD-1001", reference: null, transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq", amountPaise: 4000 }],
  riskFlags: [{ code: "first_payout", reason: "First payout to this payee: nothing has been paid to them before." }],
};

export const itemSchema = itemObject.openapi("BatchItem", { example: ITEM_EXAMPLE });

const batchObject = z
  .object({
    id: z.string(),
    cycleId: z.string(),
    currency: z.string(),
    status: z.enum(BATCH_STATUSES),
    makerId: z.string(),
    payeeScope: z.union([z.literal("all"), z.array(z.string())]),
    totalPaise: z.number().int(),
    itemCount: z.number().int(),
    blockedCount: z.number().int(),
    excludedCount: z.number().int(),
    heldCount: z.number().int().openapi({ description: "Items whose payee is on hold: not paid, not in the total." }),
    deficitCount: z.number().int().openapi({ description: "Items whose cycle nets below zero: not paid, not in the total, carried forward." }),
    carriedDeficitPaise: z.number().int().openapi({ description: "Sum of the deficits this batch carries forward." }),
    requiredApprovals: z.number().int(),
    approvalCount: z.number().int(),
    decisions: z.array(z.object({ checkerId: z.string(), decision: z.string(), reason: z.string().nullable(), via: z.string(), at: z.string() })),
    fingerprint: z.string().nullable(),
    rejectionReason: z.string().nullable(),
    submittedAt: z.string().nullable(),
    decidedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    riskFlags: z
      .array(riskFlagSchema.extend({ itemId: z.string(), payeeId: z.string() }))
      .openapi({ description: "Every item's flags, for the top of the page: what a checker should look at first." }),
    items: z.array(itemSchema),
  });
export type BatchView = z.infer<typeof batchObject>;

/** Week 48's batch for a seller and a delivery partner, approved by one checker (below the two-checker threshold). */
export const BATCH_EXAMPLE: BatchView = {
  id: "bat_01m8newwy0ypac3ac9rc0t",
  cycleId: "2026-W48",
  currency: "INR",
  status: "approved",
  makerId: "maker-mira",
  payeeScope: "all",
  totalPaise: 89240,
  itemCount: 2,
  blockedCount: 0,
  excludedCount: 0,
  heldCount: 0,
  deficitCount: 0,
  carriedDeficitPaise: 0,
  requiredApprovals: 1,
  approvalCount: 1,
  decisions: [{ checkerId: "checker-chen", decision: "approve", reason: null, via: "link", at: "2026-11-30T06:12:44.000Z" }],
  fingerprint: "78e2a92d80f29316a34a727467cb8d5c565c6f26f67b687f14645b18723f79c9",
  rejectionReason: null,
  submittedAt: "2026-11-30T05:41:02.000Z",
  decidedAt: "2026-11-30T06:12:44.000Z",
  version: 4,
  createdAt: "2026-11-30T05:30:00.000Z",
  updatedAt: "2026-11-30T06:12:44.000Z",
  riskFlags: [ITEM_EXAMPLE, RIDER_ITEM_EXAMPLE].flatMap((i) => i.riskFlags.map((f) => ({ ...f, itemId: i.id, payeeId: i.payeeId }))),
  items: [ITEM_EXAMPLE, RIDER_ITEM_EXAMPLE],
};

export const batchSchema = batchObject.openapi("Batch", { example: BATCH_EXAMPLE });

export const batchListSchema = z
  .object({
    data: z.array(z.object({ id: z.string(), cycleId: z.string(), status: z.string(), makerId: z.string(), totalPaise: z.number(), itemCount: z.number(), requiredApprovals: z.number(), createdAt: z.string() })),
    nextCursor: z.string().nullable(),
  })
  .openapi({
    example: {
      data: [{ id: BATCH_EXAMPLE.id, cycleId: "2026-W48", status: "approved", makerId: "maker-mira", totalPaise: 89240, itemCount: 2, requiredApprovals: 1, createdAt: BATCH_EXAMPLE.createdAt }],
      nextCursor: null,
    },
  });
export type BatchListView = z.infer<typeof batchListSchema>;

export const decisionSchema = batchSchema.extend({ recorded: z.boolean() }).openapi("BatchDecision", { example: { ...BATCH_EXAMPLE, recorded: true } });
export type DecisionView = z.infer<typeof decisionSchema>;

export function itemView(row: ItemRow): ItemView {
  const bank = itemBank(row);
  return {
    id: row.id,
    payeeId: row.payeeId,
    amountPaise: row.amountPaise,
    currency: row.currency,
    status: row.status,
    orders: itemOrders(row),
    reconciliation: itemChecks(row),
    reconciledAt: row.reconciledAt,
    exclusionReason: row.exclusionReason,
    bankDetails: maskedBankDetails(bank),
    carriedInPaise: row.carriedInPaise,
    deficitPaise: row.deficitPaise,
    lines: itemLines(row),
    riskFlags: itemRiskFlags(row),
  };
}

export function batchView({ row, items, decisions }: LoadedBatch): BatchView {
  return {
    id: row.id,
    cycleId: row.cycleId,
    currency: row.currency,
    status: row.status,
    makerId: row.makerId,
    payeeScope: row.payeeScope === "all" ? "all" : row.payeeScope.split(","),
    totalPaise: row.totalPaise,
    itemCount: row.itemCount,
    blockedCount: items.filter((i) => i.status === "blocked").length,
    excludedCount: items.filter((i) => i.status === "excluded").length,
    heldCount: items.filter((i) => i.status === "held").length,
    deficitCount: items.filter((i) => i.status === "deficit").length,
    carriedDeficitPaise: items.filter((i) => i.status === "deficit").reduce((s, i) => s + i.deficitPaise, 0),
    requiredApprovals: row.requiredApprovals,
    approvalCount: decisions.filter((d) => d.decision === "approve").length,
    decisions: decisions.map((d) => ({ checkerId: d.checkerId, decision: d.decision, reason: d.reason, via: d.via, at: d.createdAt })),
    fingerprint: row.fingerprint,
    rejectionReason: row.rejectionReason,
    submittedAt: row.submittedAt,
    decidedAt: row.decidedAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    riskFlags: items.flatMap((i) => itemRiskFlags(i).map((f) => ({ ...f, itemId: i.id, payeeId: i.payeeId }))),
    items: items.map(itemView),
  };
}

export function batchListView(page: Page<BatchRow>): BatchListView {
  return {
    data: page.data.map((r) => ({
      id: r.id,
      cycleId: r.cycleId,
      status: r.status,
      makerId: r.makerId,
      totalPaise: r.totalPaise,
      itemCount: r.itemCount,
      requiredApprovals: r.requiredApprovals,
      createdAt: r.createdAt,
    })),
    nextCursor: page.nextCursor,
  };
}

export const decisionView = (batch: LoadedBatch, recorded: boolean): DecisionView => ({ ...batchView(batch), recorded });
