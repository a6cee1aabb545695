// Writes the journal as a plain-text accounting journal that hledger reads (ledger 3 too, even with
// --pedantic), so an independent tool can check that every transaction balances and every
// balance agrees with ours.
//
// The format, decided once here:
// - Accounts get hierarchical names by type (see hledgerAccountName). The mapping is injective:
//   accountIdFromHledgerName inverts it, and every `account` directive also carries the Disburse
//   id in a `disburse_id:` tag and the hledger type in a `type:` tag (A, L, E, R, X).
// - Amounts are exact: integer paise written as rupees with two decimals and the commodity code,
//   `INR 1234.50`. Debits are positive and credits negative, hledger's convention, so each
//   transaction sums to zero and an account's sum is its debit-side balance.
// - A transaction's date is the UTC calendar date of its created_at; its code is its id; its
//   description is sanitized (sanitizeDescription); ref, kind, cycle, order, payee, reversal link,
//   actor and exact creation time are tags on the lines below it.
// - Tag values are kept exact: `%`, `,`, control characters and edge spaces are percent-encoded
//   (a comma would end an hledger tag value). Tag names are declared with `tag` directives.
// - With a start date, the journal opens with one "opening balances" transaction dated that day:
//   per account, the sum of every entry created before it. Balances in the file then equal
//   Disburse's balances as of the end of the range.
// - Order is fixed: accounts by id, then the opening balances by account id, then transactions by
//   (created_at, id), entries in posting order. The same journal always gives the same text.

import { type AccountType, PLATFORM_ACCOUNTS, type PlatformAccountId, type Side } from "./accounts";
import { assertInvariant } from "./errors";
import { CURRENCIES, type Currency } from "./money";

export interface ExportAccount {
  id: string;
  type: AccountType;
  /** Disburse's human name, written as a `name:` tag. */
  name: string;
}

export interface ExportEntry {
  accountId: string;
  accountType: AccountType;
  direction: Side;
  amountPaise: number;
  currency: string;
}

export interface ExportTransaction {
  id: string;
  externalRef: string;
  kind: string;
  description: string;
  cycleId: string | null;
  orderId: string | null;
  payeeId: string | null;
  reversesTransactionId: string | null;
  actorId: string;
  /** ISO 8601 in UTC, as Disburse stores it: 2026-11-26T10:00:00.000Z. */
  createdAt: string;
  entries: readonly ExportEntry[];
}

/** An account's net of every entry before the range: debits minus credits. */
export interface OpeningBalance {
  accountId: string;
  accountType: AccountType;
  currency: string;
  netDebitPaise: number;
}

export interface ExportRange {
  /** First day included (YYYY-MM-DD, from 00:00 UTC), or null for the beginning of the journal. */
  fromDate: string | null;
  /** First day excluded (YYYY-MM-DD, from 00:00 UTC), or null for no end date. */
  toDate: string | null;
  /** The instant the export was cut off at, if earlier than toDate (ISO 8601, UTC); it is included. */
  asOf?: string | null;
}

/** Where the journal comes from, page by page, each already in export order. */
export interface JournalSource {
  range: ExportRange;
  accounts: AsyncIterable<readonly ExportAccount[]> | Iterable<readonly ExportAccount[]>;
  /** Read only when the range has a start date. */
  openingBalances: AsyncIterable<readonly OpeningBalance[]> | Iterable<readonly OpeningBalance[]>;
  transactions: AsyncIterable<readonly ExportTransaction[]> | Iterable<readonly ExportTransaction[]>;
}

// ---- Account names ----

export const HLEDGER_TYPE_TAG: Record<AccountType, "A" | "L" | "E" | "R" | "X"> = {
  asset: "A",
  liability: "L",
  equity: "E",
  revenue: "R",
  expense: "X",
};

