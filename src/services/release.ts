// The one place where an approved batch is handed to execution: the batch moves to
// `executing` and each payable item becomes a `release` message, which the queue consumer
// passes to the item's payee gate. If anything here is lost, the cron calls it again; the gate
// makes repeats harmless.

import { nowIso } from "../store/client";
import { batchStatus, markBatchReleased, unreleasedItems } from "../store/execution";
import { type Deps, SEND_BATCH_LIMIT } from "./deps";

/** Called after the approval that completes a batch, and by the cron for any batch left behind. */
export async function releaseApprovedBatch(deps: Deps, batchId: string): Promise<number> {
  const { db } = deps;
  await markBatchReleased(db, batchId, "system:execution", nowIso());
  const pending = await unreleasedItems(db, batchId);
  const batch = await batchStatus(db, batchId);
  if (batch?.status !== "executing") return 0;
  for (let i = 0; i < pending.length; i += SEND_BATCH_LIMIT) {
    await deps.queue.sendBatch(pending.slice(i, i + SEND_BATCH_LIMIT).map((item) => ({ type: "release", batchId, itemId: item.id, payeeId: item.payeeId })));
  }
  return pending.length;
}
