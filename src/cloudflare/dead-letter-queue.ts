// The dead-letter consumer: a transfer whose retries ran out is not failed blindly (its money
// may have moved); it becomes an exception ticket and an alert, and the poller keeps asking
// the bank until the payout is resolved.

import { database } from "../store/client";
import { raiseException } from "../store/exceptions";
import { getPayout, recordEvent } from "../store/payouts";
import { isTerminal } from "../domain/payout-lifecycle";
import type { Env } from "../env";
import { isTransferQueueMessage } from "../services/queue-messages";

const DLQ_ACTOR = "system:dead-letter";

export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = database(env.DB);
  for (const message of batch.messages) {
    const body = message.body;
    if (!isTransferQueueMessage(body)) {
      console.error("dead letter with malformed body", message.id);
      message.ack();
      continue;
    }
    if (body.type === "release") {
      await raiseException(db, {
        cause: "release_dead_lettered",
        summary: `Creating the payout for item ${body.itemId} kept failing and was dead-lettered`,
        batchId: body.batchId,
        itemId: body.itemId,
        payeeId: body.payeeId,
      });
      message.ack();
      continue;
    }
    const payout = await getPayout(db, body.payoutId).catch(() => null);
    if (payout && !isTerminal(payout.status) && payout.status !== "processed") {
      await recordEvent(db, { payoutId: payout.id, kind: "dead_lettered", actorId: DLQ_ACTOR, details: { status: payout.status, attempts: payout.attempts } });
      await raiseException(db, {
        cause: "transfer_dead_lettered",
        summary: `Transfer for payout ${payout.id} exhausted its retries while ${payout.status}`,
        payoutId: payout.id,
        batchId: payout.batchId,
        itemId: payout.itemId,
        payeeId: payout.payeeId,
        details: { status: payout.status, attempts: payout.attempts },
      });
    }
    message.ack();
  }
}
