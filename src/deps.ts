// Builds the services' dependencies from the Worker's bindings: the database, the bank adapter
// that BANK_PROVIDER names, the transfer queue and the payees' gates, each metered for the bill.

import type { BankGateway, WebhookVerifier } from "./bank/gateway";
import { RazorpayXWebhookVerifier, razorpayXGatewayFromEnv } from "./bank/razorpayx";
import type { Env } from "./env";
import { countUsage } from "./observability/usage";
import type { Deps, PayeeGateClient, TransferQueue } from "./services/deps";
import { SimulatedBankGateway, SimulatedWebhookVerifier, simulatedBankStub } from "./sim/simulated-gateway";
import { database } from "./store/client";
import type { EventQueue } from "./services/events";

export function servicesFor(env: Env, overrides: Partial<Deps> = {}): Deps {
  let gateway = overrides.gateway;
  return {
    db: overrides.db ?? database(env.DB),
    // Built on first use: most requests never talk to the bank.
    get gateway() {
      gateway ??= bankGateway(env);
      return gateway;
    },
    queue: overrides.queue ?? transferQueue(env),
    gate: overrides.gate ?? ((payeeId) => payeeGate(env, payeeId)),
  };
}

export function bankGateway(env: Env): BankGateway {
  switch (env.BANK_PROVIDER) {
    case "simulated":
      return new SimulatedBankGateway(simulatedBankStub(env));
    case "razorpayx":
      return razorpayXGatewayFromEnv(env);
    default:
      throw new Error(`BANK_PROVIDER "${env.BANK_PROVIDER}" is not supported`);
  }
}

/** The verifier for a webhook route's provider, or null when that provider is not configured. */
export function webhookVerifier(env: Env, provider: string): WebhookVerifier | null {
  if (provider === "simulated" && env.SIMBANK_WEBHOOK_SECRET) return new SimulatedWebhookVerifier(env.SIMBANK_WEBHOOK_SECRET);
  if (provider === "razorpayx" && env.RAZORPAYX_WEBHOOK_SECRET) return new RazorpayXWebhookVerifier(env.RAZORPAYX_WEBHOOK_SECRET);
  return null;
}

function transferQueue(env: Env): TransferQueue {
  return {
    async send(message) {
      await env.TRANSFER_QUEUE.send(message);
      countUsage("queueMessagesSent");
    },
    async sendBatch(messages) {
      countUsage("queueMessagesSent", messages.length);
      await env.TRANSFER_QUEUE.sendBatch(messages.map((body) => ({ body })));
    },
  };
}

/** The stub for a payee's gate, typed by its class (worker-configuration.d.ts). Each call through it is one Durable Object request on the bill. */
export function payeeGate(env: Env, payeeId: string): PayeeGateClient {
  countUsage("durableObjectRequests");
  return env.PAYEE_GATE.get(env.PAYEE_GATE.idFromName(payeeId));
}

/** The outbound events queue (one message per delivery attempt). */
export function eventQueue(env: Env): EventQueue {
  return {
    async send(messages, delaySeconds) {
      if (messages.length === 0) return;
      countUsage("queueMessagesSent", messages.length);
      await env.EVENT_QUEUE.sendBatch(
        messages.map((body) => ({ body })),
        delaySeconds ? { delaySeconds } : undefined,
      );
    },
  };
}
