// The payout list's filters as the query string carries them: each checked and turned into what
// the store filters by (days into UTC instants, rupees into paise), or named as a problem so the
// page can say what to fix instead of quietly ignoring it.

import { parseRupeesToPaise } from "../../domain/statement";
import { isIn, PAYOUT_STATUSES } from "../../domain/statuses";
import type { PayoutCursor, PayoutFilter } from "../../store/console-payouts";

/** The query-string names, which are also the form's field names. */
export const FILTER_FIELDS = ["status", "batch", "payee", "created_from", "created_to", "settled_from", "settled_to", "min", "max"] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
export type FilterForm = Partial<Record<FilterField, string>>;

export interface ParsedFilters {
  filter: PayoutFilter;
  before: PayoutCursor | undefined;
  /** What was typed, to show in the form again. */
  form: FilterForm;
  problems: string[];
}

const MAX_FIELD_CHARS = 100;
const DAY_MS = 86_400_000;

/** A UTC date "YYYY-MM-DD" that exists, as the instant it starts. */
function dayStart(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00.000Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? null : new Date(ms).toISOString();
}

const nextDayStart = (startIso: string) => new Date(Date.parse(startIso) + DAY_MS).toISOString();

function parseCursor(value: string | undefined): PayoutCursor | undefined | null {
  if (!value) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)~([A-Za-z0-9_]{1,100})$/.exec(value);
  return m ? { createdAt: m[1]!, id: m[2]! } : null;
}

/** A day range from two optional dates, both included: [from's start, the day after to). */
function dayRange(form: FilterForm, fromField: FilterField, toField: FilterField, what: string, problems: string[]) {
  const fromText = form[fromField];
  const toText = form[toField];
  const from = fromText ? dayStart(fromText) : undefined;
  const toStart = toText ? dayStart(toText) : undefined;
  if (from === null || toStart === null) problems.push(`${what} dates must be dates such as 2026-11-26.`);
  else if (from && toStart && from > toStart) problems.push(`The ${what.toLowerCase()} range ends before it starts.`);
  return { from: from ?? undefined, to: toStart ? nextDayStart(toStart) : undefined };
}

function amountRange(form: FilterForm, problems: string[]) {
  const min = form.min ? parseRupeesToPaise(form.min) : undefined;
  const max = form.max ? parseRupeesToPaise(form.max) : undefined;
  if (min === null || max === null) problems.push("Amounts must be rupees such as 1500 or 1,500.50.");
  else if (min !== undefined && max !== undefined && min > max) problems.push("The smallest amount is above the largest.");
  return { min: min ?? undefined, max: max ?? undefined };
}

function idField(form: FilterForm, field: "batch" | "payee", what: string, problems: string[]): string | undefined {
  const value = form[field];
  if (!value) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(value)) {
    problems.push(`A ${what} id is letters, digits and underscores, such as ${field === "batch" ? "bat_01…" : "pe_01…"}.`);
    return undefined;
  }
  return value;
}

/** Reads the filters from the query string. Unknown names are ignored; empty fields mean "any". */
export function parsePayoutFilters(query: (name: string) => string | undefined): ParsedFilters {
  const form: FilterForm = {};
  for (const field of FILTER_FIELDS) {
    const value = query(field)?.trim().slice(0, MAX_FIELD_CHARS);
    if (value) form[field] = value;
  }
  const problems: string[] = [];
  const status = form.status && isIn(PAYOUT_STATUSES, form.status) ? form.status : undefined;
  if (form.status && !status) problems.push(`Status must be one of: ${PAYOUT_STATUSES.join(", ")}.`);
  const created = dayRange(form, "created_from", "created_to", "Created", problems);
  const settled = dayRange(form, "settled_from", "settled_to", "Settled", problems);
  const amount = amountRange(form, problems);
  const batchId = idField(form, "batch", "batch", problems);
  const payeeId = idField(form, "payee", "payee", problems);
  const before = parseCursor(query("before")?.slice(0, 200));
  if (before === null) problems.push("The page link is damaged; start again from the first page.");
  return {
    filter: {
      status,
      batchId,
      payeeId,
      createdFrom: created.from,
      createdTo: created.to,
      settledFrom: settled.from,
      settledTo: settled.to,
      minPaise: amount.min,
      maxPaise: amount.max,
    },
    before: before ?? undefined,
    form,
    problems,
  };
}

/** The list's address with these filters, and the page after `before` when given. */
export function payoutListHref(form: FilterForm, before?: string): string {
  const params = new URLSearchParams();
  for (const field of FILTER_FIELDS) if (form[field]) params.set(field, form[field]!);
  if (before) params.set("before", before);
  const qs = params.toString();
  return qs ? `/ops/payouts?${qs}` : "/ops/payouts";
}
