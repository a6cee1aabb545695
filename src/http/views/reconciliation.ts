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
  .openapi("ReconciliationRun");
