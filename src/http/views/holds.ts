// A payee hold as the API shows it, written once: its zod schema is the OpenAPI description and
// the type the view returns; `active` is whether it holds the payee now.

import { z } from "@hono/zod-openapi";
import { isHoldActive } from "../../domain/holds";
import type { HoldRow } from "../../store/holds";

const holdObject = z
  .object({
    id: z.string(),
    payeeId: z.string(),
    reason: z.string(),
    active: z.boolean().openapi({ description: "Not released and not past its end." }),
    placedBy: z.string(),
    placedAt: z.string(),
    endsAt: z.string().nullable(),
    releasedBy: z.string().nullable(),
    releasedAt: z.string().nullable(),
    releaseNote: z.string().nullable(),
  });

export type HoldView = z.infer<typeof holdObject>;

/** A hold the risk team placed while a chargeback is looked into, released by someone else. */
export const HOLD_EXAMPLE: HoldView = {
  id: "hld_01m8kttmm0e2ts1eshpt17",
  payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
  reason: "Three chargebacks this week; reviewing the seller's recent orders",
  active: false,
  placedBy: "risk-rhea",
  placedAt: "2026-11-29T14:20:00.000Z",
  endsAt: null,
  releasedBy: "admin-ada",
  releasedAt: "2026-11-30T04:45:10.000Z",
  releaseNote: "Orders checked with the seller; chargebacks were customer error",
};

export const holdSchema = holdObject.openapi("PayeeHold", { example: HOLD_EXAMPLE });

export const holdView = (row: HoldRow, now: string): HoldView => ({ ...row, active: isHoldActive(row, now) });
