// Exponential backoff with full jitter, bounded: the delay before retry number `attempt` (1-based).

export function backoffSeconds(attempt: number, baseSeconds: number, maxSeconds: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxSeconds, baseSeconds * 2 ** Math.max(0, attempt - 1));
  // Half fixed, half random: never zero, never in lockstep with other retries.
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}
