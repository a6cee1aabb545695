// The Worker's entry points: HTTP, the transfer queues and the crons.

import { createApp } from "./app";
import { runScheduled } from "./cron/scheduled";
import type { Env } from "./env";

export { PayeeGate } from "./durable/payee-gate";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(controller, env));
  },
} satisfies ExportedHandler<Env>;
