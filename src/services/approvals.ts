// The checker's decision: refused for the batch's maker, a second different decision, a batch no
// longer pending, a fingerprint other than the one reviewed, or (to approve) content gone stale.
// The write is settled by the database (store/approvals.ts), so racing decisions give one outcome.

import { canTransitionBatch } from "../domain/batch";
import { conflict, forbidden } from "../domain/errors";
import { newId } from "../domain/ids";
import { commitDecision, type DecisionRecord, decisionStatements, getDecision } from "../store/approvals";
import { type DecisionRow, getBatch, type LoadedBatch } from "../store/batches";
import { type Db, nowIso } from "../store/client";
import { staleReasons } from "./batches";

export type Decision = Omit<DecisionRecord, "id" | "now">;

export interface DecisionOutcome {
  batch: LoadedBatch;
  /** False when this checker had already made the same decision: nothing new was written. */
  recorded: boolean;
  /** True when this decision moved the batch to approved (release it for execution). */
  approvedNow: boolean;
}

const isRepeat = (previous: DecisionRow | undefined, d: Decision) => previous?.decision === d.decision && previous.fingerprint === d.fingerprint;

const notPending = (status: string) =>
  conflict("batch_not_pending", `The batch is ${status}; only a batch pending approval can be decided.`, { status });

export async function decide(db: Db, d: Decision): Promise<DecisionOutcome> {
  const loaded = await getBatch(db, d.batchId);
  if (await isRepeatOrRefuse(db, loaded, d)) return { batch: loaded, recorded: false, approvedNow: false };
  const decisionId = newId("dec");
  const committed = await commitDecision(db, decisionStatements(db, { ...d, id: decisionId, now: nowIso() }));
  // This checker decided concurrently through another request: answer as that decision did.
  if (committed === "decided_concurrently") return decide(db, d);

  const recorded = await getDecision(db, decisionId);
  const after = await getBatch(db, d.batchId);
  if (!recorded) {
    // The same decision by this checker, committed by a concurrent request, is a repeat: a no-op.
    if (isRepeat(after.decisions.find((x) => x.checkerId === d.checkerId), d)) return { batch: after, recorded: false, approvedNow: false };
    // The batch left pending_approval between our checks and the write.
    throw notPending(after.row.status);
  }
  return { batch: after, recorded: true, approvedNow: after.row.finalDecisionId === decisionId && after.row.status === "approved" };
}

/** True for a repeat of this checker's own decision; throws if the decision may not be made. */
async function isRepeatOrRefuse(db: Db, loaded: LoadedBatch, d: Decision): Promise<boolean> {
  const { row } = loaded;
  if (row.makerId === d.checkerId) {
    throw forbidden("maker_cannot_approve", "The batch's maker cannot approve or reject it; another checker must.");
  }
  const previous = loaded.decisions.find((x) => x.checkerId === d.checkerId);
  if (previous) {
    if (isRepeat(previous, d)) return true;
    throw conflict("already_decided", `You already decided to ${previous.decision} this batch.`, { decision: previous.decision });
  }
  if (!canTransitionBatch(row.status, d.decision === "approve" ? "approved" : "rejected")) throw notPending(row.status);
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
  return false;
}
