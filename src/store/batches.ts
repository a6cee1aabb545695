// Payout batches: creation from the ledger, pre-payout reconciliation, exclusion, submission
// (freeze + fingerprint + approval links) and cancellation. Every change to a batch bumps its
// version and records an audit event whose unique (batch, version) makes concurrent changes
// from the same version impossible: one commits, the other is rolled back whole.

import { and, asc, desc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { payableAccountId } from "../domain/accounts";
import { batchStatusesInto, fingerprintContent, requiredApprovals } from "../domain/batch";
import { conflict, forbidden, invalid, notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import { newId } from "../domain/ids";
import type { EntryInput } from "../domain/ledger";
import type { Currency } from "../domain/money";
import { type BankDetails, maskAccountNumber } from "../domain/payees";
import { type BatchStatus, HOLDING_PAYOUT_STATUSES } from "../domain/statuses";
import { type PayeeCycleFacts, type PrePayoutResult, reconcilePayee } from "../domain/pre-payout";
import { auditStatement, conditionalAuditStatement } from "./audit";
import { raiseExceptionStatements } from "./exceptions";
import { commit, type Db, IN_CHUNK, inChunks, isUniqueViolation, nowIso, type Statements } from "./client";
import { keysetPage } from "./page";
import { bankDetailsOf } from "./payees";
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
  notifications,
  payees,
  payouts,
  settlements,
} from "./schema";

/** A batch holds at most this many payees; split larger cycles with `payeeIds`. */
export const MAX_ITEMS_PER_BATCH = 1000;

type BatchRow = typeof batches.$inferSelect;
type ItemRow = typeof batchItems.$inferSelect;

export interface Checker {
  actorId: string;
  email?: string | undefined;
}

export interface BatchSettings {
  twoCheckerThresholdPaise: number;
  approvalLinkTtlSeconds: number;
  checkers: readonly Checker[];
}

// ---- reading ----

export function itemView(row: ItemRow) {
  const bank = row.bankSnapshot ? (JSON.parse(row.bankSnapshot) as BankDetails) : null;
  return {
    id: row.id,
    payeeId: row.payeeId,
    amountPaise: row.amountPaise,
    currency: row.currency,
    status: row.status,
    orders: JSON.parse(row.orders) as Array<{ orderId: string; role: string; amountPaise: number }>,
    reconciliation: JSON.parse(row.reconciliation) as Array<{ check: string; ok: boolean; reasons: string[] }>,
    reconciledAt: row.reconciledAt,
    exclusionReason: row.exclusionReason,
    bankDetails: bank && { accountNumberMasked: maskAccountNumber(bank.accountNumber), ifsc: bank.ifsc, accountHolderName: bank.accountHolderName },
  };
}

export async function getBatch(db: Db, id: string) {
  const row = await db.select().from(batches).where(eq(batches.id, id)).get();
  if (!row) throw notFound("batch_not_found", `Statements ${id} does not exist.`);
  const items = await db.select().from(batchItems).where(eq(batchItems.batchId, id)).orderBy(asc(batchItems.id));
  const decisions = await db.select().from(approvals).where(eq(approvals.batchId, id)).orderBy(asc(approvals.createdAt));
  return { row, items, decisions };
}

export function batchView({ row, items, decisions }: Awaited<ReturnType<typeof getBatch>>) {
  const approvalsSoFar = decisions.filter((d) => d.decision === "approve");
  return {
    id: row.id,
    cycleId: row.cycleId,
    currency: row.currency,
    status: row.status,
    makerId: row.makerId,
    payeeScope: row.payeeScope === "all" ? ("all" as const) : row.payeeScope.split(","),
    totalPaise: row.totalPaise,
    itemCount: row.itemCount,
    blockedCount: items.filter((i) => i.status === "blocked").length,
    excludedCount: items.filter((i) => i.status === "excluded").length,
    requiredApprovals: row.requiredApprovals,
    approvalCount: approvalsSoFar.length,
    decisions: decisions.map((d) => ({ checkerId: d.checkerId, decision: d.decision, reason: d.reason, via: d.via, at: d.createdAt })),
    fingerprint: row.fingerprint,
    rejectionReason: row.rejectionReason,
    submittedAt: row.submittedAt,
    decidedAt: row.decidedAt,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    items: items.map(itemView),
  };
}
export type BatchView = ReturnType<typeof batchView>;

export async function listBatches(db: Db, filter: { cycleId?: string; status?: BatchStatus; before?: string; limit: number }) {
  const conditions: SQL[] = [];
  if (filter.cycleId) conditions.push(eq(batches.cycleId, filter.cycleId));
  if (filter.status) conditions.push(eq(batches.status, filter.status));
  if (filter.before) conditions.push(lt(batches.id, filter.before));
  const page = await keysetPage(
    filter.limit,
    (rowsToRead) =>
      db
        .select()
        .from(batches)
        .where(conditions.length ? and(...conditions) : undefined)
        .orderBy(desc(batches.id))
        .limit(rowsToRead),
    (r) => r.id,
  );
  const data = page.data.map((r) => ({
    id: r.id,
    cycleId: r.cycleId,
    status: r.status,
    makerId: r.makerId,
    totalPaise: r.totalPaise,
    itemCount: r.itemCount,
    requiredApprovals: r.requiredApprovals,
    createdAt: r.createdAt,
  }));
  return { data, nextCursor: page.nextCursor };
}

// ---- facts for pre-payout reconciliation ----

/** Reads everything the checks need for one cycle, in a fixed number of queries per 90 payees. */
async function gatherFacts(db: Db, cycleId: string, currency: Currency, scope: "all" | readonly string[]) {
  // For a named set of payees, read only their settlements, postings and totals, so a cycle of
  // many batches costs rows in proportion to each batch, not to the whole cycle.
  const scoped = scope === "all" ? null : [...scope];
  const cycleSettlements = (
    scoped
      ? await inChunks(scoped, (chunk) =>
          db
            .select()
            .from(settlements)
            .where(and(eq(settlements.cycleId, cycleId), or(inArray(settlements.sellerPayeeId, chunk), inArray(settlements.deliveryPartnerPayeeId, chunk)))),
          // The chunk is bound twice.
          IN_CHUNK / 2,
        )
      : await db.select().from(settlements).where(eq(settlements.cycleId, cycleId))
  ).map(breakdownOf);
  const uniqueSettlements = [...new Map(cycleSettlements.map((s) => [s.orderId, s])).values()];
  const ledgerColumns = {
    orderId: journalTransactions.orderId,
    transactionId: journalTransactions.id,
    accountId: journalEntries.accountId,
    direction: journalEntries.direction,
    amountPaise: journalEntries.amountPaise,
    currency: journalEntries.currency,
  };
  const ledgerRows = scoped
    ? await inChunks(
        uniqueSettlements.map((s) => s.orderId),
        (orderIds) =>
          db
            .select(ledgerColumns)
            .from(journalTransactions)
            .innerJoin(journalEntries, eq(journalTransactions.id, journalEntries.transactionId))
            .where(and(inArray(journalTransactions.orderId, orderIds), eq(journalTransactions.cycleId, cycleId), eq(journalTransactions.kind, "order_settlement"))),
      )
    : await db
        .select(ledgerColumns)
        .from(journalEntries)
        .innerJoin(journalTransactions, eq(journalTransactions.id, journalEntries.transactionId))
        .where(and(eq(journalTransactions.cycleId, cycleId), eq(journalTransactions.kind, "order_settlement")));
  const byOrder = new Map<string, Map<string, EntryInput[]>>();
  for (const r of ledgerRows) {
    if (!r.orderId) continue;
    const txs = byOrder.get(r.orderId) ?? new Map<string, EntryInput[]>();
    const entries = txs.get(r.transactionId) ?? [];
    entries.push({ accountId: r.accountId, direction: r.direction, amountPaise: r.amountPaise, currency: r.currency as Currency });
    txs.set(r.transactionId, entries);
    byOrder.set(r.orderId, txs);
  }
  const ledgerByOrder = new Map([...byOrder].map(([orderId, txs]) => [orderId, [...txs.values()]]));
  const cycleTotals = new Map(
    (scoped
      ? await inChunks(scoped.map(payableAccountId), (chunk) =>
          db.select().from(accountCycleTotals).where(and(eq(accountCycleTotals.cycleId, cycleId), inArray(accountCycleTotals.accountId, chunk))),
        )
      : await db.select().from(accountCycleTotals).where(eq(accountCycleTotals.cycleId, cycleId))
    ).map((t) => [t.accountId, t]),
  );

  let payeeIds: string[];
  if (scope === "all") {
    const ids = new Set<string>();
    for (const s of uniqueSettlements) {
      ids.add(s.sellerPayeeId);
      if (s.deliveryPartnerPayeeId) ids.add(s.deliveryPartnerPayeeId);
    }
    for (const accountId of cycleTotals.keys()) {
      const match = /^payee:(.+):payable$/.exec(accountId);
      if (match) ids.add(match[1]!);
    }
    payeeIds = [...ids].sort();
  } else {
    payeeIds = [...scope];
  }

  const payeeRows = await inChunks(payeeIds, (chunk) => db.select().from(payees).where(inArray(payees.id, chunk)));
  const payeeById = new Map(payeeRows.map((p) => [p.id, p]));
  const unknown = payeeIds.filter((id) => !payeeById.has(id));
  if (unknown.length > 0) throw invalid("payee_not_found", `Unknown payees: ${unknown.join(", ")}.`, { field: "payeeIds", payeeIds: unknown });
  const accountRows = await inChunks(payeeIds.map(payableAccountId), (chunk) => db.select().from(accounts).where(inArray(accounts.id, chunk)));
  const accountById = new Map(accountRows.map((a) => [a.id, a]));
  const committedRows = await inChunks(payeeIds, (chunk) =>
    db
      .select({ payeeId: payouts.payeeId, amountPaise: payouts.amountPaise })
      .from(payouts)
      .where(and(eq(payouts.cycleId, cycleId), inArray(payouts.payeeId, chunk), inArray(payouts.status, [...HOLDING_PAYOUT_STATUSES]))),
  );
  const committed = new Map<string, number>();
  for (const p of committedRows) committed.set(p.payeeId, (committed.get(p.payeeId) ?? 0) + p.amountPaise);

  const facts: PayeeCycleFacts[] = payeeIds.map((payeeId) => {
    const payee = payeeById.get(payeeId)!;
    const account = accountById.get(payee.payableAccountId);
    const totals = cycleTotals.get(payee.payableAccountId);
    const mine = uniqueSettlements.filter((s) => s.sellerPayeeId === payeeId || s.deliveryPartnerPayeeId === payeeId);
    return {
      payeeId,
      currency,
      settlements: mine,
      ledgerByOrder: new Map(mine.map((s) => [s.orderId, ledgerByOrder.get(s.orderId) ?? []])),
      cycleCreditsPaise: totals?.creditsPaise ?? 0,
      cycleDebitsPaise: totals?.debitsPaise ?? 0,
      committedPaise: committed.get(payeeId) ?? 0,
      accountBalancePaise: account ? account.creditsPostedPaise - account.debitsPostedPaise : 0,
      bank: bankDetailsOf(payee),
      verificationStatus: payee.bankVerificationStatus,
    };
  });
  return { facts, payeeById };
}

function itemFields(result: PrePayoutResult, now: string) {
  return {
    amountPaise: result.amountPaise,
    orders: JSON.stringify(result.orders),
    status: result.ok ? ("ok" as const) : ("blocked" as const),
    reconciliation: JSON.stringify(result.checks),
    reconciledAt: now,
  };
}

const failedChecks = (r: PrePayoutResult) => r.checks.filter((c) => !c.ok).map((c) => ({ check: c.check, reasons: c.reasons }));

/** A blocked item is a ticket for a person: one per item while open, however often it is re-run. */
function blockedTicket(db: Db, batchId: string, itemId: string, payeeId: string, result: PrePayoutResult) {
  const failed = failedChecks(result);
  return raiseExceptionStatements(db, {
    cause: "pre_payout_blocked",
    summary: `Pre-payout reconciliation blocked payee ${payeeId} in batch ${batchId}: ${failed.map((f) => f.check).join(", ")}`,
    batchId,
    itemId,
    payeeId,
    details: { failed, amountPaise: result.amountPaise },
  });
}

// ---- creating ----

export async function createBatch(
  db: Db,
  input: { cycleId: string; currency: Currency; payeeIds?: string[] | undefined },
  makerId: string,
): Promise<{ batch: BatchView; existing: boolean }> {
  const scopeIds = input.payeeIds ? [...new Set(input.payeeIds)].sort() : null;
  const payeeScope = scopeIds ? scopeIds.join(",") : "all";
  const liveScopeKey = `${input.cycleId}|${input.currency}|${await sha256Hex(payeeScope)}`;

  const existing = await db.select().from(batches).where(eq(batches.liveScopeKey, liveScopeKey)).get();
  if (existing) return { batch: batchView(await getBatch(db, existing.id)), existing: true };

  const { facts } = await gatherFacts(db, input.cycleId, input.currency, scopeIds ?? "all");
  const liveElsewhere = await payeesInLiveBatches(db, input.cycleId, facts.map((f) => f.payeeId));
  if (scopeIds) {
    const taken = scopeIds.filter((id) => liveElsewhere.has(id));
    if (taken.length > 0) {
      throw conflict("payee_in_live_batch", "Some payees are already in a live batch for this cycle.", {
        payees: taken.map((id) => ({ payeeId: id, batchId: liveElsewhere.get(id) })),
      });
    }
  }
  const results = facts
    .filter((f) => !liveElsewhere.has(f.payeeId))
    .map(reconcilePayee)
    // In "all" mode a payee who is settled and fully paid for the cycle has nothing to do here.
    .filter((r) => scopeIds !== null || !r.paidInFull);
  if (results.length === 0) throw invalid("nothing_to_pay", `Nothing is outstanding for cycle ${input.cycleId}.`);
  if (results.length > MAX_ITEMS_PER_BATCH) {
    throw invalid("too_many_payees", `A batch holds at most ${MAX_ITEMS_PER_BATCH} payees; split the cycle with payeeIds.`, {
      payeeCount: results.length,
    });
  }

  const id = newId("bat");
  const now = nowIso();
  const items = results.map((r) => ({
    id: newId("itm"),
    batchId: id,
    cycleId: input.cycleId,
    payeeId: r.payeeId,
    currency: input.currency,
    liveKey: `${input.cycleId}|${r.payeeId}`,
    exclusionReason: null,
    bankSnapshot: null,
    ...itemFields(r, now),
  }));
  const statements: Statements = [
    db.insert(batches).values({
      id,
      cycleId: input.cycleId,
      currency: input.currency,
      status: "draft",
      makerId,
      payeeScope,
      liveScopeKey,
      totalPaise: items.filter((i) => i.status === "ok").reduce((s, i) => s + i.amountPaise, 0),
      itemCount: items.length,
      version: 1,
      createdAt: now,
      updatedAt: now,
    }),
    auditStatement(db, {
      actorId: makerId,
      action: "batch.created",
      subjectType: "batch",
      subjectId: id,
      subjectVersion: 1,
      details: { cycleId: input.cycleId, payeeScope, itemCount: items.length },
    }),
    auditStatement(db, {
      actorId: makerId,
      action: "batch.reconciled",
      subjectType: "batch",
      subjectId: id,
      details: { blocked: results.filter((r) => !r.ok).map((r) => ({ payeeId: r.payeeId, failed: failedChecks(r) })) },
    }),
  ];
  for (let i = 0; i < items.length; i += 6) statements.push(db.insert(batchItems).values(items.slice(i, i + 6)));
  for (const item of items) if (item.status === "blocked") statements.push(...blockedTicket(db, id, item.id, item.payeeId, results.find((r) => r.payeeId === item.payeeId)!));
  try {
    await commit(db, statements);
  } catch (error) {
    if (isUniqueViolation(error, "live_scope_key")) {
      const winner = await db.select().from(batches).where(eq(batches.liveScopeKey, liveScopeKey)).get();
      if (winner) return { batch: batchView(await getBatch(db, winner.id)), existing: true };
    }
    if (isUniqueViolation(error, "live_key")) {
      throw conflict("payee_in_live_batch", "A payee was put in another live batch for this cycle at the same time; retry.");
    }
    throw error;
  }
  return { batch: batchView(await getBatch(db, id)), existing: false };
}

async function payeesInLiveBatches(db: Db, cycleId: string, payeeIds: readonly string[]) {
  const keys = payeeIds.map((p) => `${cycleId}|${p}`);
  const rows = await inChunks(keys, (chunk) =>
    db.select({ payeeId: batchItems.payeeId, batchId: batchItems.batchId }).from(batchItems).where(inArray(batchItems.liveKey, chunk)),
  );
  return new Map(rows.map((r) => [r.payeeId, r.batchId]));
}

// ---- changing a draft ----

/** Loads a batch for a change by its maker, checking status; returns the next version's audit helper. */
async function loadForChange(db: Db, id: string, actorId: string, allowed: readonly BatchStatus[]) {
  const loaded = await getBatch(db, id);
  if (loaded.row.makerId !== actorId) {
    throw forbidden("not_batch_maker", `Only the batch's maker (${loaded.row.makerId}) may change it.`);
  }
  if (!allowed.includes(loaded.row.status)) {
    throw conflict("batch_not_modifiable", `The batch is ${loaded.row.status}; this needs it to be ${allowed.join(" or ")}.`, {
      status: loaded.row.status,
    });
  }
  return loaded;
}

async function commitChange(db: Db, statements: Statements) {
  try {
    await commit(db, statements);
  } catch (error) {
    if (isUniqueViolation(error, "subject_version")) {
      throw conflict("concurrent_update", "The batch was changed by another request at the same time; read it again and retry.");
    }
    throw error;
  }
}

function versionBump(db: Db, row: BatchRow, now: string, set: Partial<typeof batches.$inferInsert> = {}) {
  return db
    .update(batches)
    .set({ ...set, version: row.version + 1, updatedAt: now })
    .where(and(eq(batches.id, row.id), eq(batches.version, row.version)));
}

/** Re-runs pre-payout reconciliation on a draft's live items, updating amounts and statuses. */
export async function reconcileBatch(db: Db, id: string, actorId: string) {
  const loaded = await loadForChange(db, id, actorId, ["draft"]);
  const statements = await reconcileStatements(db, loaded, actorId, nowIso());
  await commitChange(db, statements);
  return batchView(await getBatch(db, id));
}

async function reconcileStatements(db: Db, loaded: Awaited<ReturnType<typeof getBatch>>, actorId: string, now: string) {
  const { row, items } = loaded;
  const active = items.filter((i) => i.status !== "excluded");
  const { facts } = await gatherFacts(db, row.cycleId, row.currency as Currency, active.map((i) => i.payeeId));
  const results = new Map(facts.map((f) => [f.payeeId, reconcilePayee(f)]));
  const statements: Statements = [];
  for (const item of active) {
    const result = results.get(item.payeeId)!;
    statements.push(db.update(batchItems).set(itemFields(result, now)).where(eq(batchItems.id, item.id)));
    if (!result.ok) statements.push(...blockedTicket(db, row.id, item.id, item.payeeId, result));
  }
  const totalPaise = [...results.values()].filter((r) => r.ok).reduce((s, r) => s + r.amountPaise, 0);
  statements.unshift(
    auditStatement(db, {
      actorId,
      action: "batch.reconciled",
      subjectType: "batch",
      subjectId: row.id,
      subjectVersion: row.version + 1,
      details: { blocked: [...results.values()].filter((r) => !r.ok).map((r) => ({ payeeId: r.payeeId, failed: failedChecks(r) })) },
    }),
    versionBump(db, row, now, { totalPaise }),
  );
  return statements;
}

export async function excludeItem(db: Db, batchId: string, itemId: string, reason: string, actorId: string) {
  const loaded = await loadForChange(db, batchId, actorId, ["draft"]);
  const item = loaded.items.find((i) => i.id === itemId);
  if (!item) throw notFound("item_not_found", `Statements ${batchId} has no item ${itemId}.`);
  if (item.status === "excluded") return batchView(loaded);
  const now = nowIso();
  const totalPaise = loaded.row.totalPaise - (item.status === "ok" ? item.amountPaise : 0);
  await commitChange(db, [
    auditStatement(db, {
      actorId,
      action: "batch.item_excluded",
      subjectType: "batch",
      subjectId: batchId,
      subjectVersion: loaded.row.version + 1,
      details: { itemId, payeeId: item.payeeId, amountPaise: item.amountPaise, previousStatus: item.status, reason },
    }),
    versionBump(db, loaded.row, now, { totalPaise }),
    // An excluded payee is free to be paid in another batch of the cycle.
    db.update(batchItems).set({ status: "excluded", exclusionReason: reason, liveKey: null }).where(eq(batchItems.id, itemId)),
  ]);
  return batchView(await getBatch(db, batchId));
}

export async function cancelBatch(db: Db, id: string, reason: string, actorId: string) {
  const loaded = await loadForChange(db, id, actorId, batchStatusesInto("cancelled"));
  const now = nowIso();
  // A checker's decision does not take the audit version lock, so a pending batch can be approved
  // or rejected between our read and this write: everything after the status change applies
  // only if the cancellation itself did, or an approved batch would lose its hold on its payees.
  const cancelledNow = sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${id} AND ${batches.status} = 'cancelled' AND ${batches.version} = ${loaded.row.version + 1})`;
  await commitChange(db, [
    versionBump(db, loaded.row, now, { status: "cancelled", liveScopeKey: null, decidedAt: now, rejectionReason: reason }),
    conditionalAuditStatement(
      db,
      {
        actorId,
        action: "batch.cancelled",
        subjectType: "batch",
        subjectId: id,
        subjectVersion: loaded.row.version + 1,
        details: { from: loaded.row.status, reason },
      },
      cancelledNow,
    ),
    db.update(batchItems).set({ liveKey: null }).where(and(eq(batchItems.batchId, id), cancelledNow)),
  ]);
  const after = await getBatch(db, id);
  if (after.row.status !== "cancelled") {
    throw conflict("batch_not_modifiable", `The batch became ${after.row.status} while it was being cancelled; it was not cancelled.`, {
      status: after.row.status,
    });
  }
  return batchView(after);
}

// ---- submitting ----

export async function computeFingerprint(row: BatchRow, items: readonly ItemRow[]): Promise<string> {
  return sha256Hex(
    fingerprintContent(
      { id: row.id, cycleId: row.cycleId, currency: row.currency },
      items.map((i) => ({
        payeeId: i.payeeId,
        amountPaise: i.amountPaise,
        currency: i.currency,
        status: i.status,
        exclusionReason: i.exclusionReason,
        orderIds: (JSON.parse(i.orders) as Array<{ orderId: string }>).map((o) => o.orderId),
        bank: i.bankSnapshot ? (JSON.parse(i.bankSnapshot) as BankDetails) : null,
      })),
    ),
  );
}

export interface IssuedLink {
  linkId: string;
  checkerId: string;
  expiresAtMs: number;
}

/**
 * Re-runs reconciliation, and if nothing is blocked freezes the batch: bank details are
 * snapshotted, the content is fingerprinted, and each eligible checker gets an approval link
 * (queued in the notification outbox, so sending never blocks submission).
 */
export async function submitBatch(db: Db, id: string, actorId: string, settings: BatchSettings) {
  const loaded = await loadForChange(db, id, actorId, batchStatusesInto("pending_approval"));
  const now = nowIso();
  const reconcile = await reconcileStatements(db, loaded, actorId, now);
  const { facts, payeeById } = await gatherFacts(
    db,
    loaded.row.cycleId,
    loaded.row.currency as Currency,
    loaded.items.filter((i) => i.status !== "excluded").map((i) => i.payeeId),
  );
  const results = new Map(facts.map((f) => [f.payeeId, reconcilePayee(f)]));
  const blocked = [...results.values()].filter((r) => !r.ok);
  if (blocked.length > 0) {
    // Record this reconciliation run, then refuse: the maker must fix or exclude each item.
    await commitChange(db, reconcile);
    throw conflict("batch_has_blocked_items", "Some items failed pre-payout reconciliation; fix them and re-run it, or exclude them with a reason.", {
      blocked: blocked.map((r) => ({ payeeId: r.payeeId, failed: failedChecks(r) })),
    });
  }

  const frozenItems: ItemRow[] = loaded.items.map((item) => {
    if (item.status === "excluded") return item;
    const payee = payeeById.get(item.payeeId)!;
    return { ...item, ...itemFields(results.get(item.payeeId)!, now), bankSnapshot: JSON.stringify(bankDetailsOf(payee)) };
  });
  const payable = frozenItems.filter((i) => i.status === "ok");
  if (payable.length === 0) throw invalid("batch_empty", "Every item is excluded; there is nothing to submit.");
  const totalPaise = payable.reduce((s, i) => s + i.amountPaise, 0);
  const needed = requiredApprovals(totalPaise, settings.twoCheckerThresholdPaise);
  const eligible = settings.checkers.filter((c) => c.actorId !== loaded.row.makerId);
  if (eligible.length < needed) {
    throw invalid("not_enough_checkers", `This batch needs ${needed} checkers other than its maker; ${eligible.length} are configured.`);
  }
  const fingerprint = await computeFingerprint(loaded.row, frozenItems);
  const expiresAtMs = Date.parse(now) + settings.approvalLinkTtlSeconds * 1000;
  const links: IssuedLink[] = eligible.map((c) => ({ linkId: newId("lnk"), checkerId: c.actorId, expiresAtMs }));
  const version = loaded.row.version + 1;

  const statements: Statements = [
    auditStatement(db, {
      actorId,
      action: "batch.submitted",
      subjectType: "batch",
      subjectId: id,
      subjectVersion: version,
      details: { fingerprint, totalPaise, itemCount: payable.length, requiredApprovals: needed },
    }),
    versionBump(db, loaded.row, now, {
      status: "pending_approval",
      fingerprint,
      totalPaise,
      requiredApprovals: needed,
      submittedAt: now,
    }),
  ];
  for (const item of frozenItems) {
    if (item.status === "excluded") continue;
    statements.push(
      db
        .update(batchItems)
        .set({ ...itemFields(results.get(item.payeeId)!, now), bankSnapshot: item.bankSnapshot })
        .where(eq(batchItems.id, item.id)),
    );
  }
  for (const link of links) {
    statements.push(
      db.insert(approvalLinks).values({
        id: link.linkId,
        batchId: id,
        checkerId: link.checkerId,
        fingerprint,
        expiresAt: new Date(link.expiresAtMs).toISOString(),
        createdAt: now,
      }),
      db.insert(notifications).values({
        id: newId("ntf"),
        kind: "approval_requested",
        payload: JSON.stringify({ linkId: link.linkId, batchId: id, checkerId: link.checkerId }),
        status: "pending",
        nextAttemptAt: now,
        createdAt: now,
      }),
      auditStatement(db, {
        actorId,
        action: "approval_link.issued",
        subjectType: "batch",
        subjectId: id,
        details: { linkId: link.linkId, checkerId: link.checkerId, expiresAt: new Date(link.expiresAtMs).toISOString() },
      }),
    );
  }
  await commitChange(db, statements);
  return batchView(await getBatch(db, id));
}

/**
 * Checks that what a checker is about to approve is still true: same fingerprint, and each
 * payee's bank details still the snapshotted, verified ones. Returns the differences.
 */
export async function staleReasons(db: Db, loaded: Awaited<ReturnType<typeof getBatch>>): Promise<string[]> {
  const reasons: string[] = [];
  const recomputed = await computeFingerprint(loaded.row, loaded.items);
  if (recomputed !== loaded.row.fingerprint) reasons.push("the batch content no longer matches its fingerprint");
  const payable = loaded.items.filter((i) => i.status === "ok");
  const rows = await inChunks(
    payable.map((i) => i.payeeId),
    (chunk) => db.select().from(payees).where(inArray(payees.id, chunk)),
  );
  const byId = new Map(rows.map((p) => [p.id, p]));
  for (const item of payable) {
    const payee = byId.get(item.payeeId);
    if (!payee) continue;
    if (JSON.stringify(bankDetailsOf(payee)) !== item.bankSnapshot) reasons.push(`payee ${item.payeeId}'s bank details changed after submission`);
    else if (payee.bankVerificationStatus !== "verified") reasons.push(`payee ${item.payeeId}'s bank details are no longer verified`);
  }
  return reasons;
}
