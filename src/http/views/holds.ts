// A payee hold as the API shows it, written once: its zod schema is the OpenAPI description and
// the type the view returns; `active` is whether it holds the payee now.

import { z } from "@hono/zod-openapi";
import { isHoldActive } from "../../domain/holds";
import type { HoldRow } from "../../store/holds";

export const holdSchema = z
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
  })
  .openapi("PayeeHold");

export type HoldView = z.infer<typeof holdSchema>;

export const holdView = (row: HoldRow, now: string): HoldView => ({ ...row, active: isHoldActive(row, now) });
