// The Worker's entry points: HTTP, the transfer queues and the crons.

import { createApp } from "./app";
import type { Env } from "./env";

export { PayeeGate } from "./durable/payee-gate";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
