// The failure counters behind the brute-force limits (http/middleware/failure-limits.ts): the
// recent failure times of each limited key. What they mean is domain/failure-window.ts.

import { and, desc, eq, inArray, lte } from "drizzle-orm";
import type { FailureLimit } from "../domain/failure-window";
import { commit, type Db } from "./client";
import { failedAttempts } from "./schema";

/** Each key's failure times within the window, oldest first (at most `limit` of them). */
export async function recentFailureTimes(db: Db, keys: readonly string[], rule: FailureLimit, nowMs: number): Promise<number[][]> {
  return Promise.all(
    keys.map(async (key) => {
      const rows = await db
        .select({ atMs: failedAttempts.atMs })
        .from(failedAttempts)
        .where(and(eq(failedAttempts.key, key), lte(failedAttempts.atMs, nowMs)))
        .orderBy(desc(failedAttempts.atMs))
        .limit(rule.limit);
      return rows.map((r) => r.atMs).filter((t) => t > nowMs - rule.windowMs).reverse();
    }),
  );
}

/** Counts one failure against every key, and forgets what can no longer count (older than the window). */
export async function recordFailures(db: Db, keys: readonly string[], rule: FailureLimit, nowMs: number): Promise<void> {
  await commit(db, [
    db.delete(failedAttempts).where(and(inArray(failedAttempts.key, [...keys]), lte(failedAttempts.atMs, nowMs - rule.windowMs))),
    db.insert(failedAttempts).values(keys.map((key) => ({ key, atMs: nowMs }))),
  ]);
}

/** At most this many expired counters are deleted per daily run; the rest wait for the next one. */
export const PURGE_LIMIT = 10_000;

/**
 * The daily sweep: failures older than the window can no longer count against anyone, whichever
 * key they belong to (recordFailures only forgets a key's old failures when that key fails again).
 * Returns how many rows were deleted.
 */
export async function purgeExpiredFailures(db: Db, rule: FailureLimit, nowMs: number): Promise<number> {
  const expired = db
    .select({ id: failedAttempts.id })
    .from(failedAttempts)
    .where(lte(failedAttempts.atMs, nowMs - rule.windowMs))
    .limit(PURGE_LIMIT);
  const deleted = await db.delete(failedAttempts).where(inArray(failedAttempts.id, expired)).returning({ id: failedAttempts.id });
  return deleted.length;
}
