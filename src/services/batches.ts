// The maker's use cases for payout batches: create one from the ledger, re-run pre-payout
// reconciliation, exclude an item, submit (freeze, fingerprint, approval links) and cancel.
// Each computes what changes from domain rules, then applies it as one commit through the store.

import { batchStatusesInto, fingerprintContent, requiredApprovals } from "../domain/batch";
import { conflict, forbidden, invalid, notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import { newId } from "../domain/ids";
import type { Currency } from "../domain/money";
import { isBlocking, isPayable, type PrePayoutResult, reconcilePayee } from "../domain/pre-payout";
import type { BatchStatus } from "../domain/statuses";
import { type RiskFlag, riskFlagsFor } from "../domain/risk-flags";
import { riskFactsFor } from "../store/risk-facts";
import { auditStatement } from "../store/audit";
import {
  bankSnapshotOf,
  type BatchRow,
  cancellationStatements,
  commitChange,
  commitNewBatch,
  findLiveBatch,
  gatherFacts,
  getBatch,
  type IssuedLink,
  insertBatch,
  insertItems,
  itemBank,
  itemRiskFlags,
  itemExclusion,
  itemOrders,
  type ItemRow,
  itemUpdate,
  linkIssueStatements,
  liveKeyOf,
  type LoadedBatch,
  payeesByIds,
  payeesInLiveBatches,
  reconciledItemFields,
  versionBump,
  submissionEvent,
} from "../store/batches";
import { payableBankOf } from "../store/payees";
import { type Db, nowIso, type Statements } from "../store/client";
import { raiseExceptionStatements } from "../store/exceptions";

/** A batch holds at most this many payees; split larger cycles with `payeeIds`. */
export const MAX_ITEMS_PER_BATCH = 1000;

/** Only a draft's content may change: submission freezes it. */
const EDITABLE: readonly BatchStatus[] = ["draft"];

export interface Checker {
  actorId: string;
  email?: string | undefined;
}

export interface BatchSettings {
  twoCheckerThresholdPaise: number;
  approvalLinkTtlSeconds: number;
  checkers: readonly Checker[];
}

// ---- reconciliation ----

async function factsFor(db: Db, cycleId: string, currency: Currency, scope: "all" | readonly string[], carry: { actorId: string; batchId: string | null }) {
  const gathered = await gatherFacts(db, cycleId, currency, scope, carry);
  if (!gathered.ok) {
    const { unknownPayeeIds } = gathered;
    throw invalid("payee_not_found", `Unknown payees: ${unknownPayeeIds.join(", ")}.`, { field: "payeeIds", payeeIds: unknownPayeeIds });
  }
  return gathered;
}

const failedChecks = (r: PrePayoutResult) => r.checks.filter((c) => !c.ok).map((c) => ({ check: c.check, reasons: c.reasons }));
const blockedSummary = (results: Iterable<PrePayoutResult>) => [...results].filter(isBlocking).map((r) => ({ payeeId: r.payeeId, failed: failedChecks(r) }));
const livePayeeIds = (items: readonly ItemRow[]) => items.filter((i) => i.status !== "excluded").map((i) => i.payeeId);

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
): Promise<{ batch: LoadedBatch; existing: boolean }> {
  const scopeIds = input.payeeIds ? [...new Set(input.payeeIds)].sort() : null;
  const payeeScope = scopeIds ? scopeIds.join(",") : "all";
  const liveScopeKey = `${input.cycleId}|${input.currency}|${await sha256Hex(payeeScope)}`;
  const existing = await findLiveBatch(db, liveScopeKey);
  if (existing) return { batch: await getBatch(db, existing.id), existing: true };

  const results = await outstandingResults(db, input.cycleId, input.currency, scopeIds, makerId);
  const id = newId("bat");
  const now = nowIso();
  const items = results.map((r) => ({
    id: newId("itm"),
    batchId: id,
    cycleId: input.cycleId,
    payeeId: r.payeeId,
    currency: input.currency,
    liveKey: liveKeyOf(input.cycleId, r.payeeId),
    bankSnapshot: null,
    ...reconciledItemFields(r, now),
  }));
  const statements: Statements = [
    insertBatch(db, {
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
    auditStatement(db, { actorId: makerId, action: "batch.reconciled", subjectType: "batch", subjectId: id, details: { blocked: blockedSummary(results) } }),
    ...insertItems(db, items),
  ];
  for (const item of items) if (item.status === "blocked") statements.push(...blockedTicket(db, id, item.id, item.payeeId, results.find((r) => r.payeeId === item.payeeId)!));
  const winner = await commitNewBatch(db, statements, liveScopeKey);
  return { batch: await getBatch(db, winner?.id ?? id), existing: winner !== undefined };
}

/** The reconciled payees a new batch would pay: none already in a live batch, within the size limit. */
async function outstandingResults(db: Db, cycleId: string, currency: Currency, scopeIds: string[] | null, makerId: string) {
  const { facts } = await factsFor(db, cycleId, currency, scopeIds ?? "all", { actorId: makerId, batchId: null });
  const liveElsewhere = await payeesInLiveBatches(db, cycleId, facts.map((f) => f.payeeId));
  const taken = (scopeIds ?? []).filter((id) => liveElsewhere.has(id));
  if (taken.length > 0) {
    throw conflict("payee_in_live_batch", "Some payees are already in a live batch for this cycle.", {
      payees: taken.map((id) => ({ payeeId: id, batchId: liveElsewhere.get(id) })),
    });
  }
  const results = facts
    .filter((f) => !liveElsewhere.has(f.payeeId))
    .map(reconcilePayee)
    // In "all" mode a payee who is settled and fully paid for the cycle has nothing to do here.
    .filter((r) => scopeIds !== null || !r.paidInFull);
  if (results.length === 0) throw invalid("nothing_to_pay", `Nothing is outstanding for cycle ${cycleId}.`);
  if (results.length > MAX_ITEMS_PER_BATCH) {
    throw invalid("too_many_payees", `A batch holds at most ${MAX_ITEMS_PER_BATCH} payees; split the cycle with payeeIds.`, {
      payeeCount: results.length,
    });
  }
  return results;
}

// ---- changing a draft ----

/** Loads a batch for a change by its maker, in one of the statuses the change is allowed from. */
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

/** Re-runs pre-payout reconciliation on a draft's live items, updating amounts and statuses. */
export async function reconcileBatch(db: Db, id: string, actorId: string): Promise<LoadedBatch> {
  const loaded = await loadForChange(db, id, actorId, EDITABLE);
  await commitChange(db, await reconcileStatements(db, loaded, actorId, nowIso()));
  return getBatch(db, id);
}

async function reconcileStatements(db: Db, { row, items }: LoadedBatch, actorId: string, now: string): Promise<Statements> {
  const { facts } = await factsFor(db, row.cycleId, row.currency as Currency, livePayeeIds(items), { actorId, batchId: row.id });
  const results = new Map(facts.map((f) => [f.payeeId, reconcilePayee(f)]));
  const itemStatements = items
    .filter((i) => i.status !== "excluded")
    .flatMap((item) => {
      const result = results.get(item.payeeId)!;
      return [itemUpdate(db, item.id, reconciledItemFields(result, now)), ...(isBlocking(result) ? blockedTicket(db, row.id, item.id, item.payeeId, result) : [])];
    });
  const totalPaise = [...results.values()].filter(isPayable).reduce((s, r) => s + r.amountPaise, 0);
  return [
    auditStatement(db, {
      actorId,
      action: "batch.reconciled",
      subjectType: "batch",
      subjectId: row.id,
      subjectVersion: row.version + 1,
      details: { blocked: blockedSummary(results.values()) },
    }),
    versionBump(db, row, now, { totalPaise }),
    ...itemStatements,
  ];
}

export async function excludeItem(db: Db, batchId: string, itemId: string, reason: string, actorId: string): Promise<LoadedBatch> {
  const loaded = await loadForChange(db, batchId, actorId, EDITABLE);
  const item = loaded.items.find((i) => i.id === itemId);
  if (!item) throw notFound("item_not_found", `Batch ${batchId} has no item ${itemId}.`);
  if (item.status === "excluded") return loaded;
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
    versionBump(db, loaded.row, nowIso(), { totalPaise }),
    itemExclusion(db, itemId, reason),
  ]);
  return getBatch(db, batchId);
}

