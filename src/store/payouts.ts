// Payout rows, their timeline, and the writes that change them. A status change, its ledger
// posting and its timeline event (which names the posting) are one atomic batch; the timeline
// event carries the payout's new version under a unique index, so two concurrent changes from
// the same version cannot both commit. What a change writes is decided in domain/payout-lifecycle.ts.

import { and, asc, count, desc, eq, inArray, lt, type SQL, sql, sum } from "drizzle-orm";
import { notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { Currency } from "../domain/money";
import { payoutTransaction } from "../domain/payout-ledger";
import type { ChangePlan, PayoutChange } from "../domain/payout-lifecycle";
import type { PayoutStatus } from "../domain/statuses";
import { allOf, keysetPage } from "./page";
import { countUsage } from "../observability/usage";
import { commit, type Db, isUniqueViolation, nowIso, type Statements } from "./client";
import { postTransaction } from "./ledger";
import { payoutEventType } from "../domain/events";
import { rowEventStatement } from "./events";
import { raiseExceptionStatements } from "./exceptions";
import { batches, batchItems, payoutEvents, payouts } from "./schema";

export type PayoutRow = typeof payouts.$inferSelect;

export async function getPayout(db: Db, id: string): Promise<PayoutRow> {
  const row = await db.select().from(payouts).where(eq(payouts.id, id)).get();
  if (!row) throw notFound("payout_not_found", `Payout ${id} does not exist.`);
  return row;
}

/**
 * The payouts of a cycle, found through the cycle's batches (indexed by cycle) and the payouts'
 * batch index: `payouts` has no index that starts with the cycle, and a condition on cycle_id
 * alone reads the whole table. Every payout belongs to a batch of its own cycle.
 */
export function inCycle(db: Db, cycleId: string): SQL {
  return and(eq(payouts.cycleId, cycleId), inArray(payouts.batchId, db.select({ id: batches.id }).from(batches).where(eq(batches.cycleId, cycleId))))!;
}

/** A page of payouts, newest first, filtered by batch, payee or status. */
export function listPayouts(db: Db, q: { batchId?: string | undefined; payeeId?: string | undefined; status?: PayoutStatus | undefined; before?: string | undefined; limit: number }) {
  const conditions: SQL[] = [];
  if (q.batchId) conditions.push(eq(payouts.batchId, q.batchId));
  if (q.payeeId) conditions.push(eq(payouts.payeeId, q.payeeId));
  if (q.status) conditions.push(eq(payouts.status, q.status));
  if (q.before) conditions.push(lt(payouts.id, q.before));
  return keysetPage(q.limit, (n) => db.select().from(payouts).where(allOf(conditions)).orderBy(desc(payouts.id)).limit(n));
}

/** Counts and totals by status, for a batch or a cycle (or everything). */
export async function payoutSummary(db: Db, q: { batchId?: string | undefined; cycleId?: string | undefined }) {
  const conditions: SQL[] = [];
  if (q.batchId) conditions.push(eq(payouts.batchId, q.batchId));
  if (q.cycleId) conditions.push(inCycle(db, q.cycleId));
  const rows = await db
    .select({ status: payouts.status, n: count(), total: sum(payouts.amountPaise) })
    .from(payouts)
    .where(allOf(conditions))
    .groupBy(payouts.status);
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, { count: r.n, amountPaise: Number(r.total ?? 0) }]));
  return { count: rows.reduce((n, r) => n + r.n, 0), amountPaise: rows.reduce((n, r) => n + Number(r.total ?? 0), 0), byStatus };
}

/** The newest payout made for a batch item (retries make more than one). */
export async function latestPayoutForItem(db: Db, itemId: string): Promise<PayoutRow | undefined> {
  return db.select().from(payouts).where(eq(payouts.itemId, itemId)).orderBy(desc(payouts.id)).limit(1).get();
}

export async function payoutTimeline(db: Db, payoutId: string) {
  const rows = await db.select().from(payoutEvents).where(eq(payoutEvents.payoutId, payoutId)).orderBy(asc(payoutEvents.id));
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}

function eventStatement(db: Db, e: { payoutId: string; kind: string; from?: string | null; to?: string | null; actorId: string; version?: number | null; details?: Record<string, unknown> }) {
  return db.insert(payoutEvents).values({
    payoutId: e.payoutId,
    at: nowIso(),
    kind: e.kind,
    fromStatus: e.from ?? null,
    toStatus: e.to ?? null,
    actorId: e.actorId,
    payoutVersion: e.version ?? null,
    details: JSON.stringify(e.details ?? {}),
  });
}

/** The outbound event of a payout reaching `status` at `version`: its sequence is the payout's own order of changes. */
const payoutEvent = (db: Db, payoutId: string, status: PayoutStatus, version: number, now: string) =>
  rowEventStatement(db, { type: payoutEventType(status), subject: "payout", table: payouts, id: payouts.id, where: and(eq(payouts.id, payoutId), eq(payouts.version, version)), now });

/** Records a timeline event that changes nothing (a bank call, an ignored late webhook). */
export async function recordEvent(db: Db, e: Parameters<typeof eventStatement>[1]) {
  await eventStatement(db, e);
}

export interface NewPayout {
  retryOf?: string | null;
  batchId: string;
  itemId: string;
  payeeId: string;
  cycleId: string;
  amountPaise: number;
  currency: Currency;
  bankSnapshot: string;
}

