// Bank webhooks: verify the signature (constant time), deduplicate by event id, apply each
// event through the state machine, answer 2xx quickly. A bad signature changes nothing.

import { Hono } from "hono";
import { webhookVerifier } from "../../deps";
import { applyWebhookEvent } from "../../services/bank-webhooks";
import { database } from "../../store/client";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

export const MAX_WEBHOOK_BYTES = 64 * 1024;

export const webhooksRouter = new Hono<AppEnv>().post("/bank/:provider", async (c) => {
  const provider = c.req.param("provider");
  const verifier = webhookVerifier(c.env, provider);
  if (!verifier) throw new ApiError(404, "unknown_provider", `No webhook receiver is configured for provider "${provider}".`);
  const raw = await c.req.text();
  if (raw.length > MAX_WEBHOOK_BYTES) throw new ApiError(413, "body_too_large", "Webhook body too large.");
  const check = await verifier.verify(c.req.raw.headers, raw, Date.now());
  if (!check.ok) {
    const status = check.reason === "malformed" ? 400 : 401;
    throw new ApiError(status, check.reason === "malformed" ? "malformed_webhook" : "invalid_signature", "The webhook could not be verified; nothing was changed.");
  }
  const db = database(c.env.DB);
  const results = [];
  for (const event of check.events) results.push(await applyWebhookEvent(db, provider, event, raw));
  return c.json({ received: results.length, results });
});
