// A bank details change as the API and its events show it: accounts masked, with the payee's
// contact on file before the change, so the marketplace can tell the payee it was requested.

import { z } from "@hono/zod-openapi";
import { BANK_CHANGE_STATUSES } from "../../domain/bank-detail-changes";
import { bankChangeView, type BankChangeRow } from "../../store/bank-detail-changes";

const maskedBank = z.object({ accountNumberMasked: z.string(), ifsc: z.string(), accountHolderName: z.string() });

const bankChangeObject = z
  .object({
    id: z.string(),
    payeeId: z.string(),
    status: z.enum(BANK_CHANGE_STATUSES),
    bankDetails: maskedBank.nullable().openapi({ description: "The requested details (null: the request removes them)." }),
    previousBankDetails: maskedBank.nullable().openapi({ description: "The payee's approved details when the change was requested." }),
    contactOnFile: z
      .object({ email: z.string().nullable() })
      .openapi({ description: "The payee's contact as it was before the change was requested: tell the payee there, not at a contact the same request may have changed." }),
    requestedBy: z.string(),
    requestedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    payableFrom: z.string().nullable().openapi({ description: "When approved details become payable: the approval plus the cooling-off period (none for a payee's first details)." }),
  });

export type BankChangeView = z.infer<typeof bankChangeObject>;

/** A seller's new account, approved by a checker; payable after the cooling-off. */
export const BANK_CHANGE_EXAMPLE: BankChangeView = {
  id: "bdc_01m8rm9h20znsycmrw6knz",
  payeeId: "pe_01m8bgvjkph2rsgrtjy0vv",
  status: "approved",
  bankDetails: { accountNumberMasked: "XXXXXXXX4410", ifsc: "ICIC0000104", accountHolderName: "Meena Stores" },
  previousBankDetails: { accountNumberMasked: "XXXXXXXXXX5678", ifsc: "HDFC0001234", accountHolderName: "Meena Stores" },
  contactOnFile: { email: "accounts@meenastores.in" },
  requestedBy: "admin-ada",
  requestedAt: "2026-12-01T11:02:00.000Z",
  decidedBy: "checker-chen",
  decidedAt: "2026-12-01T11:30:12.000Z",
  decisionNote: "Confirmed on a call to the number on file",
  payableFrom: "2026-12-02T11:30:12.000Z",
};

export const bankChangeSchema = bankChangeObject.openapi("BankDetailsChange", { example: BANK_CHANGE_EXAMPLE });

export const bankChangeApiView = (row: BankChangeRow): BankChangeView => bankChangeView(row);
