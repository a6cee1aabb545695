// An exception ticket as the API and the console show it: the zod schema is the OpenAPI
// description and the type the view returns, written once.

import { z } from "@hono/zod-openapi";
import { EXCEPTION_STATUSES } from "../../domain/statuses";
import type { ExceptionRow, getException } from "../../store/exceptions";

const exceptionObject = z
  .object({
    id: z.string(),
    cause: z.string(),
    status: z.enum(EXCEPTION_STATUSES),
    summary: z.string(),
    payoutId: z.string().nullable(),
    batchId: z.string().nullable(),
    itemId: z.string().nullable(),
    payeeId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolutionNote: z.string().nullable(),
    retryStatus: z.string().nullable(),
    retryResult: z.record(z.string(), z.unknown()).nullable(),
  });

export type ExceptionView = z.infer<typeof exceptionObject>;

/** The bank failed the delivery partner's payout; an admin resolved the ticket, which retried it. */
export const EXCEPTION_EXAMPLE: ExceptionView = {
  id: "exc_01m8r70qa0sqb0bgq7zpf2",
  cause: "bank_failure",
  status: "resolved",
  summary: "Payout po_01m8r5a2988bmccrnyy5k8 failed at the bank: beneficiary_bank_offline",
  payoutId: "po_01m8r5a2988bmccrnyy5k8",
  batchId: "bat_01m8newwy0ypac3ac9rc0t",
  itemId: "itm_01m8newwy06f5mx1czjah5",
  payeeId: "pe_01m8bgvjna1cqzb32jqg5v",
  details: { failureCode: "beneficiary_bank_offline", bankReference: null },
  createdAt: "2026-12-01T07:10:00.000Z",
  updatedAt: "2026-12-01T09:32:18.000Z",
  resolvedAt: "2026-12-01T09:32:18.000Z",
  resolvedBy: "admin-ada",
  resolutionNote: "SBI confirmed the outage is over; retrying",
  retryStatus: "done",
  retryResult: { kind: "new_attempt", outcome: "queued", payoutId: "po_01m8r5a2988bmccrnyy5k8" },
};

export const exceptionSchema = exceptionObject.openapi("Exception", { example: EXCEPTION_EXAMPLE });

export const noteSchema = z.object({ id: z.number().int(), at: z.string(), actorId: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), note: z.string() });
export const withNotes = exceptionSchema.extend({ notes: z.array(noteSchema) }).openapi("ExceptionWithNotes", {
  example: {
    ...EXCEPTION_EXAMPLE,
    notes: [
      { id: 41, at: "2026-12-01T08:05:40.000Z", actorId: "admin-ada", fromStatus: "open", toStatus: "in_progress", note: "Asked the SBI relationship manager about the outage" },
      { id: 42, at: "2026-12-01T09:32:18.000Z", actorId: "admin-ada", fromStatus: "in_progress", toStatus: "resolved", note: "SBI confirmed the outage is over; retrying" },
    ],
  },
});
export type ExceptionNoteView = z.infer<typeof noteSchema>;

export function exceptionView(row: ExceptionRow): ExceptionView {
  return {
    id: row.id,
    cause: row.cause,
    status: row.status,
    summary: row.summary,
    payoutId: row.payoutId,
    batchId: row.batchId,
    itemId: row.itemId,
    payeeId: row.payeeId,
    details: JSON.parse(row.details) as Record<string, unknown>,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    resolvedAt: row.resolvedAt,
    resolvedBy: row.resolvedBy,
    resolutionNote: row.resolutionNote,
    retryStatus: row.retryStatus,
    retryResult: row.retryResult ? (JSON.parse(row.retryResult) as Record<string, unknown>) : null,
  };
}

export const withNotesView = ({ row, notes }: Awaited<ReturnType<typeof getException>>) => ({ ...exceptionView(row), notes });
