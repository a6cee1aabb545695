// Chooses the bank adapter from configuration (BANK_PROVIDER).

import type { Env } from "./env";
import type { BankGateway, WebhookVerifier } from "./bank/gateway";
import { RazorpayXWebhookVerifier, razorpayXGatewayFromEnv } from "./bank/razorpayx";
import { SimulatedBankGateway, SimulatedWebhookVerifier, simulatedBankStub } from "./sim/simulated-gateway";

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
