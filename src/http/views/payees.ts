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

export function payeeView(row: PayeeRow): PayeeView {
  return {
    id: row.id,
    type: row.type,
    displayName: row.displayName,
    email: row.email,
    externalId: row.externalId,
    bankDetails: maskedBankDetails(bankDetailsOf(row)),
    verificationStatus: row.bankVerificationStatus,
    legalName: row.legalName,
    pan: row.pan,
    gstin: row.gstin,
    payableAccountId: row.payableAccountId,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
