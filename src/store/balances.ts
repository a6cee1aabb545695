// A payee's money across cycles in SQL: rolling-reserve terms, the holds taken from settlements
// and their releases, balances carried between cycles, and what a payee has available, reserved
// and owed. The rules are in domain/balances.ts.

import { and, asc, eq, inArray, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import { payableAccountId, reserveAccountId } from "../domain/accounts";
import {
  carryTransactions,
  NO_RESERVE,
  planCarries,
  releasableAmounts,
  reserveHoldTransaction,
  reserveReleaseAt,
  reserveReleaseTransaction,
  type ReserveTerms,
  reserveSharePaise,
} from "../domain/balances";
import type { CarryFact, ReserveFact } from "../domain/pre-payout";
import { sha256Hex } from "../domain/hash";
import { newId } from "../domain/ids";
import type { TransactionInput } from "../domain/ledger";
import type { Currency } from "../domain/money";
import type { PayeeType } from "../domain/payees";
import { auditStatement } from "./audit";
import { commit, type Db, IN_CHUNK, inChunks, isUniqueViolation, nowIso, type Statements } from "./client";
import { preparePosting } from "./ledger";
import { accountCycleTotals, accounts, balanceCarries, reserveHolds, reservePolicies } from "./schema";

export type ReserveHoldRow = typeof reserveHolds.$inferSelect;
export type CarryRow = typeof balanceCarries.$inferSelect;

// ---- reserve terms ----

export type ReservePolicyRow = typeof reservePolicies.$inferSelect;

export async function reserveTermsOf(db: Db, payeeId: string, type: PayeeType, defaults: Readonly<Record<PayeeType, ReserveTerms>>) {
  return reserveTermsFrom(await db.select().from(reservePolicies).where(eq(reservePolicies.payeeId, payeeId)).get(), type, defaults);
}

/** A payee's terms: its own policy when it has one, else the default for its type. */
export function reserveTermsFrom(own: ReservePolicyRow | undefined, type: PayeeType, defaults: Readonly<Record<PayeeType, ReserveTerms>>) {
  return own ? { basisPoints: own.basisPoints, days: own.days, source: "payee" as const } : { ...(defaults[type] ?? NO_RESERVE), source: "default" as const };
}

export async function setReserveTerms(db: Db, payeeId: string, terms: ReserveTerms, actorId: string) {
  const now = nowIso();
  await commit(db, [
    db
      .insert(reservePolicies)
      .values({ payeeId, ...terms, setBy: actorId, setAt: now })
      .onConflictDoUpdate({ target: reservePolicies.payeeId, set: { ...terms, setBy: actorId, setAt: now } }),
    auditStatement(db, { actorId, action: "payee.reserve_terms_set", subjectType: "payee", subjectId: payeeId, details: { ...terms } }),
  ]);
}

// ---- holding back at settlement ----

export interface ReserveHoldInput {
  orderId: string;
  payeeId: string;
  cycleId: string;
  sharePaise: number;
  currency: Currency;
  terms: ReserveTerms;
  settledAt: string;
}

/**
 * The reserve hold for one payee's share of a settlement, as statements to commit with it
 * (nothing when the payee's terms hold nothing back or the share rounds to zero).
 */
export async function reserveHoldStatements(db: Db, hold: ReserveHoldInput, actorId: string): Promise<Statements> {
  const planned = reserveHoldOf(hold);
  if (!planned) return [];
  const { transaction, statements } = await preparePosting(db, planned.transaction, actorId);
  return [...statements, db.insert(reserveHolds).values(planned.row(transaction.id))];
}

/** What a hold writes: its posting, and its row once the posting has an id; null when nothing is held back. */
export function reserveHoldOf(hold: ReserveHoldInput): { transaction: TransactionInput; row: (holdTransactionId: string) => typeof reserveHolds.$inferInsert } | null {
  const amountPaise = reserveSharePaise(hold.sharePaise, hold.terms.basisPoints);
  if (amountPaise <= 0) return null;
  return {
    transaction: reserveHoldTransaction({ orderId: hold.orderId, payeeId: hold.payeeId, cycleId: hold.cycleId, amountPaise, currency: hold.currency, basisPoints: hold.terms.basisPoints }),
    row: (holdTransactionId) => ({
      id: newId("rsv"),
      payeeId: hold.payeeId,
      orderId: hold.orderId,
      cycleId: hold.cycleId,
      currency: hold.currency,
      amountPaise,
      basisPoints: hold.terms.basisPoints,
      releaseAt: reserveReleaseAt(hold.settledAt, hold.terms.days),
      holdTransactionId,
      createdAt: hold.settledAt,
    }),
  };
}

// ---- releasing (cron) ----

/**
 * Releases every hold due by `now`, oldest first, each posting once (the reference is the hold
 * id, and the row is marked in the same batch). Returns how many holds were released.
 */
export async function releaseDueReserves(db: Db, now: string, actorId: string, limit = 200): Promise<{ released: number; releasedPaise: number }> {
  const due = await db
    .select()
    .from(reserveHolds)
    .where(and(isNull(reserveHolds.releasedAt), lte(reserveHolds.releaseAt, now)))
    .orderBy(asc(reserveHolds.releaseAt), asc(reserveHolds.id))
    .limit(limit);
  let released = 0;
  let releasedPaise = 0;
  const byPayee = new Map<string, ReserveHoldRow[]>();
  for (const h of due) byPayee.set(h.payeeId, [...(byPayee.get(h.payeeId) ?? []), h]);
  for (const [payeeId, holds] of byPayee) {
    const reserve = await db.select().from(accounts).where(eq(accounts.id, reserveAccountId(payeeId))).get();
    const amounts = releasableAmounts(reserve ? reserve.creditsPostedPaise - reserve.debitsPostedPaise : 0, holds);
    for (const hold of holds) {
      const amountPaise = amounts.get(hold.id) ?? 0;
      const mark = (transactionId: string | null) =>
        db
          .update(reserveHolds)
          .set({ releasedAt: now, releasedPaise: amountPaise, releaseTransactionId: transactionId })
          .where(and(eq(reserveHolds.id, hold.id), isNull(reserveHolds.releasedAt)));
      try {
        if (amountPaise === 0) {
          // A clawback drew the whole share: nothing to post, but the hold is over.
          await commit(db, [mark(null)]);
        } else {
          const { transaction, statements } = await preparePosting(
            db,
            reserveReleaseTransaction({ holdId: hold.id, orderId: hold.orderId, payeeId, amountPaise, currency: hold.currency as Currency }),
            actorId,
          );
          await commit(db, [...statements, mark(transaction.id)]);
        }
        released += 1;
        releasedPaise += amountPaise;
      } catch (error) {
        // Another run released it first: its posting and its mark went in together.
        if (!isUniqueViolation(error, "external_ref")) throw error;
      }
    }
  }
  return { released, releasedPaise };
}

// ---- carrying balances between cycles ----

/**
 * Before a batch for `cycleId` is reconciled: carry each payee's deficits from other cycles and
 * its released-reserve balance into this cycle. A carry's id comes from the source's state, so two
 * batches racing for the same payee carry a given balance once (the loser's posting conflicts).
 */
export async function carryIntoCycle(db: Db, cycleId: string, payeeIds: readonly string[], actorId: string): Promise<number> {
  if (payeeIds.length === 0) return 0;
  const payableIds = payeeIds.map(payableAccountId);
  const totals = await inChunks(payableIds, (chunk) => db.select().from(accountCycleTotals).where(inArray(accountCycleTotals.accountId, chunk)));
  const needs = new Set(totals.filter((t) => t.cycleId !== cycleId && t.creditsPaise - t.debitsPaise < 0).map((t) => t.accountId));
  const uncarried = await inChunks(payeeIds, (chunk) =>
    db
      .select({ payeeId: reserveHolds.payeeId })
      .from(reserveHolds)
      .where(and(inArray(reserveHolds.payeeId, chunk), isNotNull(reserveHolds.releasedAt), isNull(reserveHolds.carriedToCycleId))),
  );
  for (const u of uncarried) needs.add(payableAccountId(u.payeeId));
  if (needs.size === 0) return 0;

  const accountRows = await inChunks([...needs], (chunk) => db.select().from(accounts).where(inArray(accounts.id, chunk)));
  let carried = 0;
  for (const account of accountRows) {
    const payeeId = account.payeeId!;
    const mine = totals.filter((t) => t.accountId === account.id);
    const cycleSum = mine.reduce((s, t) => s + t.creditsPaise - t.debitsPaise, 0);
    const untagged = account.creditsPostedPaise - account.debitsPostedPaise - cycleSum;
    const plans = planCarries(cycleId, mine.map((t) => ({ cycleId: t.cycleId, netPaise: t.creditsPaise - t.debitsPaise })), untagged);
    for (const plan of plans) {
      const from = mine.find((t) => t.cycleId === plan.fromCycleId);
      // The source's state names the carry: the same balance carried twice collides on its reference.
      const source = from ? `${from.cycleId}|${from.debitsPaise}|${from.creditsPaise}` : `untagged|${account.entryCount}|${untagged}`;
      const carryId = `cry_${(await sha256Hex(`${payeeId}|${source}`)).slice(0, 24)}`;
      const [out, into] = carryTransactions({ carryId, payeeId, fromCycleId: plan.fromCycleId, toCycleId: cycleId, amountPaise: plan.amountPaise, currency: account.currency as Currency });
      const outPosting = await preparePosting(db, out, actorId);
      const inPosting = await preparePosting(db, into, actorId);
      const statements: Statements = [
        ...outPosting.statements,
        ...inPosting.statements,
        db.insert(balanceCarries).values({
          id: carryId,
          payeeId,
          fromCycleId: plan.fromCycleId,
          toCycleId: cycleId,
          amountPaise: plan.amountPaise,
          outTransactionId: outPosting.transaction.id,
          inTransactionId: inPosting.transaction.id,
          createdAt: nowIso(),
        }),
      ];
      if (plan.fromCycleId === null) {
        statements.push(
          db
            .update(reserveHolds)
            .set({ carriedToCycleId: cycleId })
            .where(and(eq(reserveHolds.payeeId, payeeId), isNotNull(reserveHolds.releasedAt), isNull(reserveHolds.carriedToCycleId))),
        );
      }
      try {
        await commit(db, statements);
        carried += 1;
      } catch (error) {
        // The same balance was carried by a batch for another cycle a moment ago.
        if (!isUniqueViolation(error)) throw error;
      }
    }
  }
  return carried;
}

/** The carries into or out of a cycle for these payees, as facts for reconciliation. */
export async function cycleCarries(db: Db, cycleId: string, payeeIds: readonly string[]): Promise<Map<string, CarryFact[]>> {
  const rows = await inChunks(
    payeeIds,
    (chunk) =>
      db
        .select()
        .from(balanceCarries)
        .where(and(inArray(balanceCarries.payeeId, chunk), or(eq(balanceCarries.toCycleId, cycleId), eq(balanceCarries.fromCycleId, cycleId)))),
    IN_CHUNK,
  );
  const out = new Map<string, CarryFact[]>();
  for (const r of rows.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))) {
    const incoming = r.toCycleId === cycleId;
    const fact: CarryFact = {
      carryId: r.id,
      fromCycleId: r.fromCycleId,
      toCycleId: r.toCycleId,
      direction: incoming ? "in" : "out",
      transactionId: incoming ? r.inTransactionId : r.outTransactionId,
      amountPaise: incoming ? r.amountPaise : -r.amountPaise,
    };
    out.set(r.payeeId, [...(out.get(r.payeeId) ?? []), fact]);
  }
  return out;
}

