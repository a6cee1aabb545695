// The Worker's bindings, typed once. Secrets are documented in .dev.vars.example and the README.

export interface Env {
  DB: D1Database;
  PAYEE_GATE: DurableObjectNamespace;
  TRANSFER_QUEUE: Queue<unknown>;

  /** JSON list of `{ actorId, roles, tokenSha256 }`: only hashes of API tokens, never the tokens. */
  API_TOKENS: string;
  /** HMAC key for approval links. */
  APPROVAL_LINK_SECRET: string;

  /** Where notifications (approval requests, alerts) are POSTed as JSON. Optional. */
  NOTIFY_WEBHOOK_URL?: string;
  /** HMAC key that signs outbound notifications (header Disburse-Signature). Optional. */
  NOTIFY_SIGNING_SECRET?: string;
  /** "true" only in development: serves the local inbox at /dev/inbox. */
  DEV_INBOX?: string;

  PUBLIC_BASE_URL: string;
  BANK_PROVIDER: string;
  TWO_CHECKER_THRESHOLD_PAISE: string;
  APPROVAL_LINK_TTL_SECONDS: string;
  POLL_AFTER_SECONDS: string;
  POLL_HORIZON_SECONDS: string;
}
