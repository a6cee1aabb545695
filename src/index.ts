// The Worker's entry points: HTTP, the transfer queues and the crons. Only handlers and
// Durable Object classes may be exported from this module.

import { createApp } from "./http/app";
import { runScheduled } from "./cloudflare/scheduled";
import type { Env } from "./env";
import { configureUsage, countUsage } from "./observability/usage";
import { handleDeadLetterBatch } from "./cloudflare/dead-letter-queue";
import { DEAD_LETTER_QUEUE, EVENT_QUEUE } from "./services/queue-messages";
import { handleTransferQueueBatch } from "./cloudflare/transfer-queue";
import { dispatchingAfter, handleEventQueueBatch } from "./cloudflare/event-queue";
import { chaosFaults } from "./sim/chaos";

export { PayeeGate } from "./cloudflare/payee-gate";
export { SimulatedBank } from "./sim/simulated-bank";

const app = createApp();

/** Counts the invocation and sets the metering mode before any handler runs. */
function metered(env: Env) {
  configureUsage(env);
  countUsage("workerInvocations");
}

export default {
  fetch(request, env, ctx) {
    metered(env);
    return dispatchingAfter(env, async () => app.fetch(request, env, ctx), (p) => ctx.waitUntil(p));
  },
  async queue(batch, env, _ctx) {
    metered(env);
    countUsage("queueMessagesDelivered", batch.messages.length);
    // A delivery that finally fails raises a ticket, whose event is dispatched like any other.
    if (batch.queue === EVENT_QUEUE) await dispatchingAfter(env, () => handleEventQueueBatch(batch, env));
    else if (batch.queue === DEAD_LETTER_QUEUE) await dispatchingAfter(env, () => handleDeadLetterBatch(batch, env));
    // Fault injection exists only when the simulation sets CHAOS; production code has no crash points.
    else await dispatchingAfter(env, () => handleTransferQueueBatch(batch, env, chaosFaults(env.CHAOS)));
  },
  async scheduled(controller, env, _ctx) {
    metered(env);
    // Awaited, not waitUntil: a failing run is reported as a failed invocation.
    await runScheduled(controller, env);
  },
} satisfies ExportedHandler<Env>;
