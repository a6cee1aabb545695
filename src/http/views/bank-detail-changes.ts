// A bank details change as the API and its events show it: accounts masked, with the payee's
// contact on file before the change, so the marketplace can tell the payee it was requested.

import { z } from "@hono/zod-openapi";
import { BANK_CHANGE_STATUSES } from "../../domain/bank-detail-changes";
import { bankChangeView, type BankChangeRow } from "../../store/bank-detail-changes";

const maskedBank = z.object({ accountNumberMasked: z.string(), ifsc: z.string(), accountHolderName: z.string() });

export const bankChangeSchema = z
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
  })
  .openapi("BankDetailsChange");

export const bankChangeApiView = (row: BankChangeRow): z.infer<typeof bankChangeSchema> => bankChangeView(row);
