// The console's one search box: what a typed text can be (a payee's id, external id, name or the
// last four digits of its account; a payout's id or bank reference), and the lookups that find
// each. The text is checked here before any lookup and only ever reaches SQL as a parameter.

import { maskAccountNumber } from "../../domain/payees";
import type { Db } from "../../store/client";
import {
  type PayeeHitRow,
  type PayoutHitRow,
  payeesByAccountLastFour,
  payeesByExternalId,
  payeesById,
  payeesByNamePrefix,
  payoutsByBankReference,
  payoutsById,
} from "../../store/console-search";
import { payeeNames } from "../../store/payees";

export const SEARCH_MAX_CHARS = 100;
/** What the box finds, for its tooltip and the empty search page. */
export const SEARCH_HINT = "A payee's name (its start), external id or id, or the last four digits of its account; a payout's id or UTR (bank reference).";
/** Results shown per kind of match; one more is read to know there are more. */
export const SEARCH_HITS_SHOWN = 20;

export type SearchText = { ok: true; text: string } | { ok: false; problem: string } | { ok: "empty" };

/** The search box's text, trimmed, or why it is not one (too long, control characters). */
export function parseSearchText(raw: string | undefined): SearchText {
  if (raw === undefined || raw.trim() === "") return { ok: "empty" };
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, problem: "The search text must not contain control characters (tabs, line breaks)." };
  const text = raw.trim();
  if (text.length > SEARCH_MAX_CHARS) return { ok: false, problem: `Search for at most ${SEARCH_MAX_CHARS} characters.` };
  return { ok: true, text };
}

/**
 * Four digits, alone or after the X's of a masked account number as the console shows it
 * ("XXXXXXXX1234", "*1234"): the last four of an account.
 */
export function lastFourOf(text: string): string | null {
  return /^(?:[xX*•]+\s*)?(\d{4})$/.exec(text)?.[1] ?? null;
}

export type MatchedBy = "id" | "external id" | "name" | "account number" | "bank reference";

export interface PayeeHit {
  id: string;
  type: string;
  displayName: string;
  externalId: string | null;
  accountNumberMasked: string | null;
  verificationStatus: string;
  matchedBy: MatchedBy;
}

export interface PayoutHit extends PayoutHitRow {
  payeeName: string | null;
  matchedBy: MatchedBy;
}

export interface SearchResults {
  text: string;
  lastFour: string | null;
  payees: PayeeHit[];
  payouts: PayoutHit[];
  /** A kind of match had more hits than are shown. */
  morePayees: boolean;
  morePayouts: boolean;
}

const payeeHitOf = (row: PayeeHitRow, matchedBy: MatchedBy): PayeeHit => ({
  id: row.id,
  type: row.type,
  displayName: row.displayName,
  externalId: row.externalId,
  accountNumberMasked: row.bankAccountNumber === null ? null : maskAccountNumber(row.bankAccountNumber),
  verificationStatus: row.bankVerificationStatus,
  matchedBy,
});

/** Each hit once, under the first (most exact) way it matched. */
function firstMatches<Row extends { id: string }, Hit>(groups: ReadonlyArray<readonly [MatchedBy, Row[]]>, hit: (row: Row, matchedBy: MatchedBy) => Hit): Hit[] {
  const seen = new Map<string, Hit>();
  for (const [matchedBy, rows] of groups) for (const row of rows) if (!seen.has(row.id)) seen.set(row.id, hit(row, matchedBy));
  return [...seen.values()];
}

/** Every lookup the text can be, run together; exact matches (ids) come first. */
export async function searchConsole(db: Db, text: string): Promise<SearchResults> {
  const lastFour = lastFourOf(text);
  const read = SEARCH_HITS_SHOWN + 1;
  // Bank references are upper case (UTRs); one pasted in lower case is the same reference.
  const references = [...new Set([text, text.toUpperCase()])];
  const [byId, byExternalId, byLastFour, byName, payoutById, payoutsByReference] = await Promise.all([
    payeesById(db, text),
    payeesByExternalId(db, text),
    lastFour ? payeesByAccountLastFour(db, lastFour, read) : Promise.resolve([]),
    payeesByNamePrefix(db, text, read),
    payoutsById(db, text),
    payoutsByBankReference(db, references, read),
  ]);
  const payees = firstMatches(
    [
      ["id", byId],
      ["external id", byExternalId],
      ["account number", byLastFour.slice(0, SEARCH_HITS_SHOWN)],
      ["name", byName.slice(0, SEARCH_HITS_SHOWN)],
    ],
    payeeHitOf,
  );
  const payoutRows = firstMatches(
    [
      ["id", payoutById],
      ["bank reference", payoutsByReference.slice(0, SEARCH_HITS_SHOWN)],
    ],
    (row: PayoutHitRow, matchedBy) => ({ row, matchedBy }),
  );
  const names = await payeeNames(db, payoutRows.map(({ row }) => row.payeeId));
  return {
    text,
    lastFour,
    payees,
    payouts: payoutRows.map(({ row, matchedBy }) => ({ ...row, payeeName: names[row.payeeId] ?? null, matchedBy })),
    morePayees: byLastFour.length > SEARCH_HITS_SHOWN || byName.length > SEARCH_HITS_SHOWN,
    morePayouts: payoutsByReference.length > SEARCH_HITS_SHOWN,
  };
}
