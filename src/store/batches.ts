// Payout batches in SQL: reading batches and the facts pre-payout reconciliation checks, and the
// statements that write a batch's changes (decided in services/batches.ts). Every change bumps the
// version under a lock and records an audit event whose unique (batch, version) makes concurrent
// changes from the same version impossible: one commits, the other is rolled back whole.

import { and, asc, desc, eq, getTableColumns, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { payableAccountId } from "../domain/accounts";
import { conflict, notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { EntryInput } from "../domain/ledger";
import type { Currency } from "../domain/money";
import type { BankDetails } from "../domain/payees";
import type { CheckResult, OrderShare, PayeeCycleFacts, PrePayoutResult, RemittanceLine } from "../domain/pre-payout";
import { deficitReason } from "../domain/balances";
import type { RiskFlag } from "../domain/risk-flags";
import { cycleAdjustments, payableEffectFor } from "./adjustments";
import { carryIntoCycle, cycleCarries, cycleReserveHolds, payeesWithReleasedReserve } from "./balances";
import { listDeductionRules } from "./statutory";
import type { SettlementBreakdown } from "../domain/settlement";
import { type BatchStatus, HOLDING_PAYOUT_STATUSES } from "../domain/statuses";
import { type AuditInput, conditionalAuditStatement } from "./audit";
import type { EventType } from "../domain/events";
import { eventStatement, rowEventStatement } from "./events";
import { commit, type Db, IN_CHUNK, inChunks, isUniqueViolation, nowIso, type Statements } from "./client";
import { allOf, keysetPage, type Page } from "./page";
import { bankDetailsOf, payableBankOf } from "./payees";
import { breakdownOf } from "./settlements";
import {
  accountCycleTotals,
  accounts,
  approvalLinks,
  approvals,
  batches,
  batchItems,
  journalEntries,
  journalTransactions,
  payees,
  payouts,
  settlements,
} from "./schema";
import { heldReason } from "../domain/holds";
import { activeHolds } from "./holds";

export type BatchRow = typeof batches.$inferSelect;
export type ItemRow = typeof batchItems.$inferSelect;
export type DecisionRow = typeof approvals.$inferSelect;
export type NewBatchRow = typeof batches.$inferInsert;
export type NewItemRow = typeof batchItems.$inferInsert;
export type PayeeRow = typeof payees.$inferSelect;

/** A batch read whole: its row, its items in id order and its checkers' decisions, oldest first. */
export interface LoadedBatch {
  row: BatchRow;
  items: ItemRow[];
  decisions: DecisionRow[];
}

// ---- how an item's columns hold what reconciliation found ----

/** While an item is live this key is set, and its unique index keeps a payee in one live batch per cycle. */
export const liveKeyOf = (cycleId: string, payeeId: string) => `${cycleId}|${payeeId}`;

export const itemOrders = (item: ItemRow) => JSON.parse(item.orders) as OrderShare[];
export const itemChecks = (item: ItemRow) => JSON.parse(item.reconciliation) as CheckResult[];
export const itemBank = (item: ItemRow) => (item.bankSnapshot ? (JSON.parse(item.bankSnapshot) as BankDetails) : null);
/**
 * The snapshot frozen at submission, compared as text when a checker approves: the details that
 * may be paid now (four eyes: approved and past their cooling-off, or the old ones where so
 * configured), never details merely requested.
 */
export const bankSnapshotOf = (payee: PayeeRow, now: string) => {
  const payable = payableBankOf(payee, now);
  return JSON.stringify(payable.ok ? payable.bank : null);
};

export function reconciledItemFields(result: PrePayoutResult, now: string) {
  return {
    amountPaise: result.amountPaise,
    orders: JSON.stringify(result.orders),
    status: result.hold ? ("held" as const) : result.deficitPaise > 0 ? ("deficit" as const) : result.ok ? ("ok" as const) : ("blocked" as const),
    exclusionReason: result.hold ? heldReason(result.hold.reason) : result.deficitPaise > 0 ? deficitReason(result.deficitPaise) : null,
    reconciliation: JSON.stringify(result.checks),
    reconciledAt: now,
    carriedInPaise: result.carriedInPaise,
    deficitPaise: result.deficitPaise,
    lines: JSON.stringify(result.lines),
  };
}

export const itemLines = (item: ItemRow) => JSON.parse(item.lines) as RemittanceLine[];
export const itemRiskFlags = (item: ItemRow) => JSON.parse(item.riskFlags) as RiskFlag[];

// ---- reading ----

export async function getBatch(db: Db, id: string): Promise<LoadedBatch> {
  const row = await db.select().from(batches).where(eq(batches.id, id)).get();
  if (!row) throw notFound("batch_not_found", `Batch ${id} does not exist.`);
  const items = await db.select().from(batchItems).where(eq(batchItems.batchId, id)).orderBy(asc(batchItems.id));
  const decisions = await db.select().from(approvals).where(eq(approvals.batchId, id)).orderBy(asc(approvals.createdAt));
  return { row, items, decisions };
}

export function findLiveBatch(db: Db, liveScopeKey: string): Promise<BatchRow | undefined> {
  return db.select().from(batches).where(eq(batches.liveScopeKey, liveScopeKey)).get();
}

export async function listBatches(db: Db, filter: { cycleId?: string; status?: BatchStatus; before?: string; limit: number }): Promise<Page<BatchRow>> {
  const conditions: SQL[] = [];
  if (filter.cycleId) conditions.push(eq(batches.cycleId, filter.cycleId));
  if (filter.status) conditions.push(eq(batches.status, filter.status));
  if (filter.before) conditions.push(lt(batches.id, filter.before));
  return keysetPage(filter.limit, (n) => db.select().from(batches).where(allOf(conditions)).orderBy(desc(batches.id)).limit(n));
}

export function payeesByIds(db: Db, ids: readonly string[]): Promise<PayeeRow[]> {
  return inChunks(ids, (chunk) => db.select().from(payees).where(inArray(payees.id, chunk)));
}

/** Which of these payees are in a live batch of the cycle, and in which. */
export async function payeesInLiveBatches(db: Db, cycleId: string, payeeIds: readonly string[]) {
  const keys = payeeIds.map((p) => liveKeyOf(cycleId, p));
  const rows = await inChunks(keys, (chunk) =>
    db.select({ payeeId: batchItems.payeeId, batchId: batchItems.batchId }).from(batchItems).where(inArray(batchItems.liveKey, chunk)),
  );
  return new Map(rows.map((r) => [r.payeeId, r.batchId]));
}

// ---- facts for pre-payout reconciliation ----
// For a named set of payees, only their settlements, postings and totals are read, so a cycle of
// many batches costs rows in proportion to each batch, not to the whole cycle.

type Scope = "all" | readonly string[];

async function cycleSettlements(db: Db, cycleId: string, scoped: string[] | null, into: Map<string, string>) {
  const rows = scoped
    ? await inChunks(
        scoped,
        (chunk) =>
          db
            .select()
            .from(settlements)
            .where(and(eq(settlements.cycleId, cycleId), or(inArray(settlements.sellerPayeeId, chunk), inArray(settlements.deliveryPartnerPayeeId, chunk)))),
        // The chunk is bound twice.
        IN_CHUNK / 2,
      )
    : await db.select().from(settlements).where(eq(settlements.cycleId, cycleId));
  for (const r of rows) into.set(r.orderId, r.transactionId);
  return [...new Map(rows.map(breakdownOf).map((s) => [s.orderId, s])).values()];
}

/** Each order's settlement transactions in the ledger, as entry lists (exactly one is right). */
async function ledgerByOrder(db: Db, cycleId: string, scoped: string[] | null, cycleOrders: readonly SettlementBreakdown[]) {
  const columns = {
    orderId: journalTransactions.orderId,
    transactionId: journalTransactions.id,
    accountId: journalEntries.accountId,
    direction: journalEntries.direction,
    amountPaise: journalEntries.amountPaise,
    currency: journalEntries.currency,
  };
  const rows = scoped
    ? await inChunks(
        cycleOrders.map((s) => s.orderId),
        (orderIds) =>
          db
            .select(columns)
            .from(journalTransactions)
            .innerJoin(journalEntries, eq(journalTransactions.id, journalEntries.transactionId))
            .where(and(inArray(journalTransactions.orderId, orderIds), eq(journalTransactions.cycleId, cycleId), eq(journalTransactions.kind, "order_settlement"))),
      )
    : await db
        .select(columns)
        .from(journalEntries)
        .innerJoin(journalTransactions, eq(journalTransactions.id, journalEntries.transactionId))
        .where(and(eq(journalTransactions.cycleId, cycleId), eq(journalTransactions.kind, "order_settlement")));
  const byOrder = new Map<string, Map<string, EntryInput[]>>();
  for (const r of rows) {
    if (!r.orderId) continue;
    const txs = byOrder.get(r.orderId) ?? new Map<string, EntryInput[]>();
    const entries = txs.get(r.transactionId) ?? [];
    entries.push({ accountId: r.accountId, direction: r.direction, amountPaise: r.amountPaise, currency: r.currency as Currency });
    txs.set(r.transactionId, entries);
    byOrder.set(r.orderId, txs);
  }
  return new Map([...byOrder].map(([orderId, txs]) => [orderId, [...txs.values()]]));
}

async function cycleTotalsByAccount(db: Db, cycleId: string, scoped: string[] | null) {
  const rows = scoped
    ? await inChunks(scoped.map(payableAccountId), (chunk) =>
        db.select().from(accountCycleTotals).where(and(eq(accountCycleTotals.cycleId, cycleId), inArray(accountCycleTotals.accountId, chunk))),
      )
    : await db.select().from(accountCycleTotals).where(eq(accountCycleTotals.cycleId, cycleId));
  return new Map(rows.map((t) => [t.accountId, t]));
}

/** Everyone the cycle touched: a party to a settlement, or a payable account with cycle postings. */
function payeesOfCycle(cycleOrders: readonly SettlementBreakdown[], totalsAccountIds: Iterable<string>): string[] {
  const ids = new Set<string>();
  for (const s of cycleOrders) {
    ids.add(s.sellerPayeeId);
    if (s.deliveryPartnerPayeeId) ids.add(s.deliveryPartnerPayeeId);
  }
  for (const accountId of totalsAccountIds) {
    const match = /^payee:(.+):payable$/.exec(accountId);
    if (match) ids.add(match[1]!);
  }
  return [...ids].sort();
}

async function committedByPayee(db: Db, cycleId: string, payeeIds: readonly string[]) {
  const rows = await inChunks(payeeIds, (chunk) =>
    db
      .select({ payeeId: payouts.payeeId, payoutId: payouts.id, amountPaise: payouts.amountPaise })
      .from(payouts)
      .where(and(eq(payouts.cycleId, cycleId), inArray(payouts.payeeId, chunk), inArray(payouts.status, [...HOLDING_PAYOUT_STATUSES]))),
  );
  const committed = new Map<string, Array<{ payoutId: string; amountPaise: number }>>();
  for (const p of rows.sort((a, b) => (a.payoutId < b.payoutId ? -1 : 1))) committed.set(p.payeeId, [...(committed.get(p.payeeId) ?? []), { payoutId: p.payoutId, amountPaise: p.amountPaise }]);
  return committed;
}

export type GatheredFacts = { ok: true; facts: PayeeCycleFacts[]; payeeById: Map<string, PayeeRow> } | { ok: false; unknownPayeeIds: string[] };

/**
 * Reads everything the checks need for one cycle, in a fixed number of queries per 90 payees.
 * With `carry`, first carries each payee's deficits from other cycles and its released reserve
 * into this cycle (store/balances.ts), skipping payees a live batch of another maker's holds.
 */
export async function gatherFacts(db: Db, cycleId: string, currency: Currency, scope: Scope, carry?: { actorId: string; batchId: string | null }): Promise<GatheredFacts> {
  const scoped = scope === "all" ? null : [...scope];
  const settlementTransactionIds = new Map<string, string>();
  const cycleOrders = await cycleSettlements(db, cycleId, scoped, settlementTransactionIds);
  const ledger = await ledgerByOrder(db, cycleId, scoped, cycleOrders);
  let cycleTotals = await cycleTotalsByAccount(db, cycleId, scoped);
  const payeeIds = scoped ?? payeesOfCycle(cycleOrders, [...cycleTotals.keys(), ...(await payeesWithReleasedReserve(db)).map(payableAccountId)]);

  const payeeById = new Map((await payeesByIds(db, payeeIds)).map((p) => [p.id, p]));
  const unknownPayeeIds = payeeIds.filter((id) => !payeeById.has(id));
  if (unknownPayeeIds.length > 0) return { ok: false, unknownPayeeIds };
  if (carry) {
    const live = await payeesInLiveBatches(db, cycleId, payeeIds);
    const free = payeeIds.filter((id) => !live.has(id) || live.get(id) === carry.batchId);
    if ((await carryIntoCycle(db, cycleId, free, carry.actorId)) > 0) cycleTotals = await cycleTotalsByAccount(db, cycleId, scoped ?? payeeIds);
  }
  const accountRows = await inChunks(payeeIds.map(payableAccountId), (chunk) => db.select().from(accounts).where(inArray(accounts.id, chunk)));
  const accountById = new Map(accountRows.map((a) => [a.id, a]));
  const committed = await committedByPayee(db, cycleId, payeeIds);
  const holds = await activeHolds(db, payeeIds, nowIso());
  const adjustments = await cycleAdjustments(db, cycleId, payeeIds);
  const reserves = await cycleReserveHolds(db, cycleId, payeeIds);
  const carries = await cycleCarries(db, cycleId, payeeIds);
  const deductionRules = cycleOrders.some((s) => s.taxInputs) ? await listDeductionRules(db) : undefined;

  const now = nowIso();
  const facts = payeeIds.map((payeeId): PayeeCycleFacts => {
    const payee = payeeById.get(payeeId)!;
    const hold = holds.get(payeeId);
    // Four eyes: only approved details past their cooling-off are checked and paid; until then the payee is held.
    const payable = payableBankOf(payee, now);
    const account = accountById.get(payee.payableAccountId);
    const totals = cycleTotals.get(payee.payableAccountId);
    const mine = cycleOrders.filter((s) => s.sellerPayeeId === payeeId || s.deliveryPartnerPayeeId === payeeId);
    return {
      payeeId,
      currency,
      settlements: mine,
      ledgerByOrder: new Map(mine.map((s) => [s.orderId, ledger.get(s.orderId) ?? []])),
      cycleCreditsPaise: totals?.creditsPaise ?? 0,
      cycleDebitsPaise: totals?.debitsPaise ?? 0,
      committedPaise: (committed.get(payeeId) ?? []).reduce((sum, p) => sum + p.amountPaise, 0),
      earlierPayouts: committed.get(payeeId) ?? [],
      settlementTransactionIds,
      adjustments: adjustments
        .filter((a) => a.sellerPayeeId === payeeId || a.deliveryPartnerPayeeId === payeeId)
        .map((a) => ({ adjustmentId: a.id, orderId: a.orderId, kind: a.kind, transactionId: a.transactionId, amountPaise: payableEffectFor(a, payeeId) })),
      reserveHolds: reserves.get(payeeId) ?? [],
      carries: carries.get(payeeId) ?? [],
      deductionRules,
      accountBalancePaise: account ? account.creditsPostedPaise - account.debitsPostedPaise : 0,
      bank: payable.ok ? payable.bank : bankDetailsOf(payee),
      verificationStatus: payable.ok ? payable.verificationStatus : payee.bankVerificationStatus,
      hold: hold
        ? { holdId: hold.id, reason: hold.reason }
        : payable.ok
          ? null
          : { holdId: payee.pendingBankChangeId ?? payee.bankDetailsChangeId ?? payee.id, reason: payable.reason },
    };
  });
  return { ok: true, facts, payeeById };
}

// ---- writing ----

export const insertBatch = (db: Db, batch: NewBatchRow) => db.insert(batches).values(batch);

/** Six items a statement keeps each insert within D1's 100 bound parameters. */
export function insertItems(db: Db, items: readonly NewItemRow[]): Statements {
  const statements: Statements = [];
  // D1 binds at most 100 parameters a statement: as many rows as fit, one parameter per column.
  const rowsPerStatement = Math.floor(100 / Object.keys(getTableColumns(batchItems)).length);
  for (let i = 0; i < items.length; i += rowsPerStatement) statements.push(db.insert(batchItems).values(items.slice(i, i + rowsPerStatement)));
  return statements;
}

/**
 * Commits a new batch's statements. If another request made a live batch for the same scope
 * first, nothing is written and that batch is returned; a payee taken meanwhile is a conflict.
 */
export async function commitNewBatch(db: Db, statements: Statements, liveScopeKey: string): Promise<BatchRow | undefined> {
  try {
    await commit(db, statements);
    return undefined;
  } catch (error) {
    if (isUniqueViolation(error, "live_scope_key")) {
      const winner = await findLiveBatch(db, liveScopeKey);
      if (winner) return winner;
    }
    if (isUniqueViolation(error, "live_key")) {
      throw conflict("payee_in_live_batch", "A payee was put in another live batch for this cycle at the same time; retry.");
    }
    throw error;
  }
}

/** Commits a change to an existing batch; losing the version lock to another change is a conflict. */
export async function commitChange(db: Db, statements: Statements) {
  try {
    await commit(db, statements);
  } catch (error) {
    if (isUniqueViolation(error, "subject_version")) {
      throw conflict("concurrent_update", "The batch was changed by another request at the same time; read it again and retry.");
    }
    throw error;
  }
}

/** The batch's event, snapshotting its row, written only if `condition` holds after the change. */
export const batchEvent = (db: Db, type: EventType, batchId: string, condition: SQL, now?: string) =>
  rowEventStatement(db, { type, subject: "batch", table: batches, id: batches.id, where: and(eq(batches.id, batchId), condition), ...(now ? { now } : {}) });

/** batch.submitted, if the submission's version bump (from `row`) applied. */
export const submissionEvent = (db: Db, row: BatchRow, now: string) =>
  batchEvent(db, "batch.submitted", row.id, sql`${batches.status} = 'pending_approval' AND ${batches.version} = ${row.version + 1}`, now);

/** Moves the batch to its next version, only from the version `row` was read at. */
export function versionBump(db: Db, row: BatchRow, now: string, set: Partial<NewBatchRow> = {}) {
  return db
    .update(batches)
    .set({ ...set, version: row.version + 1, updatedAt: now })
    .where(and(eq(batches.id, row.id), eq(batches.version, row.version)));
}

export const itemUpdate = (db: Db, itemId: string, set: Partial<NewItemRow>) => db.update(batchItems).set(set).where(eq(batchItems.id, itemId));

/** An excluded payee is free to be paid in another batch of the cycle. */
export const itemExclusion = (db: Db, itemId: string, reason: string) => itemUpdate(db, itemId, { status: "excluded", exclusionReason: reason, liveKey: null });

/**
 * A checker's decision does not take the audit version lock, so a pending batch can be approved
 * or rejected between the caller's read and this write: everything after the status change
 * applies only if the cancellation itself did, or an approved batch would lose its hold on its payees.
 */
export function cancellationStatements(db: Db, row: BatchRow, now: string, reason: string, audit: AuditInput): Statements {
  const cancelledNow = sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${row.id} AND ${batches.status} = 'cancelled' AND ${batches.version} = ${row.version + 1})`;
  return [
    versionBump(db, row, now, { status: "cancelled", liveScopeKey: null, decidedAt: now, rejectionReason: reason }),
    conditionalAuditStatement(db, audit, cancelledNow),
    batchEvent(db, "batch.cancelled", row.id, cancelledNow, now),
    db.update(batchItems).set({ liveKey: null }).where(and(eq(batchItems.batchId, row.id), cancelledNow)),
  ];
}

export interface IssuedLink {
  linkId: string;
  checkerId: string;
  expiresAtMs: number;
}

/** The link, and its approval request in the event outbox so sending never blocks submission. */
export function linkIssueStatements(db: Db, batchId: string, fingerprint: string, link: IssuedLink, now: string): Statements {
  return [
    db.insert(approvalLinks).values({
      id: link.linkId,
      batchId,
      checkerId: link.checkerId,
      fingerprint,
      expiresAt: new Date(link.expiresAtMs).toISOString(),
      createdAt: now,
    }),
    // The link itself is signed when the request is delivered: a token is never stored.
    eventStatement(db, { type: "batch.approval_requested", subject: "batch", subjectId: batchId, data: { linkId: link.linkId, batchId, checkerId: link.checkerId }, now }),
  ];
}
