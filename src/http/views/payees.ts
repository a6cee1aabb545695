// A payee as the API shows it, written once: the zod schema is the OpenAPI description and the
// type the view returns. Bank details are shown masked.

import { z } from "@hono/zod-openapi";
import { maskedBankDetails, PAYEE_TYPES, VERIFICATION_STATUSES } from "../../domain/payees";
import { bankDetailsOf, type PayeeRow } from "../../store/payees";

export const payeeSchema = z
  .object({
    id: z.string(),
    type: z.enum(PAYEE_TYPES),
    displayName: z.string(),
    email: z.string().nullable(),
    externalId: z.string().nullable(),
    bankDetails: z
      .object({ accountNumberMasked: z.string(), ifsc: z.string(), accountHolderName: z.string() })
      .nullable(),
    verificationStatus: z.enum(VERIFICATION_STATUSES),
    verification: z
      .object({
        bankAccountName: z.string().nullable(),
        nameMatchScore: z.number().nullable(),
        threshold: z.number(),
        override: z.object({ by: z.string(), reason: z.string() }).nullable(),
        by: z.string(),
        at: z.string(),
      })
      .nullable()
      .openapi({ description: "The last verification of these details: the name the bank returned, its name-match score and any override." }),
    pendingBankDetailsChangeId: z.string().nullable().openapi({ description: "A requested change of bank details awaiting a second person's approval; `bankDetails` are the approved ones." }),
    bankDetailsPayableFrom: z.string().nullable().openapi({ description: "When the approved details become payable (the end of the cooling-off); null for details older than four eyes." }),
    legalName: z.string().nullable(),
    pan: z.string().nullable(),
    gstin: z.string().nullable(),
    payableAccountId: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("Payee");

export type PayeeView = z.infer<typeof payeeSchema>;

function verificationOf(json: string): PayeeView["verification"] {
  const v = JSON.parse(json) as NonNullable<PayeeView["verification"]>;
  return { bankAccountName: v.bankAccountName, nameMatchScore: v.nameMatchScore, threshold: v.threshold, override: v.override, by: v.by, at: v.at };
}

export function payeeView(row: PayeeRow): PayeeView {
  return {
    id: row.id,
    type: row.type,
    displayName: row.displayName,
    email: row.email,
    externalId: row.externalId,
    bankDetails: maskedBankDetails(bankDetailsOf(row)),
    verificationStatus: row.bankVerificationStatus,
    verification: row.bankVerification === null ? null : verificationOf(row.bankVerification),
    pendingBankDetailsChangeId: row.pendingBankChangeId,
    bankDetailsPayableFrom: row.bankDetailsPayableFrom,
    legalName: row.legalName,
    pan: row.pan,
    gstin: row.gstin,
    payableAccountId: row.payableAccountId,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