/** The top-level account for each type; hledger also recognises these names by themselves. */
export const HLEDGER_TYPE_ROOT: Record<AccountType, string> = {
  asset: "assets",
  liability: "liabilities",
  equity: "equity",
  revenue: "revenue",
  expense: "expenses",
};

/** The platform's chart of accounts, by name. Each name starts with its type's root. */
export const PLATFORM_HLEDGER_NAMES: Record<PlatformAccountId, string> = {
  "platform:bank": "assets:bank",
  "platform:payouts_in_transit": "liabilities:payouts in transit",
  "platform:fee_revenue": "revenue:platform fees",
  "platform:discounts_expense": "expenses:discounts",
  "platform:vouchers_expense": "expenses:vouchers",
  "platform:customer_wallet": "liabilities:customer wallet",
  "platform:refunds_payable": "liabilities:refunds payable",
  "platform:refunds_expense": "expenses:refunds",
  "platform:goodwill_expense": "expenses:goodwill",
  "platform:chargeback_fees_expense": "expenses:chargeback fees",
  "platform:cycle_carry_clearing": "liabilities:cycle carry clearing",
  "platform:tds_194o_payable": "liabilities:tds payable:194-O",
  "platform:gst_tcs_cgst_payable": "liabilities:gst tcs payable:cgst",
  "platform:gst_tcs_sgst_payable": "liabilities:gst tcs payable:sgst",
  "platform:gst_tcs_igst_payable": "liabilities:gst tcs payable:igst",
  "platform:gst_output_cgst": "liabilities:gst output:cgst",
  "platform:gst_output_sgst": "liabilities:gst output:sgst",
  "platform:gst_output_igst": "liabilities:gst output:igst",
  "platform:owner_equity": "equity:owner",
};

const PAYABLE_ID = /^payee:(.+):payable$/;
const PAYABLE_NAME = /^liabilities:payable:([^:]+)$/;
const OTHER_NAME = /^(assets|liabilities|equity|revenue|expenses):other:([^:]+)$/;

/**
 * The hledger name of a Disburse account:
 * - the platform accounts have fixed names (PLATFORM_HLEDGER_NAMES);
 * - a payee's payable account `payee:<payeeId>:payable` is `liabilities:payable:<payeeId>`;
 * - any other account is `<type root>:other:<account id>`.
 * Ids are escaped (escapeNameComponent) so they never contain a colon, a space or anything
 * hledger treats specially; the three shapes cannot collide, so no two ids share a name.
 */
export function hledgerAccountName(accountId: string, type: AccountType): string {
  assertInvariant(accountId.length > 0, "an account id is never empty");
  const platform = PLATFORM_ACCOUNTS.find((a) => a.id === accountId);
  if (platform && platform.type === type) return PLATFORM_HLEDGER_NAMES[platform.id];
  const payable = PAYABLE_ID.exec(accountId);
  if (payable && type === "liability") return `liabilities:payable:${escapeNameComponent(payable[1]!)}`;
  return `${HLEDGER_TYPE_ROOT[type]}:other:${escapeNameComponent(accountId)}`;
}

/** The Disburse account id an hledger name stands for, or null if no account maps to it. */
export function accountIdFromHledgerName(name: string): string | null {
  const platform = (Object.entries(PLATFORM_HLEDGER_NAMES) as [PlatformAccountId, string][]).find(([, n]) => n === name);
  if (platform) return platform[0];
  const payable = PAYABLE_NAME.exec(name);
  if (payable) {
    const payeeId = unescapeNameComponent(payable[1]!);
    return payeeId === null ? null : `payee:${payeeId}:payable`;
  }
  const other = OTHER_NAME.exec(name);
  if (other) return unescapeNameComponent(other[2]!);
  return null;
}

/** Letters, digits, `_`, `.` and `-` stay; every other character becomes its UTF-8 `%XX` bytes. */
export function escapeNameComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*~]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

