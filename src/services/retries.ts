// What resolving an exception does to its payout: pay the item again (a new attempt through
// the payee's gate, never a second payment of money already paid), ask the gate again, or hand
// an unresolved payout back to the consumer. Runs right after the resolution and, for anything a
// crash left pending, from the cron.

import { eq } from "drizzle-orm";
import { database, type Db } from "../store/client";
import { type ExceptionRow, finishRetry, pendingRetries } from "../store/exceptions";
import { getPayout, latestPayoutForItem } from "../store/payouts";
import { batchItems } from "../store/schema";
import { retryKindFor } from "../domain/exception-state";
import { isTerminal } from "../domain/payout-lifecycle";
import { HOLDING_PAYOUT_STATUSES, isIn } from "../domain/statuses";
import { payeeGate } from "../cloudflare/payee-gate";
import type { Env } from "../env";
import { runEach } from "../observability/run-each";
import { countUsage } from "../observability/usage";
import type { TransferQueueMessage } from "./queue-messages";

export type RetryResult =
  | { kind: "new_attempt" | "released"; outcome: string; payoutId?: string; reason?: string }
  | { kind: "requeued"; payoutId: string }
  | { kind: "nothing_to_do"; reason: string };

export async function retryAfterResolution(env: Env, exception: ExceptionRow): Promise<RetryResult> {
  const db = database(env.DB);
  const result = await retry(env, db, exception);
  // A deferred retry (the payee's earlier transfer is still moving) stays pending for the cron.
  if (!("outcome" in result && result.outcome === "deferred")) await finishRetry(db, exception.id, result);
  return result;
}

async function retry(env: Env, db: Db, e: ExceptionRow): Promise<RetryResult> {
  const kind = retryKindFor(e.cause);
  if (kind === "none") return { kind: "nothing_to_do", reason: "this cause is resolved by investigation only" };
  const itemId = e.itemId ?? (e.payoutId ? (await getPayout(db, e.payoutId)).itemId : null);
  if (!itemId) return { kind: "nothing_to_do", reason: "no batch item to retry" };
  const item = await db.select().from(batchItems).where(eq(batchItems.id, itemId)).get();
  if (!item) return { kind: "nothing_to_do", reason: "the batch item no longer exists" };
  const latest = await latestPayoutForItem(db, itemId);

  if (kind === "requeue") {
    if (!latest || isTerminal(latest.status) || latest.status === "processed") {
      return { kind: "nothing_to_do", reason: `the payout is already ${latest?.status ?? "absent"}` };
    }
    await env.TRANSFER_QUEUE.send({ type: "transfer", payoutId: latest.id } satisfies TransferQueueMessage);
    countUsage("queueMessagesSent");
    return { kind: "requeued", payoutId: latest.id };
  }

  if (latest && isIn(HOLDING_PAYOUT_STATUSES, latest.status)) {
    return { kind: "nothing_to_do", reason: `payout ${latest.id} is ${latest.status}; nothing to pay again` };
  }
  // Ask the gate afresh: clear the earlier refusal so the item counts as not yet released.
  await db.update(batchItems).set({ releaseRefusal: null }).where(eq(batchItems.id, itemId));
  const gate = payeeGate(env, item.payeeId);
  const outcome = await gate.createPayout(item.payeeId, itemId, latest ? { retryOf: latest.id } : {});
  return outcome.outcome === "refused" || outcome.outcome === "deferred"
    ? { kind: latest ? "new_attempt" : "released", outcome: outcome.outcome, reason: outcome.reason }
    : { kind: latest ? "new_attempt" : "released", outcome: outcome.outcome, payoutId: outcome.payoutId };
}

/**
 * Runs retries whose resolution committed but whose retry did not finish. One that throws stays
 * pending for the next pass and does not hold up the others; the pass then fails as a whole, so
 * the cron's failure is visible.
 */
export async function redrivePendingRetries(env: Env, limit = 50): Promise<number> {
  const db = database(env.DB);
  const pending = await pendingRetries(db, limit);
  await runEach(pending, (e) => retryAfterResolution(env, e), { each: (e) => `retry for exception ${e.id} (it stays pending)`, all: "pending retries" });
  return pending.length;
}
