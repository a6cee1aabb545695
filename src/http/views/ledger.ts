// A ledger account as the API shows it, written once: its zod schema is the OpenAPI description
// and the type the view returns; the balance is on the account's normal side.

import { z } from "@hono/zod-openapi";
import { type AccountType, normalBalancePaise } from "../../domain/accounts";
import type { AccountRow } from "../../store/ledger";

export const ACCOUNT_TYPES = ["asset", "liability", "equity", "revenue", "expense"] as const;

const accountObject = z
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
  });

export type AccountView = z.infer<typeof accountObject>;

/** A seller's payable: what the marketplace owes it, credited by settlements and debited by payouts. */
export const ACCOUNT_EXAMPLE: AccountView = {
  id: "payee:pe_01m8bgvjkph2rsgrtjy0vv:payable",
  name: "Payable to Meena Stores",
  type: "liability",
  currency: "INR",
  payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
  debitsPostedPaise: 85240,
  creditsPostedPaise: 145240,
  balancePaise: 60000,
  entryCount: 3,
  createdAt: "2026-11-26T08:51:49.494Z",
};

export const accountSchema = accountObject.openapi("Account", { example: ACCOUNT_EXAMPLE });

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