function unescapeNameComponent(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

// ---- Text ----

// C0 and C1 controls, line and paragraph separators, and bidirectional overrides (which make
// text display in a different order than it is stored).
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// A lone UTF-16 surrogate cannot be written as UTF-8.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string) => text.replace(LONE_SURROGATE, "\uFFFD");

/**
 * A description hledger reads back as written: control characters and runs of whitespace become
 * one space (a newline would end the line; two spaces are hledger's field separator), `;` becomes
 * `,` (it would start a comment), and leading and trailing spaces go. What follows the date and
 * the code is always the description, so no leading character is misread as a status or a code.
 * When this changes the text, the original is kept exactly in an `original_description:` tag.
 */
export function sanitizeDescription(text: string): string {
  const cleaned = wellFormed(text).replace(UNSAFE_CHARACTERS, " ").replaceAll(";", ",").replace(/\s+/g, " ").trim();
  return cleaned === "" ? "(no description)" : cleaned;
}

/**
 * A tag value hledger reads back exactly: `%`, `,` (which would end the value), control characters
 * and a leading or trailing space (which hledger trims) are percent-encoded. A lone UTF-16
 * surrogate, which no UTF-8 file can hold, becomes U+FFFD as any UTF-8 encoder makes it.
 */
export function encodeTagValue(text: string): string {
  return wellFormed(text)
    .replace(/[%,]/g, encodeURIComponent)
    .replace(UNSAFE_CHARACTERS, encodeURIComponent)
    .replace(/^\s|\s$/g, encodeURIComponent);
}

// ---- Amounts ----

/**
 * `INR 1234.50`: minor units written exactly as major units, by string arithmetic on the integer
 * (no floating point), with the sign after the commodity as hledger prints it.
 */
export function formatAmount(amountMinor: number, currency: string): string {
  assertInvariant(Number.isSafeInteger(amountMinor), `amount ${amountMinor} is not a safe integer`);
  const digits = minorUnitDigits(currency);
  const sign = amountMinor < 0 ? "-" : "";
  const magnitude = String(Math.abs(amountMinor)).padStart(digits + 1, "0");
  const major = magnitude.slice(0, magnitude.length - digits);
  const minor = magnitude.slice(magnitude.length - digits);
  return `${currency} ${sign}${major}${digits > 0 ? `.${minor}` : ""}`;
}

function minorUnitDigits(currency: string): number {
  assertInvariant(Object.hasOwn(CURRENCIES, currency), `unknown currency ${currency}`);
  return CURRENCIES[currency as Currency].minorUnitDigits;
}

/** `commodity INR 1,000.00`: declares the commodity and how hledger should display it. */
export function commodityDirective(currency: string): string {
  const digits = minorUnitDigits(currency);
  return `commodity ${currency} 1,000${digits > 0 ? `.${"0".repeat(digits)}` : ""}\n`;
}

// ---- Dates ----

const ISO_UTC = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** The UTC calendar date of an ISO 8601 UTC timestamp (2026-11-26T23:59:59.999Z → 2026-11-26). */
export function utcDate(isoTimestamp: string): string {
  const match = ISO_UTC.exec(isoTimestamp);
  assertInvariant(match !== null, `created_at ${JSON.stringify(isoTimestamp)} is not an ISO 8601 UTC timestamp`);
  return match[1]!;
}

/** True for a real YYYY-MM-DD calendar date (2026-02-29 is not one). */
export function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= daysInMonth;
}

/** The instant a YYYY-MM-DD day begins in UTC, in the format created_at is stored in. */
export const startOfUtcDay = (date: string) => `${date}T00:00:00.000Z`;

// ---- Lines ----

// Fixed columns, so a line's layout never depends on the other lines around it.
const ACCOUNT_COLUMN_WIDTH = 48;
const AMOUNT_COLUMN_WIDTH = 22;

