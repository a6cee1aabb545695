// Payout records and every change to them. A status change, its ledger posting and its
// timeline event (which names the posting) are one atomic batch; the timeline event carries the
// payout's new version under a unique index, so two concurrent changes from the same version
// cannot both commit.

import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { BankTransferStatus } from "../bank/gateway";
import { notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { Currency } from "../domain/money";
import { type PayoutPosting, payoutTransaction } from "../domain/payout-ledger";
import { type PayoutStatus, postingFor, transition } from "../domain/payout-state";
import { countUsage } from "../observability/usage";
import { type Db, isUniqueViolation, nowIso } from "./client";
import { type Batch, postTransaction } from "./ledger";
import { raiseExceptionStatements, type ExceptionInput } from "./exceptions";
import { batches, batchItems, payoutEvents, payouts } from "./schema";

export type PayoutRow = typeof payouts.$inferSelect;

/** How often a paid payout is re-checked for a return while it is inside the return window. */
export const RETURN_POLL_INTERVAL_MS = 3_600_000;

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

export interface Change {
  to: PayoutStatus;
  actorId: string;
  /** What caused it: "bank_response", "webhook", "poll", "enqueue", "dead_letter", ... */
  cause: string;
  bankReference?: string | null | undefined;
  bankStatus?: string | undefined;
  failureCode?: string | null | undefined;
  failureReason?: string | null | undefined;
  details?: Record<string, unknown>;
  exception?: ExceptionInput | undefined;
}

export type ChangeResult = { applied: true; payout: PayoutRow } | { applied: false; payout: PayoutRow; reason: "same_status" | "not_allowed" };

const MAX_CHANGE_ATTEMPTS = 5;

/**
 * Moves a payout to a new status if the state machine allows it, with the ledger posting the
 * move requires. A move the machine refuses (late, duplicate or backwards) is recorded on the
 * timeline and ignored. Safe to call concurrently and repeatedly.
 */
export async function changeStatus(db: Db, payoutId: string, change: Change, known?: PayoutRow): Promise<ChangeResult> {
  for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
    // A row the caller just read saves a query; if it is stale, the version lock below fails
    // and the next attempt reads afresh.
    const current = attempt === 0 && known ? known : await getPayout(db, payoutId);
    const check = transition(current.status, change.to);
    if (!check.ok) {
      if (check.reason === "not_allowed") {
        await recordEvent(db, {
          payoutId,
          kind: "ignored_event",
          from: current.status,
          to: change.to,
          actorId: change.actorId,
          details: { cause: change.cause, bankStatus: change.bankStatus ?? null, ...change.details },
        });
      }
      return { applied: false, payout: current, reason: check.reason };
    }
    const now = nowIso();
    const version = current.version + 1;
    const next: PayoutRow = {
      ...current,
      status: change.to,
      version,
      updatedAt: now,
      statusChangedAt: now,
      bankReference: change.bankReference ?? current.bankReference,
      lastBankStatus: change.bankStatus ?? current.lastBankStatus,
      failureCode: change.failureCode !== undefined ? change.failureCode : current.failureCode,
      failureReason: change.failureReason !== undefined ? change.failureReason : current.failureReason,
      processedAt: change.to === "processed" ? now : current.processedAt,
      // A paid payout is still asked about now and then, in case the bank returns it and the
      // return's webhook is lost (see cron/poll.ts).
      nextPollAt: change.to === "processed" ? new Date(Date.parse(now) + RETURN_POLL_INTERVAL_MS).toISOString() : change.to === "reversed" ? null : current.nextPollAt,
    };
    const statements = (transactionId: string | null): Batch => [
      eventStatement(db, {
        payoutId,
        kind: "state_change",
        from: current.status,
        to: change.to,
        actorId: change.actorId,
        version,
        details: {
          cause: change.cause,
          bankStatus: change.bankStatus ?? null,
          bankReference: next.bankReference,
          failureCode: next.failureCode,
          ...change.details,
          // The ledger posting this move made, in the same atomic batch as the move itself.
          ...(transactionId ? { posting: postingFor(change.to), transactionId } : {}),
        },
      }),
      db
        .update(payouts)
        // Only what a status change touches: SQLite rewrites every index on a column that is set,
        // so setting unchanged identity columns (item, payee, key, …) would cost index writes.
        .set({
          status: next.status,
          version: next.version,
          updatedAt: next.updatedAt,
          statusChangedAt: next.statusChangedAt,
          bankReference: next.bankReference,
          lastBankStatus: next.lastBankStatus,
          failureCode: next.failureCode,
          failureReason: next.failureReason,
          processedAt: next.processedAt,
          nextPollAt: next.nextPollAt,
        })
        .where(and(eq(payouts.id, payoutId), eq(payouts.version, current.version))),
      ...(change.exception ? raiseExceptionStatements(db, change.exception) : []),
      // A payout that will not pay (or was returned) frees its payee for another batch of the cycle.
      ...(change.to === "failed" || change.to === "cancelled" || change.to === "reversed"
        ? [db.update(batchItems).set({ liveKey: null }).where(eq(batchItems.id, current.itemId))]
        : []),
    ];
    try {
      const posting = postingFor(change.to);
      if (posting) {
        const posted = await postTransaction(
          db,
          payoutTransaction(
            { payoutId: current.id, payeeId: current.payeeId, cycleId: current.cycleId, amountPaise: current.amountPaise, currency: current.currency as Currency },
            posting as PayoutPosting,
            next.bankReference,
          ),
          change.actorId,
          (transactionId) => statements(transactionId),
        );
        // The posting already existed: another change won the race and wrote it. Look again.
        if (posted.replayed) continue;
        if (change.to === "processed") countUsage("payoutsProcessed");
      } else {
        await db.batch(statements(null) as [Batch[number], ...Batch]);
      }
      return { applied: true, payout: next };
    } catch (error) {
      if (isUniqueViolation(error, "payout_events")) continue;
      throw error;
    }
  }
  throw new Error(`payout ${payoutId}: could not apply ${change.to} after ${MAX_CHANGE_ATTEMPTS} attempts of contention`);
}

