// The event outbox and its deliveries. An event is written by the same atomic batch as the
// change it reports, as a snapshot of the subject's row taken by SQL right after the change
// (INSERT … SELECT), so it can only exist if the change committed and says what the row was.

import { and, asc, desc, eq, getTableColumns, gt, inArray, isNull, lt, lte, type SQL, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { EventSubject, EventType } from "../domain/events";
import { notFound } from "../domain/errors";
import { commit, type Db, inChunks, nowIso, type Statements } from "./client";
import { type AuditInput, auditStatement, conditionalAuditStatement } from "./audit";
import { allOf, keysetPage } from "./page";
import { eventDeliveries, eventDeliveryAttempts, eventDispatchCursor, events, webhookEndpoints } from "./schema";

export type EventRow = typeof events.$inferSelect;
export type DeliveryRow = typeof eventDeliveries.$inferSelect;
export type AttemptRow = typeof eventDeliveryAttempts.$inferSelect;
export type EndpointRow = typeof webhookEndpoints.$inferSelect;

let eventStatementsBuilt = 0;
/**
 * How many event writes this isolate has prepared. An entry point compares it before and after
 * its work to know whether to dispatch right away; a false alarm costs one cursor read.
 */
export const eventWritesPrepared = () => eventStatementsBuilt;

const nextSequence = (subjectId: SQL | string) =>
  sql`COALESCE((SELECT MAX(${events.sequence}) FROM ${events} WHERE ${events.subjectId} = ${subjectId}), 0) + 1`;

/** `json_object` of every column of `table`, keyed as drizzle names them: the row type, in SQL. */
function rowJson(table: SQLiteTable): SQL {
  const parts = Object.entries(getTableColumns(table)).map(([key, column]) => sql`${sql.raw(`'${key}'`)}, ${column}`);
  return sql`json_object(${sql.join(parts, sql`, `)})`;
}

/**
 * Events of `type` for each row of `table` that `where` selects, snapshotting the row as it is at
 * this point of the batch. Written after the statement that changes the row, with a `where` that
 * holds only if the change happened, the event exists exactly when the change does.
 */
export function rowEventStatement(
  db: Db,
  e: { type: EventType; subject: EventSubject; table: SQLiteTable; id: SQL | SQLiteColumnLike; where: SQL | undefined; now?: string },
) {
  eventStatementsBuilt++;
  const now = e.now ?? nowIso();
  return db.insert(events).select(
    db
      .select({
        seq: sql`NULL`.as("seq"),
        id: sql`'evt_' || lower(hex(randomblob(12)))`.as("id"),
        type: sql`${e.type}`.as("type"),
        subjectType: sql`${e.subject}`.as("subject_type"),
        subjectId: sql`${e.id}`.as("subject_id"),
        sequence: sql`${nextSequence(sql`${e.id}`)}`.as("sequence"),
        data: rowJson(e.table).as("data"),
        createdAt: sql`${now}`.as("created_at"),
      })
      .from(e.table)
      .where(e.where),
  );
}
type SQLiteColumnLike = Parameters<typeof eq>[0];

/** An event whose data is given, not a row's snapshot (an approval request names its link). */
export function eventStatement(db: Db, e: { type: EventType; subject: EventSubject; subjectId: string; data: Record<string, unknown>; now?: string }) {
  eventStatementsBuilt++;
  return db.insert(events).values({
    id: sql`'evt_' || lower(hex(randomblob(12)))` as unknown as string,
    type: e.type,
    subjectType: e.subject,
    subjectId: e.subjectId,
    sequence: nextSequence(e.subjectId) as unknown as number,
    data: JSON.stringify(e.data),
    createdAt: e.now ?? nowIso(),
  });
}

/** An event whose data is given, written only if `condition` holds when the statement runs (inside a batch). */
export function conditionalEventStatement(
  db: Db,
  e: { type: EventType; subject: EventSubject; subjectId: string; data: Record<string, unknown>; now?: string },
  condition: SQL,
) {
  eventStatementsBuilt++;
  return db.insert(events).select(
    db
      .select({
        seq: sql`NULL`.as("seq"),
        id: sql`'evt_' || lower(hex(randomblob(12)))`.as("id"),
        type: sql`${e.type}`.as("type"),
        subjectType: sql`${e.subject}`.as("subject_type"),
        subjectId: sql`${e.subjectId}`.as("subject_id"),
        sequence: sql`${nextSequence(e.subjectId)}`.as("sequence"),
        data: sql`${JSON.stringify(e.data)}`.as("data"),
        createdAt: sql`${e.now ?? nowIso()}`.as("created_at"),
      })
      .from(sql`(SELECT 1)`)
      .where(condition),
  );
}

// ---- reading events ----

export async function getEvent(db: Db, id: string): Promise<EventRow> {
  const row = await db.select().from(events).where(eq(events.id, id)).get();
  if (!row) throw notFound("event_not_found", `Event ${id} does not exist.`);
  return row;
}

/** Newest first; `before` is a `seq` cursor. */
export function listEvents(db: Db, q: { type?: string | undefined; subjectId?: string | undefined; before?: number | undefined; limit: number }) {
  const conditions: SQL[] = [];
  if (q.type) conditions.push(eq(events.type, q.type));
  if (q.subjectId) conditions.push(eq(events.subjectId, q.subjectId));
  if (q.before !== undefined) conditions.push(lt(events.seq, q.before));
  return keysetPage(q.limit, (n) => db.select().from(events).where(allOf(conditions)).orderBy(desc(events.seq)).limit(n), (r) => String(r.seq));
}

export const deliveriesOf = (db: Db, eventId: string) => db.select().from(eventDeliveries).where(eq(eventDeliveries.eventId, eventId)).orderBy(asc(eventDeliveries.id));

export const attemptsOf = (db: Db, deliveryIds: readonly string[]) =>
  inChunks(deliveryIds, (chunk) =>
    db.select().from(eventDeliveryAttempts).where(inArray(eventDeliveryAttempts.deliveryId, chunk)).orderBy(asc(eventDeliveryAttempts.id)),
  );

// ---- fanning out: the dispatcher follows `seq` with a cursor ----

const CURSOR = "deliveries";

/** The events past the cursor, oldest first: one query, so a dispatch with nothing new costs one read. */
export const eventsAfterCursor = (db: Db, limit: number) =>
  db
    .select()
    .from(events)
    .where(gt(events.seq, sql`COALESCE((SELECT ${eventDispatchCursor.lastSeq} FROM ${eventDispatchCursor} WHERE ${eventDispatchCursor.name} = ${CURSOR}), 0)`))
    .orderBy(asc(events.seq))
    .limit(limit);

/** A delivery's id is its event's and endpoint's: two dispatchers racing write the same rows. */
export const deliveryId = (eventId: string, endpointId: string) => `dlv_${eventId.slice(4)}_${endpointId.slice(3)}`;

/** Writes the deliveries and moves the cursor past `lastSeq`, in one batch. */
export async function recordDispatch(db: Db, deliveries: Array<{ eventId: string; endpointId: string }>, lastSeq: number, now: string) {
  const rows = deliveries.map((d) => ({ id: deliveryId(d.eventId, d.endpointId), ...d, status: "pending" as const, attempts: 0, nextAttemptAt: now, createdAt: now }));
  const statements: Statements = [];
  // Seven parameters a row; D1 binds at most 100 per statement.
  for (let i = 0; i < rows.length; i += 14) statements.push(db.insert(eventDeliveries).values(rows.slice(i, i + 14)).onConflictDoNothing());
  statements.push(
    db
      .insert(eventDispatchCursor)
      .values({ name: CURSOR, lastSeq })
      .onConflictDoUpdate({ target: eventDispatchCursor.name, set: { lastSeq: sql`MAX(${eventDispatchCursor.lastSeq}, ${lastSeq})` } }),
  );
  await commit(db, statements);
  return rows.map((r) => r.id);
}

// ---- delivering ----

/** Pending deliveries whose attempt is due (a lost queue message, or a retry past the queue's longest delay). */
export const dueDeliveries = (db: Db, now: string, limit: number) =>
  db
    .select({ id: eventDeliveries.id })
    .from(eventDeliveries)
    .where(and(eq(eventDeliveries.status, "pending"), lte(eventDeliveries.nextAttemptAt, now)))
    .orderBy(asc(eventDeliveries.nextAttemptAt))
    .limit(limit);

/** The delivery with its event and endpoint, for one attempt. */
export async function deliveryToAttempt(db: Db, id: string) {
  const row = await db
    .select({ delivery: eventDeliveries, event: events, endpoint: webhookEndpoints })
    .from(eventDeliveries)
    .innerJoin(events, eq(events.id, eventDeliveries.eventId))
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, eventDeliveries.endpointId))
    .where(eq(eventDeliveries.id, id))
    .get();
  return row ?? null;
}

