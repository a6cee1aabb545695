// Stripe's idempotency rule for every POST that creates something: a repeated Idempotency-Key
// with the same request replays the first (successful) response; the same key with a
// different request is an error. Only successful responses are remembered, so a refused
// request leaves nothing behind and can be corrected and retried under the same key.

import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { database, type Db } from "../../store/client";
import { claimKey, findKey, finishKey, type KeyClaim, releaseKey, takeOverKey } from "../../store/idempotency";
import { sha256Hex } from "../../domain/hash";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
/** A request that crashed mid-way leaves its key "in progress"; after this long a retry may take it over. */
export const IN_PROGRESS_TAKEOVER_MS = 60_000;
/** Claiming races another request at most this many times before answering "in progress". */
const CLAIM_ATTEMPTS = 3;

export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (c.req.method !== "POST" || key === undefined) return next();
  if (!KEY_PATTERN.test(key)) {
    throw new ApiError(400, "invalid_idempotency_key", "Idempotency-Key must be 1–255 printable ASCII characters.");
  }
  const db = database(c.env.DB);
  const path = new URL(c.req.url).pathname;
  const requestHash = await sha256Hex(`${c.req.method} ${path}\n${await c.req.text()}`);
  const claim: KeyClaim = { actorId: c.get("actor").actorId, key, method: c.req.method, path, requestHash };

  const replay = await claimOrReplay(db, claim);
  if (replay) return replay;

  await next();

  if (c.res.status >= 200 && c.res.status < 300) await finishKey(db, claim, { status: c.res.status, body: await c.res.clone().text() });
  else await releaseKey(db, claim);
};

/** Claims the key for this request, or answers with the first response when it is a repeat. */
async function claimOrReplay(db: Db, claim: KeyClaim): Promise<Response | null> {
  for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
    const existing = await findKey(db, claim);
    if (!existing) {
      if (await claimKey(db, claim)) return null;
      continue;
    }
    if (existing.requestHash !== claim.requestHash) {
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
    if (Date.now() - Date.parse(existing.createdAt) < IN_PROGRESS_TAKEOVER_MS) throw inProgress();
    if (await takeOverKey(db, claim, existing.createdAt)) return null;
  }
  throw inProgress();
}

const inProgress = () => new ApiError(409, "idempotency_request_in_progress", "A request with this Idempotency-Key is still being processed.");