/** The reserve held back from this cycle's settlements, per payee. */
export async function cycleReserveHolds(db: Db, cycleId: string, payeeIds: readonly string[]): Promise<Map<string, ReserveFact[]>> {
  const rows = await inChunks(payeeIds, (chunk) => db.select().from(reserveHolds).where(and(eq(reserveHolds.cycleId, cycleId), inArray(reserveHolds.payeeId, chunk))));
  const out = new Map<string, ReserveFact[]>();
  for (const r of rows) out.set(r.payeeId, [...(out.get(r.payeeId) ?? []), { orderId: r.orderId, transactionId: r.holdTransactionId, amountPaise: r.amountPaise }]);
  return out;
}

/** Payees with a released reserve no batch has taken in yet (found by an "all payees" batch too). */
export async function payeesWithReleasedReserve(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ payeeId: reserveHolds.payeeId })
    .from(reserveHolds)
    .where(and(isNotNull(reserveHolds.releasedAt), isNull(reserveHolds.carriedToCycleId), sql`${reserveHolds.releasedPaise} > 0`));
  return rows.map((r) => r.payeeId);
}

// ---- a payee's balances ----

export async function payeeBalances(db: Db, payeeId: string) {
  const [payable, reserve] = await Promise.all([
    db.select().from(accounts).where(eq(accounts.id, payableAccountId(payeeId))).get(),
    db.select().from(accounts).where(eq(accounts.id, reserveAccountId(payeeId))).get(),
  ]);
  const holds = await db.select().from(reserveHolds).where(eq(reserveHolds.payeeId, payeeId)).orderBy(asc(reserveHolds.releaseAt));
  const cycles = await db.select().from(accountCycleTotals).where(eq(accountCycleTotals.accountId, payableAccountId(payeeId)));
  return { payable, reserve, holds, cycles };
}