export async function cancelBatch(db: Db, id: string, reason: string, actorId: string): Promise<LoadedBatch> {
  const { row } = await loadForChange(db, id, actorId, batchStatusesInto("cancelled"));
  const audit = { actorId, action: "batch.cancelled", subjectType: "batch", subjectId: id, subjectVersion: row.version + 1, details: { from: row.status, reason } };
  await commitChange(db, cancellationStatements(db, row, nowIso(), reason, audit));
  const after = await getBatch(db, id);
  if (after.row.status !== "cancelled") {
    throw conflict("batch_not_modifiable", `The batch became ${after.row.status} while it was being cancelled; it was not cancelled.`, {
      status: after.row.status,
    });
  }
  return after;
}

// ---- submitting ----

async function computeFingerprint(row: BatchRow, items: readonly ItemRow[]): Promise<string> {
  return sha256Hex(
    fingerprintContent(
      { id: row.id, cycleId: row.cycleId, currency: row.currency },
      items.map((i) => ({
        payeeId: i.payeeId,
        amountPaise: i.amountPaise,
        currency: i.currency,
        status: i.status,
        exclusionReason: i.exclusionReason,
        orderIds: itemOrders(i).map((o) => o.orderId),
        bank: itemBank(i),
        riskFlags: itemRiskFlags(i),
      })),
    ),
  );
}

