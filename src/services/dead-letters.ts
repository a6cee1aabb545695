// A transfer-queue message whose retries ran out. It is not failed blindly (its money may have
// moved): it becomes an exception ticket and an alert, and the poller keeps asking the bank
// until the payout is resolved.

import { isTerminal } from "../domain/payout-lifecycle";
import type { Db } from "../store/client";
import { raiseException } from "../store/exceptions";
import { getPayout, recordEvent } from "../store/payouts";
import type { TransferQueueMessage } from "./queue-messages";

const DLQ_ACTOR = "system:dead-letter";

export async function handleDeadLetter(db: Db, body: TransferQueueMessage): Promise<void> {
  if (body.type === "release") {
    await raiseException(db, {
      cause: "release_dead_lettered",
      summary: `Creating the payout for item ${body.itemId} kept failing and was dead-lettered`,
      batchId: body.batchId,
      itemId: body.itemId,
      payeeId: body.payeeId,
    });
    return;
  }
  const payout = await getPayout(db, body.payoutId).catch(() => null);
  if (!payout || isTerminal(payout.status) || payout.status === "processed") return;
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
