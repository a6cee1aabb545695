// The audit trail: every action that changes something records who, when and what changed.
// Returned as a statement so callers put it in the same atomic batch as the change itself.

import { desc, eq, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "./client";
import { nowIso } from "./client";
import { insertManyStatements } from "./many-rows";
import { auditEvents } from "./schema";
import { allOf, keysetPage, mapPage } from "./page";

export interface AuditInput {
  actorId: string;
  action: string;
  subjectType: string;
  subjectId: string;
  /** The subject's new version, for versioned subjects: makes the event double as a write lock. */
  subjectVersion?: number;
  details?: Record<string, unknown>;
}

export function auditStatement(db: Db, event: AuditInput) {
  return db.insert(auditEvents).values(auditRow(event));
}

/** Many events in as few statements as their size allows (a bulk settlement's, one per order). */
export function auditStatements(db: Db, events: readonly AuditInput[]) {
  return insertManyStatements(db, auditEvents, events.map(auditRow));
}

function auditRow(event: AuditInput): typeof auditEvents.$inferInsert {
  return {
    at: nowIso(),
    actorId: event.actorId,
    action: event.action,
    subjectType: event.subjectType,
    subjectId: event.subjectId,
    subjectVersion: event.subjectVersion ?? null,
    details: JSON.stringify(event.details ?? {}),
  };
}

/** An audit event written only if `condition` holds when the statement runs (inside a batch). */
export function conditionalAuditStatement(db: Db, event: AuditInput, condition: SQL) {
  return db.insert(auditEvents).select(
    db
      .select({
        id: sql`NULL`.as("id"),
        at: sql`${nowIso()}`.as("at"),
        actorId: sql`${event.actorId}`.as("actor_id"),
        action: sql`${event.action}`.as("action"),
        subjectType: sql`${event.subjectType}`.as("subject_type"),
        subjectId: sql`${event.subjectId}`.as("subject_id"),
        subjectVersion: sql`${event.subjectVersion ?? null}`.as("subject_version"),
        details: sql`${JSON.stringify(event.details ?? {})}`.as("details"),
      })
      .from(sql`(SELECT 1)`)
      .where(condition),
  );
}

export async function listAuditEvents(
  db: Db,
  filter: { subjectType?: string; subjectId?: string; before?: number; limit: number },
) {
  const conditions: SQL[] = [];
  if (filter.subjectType) conditions.push(eq(auditEvents.subjectType, filter.subjectType));
  if (filter.subjectId) conditions.push(eq(auditEvents.subjectId, filter.subjectId));
  if (filter.before !== undefined) conditions.push(lt(auditEvents.id, filter.before));
  const page = await keysetPage(filter.limit, (n) => db.select().from(auditEvents).where(allOf(conditions)).orderBy(desc(auditEvents.id)).limit(n));
  return mapPage(page, (r) => ({ ...r, details: JSON.parse(r.details) as unknown }));
}