export function postingLine(accountId: string, type: AccountType, signedMinor: number, currency: string): string {
  const name = hledgerAccountName(accountId, type);
  return `    ${name.padEnd(ACCOUNT_COLUMN_WIDTH)}  ${formatAmount(signedMinor, currency).padStart(AMOUNT_COLUMN_WIDTH)}\n`;
}

/** The tags on the next line, not the same line: ledger would read a same-line comment as part of the name. */
export function accountDirective(account: ExportAccount): string {
  const name = hledgerAccountName(account.id, account.type);
  const tags = [`type: ${HLEDGER_TYPE_TAG[account.type]}`, `disburse_id: ${encodeTagValue(account.id)}`, `name: ${encodeTagValue(account.name)}`];
  return `account ${name}\n    ; ${tags.join(", ")}\n`;
}

/** Every tag a transaction may carry, declared so that `ledger --pedantic` accepts them. */
export const TRANSACTION_TAGS = ["ref", "kind", "cycle", "order", "payee", "reverses", "actor", "created", "original_description"] as const;
type TransactionTag = (typeof TRANSACTION_TAGS)[number];

const CODE = /^[A-Za-z0-9_.:\-]+$/;

export function formatTransaction(tx: ExportTransaction): string {
  assertInvariant(CODE.test(tx.id), `transaction id ${JSON.stringify(tx.id)} cannot be written as a journal code`);
  assertInvariant(tx.entries.length >= 2, `transaction ${tx.id} has fewer than two entries`);
  const sums = new Map<string, number>();
  let postings = "";
  for (const e of tx.entries) {
    assertInvariant(Number.isSafeInteger(e.amountPaise) && e.amountPaise > 0, `transaction ${tx.id} has a non-positive amount`);
    const signed = e.direction === "debit" ? e.amountPaise : -e.amountPaise;
    sums.set(e.currency, (sums.get(e.currency) ?? 0) + signed);
    postings += postingLine(e.accountId, e.accountType, signed, e.currency);
  }
  for (const [currency, sum] of sums) assertInvariant(sum === 0, `transaction ${tx.id} does not balance in ${currency} (${sum})`);

  const description = sanitizeDescription(tx.description);
  const tags: [TransactionTag, string | null][] = [
    ["ref", tx.externalRef],
    ["kind", tx.kind],
    ["cycle", tx.cycleId],
    ["order", tx.orderId],
    ["payee", tx.payeeId],
    ["reverses", tx.reversesTransactionId],
    ["actor", tx.actorId],
    ["created", tx.createdAt],
    ["original_description", description === tx.description ? null : tx.description],
  ];
  const tagLines = tags
    .filter((t): t is [TransactionTag, string] => t[1] !== null)
    .map(([tag, value]) => `    ; ${tag}: ${encodeTagValue(value)}\n`)
    .join("");
  return `\n${utcDate(tx.createdAt)} (${tx.id}) ${description}\n${tagLines}${postings}`;
}

function header(range: ExportRange): string {
  const from = range.fromDate ? `${range.fromDate} 00:00 UTC (inclusive)` : "the beginning of the journal";
  const to = range.toDate ? `${range.toDate} 00:00 UTC (exclusive)` : "the time of export";
  const lines = [
    "Disburse journal export, in the hledger/ledger journal format.",
    `Transactions created from ${from} to ${to}.`,
    ...(range.asOf ? [`Cut off at ${range.asOf} (inclusive): later postings are not included.`] : []),
    ...(range.fromDate ? [`Balances before ${range.fromDate} are carried in by the opening-balances transaction dated ${range.fromDate}.`] : []),
    "Dates are UTC calendar dates of created_at; the exact instant is in each transaction's created tag.",
    "Amounts are exact: integer paise as rupees with two decimals. Debits are positive, credits negative.",
    "Each account directive's disburse_id tag is the Disburse account id the name stands for.",
    "Encoding: UTF-8; read it under a UTF-8 locale (e.g. LANG=C.UTF-8 hledger -f FILE check -s).",
  ];
  return lines.map((l) => `; ${l}\n`).join("");
}