/** Takes the attempt until `leaseUntil`: false when it is not due or another consumer took it. */
export async function claimDelivery(db: Db, delivery: DeliveryRow, now: string, leaseUntil: string): Promise<boolean> {
  const claimed = await db
    .update(eventDeliveries)
    .set({ attempts: delivery.attempts + 1, nextAttemptAt: leaseUntil })
    .where(
      and(
        eq(eventDeliveries.id, delivery.id),
        eq(eventDeliveries.status, "pending"),
        eq(eventDeliveries.attempts, delivery.attempts),
        lte(eventDeliveries.nextAttemptAt, now),
      ),
    )
    .run();
  return claimed.meta.changes === 1;
}

export type AttemptOutcome = { delivered: true } | { delivered: false; retryAt: string | null; error: string };

/** Records an attempt and what it means for the delivery (delivered, retry at, or failed). */
export async function recordAttempt(db: Db, deliveryId: string, attempt: Omit<AttemptRow, "id" | "deliveryId">, outcome: AttemptOutcome) {
  const update = outcome.delivered
    ? { status: "delivered" as const, deliveredAt: attempt.at, lastError: null }
    : outcome.retryAt
      ? { nextAttemptAt: outcome.retryAt, lastError: outcome.error }
      : { status: "failed" as const, lastError: outcome.error };
  await commit(db, [
    db.insert(eventDeliveryAttempts).values({ deliveryId, ...attempt }),
    db
      .update(eventDeliveries)
      .set(update)
      .where(and(eq(eventDeliveries.id, deliveryId), eq(eventDeliveries.attempts, attempt.attempt))),
  ]);
}

