// The Worker's bindings, typed once. Secrets are documented in .dev.vars.example and the README.

export interface Env {
  DB: D1Database;
  PAYEE_GATE: DurableObjectNamespace;
  TRANSFER_QUEUE: Queue<unknown>;
  SIMULATED_BANK: DurableObjectNamespace;
  /** This Worker itself, so the simulated bank can deliver webhooks to it. */
  SELF_SERVICE?: Fetcher;

  /** Signs the simulated bank's webhooks. */
  SIMBANK_WEBHOOK_SECRET: string;
  /** RazorpayX credentials, when BANK_PROVIDER = "razorpayx". */
  RAZORPAYX_KEY_ID?: string;
  RAZORPAYX_KEY_SECRET?: string;
  RAZORPAYX_WEBHOOK_SECRET?: string;
  RAZORPAYX_ACCOUNT_NUMBER?: string;
  RAZORPAYX_BASE_URL?: string;

  /** JSON list of `{ actorId, roles, tokenSha256 }`: only hashes of API tokens, never the tokens. */
  API_TOKENS: string;
  /** HMAC key for approval links. */
  APPROVAL_LINK_SECRET: string;
  /** HMAC key for the ops console's session cookies. */
  SESSION_SECRET: string;

  /** Where notifications (approval requests, alerts) are POSTed as JSON. Optional. */
  NOTIFY_WEBHOOK_URL?: string;
  /** HMAC key that signs outbound notifications (header Disburse-Signature). Optional. */
  NOTIFY_SIGNING_SECRET?: string;
  /** "true" only in development: serves the local inbox at /dev/inbox. */
  DEV_INBOX?: string;

  /** "exact" counts D1 rows read for every query (benchmarks); otherwise only what meta gives for free. */
  USAGE_METERING?: string;
  /** Fault injection for the simulation only (src/sim/chaos.ts). Never set in production. */
  CHAOS?: string;

  PUBLIC_BASE_URL: string;
  BANK_PROVIDER: string;
  TWO_CHECKER_THRESHOLD_PAISE: string;
  APPROVAL_LINK_TTL_SECONDS: string;
  POLL_AFTER_SECONDS: string;
  POLL_HORIZON_SECONDS: string;
  /** How long after payment a payout is still re-checked for a bank return (default 3 days). */
  RETURN_WATCH_SECONDS?: string;
}
