// The one place where an approved batch is handed to execution: the batch moves to
// `executing` and each payable item becomes a `release` message, which the queue consumer
// passes to the item's payee gate. If anything here is lost, the cron calls it again; the gate
// makes repeats harmless.

import { and, eq, isNull, sql } from "drizzle-orm";
import { conditionalAuditStatement } from "../store/audit";
import { commit, database, nowIso } from "../store/client";
import { batches, batchItems } from "../store/schema";
import { batchMayMoveInto } from "../store/batch-moves";
import type { Env } from "../env";
import { countUsage } from "../observability/usage";
import type { TransferQueueMessage } from "./queue-messages";

const SEND_BATCH_LIMIT = 100; // Queues accepts at most 100 messages per sendBatch

/** Called after the approval that completes a batch, and by the cron for any batch left behind. */
export async function releaseApprovedBatch(env: Env, batchId: string): Promise<number> {
  const db = database(env.DB);
  const now = nowIso();
  await commit(db, [
    db
      .update(batches)
      .set({ status: "executing", releasedAt: now, updatedAt: now, version: sql`${batches.version} + 1` })
      .where(and(eq(batches.id, batchId), batchMayMoveInto("executing"))),
    conditionalAuditStatement(
      db,
      { actorId: "system:execution", action: "batch.released", subjectType: "batch", subjectId: batchId },
      sql`EXISTS (SELECT 1 FROM ${batches} WHERE ${batches.id} = ${batchId} AND ${batches.releasedAt} = ${now})`,
    ),
  
  ]);
  const pending = await db
    .select({ id: batchItems.id, payeeId: batchItems.payeeId })
    .from(batchItems)
    .where(and(eq(batchItems.batchId, batchId), eq(batchItems.status, "ok"), isNull(batchItems.payoutId), isNull(batchItems.releaseRefusal)));
  const batch = await db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId)).get();
  if (batch?.status !== "executing") return 0;
  for (let i = 0; i < pending.length; i += SEND_BATCH_LIMIT) {
    countUsage("queueMessagesSent", Math.min(SEND_BATCH_LIMIT, pending.length - i));
    await env.TRANSFER_QUEUE.sendBatch(
      pending.slice(i, i + SEND_BATCH_LIMIT).map((item) => ({
        body: { type: "release", batchId, itemId: item.id, payeeId: item.payeeId } satisfies TransferQueueMessage,
      })),
    );
  }
  return pending.length;
}