/**
 * Makes the event's deliveries due again with a fresh schedule, and delivers it to endpoints
 * that want it but never had it (created since). Returns the deliveries to send.
 */
export async function resetDeliveries(db: Db, eventId: string, endpointIds: readonly string[], now: string): Promise<string[]> {
  const ids = endpointIds.map((endpointId) => deliveryId(eventId, endpointId));
  if (ids.length === 0) return [];
  await commit(db, [
    ...endpointIds.map((endpointId) =>
      db
        .insert(eventDeliveries)
        .values({ id: deliveryId(eventId, endpointId), eventId, endpointId, status: "pending", attempts: 0, nextAttemptAt: now, createdAt: now })
        .onConflictDoUpdate({ target: eventDeliveries.id, set: { status: "pending", attempts: 0, nextAttemptAt: now } }),
    ),
  ]);
  return ids;
}

// ---- endpoints ----

export const liveEndpoints = (db: Db) => db.select().from(webhookEndpoints).where(isNull(webhookEndpoints.deletedAt)).orderBy(asc(webhookEndpoints.id));

export async function getEndpoint(db: Db, id: string): Promise<EndpointRow> {
  const row = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.id, id), isNull(webhookEndpoints.deletedAt)))
    .get();
  if (!row) throw notFound("webhook_endpoint_not_found", `Webhook endpoint ${id} does not exist.`);
  return row;
}

export async function insertEndpoint(db: Db, row: EndpointRow, audit: AuditInput) {
  await commit(db, [db.insert(webhookEndpoints).values(row), auditStatement(db, audit)]);
}

/** Saves changes made from `expectedUpdatedAt`, audited; false when someone else changed it first. */
export async function updateEndpoint(db: Db, id: string, expectedUpdatedAt: string, set: Partial<EndpointRow>, audit: AuditInput): Promise<boolean> {
  const changedNow = sql`EXISTS (SELECT 1 FROM ${webhookEndpoints} WHERE ${webhookEndpoints.id} = ${id} AND ${webhookEndpoints.updatedAt} = ${set.updatedAt ?? ""})`;
  const [result] = await commit(db, [
    db
      .update(webhookEndpoints)
      .set(set)
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.updatedAt, expectedUpdatedAt), isNull(webhookEndpoints.deletedAt))),
    conditionalAuditStatement(db, audit, changedNow),
  ]);
  return (result as unknown as D1Result).meta.changes === 1;
}

/** Makes NOTIFY_WEBHOOK_URL's endpoint match the configuration (or disables it when unset). */
export async function syncConfigEndpoint(db: Db, id: string, current: EndpointRow | undefined, want: { url: string; eventTypes: string } | null, now: string) {
  if (want === null ? !current?.enabled : current?.enabled && current.url === want.url && current.eventTypes === want.eventTypes) return;
  if (want === null) {
    await db
      .update(webhookEndpoints)
      .set({ enabled: false, updatedAt: now })
      .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.enabled, true)));
    return;
  }
  await db
    .insert(webhookEndpoints)
    .values({ id, url: want.url, description: "NOTIFY_WEBHOOK_URL (configuration)", eventTypes: want.eventTypes, enabled: true, managedBy: "config", secret: null, previousSecret: null, previousSecretExpiresAt: null, createdBy: "system", createdAt: now, updatedAt: now, deletedAt: null })
    .onConflictDoUpdate({ target: webhookEndpoints.id, set: { url: want.url, eventTypes: want.eventTypes, enabled: true, updatedAt: now } });
}

/** The newest events of these types (the development inbox). */
export const latestEventsOf = (db: Db, types: readonly EventType[], limit: number) =>
  db
    .select()
    .from(events)
    .where(inArray(events.type, [...types]))
    .orderBy(desc(events.seq))
    .limit(limit);
