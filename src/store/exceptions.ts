// Raising exception tickets. A ticket is deduplicated by cause and subject while it is open,
// so retries and re-runs never open a second one; each new ticket is also an event (the alert).

import { and, asc, desc, eq, isNull, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { conflict, notFound } from "../domain/errors";
import { exceptionEventType } from "../domain/events";
import { afterFailedRetry, canTransitionException, type ExceptionInput, openKeyOf, retryExhaustedSubject, retryKindFor } from "../domain/exception-state";
import type { ExceptionStatus } from "../domain/statuses";
import { newId } from "../domain/ids";
import { commit, type Db, nowIso, type Statements } from "./client";
import { rowEventStatement } from "./events";
import { exceptionNotes, exceptions } from "./schema";
import { allOf, keysetPage } from "./page";

export type { ExceptionInput };

/** Statements that open the ticket and its event, unless the same ticket is already open. */
export function raiseExceptionStatements(db: Db, e: ExceptionInput): Statements {
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
    // Only if this raise opened the ticket (a second raise of an open one collides and adds nothing).
    rowEventStatement(db, { type: "exception.opened", subject: "exception", table: exceptions, id: exceptions.id, where: eq(exceptions.id, id), now }),
  ];
}

export async function raiseException(db: Db, e: ExceptionInput): Promise<void> {
  await commit(db, raiseExceptionStatements(db, e));
}

export async function openExceptionFor(db: Db, cause: string, subject: { payoutId?: string; itemId?: string }) {
  return db
    .select()
    .from(exceptions)
    .where(and(eq(exceptions.openKey, openKeyOf({ cause, ...subject }))))
    .get();
}

// ---- reading and working tickets ----

export type ExceptionRow = typeof exceptions.$inferSelect;

export async function getException(db: Db, id: string) {
  const row = await db.select().from(exceptions).where(eq(exceptions.id, id)).get();
  if (!row) throw notFound("exception_not_found", `Exception ${id} does not exist.`);
  const notes = await db.select().from(exceptionNotes).where(eq(exceptionNotes.exceptionId, id)).orderBy(asc(exceptionNotes.id));
  return { row, notes };
}

export async function listExceptions(
  db: Db,
  filter: { status?: ExceptionStatus | undefined; cause?: string | undefined; payoutId?: string | undefined; before?: string | undefined; limit: number },
) {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(eq(exceptions.status, filter.status));
  if (filter.cause) conditions.push(eq(exceptions.cause, filter.cause));
  if (filter.payoutId) conditions.push(eq(exceptions.payoutId, filter.payoutId));
  if (filter.before) conditions.push(lt(exceptions.id, filter.before));
  return keysetPage(filter.limit, (n) => db.select().from(exceptions).where(allOf(conditions)).orderBy(desc(exceptions.id)).limit(n));
}

export async function addNote(db: Db, id: string, note: string, actorId: string) {
  await getException(db, id);
  await commit(db, [
    db.insert(exceptionNotes).values({ exceptionId: id, at: nowIso(), actorId, note }),
    db.update(exceptions).set({ updatedAt: nowIso() }).where(eq(exceptions.id, id)),
  ]);
}

/**
 * Moves a ticket along its lifecycle with a note. Resolving a ticket whose cause retries the
 * payout marks the retry pending in the same write, so a crash before the retry runs is
 * re-driven by the cron instead of forgotten.
 */
export async function transitionException(db: Db, id: string, to: ExceptionStatus, note: string, actorId: string) {
  const { row } = await getException(db, id);
  const from = row.status;
  if (from === to) return row;
  if (!canTransitionException(from, to)) {
    throw conflict("invalid_exception_transition", `An exception that is ${from} cannot become ${to}.`, { from, to });
  }
  const now = nowIso();
  const closing = to === "resolved" || to === "dismissed";
  const retry = to === "resolved" && retryKindFor(row.cause) !== "none";
  const [result] = await commit(db, [
    db
      .update(exceptions)
      .set({
        status: to,
        updatedAt: now,
        ...(closing ? { openKey: null, resolvedAt: now, resolvedBy: actorId, resolutionNote: note } : {}),
        ...(retry ? { retryStatus: "pending" as const } : {}),
      })
      .where(and(eq(exceptions.id, id), eq(exceptions.status, from))),
    db.insert(exceptionNotes).select(
      db
        .select({
          id: sql`NULL`.as("id"),
          exceptionId: exceptions.id,
          at: sql`${now}`.as("at"),
          actorId: sql`${actorId}`.as("actor_id"),
          fromStatus: sql`${from}`.as("from_status"),
          toStatus: sql`${to}`.as("to_status"),
          note: sql`${note}`.as("note"),
        })
        .from(exceptions)
        .where(and(eq(exceptions.id, id), eq(exceptions.status, to), eq(exceptions.updatedAt, now))),
    ),
    ...closedEvent(db, id, to, now),
  ]);
  if (result.meta.changes !== 1) throw conflict("concurrent_update", "The exception changed while this was being applied; read it again.");
  return (await getException(db, id)).row;
}

