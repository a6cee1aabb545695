// A payout as the API shows it, written once: the zod schema is the OpenAPI description and the
// type the view function returns, so the two cannot drift apart.

import { z } from "@hono/zod-openapi";
import { maskAccountNumber } from "../../domain/payees";
import { PAYOUT_STATUSES } from "../../domain/statuses";
import type { PayoutRow } from "../../store/payouts";

const payoutObject = z
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
  });

export type PayoutView = z.infer<typeof payoutObject>;

/** The seller's payout from week 48's batch, debited by the bank (the UTR is `bankReference`). */
export const PAYOUT_EXAMPLE: PayoutView = {
  id: "po_01m8r5a298c0hzbyvz5e9v",
  batchId: "bat_01m8newwy0ypac3ac9rc0t",
  itemId: "itm_01m8newwy0etfmn2x8pbk5",
  payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
  cycleId: "2026-W48",
  amountPaise: 85240,
  currency: "INR",
  status: "processed",
  idempotencyKey: "po_01m8r5a298c0hzbyvz5e9v",
  bankAccount: { accountNumberMasked: "XXXXXXXXXX5678", ifsc: "HDFC0001234" },
  attempts: 1,
  bankReference: "HDFCN52026120100417732",
  failureCode: null,
  failureReason: null,
  createdAt: "2026-12-01T06:40:09.000Z",
  updatedAt: "2026-12-01T06:44:30.000Z",
  processedAt: "2026-12-01T06:44:30.000Z",
  version: 4,
};

export const payoutSchema = payoutObject.openapi("Payout", { example: PAYOUT_EXAMPLE });

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
  .openapi("PayoutEvent", {
    example: { id: 912, at: "2026-12-01T06:44:30.000Z", kind: "state_change", fromStatus: "processing", toStatus: "processed", actorId: "webhook:razorpayx", details: { bankStatus: "processed", bankReference: "HDFCN52026120100417732" } },
  });

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