export type CreateResult = { outcome: "created" | "existing"; payout: PayoutRow } | { outcome: "refused"; reason: string };

/**
 * Creates the payout and reserves its money in one batch. The database's unique indexes are the
 * last line of defence behind the payee's gate: one payout per item, one in flight per payee,
 * one holding money per payee and cycle.
 */
export async function createPayoutRecord(db: Db, p: NewPayout, actorId: string): Promise<CreateResult> {
  const id = newId("po");
  const now = nowIso();
  const row: PayoutRow = {
    id,
    ...p,
    retryOf: p.retryOf ?? null,
    status: "created",
    idempotencyKey: id,
    attempts: 0,
    bankReference: null,
    lastBankStatus: null,
    failureCode: null,
    failureReason: null,
    nextPollAt: null,
    statusChangedAt: now,
    processedAt: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await postTransaction(db, payoutTransaction({ payoutId: id, ...p }, "reserve"), actorId, (transactionId) => [
      db.insert(payouts).values(row),
      // The reservation is named on the creation's event: same moment, same actor, one row fewer.
      eventStatement(db, {
        payoutId: id,
        kind: "created",
        to: "created",
        actorId,
        version: 1,
        details: { amountPaise: p.amountPaise, retryOf: p.retryOf ?? null, posting: "reserve", transactionId },
      }),
      db.update(batchItems).set({ payoutId: id, releaseRefusal: null }).where(eq(batchItems.id, p.itemId)),
      payoutEvent(db, id, "created", 1, now),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "payouts.item_id")) {
      const existing = await latestPayoutForItem(db, p.itemId);
      if (existing) return { outcome: "existing", payout: existing };
    }
    if (isUniqueViolation(error, "payouts.payee_id, payouts.cycle_id")) return { outcome: "refused", reason: "already_paid_for_cycle" };
    if (isUniqueViolation(error, "payouts.payee_id")) return { outcome: "refused", reason: "payee_has_transfer_in_flight" };
    throw error;
  }
  return { outcome: "created", payout: row };
}

/** What a status change records besides its plan: who made it, why, and what the event carries. */
export interface ChangeRecord extends PayoutChange {
  actorId: string;
  details?: Record<string, unknown>;
}

/**
 * Writes a planned move in one atomic batch: its event, the row (under the version lock), its
 * ticket, the freed item and its posting. "lost_race" means another change from the same
 * version committed first (the event's unique version, or the posting, already exists).
 */
export async function writePayoutChange(db: Db, current: PayoutRow, change: ChangeRecord, plan: ChangePlan): Promise<"written" | "lost_race"> {
  try {
    return await writeChange(db, current, change, plan);
  } catch (error) {
    if (isUniqueViolation(error, "payout_events")) return "lost_race";
    throw error;
  }
}

async function writeChange(db: Db, current: PayoutRow, change: ChangeRecord, plan: ChangePlan): Promise<"written" | "lost_race"> {
  const { next } = plan;
  const statements = (transactionId: string | null): Statements => [
    eventStatement(db, {
      payoutId: current.id,
      kind: "state_change",
      from: current.status,
      to: change.to,
      actorId: change.actorId,
      version: next.version,
      details: {
        cause: change.cause,
        bankStatus: change.bankStatus ?? null,
        bankReference: next.bankReference,
        failureCode: next.failureCode,
        ...change.details,
        // The ledger posting this move made, in the same atomic batch as the move itself.
        ...(transactionId ? { posting: plan.posting, transactionId } : {}),
      },
    }),
    // Only what a status change touches: SQLite rewrites every index on a column that is set,
    // so setting unchanged identity columns (item, payee, key, …) would cost index writes.
    db.update(payouts).set(next).where(and(eq(payouts.id, current.id), eq(payouts.version, current.version))),
    payoutEvent(db, current.id, change.to, next.version, next.updatedAt),
    ...(plan.exception ? raiseExceptionStatements(db, plan.exception) : []),
    // A payout that will not pay (or was returned) frees its payee for another batch of the cycle.
    ...(plan.freesItem ? [db.update(batchItems).set({ liveKey: null }).where(eq(batchItems.id, current.itemId))] : []),
  ];
  if (!plan.posting) {
    await commit(db, statements(null));
    return "written";
  }
  const money = { payoutId: current.id, payeeId: current.payeeId, cycleId: current.cycleId, amountPaise: current.amountPaise, currency: current.currency as Currency };
  const posted = await postTransaction(db, payoutTransaction(money, plan.posting, next.bankReference), change.actorId, statements);
  // The posting already existed: another change won the race and wrote it. Look again.
  if (posted.replayed) return "lost_race";
  if (change.to === "processed") countUsage("payoutsProcessed");
  return "written";
}

/** Notes a bank call attempt (bumps the counter, adds a timeline event) without changing status. */
export async function recordAttempt(db: Db, payout: PayoutRow, actorId: string, details: Record<string, unknown>) {
  await commit(db, [
    db
      .update(payouts)
      .set({ attempts: sql`${payouts.attempts} + 1`, updatedAt: nowIso() })
      .where(eq(payouts.id, payout.id)),
    eventStatement(db, { payoutId: payout.id, kind: "bank_call", actorId, details: { attempt: payout.attempts + 1, ...details } }),
  ]);
}

