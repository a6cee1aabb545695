// The Worker's entry points: HTTP, the transfer queues and the crons. Only handlers and
// Durable Object classes may be exported from this module.

import { createApp } from "./app";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";
import { handleDeadLetterBatch } from "./queues/dead-letter-consumer";
import { DEAD_LETTER_QUEUE } from "./queues/messages";
import { handleTransferQueueBatch } from "./queues/transfer-consumer";

export { PayeeGate } from "./durable/payee-gate";
export { SimulatedBank } from "./bank/simulated-bank";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env, _ctx) {
    if (batch.queue === DEAD_LETTER_QUEUE) await handleDeadLetterBatch(batch, env);
    else await handleTransferQueueBatch(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    // Awaited, not waitUntil: a failing run is reported as a failed invocation.
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;