/**
 * Re-runs reconciliation, and if nothing is blocked freezes the batch: bank details are
 * snapshotted, the content is fingerprinted, and each eligible checker gets an approval link.
 */
export async function submitBatch(db: Db, id: string, actorId: string, settings: BatchSettings): Promise<LoadedBatch> {
  const loaded = await loadForChange(db, id, actorId, batchStatusesInto("pending_approval"));
  const now = nowIso();
  const reconcile = await reconcileStatements(db, loaded, actorId, now);
  const { facts, payeeById } = await factsFor(db, loaded.row.cycleId, loaded.row.currency as Currency, livePayeeIds(loaded.items), { actorId, batchId: id });
  const results = new Map(facts.map((f) => [f.payeeId, reconcilePayee(f)]));
  const blocked = blockedSummary(results.values());
  if (blocked.length > 0) {
    // Record this reconciliation run, then refuse: the maker must fix or exclude each item.
    await commitChange(db, reconcile);
    throw conflict("batch_has_blocked_items", "Some items failed pre-payout reconciliation; fix them and re-run it, or exclude them with a reason.", { blocked });
  }
  const frozen = new Map<string, Partial<ItemRow>>(
    loaded.items
      .filter((i) => i.status !== "excluded")
      .map((i) => {
        const result = results.get(i.payeeId)!;
        // A held payee (or one in deficit) is not paid by this batch, so it is free to be paid in a
        // later one once released (or back above zero).
        const release = result.hold || result.deficitPaise > 0 ? { liveKey: null } : {};
        return [i.id, { ...reconciledItemFields(result, now), bankSnapshot: bankSnapshotOf(payeeById.get(i.payeeId)!, now), ...release }];
      }),
  );
  // What checkers should look at first, computed once from the frozen lines and frozen with them.
  const flagged = await flagRisks(
    db,
    loaded.items.map((i) => ({ ...i, ...frozen.get(i.id) })),
  );
  for (const [itemId, riskFlags] of flagged) frozen.set(itemId, { ...frozen.get(itemId)!, riskFlags: JSON.stringify(riskFlags) });
  const frozenItems = loaded.items.map((i) => ({ ...i, ...frozen.get(i.id) }));
  const plan = await planSubmission(loaded.row, frozenItems, settings, now);
  const statements: Statements = [
    auditStatement(db, {
      actorId,
      action: "batch.submitted",
      subjectType: "batch",
      subjectId: id,
      subjectVersion: loaded.row.version + 1,
      details: { fingerprint: plan.fingerprint, totalPaise: plan.totalPaise, itemCount: plan.itemCount, requiredApprovals: plan.needed },
    }),
    versionBump(db, loaded.row, now, { status: "pending_approval", fingerprint: plan.fingerprint, totalPaise: plan.totalPaise, requiredApprovals: plan.needed, submittedAt: now }),
    submissionEvent(db, loaded.row, now),
    ...[...frozen].map(([itemId, fields]) => itemUpdate(db, itemId, fields)),
  ];
  for (const link of plan.links) {
    const details = { linkId: link.linkId, checkerId: link.checkerId, expiresAt: new Date(link.expiresAtMs).toISOString() };
    statements.push(
      ...linkIssueStatements(db, id, plan.fingerprint, link, now),
      auditStatement(db, { actorId, action: "approval_link.issued", subjectType: "batch", subjectId: id, details }),
    );
  }
  await commitChange(db, statements);
  return getBatch(db, id);
}

