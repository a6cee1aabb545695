// Raising exception tickets. A ticket is deduplicated by cause and subject while it is open,
// so retries and re-runs never open a second one; each new ticket also queues an alert.

import { and, eq, sql } from "drizzle-orm";
import { newId } from "../domain/ids";
import { type Db, nowIso } from "./client";
import type { Batch } from "./ledger";
import { exceptions, notifications } from "./schema";

export interface ExceptionInput {
  cause: string;
  summary: string;
  payoutId?: string | null;
  batchId?: string | null;
  itemId?: string | null;
  payeeId?: string | null;
  details?: Record<string, unknown>;
}

export const openKeyOf = (e: ExceptionInput) => `${e.cause}|${e.payoutId ?? e.itemId ?? e.batchId ?? e.payeeId ?? "-"}`;

/** Statements that open the ticket and queue its alert, unless the same ticket is already open. */
export function raiseExceptionStatements(db: Db, e: ExceptionInput): Batch {
  const id = newId("exc");
  const now = nowIso();
  return [
    db
      .insert(exceptions)
      .values({
        id,
        cause: e.cause,
        status: "open",
        payoutId: e.payoutId ?? null,
        batchId: e.batchId ?? null,
        itemId: e.itemId ?? null,
        payeeId: e.payeeId ?? null,
        summary: e.summary,
        details: JSON.stringify(e.details ?? {}),
        openKey: openKeyOf(e),
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing(),
    db.insert(notifications).select(
      db
        .select({
          id: sql`${newId("ntf")}`.as("id"),
          kind: sql`'alert'`.as("kind"),
          payload: sql`${JSON.stringify({ exceptionId: id, cause: e.cause, summary: e.summary, payoutId: e.payoutId ?? null, batchId: e.batchId ?? null })}`.as("payload"),
          status: sql`'pending'`.as("status"),
          attempts: sql`0`.as("attempts"),
          nextAttemptAt: sql`${now}`.as("next_attempt_at"),
          lastError: sql`NULL`.as("last_error"),
          createdAt: sql`${now}`.as("created_at"),
          sentAt: sql`NULL`.as("sent_at"),
        })
        .from(exceptions)
        .where(eq(exceptions.id, id)),
    ),
  ];
}

export async function raiseException(db: Db, e: ExceptionInput): Promise<void> {
  await db.batch(raiseExceptionStatements(db, e) as [Batch[number], ...Batch]);
}

export async function openExceptionFor(db: Db, cause: string, subject: { payoutId?: string; itemId?: string }) {
  return db
    .select()
    .from(exceptions)
    .where(and(eq(exceptions.openKey, openKeyOf({ cause, summary: "", ...subject }))))
    .get();
}
