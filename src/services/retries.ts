// What resolving an exception does to its payout: pay the item again (a new attempt through
// the payee's gate, never a second payment of money already paid), ask the gate again, or hand
// an unresolved payout back to the consumer. Runs right after the resolution and, for anything a
// crash left pending, from the cron.

import { retryKindFor } from "../domain/exception-state";
import { isTerminal } from "../domain/payout-lifecycle";
import { HOLDING_PAYOUT_STATUSES, isIn } from "../domain/statuses";
import { runEach } from "../observability/run-each";
import { type ExceptionRow, finishRetry, pendingRetries, rearmRetry, recordFailedRetry } from "../store/exceptions";
import { getBatchItem, setReleaseRefusal } from "../store/payee-gate";
import { getPayout, latestPayoutForItem } from "../store/payouts";
import type { Deps } from "./deps";

export type RetryResult =
  | { kind: "new_attempt" | "released"; outcome: string; payoutId?: string; reason?: string }
  | { kind: "requeued"; payoutId: string }
  | { kind: "rearmed"; exceptionId: string }
  | { kind: "nothing_to_do"; reason: string };

/**
 * Runs a resolution's retry. One that throws is counted on the ticket and backs off (the cron
 * tries it again later); the error still propagates, so the caller's failure is visible.
 */
export async function retryAfterResolution(deps: Deps, exception: ExceptionRow, nowMs = Date.now()): Promise<RetryResult> {
  const { db } = deps;
  let result: RetryResult;
  try {
    result = await retry(deps, exception);
  } catch (error) {
    await recordFailedRetry(db, exception, (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_CHARS), nowMs);
    throw error;
  }
  // A deferred retry (the payee's earlier transfer is still moving) stays pending for the cron.
  if (!("outcome" in result && result.outcome === "deferred")) await finishRetry(db, exception.id, result);
  return result;
}

const MAX_ERROR_CHARS = 500;

async function retry(deps: Deps, e: ExceptionRow): Promise<RetryResult> {
  const { db } = deps;
  const kind = retryKindFor(e.cause);
  if (kind === "none") return { kind: "nothing_to_do", reason: "this cause is resolved by investigation only" };
  if (kind === "rearm") return rearm(db, e);
  const itemId = e.itemId ?? (e.payoutId ? (await getPayout(db, e.payoutId)).itemId : null);
  if (!itemId) return { kind: "nothing_to_do", reason: "no batch item to retry" };
  const item = await getBatchItem(db, itemId);
  if (!item) return { kind: "nothing_to_do", reason: "the batch item no longer exists" };
  const latest = await latestPayoutForItem(db, itemId);

  if (kind === "requeue") {
    if (!latest || isTerminal(latest.status) || latest.status === "processed") {
      return { kind: "nothing_to_do", reason: `the payout is already ${latest?.status ?? "absent"}` };
    }
    await deps.queue.send({ type: "transfer", payoutId: latest.id });
    return { kind: "requeued", payoutId: latest.id };
  }

  if (latest && isIn(HOLDING_PAYOUT_STATUSES, latest.status)) {
    return { kind: "nothing_to_do", reason: `payout ${latest.id} is ${latest.status}; nothing to pay again` };
  }
  // Ask the gate afresh: clear the earlier refusal so the item counts as not yet released.
  await setReleaseRefusal(db, itemId, null);
  const outcome = await deps.gate(item.payeeId).createPayout(item.payeeId, itemId, latest ? { retryOf: latest.id } : {});
  return outcome.outcome === "refused" || outcome.outcome === "deferred"
    ? { kind: latest ? "new_attempt" : "released", outcome: outcome.outcome, reason: outcome.reason }
    : { kind: latest ? "new_attempt" : "released", outcome: outcome.outcome, payoutId: outcome.payoutId };
}

/** A retry_exhausted ticket's retry: the exhausted ticket's retry starts again from its first attempt. */
async function rearm(db: Deps["db"], e: ExceptionRow): Promise<RetryResult> {
  const exceptionId = (JSON.parse(e.details) as { exceptionId?: string }).exceptionId;
  if (!exceptionId) return { kind: "nothing_to_do", reason: "the ticket names no exhausted retry" };
  if (!(await rearmRetry(db, exceptionId))) return { kind: "nothing_to_do", reason: `the retry of ${exceptionId} is no longer exhausted` };
  return { kind: "rearmed", exceptionId };
}

/**
 * Runs retries whose resolution committed but whose retry did not finish, once each one's
 * backoff has passed at `nowMs`. One that throws backs off (or, after its last attempt, becomes a
 * retry_exhausted ticket) and does not hold up the others; the pass then fails as a whole, so
 * the cron's failure is visible.
 */
export async function redrivePendingRetries(deps: Deps, nowMs = Date.now(), limit = 50): Promise<number> {
  const pending = await pendingRetries(deps.db, new Date(nowMs).toISOString(), limit);
  await runEach(pending, (e) => retryAfterResolution(deps, e, nowMs), { each: (e) => `retry for exception ${e.id} (attempt ${e.retryAttempts + 1})`, all: "pending retries" });
  return pending.length;
}
