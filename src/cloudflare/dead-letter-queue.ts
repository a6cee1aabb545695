// The dead-letter queue's consumer: a thin adapter over services/dead-letters.ts.

import type { Env } from "../env";
import { handleDeadLetter } from "../services/dead-letters";
import { isTransferQueueMessage } from "../services/queue-messages";
import { database } from "../store/client";

export async function handleDeadLetterBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = database(env.DB);
  for (const message of batch.messages) {
    if (isTransferQueueMessage(message.body)) await handleDeadLetter(db, message.body);
    else console.error("dead letter with malformed body", message.id);
    message.ack();
  }
}
