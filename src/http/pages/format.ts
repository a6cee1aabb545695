// How pages show times and status values to people: India Standard Time (a fixed UTC+05:30,
// no daylight saving, so integer offset arithmetic is exact) and words instead of enum values.

const IST_OFFSET_MS = 330 * 60_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "26 Nov 2026, 14:05 IST" (with seconds: "14:05:09 IST"); anything unparsable is returned as is. */
export function formatTime(iso: string, opts: { seconds?: boolean } = {}): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = new Date(ms + IST_OFFSET_MS);
  const clock = `${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}${opts.seconds ? `:${pad2(t.getUTCSeconds())}` : ""}`;
  return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}, ${clock} IST`;
}

/** "pending_approval" → "pending approval". */
export const statusLabel = (value: string) => value.replaceAll("_", " ");

export type Tone = "ok" | "bad" | "warn" | "info" | "neutral";

const TONES: Record<string, Tone> = {
  // payouts
  processed: "ok",
  failed: "bad",
  reversed: "bad",
  cancelled: "neutral",
  created: "info",
  queued: "info",
  processing: "info",
  unknown: "warn",
  // batches
  draft: "neutral",
  pending_approval: "warn",
  approved: "ok",
  rejected: "bad",
  executing: "info",
  completed: "ok",
  // batch items
  ok: "ok",
  blocked: "bad",
  excluded: "neutral",
  // exceptions
  open: "bad",
  in_progress: "warn",
  resolved: "ok",
  dismissed: "neutral",
};

export const statusTone = (value: string): Tone => TONES[value] ?? "neutral";