function closedEvent(db: Db, id: string, to: ExceptionStatus, now: string): Statements {
  const type = exceptionEventType(to);
  if (!type || to === "open") return [];
  return [rowEventStatement(db, { type, subject: "exception", table: exceptions, id: exceptions.id, where: and(eq(exceptions.id, id), eq(exceptions.status, to), eq(exceptions.updatedAt, now)), now })];
}

export async function finishRetry(db: Db, id: string, result: Record<string, unknown>) {
  await db.update(exceptions).set({ retryStatus: "done", retryResult: JSON.stringify(result), retryNextAt: null, updatedAt: nowIso() }).where(eq(exceptions.id, id));
}

/** Pending retries whose backoff has passed at `now`, oldest first. */
export async function pendingRetries(db: Db, now: string, limit: number) {
  return db
    .select()
    .from(exceptions)
    .where(and(eq(exceptions.retryStatus, "pending"), or(isNull(exceptions.retryNextAt), lte(exceptions.retryNextAt, now))))
    .orderBy(asc(exceptions.updatedAt))
    .limit(limit);
}

/**
 * Records that a retry threw: its attempt count and when to try next, or, after the last
 * attempt, that it is exhausted, with the retry_exhausted ticket in the same write. Applies only
 * if no one recorded that attempt meanwhile (a concurrent cron), so an attempt counts once.
 */
export async function recordFailedRetry(db: Db, e: ExceptionRow, error: string, nowMs: number): Promise<"backed_off" | "exhausted" | "concurrent"> {
  const attempts = e.retryAttempts + 1;
  const next = afterFailedRetry(attempts, nowMs);
  const now = nowIso();
  const unchanged = and(eq(exceptions.id, e.id), eq(exceptions.retryStatus, "pending"), eq(exceptions.retryAttempts, e.retryAttempts));
  const retryResult = JSON.stringify(next.exhausted ? { kind: "exhausted", attempts, error } : { kind: "attempt_failed", attempts, nextAttemptAt: new Date(next.nextAtMs).toISOString(), error });
  const update = db
    .update(exceptions)
    .set({ retryStatus: next.exhausted ? "exhausted" : "pending", retryAttempts: attempts, retryNextAt: next.exhausted ? null : new Date(next.nextAtMs).toISOString(), retryResult, updatedAt: now })
    .where(unchanged);
  const ticket = next.exhausted
    ? raiseExceptionStatements(db, {
        cause: "retry_exhausted",
        summary: `The retry after resolving ${e.cause} ticket ${e.id} failed ${attempts} times; last error: ${error}`,
        subjectKey: retryExhaustedSubject(e.id),
        payoutId: e.payoutId,
        batchId: e.batchId,
        itemId: e.itemId,
        payeeId: e.payeeId,
        details: { exceptionId: e.id, cause: e.cause, attempts, lastError: error },
      })
    : [];
  const [result] = await commit(db, [update, ...ticket]);
  if (result.meta.changes !== 1) return "concurrent";
  return next.exhausted ? "exhausted" : "backed_off";
}

/** Runs an exhausted retry again from its first attempt, on the next pass of the cron. */
export async function rearmRetry(db: Db, id: string): Promise<boolean> {
  const [result] = await commit(db, [
    db
      .update(exceptions)
      .set({ retryStatus: "pending", retryAttempts: 0, retryNextAt: null, retryResult: null, updatedAt: nowIso() })
      .where(and(eq(exceptions.id, id), eq(exceptions.retryStatus, "exhausted"))),
  ]);
  return result.meta.changes === 1;
}
