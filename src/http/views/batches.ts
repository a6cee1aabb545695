// How a batch is shown, written once: each zod schema is the OpenAPI description and, through
// z.infer, the type its view function must return, for the API, the console and approval pages.

import { z } from "@hono/zod-openapi";
import { maskedBankDetails } from "../../domain/payees";
import { BATCH_ITEM_STATUSES, BATCH_STATUSES } from "../../domain/statuses";
import { type BatchRow, itemBank, itemChecks, itemLines, itemOrders, itemRiskFlags, type ItemRow, type LoadedBatch } from "../../store/batches";
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
  .openapi("RemittanceLine");

const checkSchema = z.object({ check: z.string(), ok: z.boolean(), reasons: z.array(z.string()) });

export const riskFlagSchema = z
  .object({ code: z.enum(RISK_FLAGS), reason: z.string().openapi({ description: "Why, in words, for the checker." }) })
  .openapi("RiskFlag", { description: "A sign a checker should look at before approving; frozen at submission and part of the fingerprint." });

export const itemSchema = z
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
  })
  .openapi("BatchItem");
export type ItemView = z.infer<typeof itemSchema>;

export const batchSchema = z
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
  })
  .openapi("Batch");
export type BatchView = z.infer<typeof batchSchema>;

export const batchListSchema = z.object({
  data: z.array(z.object({ id: z.string(), cycleId: z.string(), status: z.string(), makerId: z.string(), totalPaise: z.number(), itemCount: z.number(), requiredApprovals: z.number(), createdAt: z.string() })),
  nextCursor: z.string().nullable(),
});
export type BatchListView = z.infer<typeof batchListSchema>;

export const decisionSchema = batchSchema.extend({ recorded: z.boolean() }).openapi("BatchDecision");
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
