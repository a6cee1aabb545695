// The checker's decision. One atomic batch records the decision, moves the batch when the
// decision completes it, marks the link used and writes the audit trail. Concurrency is settled
// by the database: each checker decides a batch once (unique index), and the status changes
// only from pending_approval, so two approvals racing give one state change.

import { and, count, eq, sql } from "drizzle-orm";
import { conflict, forbidden, notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import { conditionalAuditStatement } from "./audit";
import { batchView, getBatch, staleReasons } from "./batches";
import { batchMayMoveInto } from "./batch-moves";
import { commit, type Db, isUniqueViolation, nowIso, type Statements } from "./client";
import { approvalLinks, approvals, batches, batchItems } from "./schema";

export interface Decision {
  batchId: string;
  checkerId: string;
  decision: "approve" | "reject";
  fingerprint: string;
  reason?: string | undefined;
  via: "api" | "link";
  linkId?: string | undefined;
}

export interface DecisionOutcome {
  batch: ReturnType<typeof batchView>;
  /** False when this checker had already made the same decision: nothing new was written. */
  recorded: boolean;
  /** True when this decision moved the batch to approved (release it for execution). */
  approvedNow: boolean;
}

export async function decide(db: Db, d: Decision): Promise<DecisionOutcome> {
  const loaded = await getBatch(db, d.batchId);
  const { row } = loaded;
  if (row.makerId === d.checkerId) {
    throw forbidden("maker_cannot_approve", "The batch's maker cannot approve or reject it; another checker must.");
  }
  const previous = loaded.decisions.find((x) => x.checkerId === d.checkerId);
  if (previous) {
    if (previous.decision === d.decision && previous.fingerprint === d.fingerprint) {
      return { batch: batchView(loaded), recorded: false, approvedNow: false };
    }
    throw conflict("already_decided", `You already decided to ${previous.decision} this batch.`, { decision: previous.decision });
  }
  if (row.status !== "pending_approval") {
    throw conflict("batch_not_pending", `The batch is ${row.status}; only a batch pending approval can be decided.`, {
      status: row.status,
    });
  }
  if (row.fingerprint !== d.fingerprint) {
    throw conflict("fingerprint_mismatch", "The batch is not the one you reviewed: its content fingerprint differs.", {
      expected: row.fingerprint,
    });
  }
  if (d.decision === "approve") {
    const stale = await staleReasons(db, loaded);
    if (stale.length > 0) {
      throw conflict("batch_changed", "Something in the batch changed since it was submitted; it cannot be approved as it is.", {
        reasons: stale,
      });
    }
  }

  const decisionId = newId("dec");
  const now = nowIso();
  const pendingWithFingerprint = and(
    eq(batches.id, d.batchId),
    // Approving and rejecting are both allowed from the same statuses (pending approval).
    batchMayMoveInto(d.decision === "approve" ? "approved" : "rejected"),
    eq(batches.fingerprint, d.fingerprint),
  );
  const statements: Statements = [
    // Recorded only while the batch is still pending with the same fingerprint.
    db.insert(approvals).select(
      db
        .select({
          id: sql`${decisionId}`.as("id"),
          batchId: batches.id,
          checkerId: sql`${d.checkerId}`.as("checker_id"),
          decision: sql`${d.decision}`.as("decision"),
          fingerprint: batches.fingerprint,
          reason: sql`${d.reason ?? null}`.as("reason"),
          via: sql`${d.via}`.as("via"),
          linkId: sql`${d.linkId ?? null}`.as("link_id"),
          createdAt: sql`${now}`.as("created_at"),
        })
        .from(batches)
        .where(pendingWithFingerprint),
    ) as never,
  ];
  const thisDecisionExists = sql`EXISTS (SELECT 1 FROM ${approvals} WHERE ${approvals.id} = ${decisionId})`;
  if (d.decision === "approve") {
    const approvalsSoFar = db
      .select({ n: count() })
      .from(approvals)
      .where(and(eq(approvals.batchId, d.batchId), eq(approvals.decision, "approve")));
    statements.push(
      db
        .update(batches)
        .set({ status: "approved", finalDecisionId: decisionId, decidedAt: now, updatedAt: now, version: sql`${batches.version} + 1` })
        .where(and(pendingWithFingerprint, thisDecisionExists, sql`(${approvalsSoFar}) >= ${batches.requiredApprovals}`)),
    );
  } else {
    statements.push(
      db
        .update(batches)
        .set({
          status: "rejected",
          finalDecisionId: decisionId,
          rejectionReason: d.reason ?? null,
          liveScopeKey: null,
          decidedAt: now,
          updatedAt: now,
          version: sql`${batches.version} + 1`,
        })
        .where(and(pendingWithFingerprint, thisDecisionExists)),
      // A rejected batch releases its payees for a corrected batch.
      db
        .update(batchItems)
        .set({ liveKey: null })
        .where(and(eq(batchItems.batchId, d.batchId), sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${d.batchId} AND ${batches.finalDecisionId} = ${decisionId})`)),
    );
  }
  if (d.linkId) {
    statements.push(
      db
        .update(approvalLinks)
        .set({ usedAt: now })
        .where(and(eq(approvalLinks.id, d.linkId), sql`${approvalLinks.usedAt} IS NULL`, thisDecisionExists)),
    );
  }
  const decidedNow = sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${d.batchId} AND ${batches.finalDecisionId} = ${decisionId})`;
  statements.push(
    conditionalAuditStatement(
      db,
      {
        actorId: d.checkerId,
        action: d.decision === "approve" ? "batch.approval_recorded" : "batch.rejected",
        subjectType: "batch",
        subjectId: d.batchId,
        details: { decisionId, via: d.via, linkId: d.linkId ?? null, fingerprint: d.fingerprint, reason: d.reason ?? null },
      },
      thisDecisionExists,
    ),
  );
  if (d.decision === "approve") {
    statements.push(
      conditionalAuditStatement(
        db,
        { actorId: d.checkerId, action: "batch.approved", subjectType: "batch", subjectId: d.batchId, details: { finalDecisionId: decisionId } },
        decidedNow,
      ),
    );
  }
  if (d.linkId) {
    statements.push(
      conditionalAuditStatement(
        db,
        { actorId: d.checkerId, action: "approval_link.used", subjectType: "batch", subjectId: d.batchId, details: { linkId: d.linkId } },
        thisDecisionExists,
      ),
    );
  }
  try {
    await commit(db, statements);
  } catch (error) {
    if (isUniqueViolation(error, "approvals")) {
      // This checker decided concurrently through another request: answer as that decision did.
      return decide(db, d);
    }
    throw error;
  }

  const recorded = await db.select().from(approvals).where(eq(approvals.id, decisionId)).get();
  const after = await getBatch(db, d.batchId);
  if (!recorded) {
    // The same decision by this checker, committed by a concurrent request, is a repeat: a no-op.
    const mine = after.decisions.find((x) => x.checkerId === d.checkerId);
    if (mine && mine.decision === d.decision && mine.fingerprint === d.fingerprint) {
      return { batch: batchView(after), recorded: false, approvedNow: false };
    }
    // The batch left pending_approval between our checks and the write.
    throw conflict("batch_not_pending", `The batch is ${after.row.status}; only a batch pending approval can be decided.`, {
      status: after.row.status,
    });
  }
  const approvedNow = after.row.finalDecisionId === decisionId && after.row.status === "approved";
  return { batch: batchView(after), recorded: true, approvedNow };
}

export async function getLink(db: Db, linkId: string) {
  const link = await db.select().from(approvalLinks).where(eq(approvalLinks.id, linkId)).get();
  if (!link) throw notFound("link_not_found", "This approval link does not exist.");
  return link;
}
