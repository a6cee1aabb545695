// The HTTP application: middleware in the order every request meets it, then the routers.

import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { except } from "hono/combine";
import type { AppEnv } from "./app-env";
import { authenticate } from "./middleware/auth";
import { jsonBodyGuard } from "./middleware/body";
import { onError, onNotFound } from "./errors";
import { idempotency } from "./middleware/idempotency";
import { apiReference } from "./api-reference";
import { approvalPages } from "./approval/routes";
import { auditRouter } from "./api/audit";
import { batchesRouter } from "./api/batches";
import { exceptionsRouter } from "./api/exceptions";
import { opsPages } from "./console/routes";
import { devInbox } from "./dev-inbox";
import { payoutsRouter } from "./api/payouts";
import { reconciliationRouter } from "./api/reconciliation";
import { simbankRouter } from "./api/simbank";
import { usageRouter } from "./api/usage";
import { webhooksRouter } from "./api/webhooks";
import { ledgerRouter } from "./api/ledger";
import { payeesRouter } from "./api/payees";
import { holdsRouter } from "./api/holds";
import { settlementsRouter } from "./api/settlements";
import { balancesRouter } from "./api/balances";
import { statutoryRouter } from "./api/statutory";
import { eventsRouter, webhookEndpointsRouter } from "./api/events";
import { webhookDocs } from "./views/events";

const OPENAPI_INFO = {
  openapi: "3.1.0",
  info: {
    title: "Disburse",
    version: "0.1.0",
    description:
      "Payout engine for marketplaces. Amounts are integer paise. Errors are `{ error: { code, message, details } }`. Authenticate with `Authorization: Bearer <token>`.",
    license: { name: "Apache-2.0", identifier: "Apache-2.0" },
  },
};

/**
 * The server is the one that served the document: OpenAPI resolves a relative URL against where
 * the document was fetched from, so a client generated from a deployment's /openapi.json talks to
 * that deployment, and one from `npm start`'s to localhost, without the document naming either.
 */
const THIS_SERVICE = { url: "/", description: "The Disburse service that served this document" };

/**
 * Not the pattern "/v1/webhooks/*": Hono's would match "/v1/webhooks" itself too, which would then
 * answer a caller without a token 404 instead of 401 as every other /v1 path does.
 */
const isBankWebhook = (c: Context) => c.req.path.startsWith("/v1/webhooks/");

export function createApp() {
  const app = new OpenAPIHono<AppEnv>();
  app.onError(onError);
  app.notFound(onNotFound);

  app.get("/health", (c) => c.json({ status: "ok" }));

  // Bank webhooks authenticate with their signature, not an API token, and are never replayed
  // from the idempotency store (they are deduplicated by event id instead).
  app.use("/v1/*", except(isBankWebhook, authenticate));
  app.use("/v1/*", jsonBodyGuard);
  app.use("/v1/*", except(isBankWebhook, idempotency));

  app.route("/v1/payees", payeesRouter);
  app.route("/v1/payees", holdsRouter);
  app.route("/v1/payees", balancesRouter);
  app.route("/v1/ledger", ledgerRouter);
  app.route("/v1/settlements", settlementsRouter);
  app.route("/v1/statutory", statutoryRouter);
  app.route("/v1/audit-events", auditRouter);
  app.route("/v1/batches", batchesRouter);
  app.route("/v1/payouts", payoutsRouter);
  app.route("/v1/exceptions", exceptionsRouter);
  app.route("/v1", reconciliationRouter);
  app.route("/v1/webhooks", webhooksRouter);
  app.route("/v1/simbank", simbankRouter);
  app.route("/v1/usage", usageRouter);
  app.route("/v1/webhook-endpoints", webhookEndpointsRouter);
  app.route("/v1/events", eventsRouter);
  app.route("/approvals", approvalPages);
  app.route("/dev", devInbox);
  app.route("/", opsPages); // the ops console under /ops, and /favicon.ico

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  // What Disburse sends: one entry per event type, with its body and Standard Webhooks headers.
  for (const webhook of webhookDocs()) app.openAPIRegistry.registerWebhook(webhook);
  app.doc31("/openapi.json", { ...OPENAPI_INFO, servers: [THIS_SERVICE], security: [{ bearer: [] }] });
  app.route("/", apiReference); // /docs, drawn in the browser from /openapi.json
  return app;
}
