// Stripe's idempotency rule for every POST that creates something: a repeated Idempotency-Key
// with the same request replays the first (successful) response; the same key with a
// different request is an error. Only successful responses are remembered, so a refused
// request leaves nothing behind and can be corrected and retried under the same key.

import { and, eq } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { database, isUniqueViolation, nowIso } from "../../store/client";
import { idempotencyKeys } from "../../store/schema";
import { sha256Hex } from "../../domain/hash";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A request that crashed mid-way leaves its key "in progress"; after this long a retry may take it over. */
export const IN_PROGRESS_TAKEOVER_MS = 60_000;

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 printable ASCII characters.");
  }
  const db = database(c.env.DB);
  const actorId = c.get("actor").actorId;
  const path = new URL(c.req.url).pathname;
  const requestHash = await sha256Hex(`${c.req.method} ${path}\n${await c.req.text()}`);
  const where = and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key));

  const claimed = await claim();
  if (claimed instanceof Response) return claimed;

  await next();

  if (c.res.status >= 200 && c.res.status < 300) {
    const body = await c.res.clone().text();
    await db
      .update(idempotencyKeys)
      .set({ state: "done", responseStatus: c.res.status, responseBody: body })
      .where(where);
  } else {
    await db.delete(idempotencyKeys).where(where);
  }

  async function claim(): Promise<true | Response> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await db.select().from(idempotencyKeys).where(where).get();
      if (!existing) {
        try {
          await db
            .insert(idempotencyKeys)
            .values({ actorId, key: key!, method: c.req.method, path, requestHash, state: "in_progress", createdAt: nowIso() });
          return true;
        } catch (error) {
          if (isUniqueViolation(error)) continue;
          throw error;
        }
      }
      if (existing.requestHash !== requestHash) {
        throw new ApiError(
          422,
          "idempotency_key_reused",
          "This Idempotency-Key was already used with a different request. Use a new key for a new request.",
          { originalPath: existing.path },
        );
      }
      if (existing.state === "done") {
        return new Response(existing.responseBody, {
          status: existing.responseStatus as ContentfulStatusCode,
          headers: { "content-type": "application/json", "idempotent-replayed": "true" },
        });
      }
      if (Date.now() - Date.parse(existing.createdAt) < IN_PROGRESS_TAKEOVER_MS) {
        throw new ApiError(409, "idempotency_request_in_progress", "A request with this Idempotency-Key is still being processed.");
      }
      const takenOver = await db
        .update(idempotencyKeys)
        .set({ createdAt: nowIso() })
        .where(and(where, eq(idempotencyKeys.createdAt, existing.createdAt)))
        .run();
      if (takenOver.meta.changes === 1) return true;
    }
    throw new ApiError(409, "idempotency_request_in_progress", "A request with this Idempotency-Key is still being processed.");
  }
};
