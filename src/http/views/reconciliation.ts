// A reconciliation run as the API (and its reconciliation.mismatch event) shows it.

import { z } from "@hono/zod-openapi";

const mismatchSchema = z.object({
  class: z.string(),
  payoutId: z.string().nullable(),
  bankReference: z.string().nullable(),
  message: z.string(),
  systemPaise: z.number().int(),
  bankPaise: z.number().int(),
  ledgerPaise: z.number().int(),
});
/** Yesterday's run against the bank's own record: the one payout sent, debited and credited as recorded. */
export const RUN_EXAMPLE = {
  id: "rec_01m8t5ywe0m8stwh02pv3z",
  scope: "day" as const,
  scopeKey: "2026-12-01",
  bankSource: "gateway:razorpayx",
  totals: { payoutCount: 1, systemInitiatedPaise: 85240, bankDebitedPaise: 85240, ledgerCreditedPaise: 85240, bankReturnedPaise: 0, ledgerReturnedPaise: 0, pendingCount: 0, matchedCount: 1, balanced: true },
  mismatches: [],
  mismatchCount: 0,
  runCount: 1,
  actorId: "system:daily-audit",
  createdAt: "2026-12-02T01:30:00.000Z",
  updatedAt: "2026-12-02T01:30:00.000Z",
};

export const runSchema = z
  .object({
    id: z.string(),
    scope: z.enum(["day", "cycle"]),
    scopeKey: z.string(),
    bankSource: z.string(),
    totals: z.record(z.string(), z.unknown()),
    mismatches: z.array(mismatchSchema),
    mismatchCount: z.number().int(),
    runCount: z.number().int(),
    actorId: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("ReconciliationRun", { example: RUN_EXAMPLE });
