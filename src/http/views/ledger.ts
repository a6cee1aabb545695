// A ledger account as the API shows it, written once: its zod schema is the OpenAPI description
// and the type the view returns; the balance is on the account's normal side.

import { z } from "@hono/zod-openapi";
import { type AccountType, normalBalancePaise } from "../../domain/accounts";
import type { AccountRow } from "../../store/ledger";

export const ACCOUNT_TYPES = ["asset", "liability", "equity", "revenue", "expense"] as const;

export const accountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(ACCOUNT_TYPES),
    currency: z.string(),
    payeeId: z.string().nullable(),
    debitsPostedPaise: z.number().int(),
    creditsPostedPaise: z.number().int(),
    balancePaise: z.number().int().openapi({ description: "On the account's normal side (debit for assets and expenses)." }),
    entryCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Account");

export type AccountView = z.infer<typeof accountSchema>;

export function accountView(row: AccountRow): AccountView {
  return {
    id: row.id,
    name: row.name,
    type: row.type as AccountType,
    currency: row.currency,
    payeeId: row.payeeId,
    debitsPostedPaise: row.debitsPostedPaise,
    creditsPostedPaise: row.creditsPostedPaise,
    balancePaise: normalBalancePaise(row.type as AccountType, row.debitsPostedPaise, row.creditsPostedPaise),
    entryCount: row.entryCount,
    createdAt: row.createdAt,
  };
}

