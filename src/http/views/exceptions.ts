// An exception ticket as the API and the console show it: the zod schema is the OpenAPI
// description and the type the view returns, written once.

import { z } from "@hono/zod-openapi";
import { EXCEPTION_STATUSES } from "../../domain/statuses";
import type { ExceptionRow, getException } from "../../store/exceptions";

export const exceptionSchema = z
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
  })
  .openapi("Exception");

export const noteSchema = z.object({ id: z.number().int(), at: z.string(), actorId: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), note: z.string() });
export const withNotes = exceptionSchema.extend({ notes: z.array(noteSchema) }).openapi("ExceptionWithNotes");
export type ExceptionView = z.infer<typeof exceptionSchema>;
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
