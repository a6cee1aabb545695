// The Worker's entry points: HTTP, the transfer queues and the crons. Only handlers and
// Durable Object classes may be exported from this module.

import { createApp } from "./app";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";
import { configureUsage, countUsage } from "./observability/usage";
import { handleDeadLetterBatch } from "./queues/dead-letter-consumer";
import { DEAD_LETTER_QUEUE } from "./queues/messages";
import { handleTransferQueueBatch } from "./queues/transfer-consumer";

export { PayeeGate } from "./durable/payee-gate";
export { SimulatedBank } from "./bank/simulated-bank";

const app = createApp();

/** Counts the invocation and sets the metering mode before any handler runs. */
function metered(env: Env) {
  configureUsage(env);
  countUsage("workerInvocations");
}

export default {
  fetch(request, env, ctx) {
    metered(env);
    return app.fetch(request, env, ctx);
  },
  async queue(batch, env, _ctx) {
    metered(env);
    countUsage("queueMessagesDelivered", batch.messages.length);
    if (batch.queue === DEAD_LETTER_QUEUE) await handleDeadLetterBatch(batch, env);
    else await handleTransferQueueBatch(batch, env);
  },
  async scheduled(controller, env, _ctx) {
    metered(env);
    // Awaited, not waitUntil: a failing run is reported as a failed invocation.
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;
