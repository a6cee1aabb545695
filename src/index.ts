// The Worker's entry points: HTTP, the transfer queues and the crons.

import { createApp } from "./app";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";
import { handleDeadLetterBatch } from "./queues/dead-letter-consumer";
import { handleTransferQueueBatch } from "./queues/transfer-consumer";

export { PayeeGate } from "./durable/payee-gate";
export { SimulatedBank } from "./bank/simulated-bank";

const app = createApp();
export const DEAD_LETTER_QUEUE = "disburse-transfers-dlq";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === DEAD_LETTER_QUEUE) await handleDeadLetterBatch(batch, env);
    else await handleTransferQueueBatch(batch, env);
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(controller, env));
  },
} satisfies ExportedHandler<Env>;
