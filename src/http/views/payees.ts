// A payee as the API shows it, written once: the zod schema is the OpenAPI description and the
// type the view returns. Bank details are shown masked.

import { z } from "@hono/zod-openapi";
import { maskedBankDetails, PAYEE_TYPES, VERIFICATION_STATUSES } from "../../domain/payees";
import { bankDetailsOf, type PayeeRow } from "../../store/payees";

const payeeObject = z
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
  });

export type PayeeView = z.infer<typeof payeeObject>;

/** A seller whose first bank details were approved by a checker and verified by a penny drop. */
export const PAYEE_EXAMPLE: PayeeView = {
  id: "pe_01m8bgvjkph2rsgrtjy0vv",
  type: "seller",
  displayName: "Meena Stores",
  email: "accounts@meenastores.in",
  externalId: "seller-7",
  bankDetails: { accountNumberMasked: "XXXXXXXXXX5678", ifsc: "HDFC0001234", accountHolderName: "Meena Stores" },
  verificationStatus: "verified",
  verification: { bankAccountName: "MEENA STORES", nameMatchScore: 1, threshold: 0.8, override: null, by: "marketplace", at: "2026-11-26T09:02:15.000Z" },
  pendingBankDetailsChangeId: null,
  bankDetailsPayableFrom: "2026-11-26T08:58:40.000Z",
  legalName: "Meena Stores LLP",
  pan: "AAPFU0939F",
  gstin: "27AAPFU0939F1ZV",
  payableAccountId: "payee:pe_01m8bgvjkph2rsgrtjy0vv:payable",
  version: 3,
  createdAt: "2026-11-26T08:51:49.494Z",
  updatedAt: "2026-11-26T09:02:15.000Z",
};

export const payeeSchema = payeeObject.openapi("Payee", { example: PAYEE_EXAMPLE });

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