/** Notes a bank call attempt (bumps the counter, adds a timeline event) without changing status. */
export async function recordAttempt(db: Db, payout: PayoutRow, actorId: string, details: Record<string, unknown>) {
  await db.batch([
    db
      .update(payouts)
      .set({ attempts: sql`${payouts.attempts} + 1`, updatedAt: nowIso() })
      .where(eq(payouts.id, payout.id)),
    eventStatement(db, { payoutId: payout.id, kind: "bank_call", actorId, details: { attempt: payout.attempts + 1, ...details } }),
  ]);
}

/** The payout status a bank status leads to; `reversed` first needs `processed` (see applyBankStatus). */
export function targetForBankStatus(status: BankTransferStatus): PayoutStatus {
  return status === "pending" ? "processing" : status;
}

/**
 * Applies what the bank says (from a response, a webhook or a poll). A reversal that arrives
 * before its "processed" (reordered webhooks) is applied as processed, then reversed.
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
  const common = { actorId, cause, bankReference: bank.bankReference, bankStatus: bank.status, details: options.details };
  let current = options.known ?? (await getPayout(db, payoutId));
  const payout = current; // batch, item and payee never change
  if (bank.status === "reversed" && current.status !== "processed" && current.status !== "reversed") {
    const settled = await changeStatus(db, payoutId, { ...common, to: "processed", details: { ...options.details, inferredFrom: "reversed" } }, current);
    if (!settled.applied && settled.payout.status !== "processed") return settled;
    current = settled.payout;
  }
  const to = targetForBankStatus(bank.status);
  return changeStatus(db, payoutId, {
    ...common,
    to,
    failureCode: bank.failureCode ?? (to === "failed" ? "bank_failed" : undefined),
    failureReason: bank.failureReason,
    exception:
      to === "failed"
        ? {
            cause: bank.failureCode === "invalid_account" || bank.failureCode === "account_closed" ? "invalid_bank_details" : "bank_failure",
            summary: `Payout ${payoutId} failed at the bank: ${bank.failureCode ?? "failed"}`,
            payoutId,
            batchId: payout.batchId,
            payeeId: payout.payeeId,
            itemId: payout.itemId,
            details: { failureCode: bank.failureCode ?? null, bankReference: bank.bankReference },
          }
        : to === "reversed"
          ? {
              cause: "payout_reversed",
              summary: `Payout ${payoutId} was returned by the bank after it was paid`,
              payoutId,
              batchId: payout.batchId,
              payeeId: payout.payeeId,
              itemId: payout.itemId,
              details: { bankReference: bank.bankReference },
            }
          : undefined,
  }, current);
}