function openingHeader(fromDate: string): string {
  return (
    `\n${fromDate} (opening:${fromDate}) Opening balances: every entry created before ${fromDate} 00:00 UTC\n` +
    `    ; kind: opening_balances\n`
  );
}

// ---- The journal ----

/**
 * The journal as text chunks, one per page of the source. The first chunk is yielded only after
 * the first page of accounts has been read, so a caller that awaits it knows the source works.
 * Throws, and stops, if a transaction or the opening balances do not sum to zero.
 */
export async function* journalText(source: JournalSource): AsyncGenerator<string, void, undefined> {
  const directives = [...Object.keys(CURRENCIES).map(commodityDirective), ...TRANSACTION_TAGS.map((tag) => `tag ${tag}\n`)];
  let pending = `${header(source.range)}\n${directives.join("")}\n`;
  for await (const page of source.accounts) {
    yield pending + page.map(accountDirective).join("");
    pending = "";
  }
  if (pending) yield pending;

  const fromDate = source.range.fromDate;
  if (fromDate !== null) {
    const sums = new Map<string, number>();
    let started = false;
    for await (const page of source.openingBalances) {
      let chunk = "";
      for (const b of page) {
        if (b.netDebitPaise === 0) continue;
        if (!started) chunk += openingHeader(fromDate);
        started = true;
        sums.set(b.currency, (sums.get(b.currency) ?? 0) + b.netDebitPaise);
        assertInvariant(Number.isSafeInteger(sums.get(b.currency)!), "opening balances overflowed");
        chunk += postingLine(b.accountId, b.accountType, b.netDebitPaise, b.currency);
      }
      if (chunk) yield chunk;
    }
    for (const [currency, sum] of sums) assertInvariant(sum === 0, `opening balances do not sum to zero in ${currency} (${sum})`);
  }

  const lowerBound = fromDate === null ? null : startOfUtcDay(fromDate);
  const upperBound = source.range.toDate === null ? null : startOfUtcDay(source.range.toDate);
  let previous: { createdAt: string; id: string } | null = null;
  let count = 0;
  for await (const page of source.transactions) {
    let chunk = "";
    for (const tx of page) {
      assertInvariant(lowerBound === null || tx.createdAt >= lowerBound, `transaction ${tx.id} is before the range`);
      assertInvariant(upperBound === null || tx.createdAt < upperBound, `transaction ${tx.id} is after the range`);
      assertInvariant(
        previous === null || previous.createdAt < tx.createdAt || (previous.createdAt === tx.createdAt && previous.id < tx.id),
        `transaction ${tx.id} is out of order`,
      );
      previous = tx;
      chunk += formatTransaction(tx);
      count += 1;
    }
    if (chunk) yield chunk;
  }
  yield `\n; End of Disburse export: ${count} transaction${count === 1 ? "" : "s"}.\n`;
}

/** The whole journal from in-memory lists, put in export order first. */
export async function exportJournal(input: {
  range: ExportRange;
  accounts: readonly ExportAccount[];
  openingBalances?: readonly OpeningBalance[];
  transactions: readonly ExportTransaction[];
}): Promise<string> {
  const byId = <T extends { id: string }>(a: T, b: T) => compare(a.id, b.id);
  const chunks: string[] = [];
  for await (const chunk of journalText({
    range: input.range,
    accounts: [[...input.accounts].sort(byId)],
    openingBalances: [[...(input.openingBalances ?? [])].sort((a, b) => compare(a.accountId, b.accountId))],
    transactions: [[...input.transactions].sort((a, b) => compare(a.createdAt, b.createdAt) || byId(a, b))],
  })) {
    chunks.push(chunk);
  }
  return chunks.join("");
}

// UTF-16 code-unit order; for the ASCII ids and timestamps Disburse writes, the order SQLite gives.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