/** The risk flags of each line to be paid (riskFlagsFor over each payee's history and account). */
async function flagRisks(db: Db, items: readonly ItemRow[]): Promise<Map<string, RiskFlag[]>> {
  const payable = items.filter((i) => i.status === "ok");
  const facts = await riskFactsFor(
    db,
    payable.map((i) => ({ payeeId: i.payeeId, amountPaise: i.amountPaise, bank: itemBank(i) })),
  );
  return new Map(payable.map((item, n) => [item.id, riskFlagsFor(facts[n]!)]));
}

/** What submitting the frozen content entails: its total, approvals needed, fingerprint and links. */
async function planSubmission(row: BatchRow, frozenItems: readonly ItemRow[], settings: BatchSettings, now: string) {
  const payable = frozenItems.filter((i) => i.status === "ok");
  if (payable.length === 0) throw invalid("batch_empty", "Every item is excluded, held or in deficit; there is nothing to submit.");
  const totalPaise = payable.reduce((s, i) => s + i.amountPaise, 0);
  const needed = requiredApprovals(totalPaise, settings.twoCheckerThresholdPaise);
  const eligible = settings.checkers.filter((c) => c.actorId !== row.makerId);
  if (eligible.length < needed) {
    throw invalid("not_enough_checkers", `This batch needs ${needed} checkers other than its maker; ${eligible.length} are configured.`);
  }
  const fingerprint = await computeFingerprint(row, frozenItems);
  const expiresAtMs = Date.parse(now) + settings.approvalLinkTtlSeconds * 1000;
  const links: IssuedLink[] = eligible.map((c) => ({ linkId: newId("lnk"), checkerId: c.actorId, expiresAtMs }));
  return { itemCount: payable.length, totalPaise, needed, fingerprint, links };
}

/**
 * Checks that what a checker is about to approve is still true: same fingerprint, and each
 * payee's bank details still the snapshotted, verified ones. Returns the differences.
 */
export async function staleReasons(db: Db, loaded: LoadedBatch): Promise<string[]> {
  const reasons: string[] = [];
  const recomputed = await computeFingerprint(loaded.row, loaded.items);
  if (recomputed !== loaded.row.fingerprint) reasons.push("the batch content no longer matches its fingerprint");
  const payable = loaded.items.filter((i) => i.status === "ok");
  const byId = new Map((await payeesByIds(db, payable.map((i) => i.payeeId))).map((p) => [p.id, p]));
  const now = nowIso();
  for (const item of payable) {
    const payee = byId.get(item.payeeId);
    if (!payee) continue;
    const details = payableBankOf(payee, now);
    if (!details.ok) reasons.push(`payee ${item.payeeId}'s bank details are changing: ${details.reason}`);
    else if (bankSnapshotOf(payee, now) !== item.bankSnapshot) reasons.push(`payee ${item.payeeId}'s bank details changed after submission`);
    else if (details.verificationStatus !== "verified") reasons.push(`payee ${item.payeeId}'s bank details are no longer verified`);
  }
  return reasons;
}
