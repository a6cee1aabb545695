// A checker's decision in SQL. One atomic batch records the decision, moves the batch when the
// decision completes it, marks the link used and writes the audit trail. Concurrency is settled
// by the database: each checker decides a batch once (unique index), and the status changes
// only from pending_approval, so two approvals racing give one state change.

import { and, count, eq, sql, type SQL } from "drizzle-orm";
import { notFound } from "../domain/errors";
import { conditionalAuditStatement } from "./audit";
import { batchMayMoveInto } from "./batch-moves";
import { batchEvent, type DecisionRow } from "./batches";
import { commit, type Db, isUniqueViolation, type Statements } from "./client";
import { approvalLinks, approvals, batches, batchItems } from "./schema";

/** A decision as written: what the checker decided, with the id and time it is recorded under. */
export interface DecisionRecord {
  id: string;
  now: string;
  batchId: string;
  checkerId: string;
  decision: "approve" | "reject";
  fingerprint: string;
  reason?: string | undefined;
  via: "api" | "link";
  linkId?: string | undefined;
}

/** The statements of one decision, each applying only if the decision itself was recorded. */
export function decisionStatements(db: Db, d: DecisionRecord): Statements {
  const pendingWithFingerprint = and(
    eq(batches.id, d.batchId),
    // Approving and rejecting are both allowed from the same statuses (pending approval).
    batchMayMoveInto(d.decision === "approve" ? "approved" : "rejected"),
    eq(batches.fingerprint, d.fingerprint),
  )!;
  const recorded = sql`EXISTS (SELECT 1 FROM ${approvals} WHERE ${approvals.id} = ${d.id})`;
  const decidedNow = sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${d.batchId} AND ${batches.finalDecisionId} = ${d.id})`;
  const statements: Statements = [
    recordDecision(db, d, pendingWithFingerprint),
    ...(d.decision === "approve" ? [approvalMove(db, d, pendingWithFingerprint, recorded)] : rejectionMove(db, d, pendingWithFingerprint, recorded, decidedNow)),
  ];
  if (d.linkId) {
    statements.push(
      db
        .update(approvalLinks)
        .set({ usedAt: d.now })
        .where(and(eq(approvalLinks.id, d.linkId), sql`${approvalLinks.usedAt} IS NULL`, recorded)),
    );
  }
  const audit = { actorId: d.checkerId, subjectType: "batch", subjectId: d.batchId };
  statements.push(
    conditionalAuditStatement(
      db,
      {
        ...audit,
        action: d.decision === "approve" ? "batch.approval_recorded" : "batch.rejected",
        details: { decisionId: d.id, via: d.via, linkId: d.linkId ?? null, fingerprint: d.fingerprint, reason: d.reason ?? null },
      },
      recorded,
    ),
  );
  if (d.decision === "approve") {
    statements.push(conditionalAuditStatement(db, { ...audit, action: "batch.approved", details: { finalDecisionId: d.id } }, decidedNow));
  }
  statements.push(batchEvent(db, d.decision === "approve" ? "batch.approved" : "batch.rejected", d.batchId, decidedNow, d.now));
  if (d.linkId) {
    statements.push(conditionalAuditStatement(db, { ...audit, action: "approval_link.used", details: { linkId: d.linkId } }, recorded));
  }
  return statements;
}

/** Recorded only while the batch is still pending with the same fingerprint. */
function recordDecision(db: Db, d: DecisionRecord, pendingWithFingerprint: SQL) {
  return db.insert(approvals).select(
    db
      .select({
        id: sql`${d.id}`.as("id"),
        batchId: batches.id,
        checkerId: sql`${d.checkerId}`.as("checker_id"),
        decision: sql`${d.decision}`.as("decision"),
        fingerprint: batches.fingerprint,
        reason: sql`${d.reason ?? null}`.as("reason"),
        via: sql`${d.via}`.as("via"),
        linkId: sql`${d.linkId ?? null}`.as("link_id"),
        createdAt: sql`${d.now}`.as("created_at"),
      })
      .from(batches)
      .where(pendingWithFingerprint),
  ) as never;
}

/** The approval that brings the count to what the batch requires approves it. */
function approvalMove(db: Db, d: DecisionRecord, pendingWithFingerprint: SQL, recorded: SQL) {
  const approvalsSoFar = db
    .select({ n: count() })
    .from(approvals)
    .where(and(eq(approvals.batchId, d.batchId), eq(approvals.decision, "approve")));
  return db
    .update(batches)
    .set({ status: "approved", finalDecisionId: d.id, decidedAt: d.now, updatedAt: d.now, version: sql`${batches.version} + 1` })
    .where(and(pendingWithFingerprint, recorded, sql`(${approvalsSoFar}) >= ${batches.requiredApprovals}`));
}

/** One rejection rejects the batch, and releases its payees for a corrected batch. */
function rejectionMove(db: Db, d: DecisionRecord, pendingWithFingerprint: SQL, recorded: SQL, decidedNow: SQL): Statements {
  return [
    db
      .update(batches)
      .set({
        status: "rejected",
        finalDecisionId: d.id,
        rejectionReason: d.reason ?? null,
        liveScopeKey: null,
        decidedAt: d.now,
        updatedAt: d.now,
        version: sql`${batches.version} + 1`,
      })
      .where(and(pendingWithFingerprint, recorded)),
    db
      .update(batchItems)
      .set({ liveKey: null })
      .where(and(eq(batchItems.batchId, d.batchId), decidedNow)),
  ];
}

/** Commits a decision; `decided_concurrently` when this checker's decision was committed by another request. */
export async function commitDecision(db: Db, statements: Statements): Promise<"committed" | "decided_concurrently"> {
  try {
    await commit(db, statements);
    return "committed";
  } catch (error) {
    if (isUniqueViolation(error, "approvals")) return "decided_concurrently";
    throw error;
  }
}

export function getDecision(db: Db, id: string): Promise<DecisionRow | undefined> {
  return db.select().from(approvals).where(eq(approvals.id, id)).get();
}

export async function getLink(db: Db, linkId: string) {
  const link = await db.select().from(approvalLinks).where(eq(approvalLinks.id, linkId)).get();
  if (!link) throw notFound("link_not_found", "This approval link does not exist.");
  return link;
}

/** The link and batch an approval request names, and how many of the batch's items get paid. */
export async function approvalRequestFacts(db: Db, linkId: string, batchId: string) {
  const link = await db.select().from(approvalLinks).where(eq(approvalLinks.id, linkId)).get();
  const batch = await db.select().from(batches).where(eq(batches.id, batchId)).get();
  if (!link || !batch) return null;
  const payable = await db.select({ n: count() }).from(batchItems).where(and(eq(batchItems.batchId, batch.id), eq(batchItems.status, "ok"))).get();
  return { link, batch, payableItemCount: payable?.n ?? 0 };
}
