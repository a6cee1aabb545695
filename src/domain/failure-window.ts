// Counting failed attempts (sign-ins, approval links) in a sliding window: the times of the last
// `limit` failures are kept, and while `limit` of them fall within the window, attempts are
// refused until the oldest of those leaves it. Pure: store/failed-attempts.ts keeps the times.

export interface FailureLimit {
  /** Failures allowed within the window; the next attempt is refused. */
  limit: number;
  windowMs: number;
}

/** The failures still inside the window at `nowMs`, at most `limit` (older ones can never count again). */
export function recentFailures(failureTimesMs: readonly number[], nowMs: number, rule: FailureLimit): number[] {
  return failureTimesMs.filter((t) => t > nowMs - rule.windowMs && t <= nowMs).slice(-rule.limit);
}

/** How long until an attempt is allowed again: 0 when it is allowed now. */
export function blockedForMs(failureTimesMs: readonly number[], nowMs: number, rule: FailureLimit): number {
  const recent = recentFailures(failureTimesMs, nowMs, rule);
  return recent.length < rule.limit ? 0 : recent[0]! + rule.windowMs - nowMs;
}
