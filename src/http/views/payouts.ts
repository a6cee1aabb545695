// A payout as the API shows it, written once: the zod schema is the OpenAPI description and the
// type the view function returns, so the two cannot drift apart.

import { z } from "@hono/zod-openapi";
import { maskAccountNumber } from "../../domain/payees";
import { PAYOUT_STATUSES } from "../../domain/statuses";
import type { PayoutRow } from "../../store/payouts";

export const payoutSchema = z
  .object({
    id: z.string(),
    batchId: z.string(),
    itemId: z.string(),
    payeeId: z.string(),
    cycleId: z.string(),
    amountPaise: z.number().int(),
    currency: z.string(),
    status: z.enum(PAYOUT_STATUSES),
    idempotencyKey: z.string(),
    bankAccount: z.object({ accountNumberMasked: z.string(), ifsc: z.string() }),
    attempts: z.number().int(),
    bankReference: z.string().nullable(),
    failureCode: z.string().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    processedAt: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi("Payout");

export const payoutEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    actorId: z.string(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi("PayoutEvent");

export type PayoutView = z.infer<typeof payoutSchema>;

export function payoutView(row: PayoutRow): PayoutView {
  const bank = JSON.parse(row.bankSnapshot) as { accountNumber: string; ifsc: string };
  return {
    id: row.id,
    batchId: row.batchId,
    itemId: row.itemId,
    payeeId: row.payeeId,
    cycleId: row.cycleId,
    amountPaise: row.amountPaise,
    currency: row.currency,
    status: row.status,
    idempotencyKey: row.idempotencyKey,
    bankAccount: { accountNumberMasked: maskAccountNumber(bank.accountNumber), ifsc: bank.ifsc },
    attempts: row.attempts,
    bankReference: row.bankReference,
    failureCode: row.failureCode,
    failureReason: row.failureReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    processedAt: row.processedAt,
    version: row.version,
  };
}
