// Payout records and every change to them. A status change, its ledger posting and its
// timeline event (which names the posting) are one atomic batch; the timeline event carries the
// payout's new version under a unique index, so two concurrent changes from the same version
// cannot both commit.

import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import { notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { Currency } from "../domain/money";
import { payoutTransaction } from "../domain/payout-ledger";
import { bankMoves, type ChangePlan, type PayoutChange, planChange } from "../domain/payout-lifecycle";
import type { BankTransferStatus } from "../domain/statuses";
import { countUsage } from "../observability/usage";
import { commit, type Db, isUniqueViolation, nowIso, type Statements } from "./client";
import { postTransaction } from "./ledger";
import { raiseExceptionStatements } from "./exceptions";
import { batches, batchItems, payoutEvents, payouts } from "./schema";

export type PayoutRow = typeof payouts.$inferSelect;

export async function getPayout(db: Db, id: string): Promise<PayoutRow> {
  const row = await db.select().from(payouts).where(eq(payouts.id, id)).get();
  if (!row) throw notFound("payout_not_found", `Payout ${id} does not exist.`);
  return row;
}

export function payoutView(row: PayoutRow) {
  const bank = JSON.parse(row.bankSnapshot) as { accountNumber: string; ifsc: string; accountHolderName: string };
  return {
    id: row.id,
    batchId: row.batchId,
    itemId: row.itemId,
    payeeId: row.payeeId,
    cycleId: row.cycleId,
    amountPaise: row.amountPaise,
    currency: row.currency,
    status: row.status,
    idempotencyKey: row.idempotencyKey,
    bankAccount: { accountNumberMasked: `${"X".repeat(Math.max(0, bank.accountNumber.length - 4))}${bank.accountNumber.slice(-4)}`, ifsc: bank.ifsc },
    attempts: row.attempts,
    bankReference: row.bankReference,
    failureCode: row.failureCode,
    failureReason: row.failureReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    processedAt: row.processedAt,
    version: row.version,
  };
}

/**
 * The payouts of a cycle, found through the cycle's batches (indexed by cycle) and the payouts'
 * batch index: `payouts` has no index that starts with the cycle, and a condition on cycle_id
 * alone reads the whole table. Every payout belongs to a batch of its own cycle.
 */
export function inCycle(db: Db, cycleId: string): SQL {
  return and(eq(payouts.cycleId, cycleId), inArray(payouts.batchId, db.select({ id: batches.id }).from(batches).where(eq(batches.cycleId, cycleId))))!;
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

export interface Change extends PayoutChange {
  actorId: string;
  details?: Record<string, unknown>;
}

export type ChangeResult = { applied: true; payout: PayoutRow } | { applied: false; payout: PayoutRow; reason: "same_status" | "not_allowed" };

const MAX_CHANGE_ATTEMPTS = 5;

/**
 * Moves a payout to a new status if the lifecycle allows it, writing what the lifecycle's plan
 * says the move entails in one atomic batch. A move the lifecycle refuses (late, duplicate or
 * backwards) is recorded on the timeline and ignored. Safe to call concurrently and repeatedly.
 */
export async function changeStatus(db: Db, payoutId: string, change: Change, known?: PayoutRow): Promise<ChangeResult> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    // A row the caller just read saves a query; if it is stale, the version lock below fails
    // and the next attempt reads afresh.
    const current = attempt === 0 && known ? known : await getPayout(db, payoutId);
    const planned = planChange(current, change, nowIso());
    if (!planned.ok) {
      if (planned.reason === "not_allowed") await recordIgnored(db, current, change);
      return { applied: false, payout: current, reason: planned.reason };
    }
    const { plan } = planned;
    try {
      const written = await writeChange(db, current, change, plan);
      if (written === "lost_race") continue;
      return { applied: true, payout: { ...current, ...plan.next } };
    } catch (error) {
      if (isUniqueViolation(error, "payout_events")) continue;
      throw error;
    }
  }
  throw new Error(`payout ${payoutId}: could not apply ${change.to} after ${MAX_CHANGE_ATTEMPTS} attempts of contention`);
}

function recordIgnored(db: Db, current: PayoutRow, change: Change) {
  return recordEvent(db, {
    payoutId: current.id,
    kind: "ignored_event",
    from: current.status,
    to: change.to,
    actorId: change.actorId,
    details: { cause: change.cause, bankStatus: change.bankStatus ?? null, ...change.details },
  });
}

/** Writes a planned move: its event, the row (under the version lock), its ticket, the freed item and its posting. */
async function writeChange(db: Db, current: PayoutRow, change: Change, plan: ChangePlan): Promise<"written" | "lost_race"> {
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

/**
 * Applies what the bank says (from a response, a webhook or a poll), through the moves the
 * lifecycle derives from it (a reversal before its "processed" is applied as both).
 */
export async function applyBankStatus(
  db: Db,
  payoutId: string,
  bank: { status: BankTransferStatus; bankReference: string | null; failureCode?: string | undefined; failureReason?: string | undefined },
  actorId: string,
  cause: string,
  options: {
    /** The payout as the caller just read it: saves a query; a stale row only costs a retry. */
    known?: PayoutRow | undefined;
    /** Written on the state-change event (a webhook's event id and type, for example). */
    details?: Record<string, unknown> | undefined;
  } = {},
): Promise<ChangeResult> {
  let current = options.known ?? (await getPayout(db, payoutId));
  let result: ChangeResult = { applied: false, payout: current, reason: "same_status" };
  for (const move of bankMoves(current.status, bank.status)) {
    const change: Change = move.inferred
      ? { to: move.to, actorId, cause, bankReference: bank.bankReference, bankStatus: bank.status, details: { ...options.details, inferredFrom: bank.status } }
      : { to: move.to, actorId, cause, bankReference: bank.bankReference, bankStatus: bank.status, details: options.details, failureCode: bank.failureCode, failureReason: bank.failureReason };
    result = await changeStatus(db, payoutId, change, current);
    if (move.inferred && !result.applied && result.payout.status !== "processed") return result;
    current = result.payout;
  }
  return result;
}
