// A typed client for Disburse's API: openapi-fetch over the types openapi-typescript generated
// from the Worker's own /openapi.json (client/schema.d.ts, from client/openapi.json). Paths,
// parameters, bodies and responses are checked by the compiler; `npm run client:generate`
// regenerates both files from the Worker. See docs/client.md.

import createClient, { type Client, type ClientOptions } from "openapi-fetch";
import type { components, paths } from "./schema";

export type { components, operations, paths, webhooks } from "./schema";
export { verifyDisburseWebhook, WebhookVerificationError, type DisburseEvent, type DisburseEventOf, type DisburseEventType, type WebhookHeaders } from "./webhooks.ts";

/** The API's objects by their schema name: `Schemas["Payout"]`, `Schemas["SettlementInput"]`, … */
export type Schemas = components["schemas"];

export type DisburseClient = Client<paths>;

export interface DisburseClientOptions extends Omit<ClientOptions, "baseUrl" | "headers"> {
  /** Where the service is, e.g. https://disburse.example.org or http://localhost:8787. */
  baseUrl: string;
  /** An API token; every request carries it as `Authorization: Bearer <token>`. */
  token: string;
  /** Further headers on every request. */
  headers?: Record<string, string>;
}

/**
 * One client per token (actor): Disburse's maker–checker rules are about who calls, so an
 * integration that makes and approves batches holds one client for each person's token.
 */
export function createDisburseClient({ baseUrl, token, headers, ...options }: DisburseClientOptions): DisburseClient {
  return createClient<paths>({ ...options, baseUrl, headers: { ...headers, authorization: `Bearer ${token}` } });
}
