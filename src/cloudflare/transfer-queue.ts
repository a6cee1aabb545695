// The transfer queue's consumer: a thin adapter over services/transfers.ts. It acknowledges or
// retries each message as the service's verdict says; a message that throws comes back with
// exponential backoff, and exhausted retries go to the dead-letter queue.

import { servicesFor } from "../deps";
import { backoffSeconds } from "../domain/backoff";
import type { Env } from "../env";
import { isTransferQueueMessage } from "../services/queue-messages";
import { type FaultPlan, handleTransferMessage, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS } from "../services/transfers";

/** `faults` is installed only by the simulation (the CHAOS var, see src/index.ts). */
export async function handleTransferQueueBatch(batch: MessageBatch<unknown>, env: Env, faults?: FaultPlan): Promise<void> {
  const deps = servicesFor(env);
  // Messages are about different payouts (or are harmless duplicates), so they run side by side.
  await Promise.all(batch.messages.map((message) => handleOne(message)));

  async function handleOne(message: Message<unknown>) {
    if (!isTransferQueueMessage(message.body)) {
      console.error("dropping malformed transfer queue message", message.id);
      message.ack();
      return;
    }
    const body = message.body;
    const injected = faults?.(`${body.type}|${body.type === "transfer" ? body.payoutId : body.itemId}|${message.attempts}`);
    try {
      const verdict = await handleTransferMessage(deps, body, { deliveryAttempt: message.attempts, afterStep: injected?.afterStep });
      if (injected?.duplicate) await deps.queue.send(body);
      if (verdict.action === "ack" && !injected?.redeliver) message.ack();
      else message.retry({ delaySeconds: verdict.action === "retry" ? verdict.delaySeconds : 1 });
    } catch (error) {
      console.error(`transfer queue message ${message.id} failed`, error);
      message.retry({ delaySeconds: backoffSeconds(message.attempts, RETRY_BASE_SECONDS, RETRY_MAX_SECONDS) });
    }
  }
}
