// Brute-force limits for the pages that take a secret (sign-in, approval links). Failures only
// are counted, per client (cf-connecting-ip) and per actor (a presented token's hash, a link),
// in D1 (store/failed-attempts.ts); over the limit, attempts are answered 429 with retry-after
// before the secret is even checked, until the window has moved on.

import type { Context } from "hono";
import { failedAttemptLimit } from "../../config";
import { blockedForMs } from "../../domain/failure-window";
import type { Env } from "../../env";
import { database } from "../../store/client";
import { recentFailureTimes, recordFailures } from "../../store/failed-attempts";

export type LimitedScope = "sign-in" | "approval-link";

export interface AttemptGuard {
  /** Seconds until an attempt is allowed again; 0 when it is allowed now. */
  retryAfterSeconds(): Promise<number>;
  /** Counts a failed attempt against every key. */
  recordFailure(): Promise<void>;
}

/**
 * The client's key. Cloudflare's edge always sets cf-connecting-ip; without it (tests, a local
 * server) all requests are one client, which is what the limit then protects.
 */
export function clientKey(c: Context): string {
  const ip = c.req.header("cf-connecting-ip");
  return `client:${ip && /^[0-9A-Fa-f:.]{2,45}$/.test(ip) ? ip : "unknown"}`;
}

export function attemptGuard(env: Env, scope: LimitedScope, keys: readonly string[]): AttemptGuard {
  const rule = failedAttemptLimit(env);
  const scoped = keys.map((key) => `${scope}|${key}`);
  const db = database(env.DB);
  return {
    async retryAfterSeconds() {
      const nowMs = Date.now();
      const times = await recentFailureTimes(db, scoped, rule, nowMs);
      return Math.ceil(Math.max(0, ...times.map((t) => blockedForMs(t, nowMs, rule))) / 1000);
    },
    async recordFailure() {
      await recordFailures(db, scoped, rule, Date.now());
    },
  };
}

/** "in about 14 minutes", "in 40 seconds": when to try again, in words. */
export function retryInWords(seconds: number): string {
  if (seconds < 90) return `in ${seconds} second${seconds === 1 ? "" : "s"}`;
  return `in about ${Math.ceil(seconds / 60)} minutes`;
}
