// The adapter for RazorpayX Payouts: composite payouts (contact + fund account + payout in one
// call) under X-Payout-Idempotency, lookups by reference_id, the account statement, and webhooks.
// Every HTTP answer is classified the way the queue consumer needs: did the bank certainly not
// act, certainly act, or might it have acted?

import { hmacSha256Hex, timingSafeEqual } from "../domain/hash";
import type { Env } from "../env";
import type {
  BankEvent,
  BankGateway,
  BankTransaction,
  BankTransfer,
  BankTransferStatus,
  CreateOutcome,
  StatusOutcome,
  TransferRequest,
  WebhookCheck,
  WebhookVerifier,
} from "./gateway";

export const RAZORPAYX_DEFAULT_BASE_URL = "https://api.razorpay.com";
export const RAZORPAYX_SIGNATURE_HEADER = "x-razorpay-signature";
export const RAZORPAYX_EVENT_ID_HEADER = "x-razorpay-event-id";
export const RAZORPAYX_IDEMPOTENCY_HEADER = "x-payout-idempotency";

const DEFAULT_TIMEOUT_MS = 15_000;
/** IMPS carries at most ₹5 lakh per transfer; above that the payout goes by NEFT. */
export const IMPS_LIMIT_PAISE = 50_000_000;
export const NARRATION_MAX_CHARS = 30;
/** RazorpayX's documented page size maximum for list endpoints. */
export const PAGE_SIZE = 100;
/** 100 pages of 100 is 10,000 statement lines: far more than a day's window should hold. */
export const MAX_PAGES = 100;
/** Idempotency keys RazorpayX accepts: 4 to 36 of letters, digits, hyphen, underscore, space. */
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9 _-]{4,36}$/;
/** A credentials problem does not fix itself in seconds; don't burn the queue's retries on it. */
export const AUTH_FAILURE_RETRY_AFTER_SECONDS = 300;
const MAX_RETRY_AFTER_SECONDS = 3_600;

export interface RazorpayXOptions {
  baseUrl?: string | undefined;
  keyId: string;
  keySecret: string;
  /** The business's RazorpayX account number that payouts debit (not the payee's account). */
  accountNumber: string;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
}

/** The parts of RazorpayX's payout entity this adapter reads. */
interface PayoutJson {
  id: string;
  status: string;
  amount: number;
  reference_id?: string | null;
  utr?: string | null;
  failure_reason?: string | null;
  status_details?: { reason?: string | null; description?: string | null; source?: string | null } | null;
}

interface ErrorJson {
  error?: { code?: string; description?: string; field?: string | null; reason?: string | null; source?: string | null };
}

interface TransactionJson {
  id: string;
  amount?: number;
  currency?: string;
  credit?: number;
  debit?: number;
  created_at: number;
  source?: { id?: string; entity?: string; amount?: number; reference_id?: string | null; payout_id?: string | null; utr?: string | null } | null;
}

/** RazorpayX payout status → Disburse's. Unknown statuses stay pending: never guess an end. */
export function mapPayoutStatus(status: string): BankTransferStatus {
  switch (status) {
    case "processed":
      return "processed";
    case "reversed":
      return "reversed";
    case "cancelled":
    case "rejected":
    case "failed":
      return "failed";
    default:
      // queued, pending (awaiting approval), processing, scheduled, and anything new.
      return "pending";
  }
}

/** Letters, digits and single spaces, at most 30 characters: what RazorpayX accepts. */
export function sanitizeNarration(narration: string): string {
  return narration
    .replace(/[^A-Za-z0-9 ]+/g, " ")
    .replace(/ {2,}/g, " ")
    .trim()
    .slice(0, NARRATION_MAX_CHARS)
    .trimEnd();
}

export function payoutMode(amountPaise: number): "IMPS" | "NEFT" {
  return amountPaise <= IMPS_LIMIT_PAISE ? "IMPS" : "NEFT";
}

function toTransfer(payout: PayoutJson, idempotencyKey: string): BankTransfer {
  const status = mapPayoutStatus(payout.status);
  const ended = status === "failed" || status === "reversed";
  const reason = nonEmpty(payout.status_details?.reason) ?? nonEmpty(payout.failure_reason);
  return {
    bankReference: payout.id,
    idempotencyKey,
    status,
    amountPaise: payout.amount,
    failureCode: ended ? (reason ?? payout.status) : undefined,
    failureReason: ended ? (nonEmpty(payout.status_details?.description) ?? nonEmpty(payout.failure_reason) ?? undefined) : undefined,
  };
}

function isPayout(value: unknown): value is PayoutJson {
  const p = value as Partial<PayoutJson> | null;
  return typeof p === "object" && p !== null && typeof p.id === "string" && typeof p.status === "string" && typeof p.amount === "number";
}

/** RazorpayX fills unknown error fields with "NA"; treat that like absent. */
function nonEmpty(value: string | null | undefined): string | null {
  return value && value !== "NA" ? value : null;
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** Retry-After as seconds, from either form HTTP allows (delta seconds or a date), bounded. */
function retryAfterSeconds(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d{1,6}$/.test(header.trim()) ? Number(header.trim()) : Math.ceil((Date.parse(header) - nowMs) / 1000);
  if (!Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

export class RazorpayXGateway implements BankGateway {
  readonly provider = "razorpayx";
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly accountNumber: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(options: RazorpayXOptions) {
    if (!options.keyId || !options.keySecret || !options.accountNumber) {
      throw new Error("RazorpayX configuration error: keyId, keySecret and accountNumber are all required");
    }
    this.baseUrl = (options.baseUrl ?? RAZORPAYX_DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.authorization = `Basic ${btoa(`${options.keyId}:${options.keySecret}`)}`;
    this.accountNumber = options.accountNumber;
    // Bound to globalThis: workerd refuses a fetch called with any other `this`.
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async createTransfer(request: TransferRequest): Promise<CreateOutcome> {
    // getTransfer can only find a payout by reference_id, so reference and key must be one value.
    // A mismatch is a programming error: fail loudly before anything reaches the bank.
    if (request.reference !== request.idempotencyKey) {
      throw new Error(`invariant violated: RazorpayX needs reference (${request.reference}) to equal the idempotency key (${request.idempotencyKey})`);
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(request.idempotencyKey)) {
      throw new Error(`invariant violated: "${request.idempotencyKey}" is not a valid RazorpayX idempotency key (4-36 of A-Z a-z 0-9 _ - space)`);
    }
    const narration = sanitizeNarration(request.narration);
    const body = {
      account_number: this.accountNumber,
      amount: request.amountPaise,
      currency: request.currency,
      mode: payoutMode(request.amountPaise),
      purpose: "payout",
      queue_if_low_balance: true,
      reference_id: request.reference,
      ...(narration ? { narration } : {}),
      fund_account: {
        account_type: "bank_account",
        bank_account: { name: request.account.accountHolderName, ifsc: request.account.ifsc, account_number: request.account.accountNumber },
        contact: { name: request.account.accountHolderName, type: "vendor" },
      },
    };

    let response: Response;
    let json: unknown;
    try {
      response = await this.send("POST", "/v1/payouts", JSON.stringify(body), { [RAZORPAYX_IDEMPOTENCY_HEADER]: request.idempotencyKey });
      json = await response.json().catch(() => null);
    } catch (error) {
      // The request may have left: only asking the bank can tell whether it acted.
      return { kind: "ambiguous", reason: isTimeout(error) ? `timeout after ${this.timeoutMs} ms` : `network error: ${describeError(error)}` };
    }

    if (response.status === 200 || response.status === 201) {
      if (!isPayout(json)) return { kind: "ambiguous", reason: `HTTP ${response.status} with an unreadable payout body` };
      return { kind: "accepted", transfer: toTransfer(json, request.idempotencyKey) };
    }
    if (response.status === 429) {
      return { kind: "retry", reason: "rate limited", retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after"), Date.now()) };
    }
    if (response.status === 401 || response.status === 403) {
      // Not "rejected": nothing is wrong with this payout, and failing it for good would fail every
      // payout in flight the day a key is rotated. Not "ambiguous": RazorpayX refuses unauthenticated
      // requests before doing anything, so no payout exists. "retry" keeps the payout and its key
      // until an operator fixes the credentials or the IP allowlist; the same key makes the resend safe.
      const error = (json as ErrorJson | null)?.error;
      return {
        kind: "retry",
        reason: `provider_auth_failed: HTTP ${response.status}${error?.description ? ` ${error.description}` : ""}`,
        retryAfterSeconds: AUTH_FAILURE_RETRY_AFTER_SECONDS,
      };
    }
    if (response.status >= 500) return { kind: "ambiguous", reason: `HTTP ${response.status}` };
    if (response.status === 409) {
      // A conflict on an idempotent create means another request with this key is (or was) in
      // flight: a payout may exist. Ask before deciding.
      return { kind: "ambiguous", reason: "HTTP 409: conflicting request for this idempotency key" };
    }
    const error = (json as ErrorJson | null)?.error;
    const description = error?.description ?? `HTTP ${response.status}`;
    if (/idempoten/i.test(`${error?.field ?? ""} ${description}`)) {
      // RazorpayX answers 400 when a key is reused with a different body: a payout already exists
      // under this key, so failing ours would leave an unaccounted payout at the bank.
      return { kind: "ambiguous", reason: `idempotency conflict: ${description}` };
    }
    return { kind: "rejected", code: rejectionCode(response.status, error), message: description };
  }

  async getTransfer(idempotencyKey: string): Promise<StatusOutcome> {
    // RazorpayX has no lookup by idempotency key. Disburse sends reference_id = key (asserted in
    // createTransfer), so list with that filter and check the echo in case the filter is ignored.
    const query = new URLSearchParams({ account_number: this.accountNumber, reference_id: idempotencyKey, count: String(PAGE_SIZE) });
    let json: unknown;
    try {
      const response = await this.send("GET", `/v1/payouts?${query}`);
      if (!response.ok) return { kind: "unavailable", reason: `HTTP ${response.status}` };
      json = await response.json();
    } catch (error) {
      return { kind: "unavailable", reason: isTimeout(error) ? `timeout after ${this.timeoutMs} ms` : describeError(error) };
    }
    const items = (json as { items?: unknown } | null)?.items;
    if (!Array.isArray(items)) return { kind: "unavailable", reason: "unreadable payout list" };
    const matches = items.filter((item): item is PayoutJson => isPayout(item) && item.reference_id === idempotencyKey);
    if (matches.length === 0) return { kind: "not_found" };
    if (matches.length > 1) {
      // Two payouts carrying one reference means money may have moved twice: a person must look.
      return { kind: "unavailable", reason: `${matches.length} payouts carry reference_id ${idempotencyKey}: ${matches.map((m) => m.id).join(", ")}` };
    }
    return { kind: "found", transfer: toTransfer(matches[0]!, idempotencyKey) };
  }

  async listTransactions(fromIso: string, toIso: string): Promise<BankTransaction[]> {
    const fromSeconds = Math.floor(Date.parse(fromIso) / 1000);
    const toSeconds = Math.floor(Date.parse(toIso) / 1000);
    if (!Number.isFinite(fromSeconds) || !Number.isFinite(toSeconds) || fromSeconds > toSeconds) {
      throw new Error(`RazorpayX transactions: invalid window ${fromIso} .. ${toIso}`);
    }
    const seen = new Map<string, TransactionJson>();
    for (let page = 0; ; page++) {
      if (page === MAX_PAGES) {
        // A silently truncated statement would make reconciliation report payouts as missing.
        throw new Error(`RazorpayX transactions: more than ${MAX_PAGES * PAGE_SIZE} lines between ${fromIso} and ${toIso}; use a smaller window`);
      }
      const query = new URLSearchParams({
        account_number: this.accountNumber,
        from: String(fromSeconds),
        to: String(toSeconds),
        count: String(PAGE_SIZE),
        skip: String(page * PAGE_SIZE),
      });
      const response = await this.send("GET", `/v1/transactions?${query}`);
      if (!response.ok) throw new Error(`RazorpayX transactions: HTTP ${response.status}`);
      const items = ((await response.json()) as { items?: unknown }).items;
      if (!Array.isArray(items)) throw new Error("RazorpayX transactions: unreadable page");
      // Offset paging can repeat a line when new ones arrive meanwhile: keep each id once.
      for (const item of items as TransactionJson[]) seen.set(item.id, item);
      if (items.length < PAGE_SIZE) break;
    }
    const lines = [...seen.values()];
    // Reversal lines may not echo reference_id; recover it from the payout line in the same window.
    const referenceByPayoutId = new Map<string, string>();
    for (const t of lines) {
      if (t.source?.entity === "payout" && t.source.id && t.source.reference_id) referenceByPayoutId.set(t.source.id, t.source.reference_id);
    }
    return lines.map((t) => toBankTransaction(t, referenceByPayoutId));
  }

  private send(method: "GET" | "POST", path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetchFn(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: this.authorization, accept: "application/json", ...(body ? { "content-type": "application/json" } : {}), ...headers },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }
}

/** The most precise code a 4xx allows: RazorpayX's reason, else the offending field, else the status. */
function rejectionCode(status: number, error: ErrorJson["error"]): string {
  const reason = nonEmpty(error?.reason);
  if (reason) return reason;
  const field = nonEmpty(error?.field);
  if (field) return `invalid_${field.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_|_$/g, "")}`;
  return status === 400 || status === 422 ? "bad_request" : `http_${status}`;
}

function toBankTransaction(t: TransactionJson, referenceByPayoutId: Map<string, string>): BankTransaction {
  const debit = t.debit ?? 0;
  const credit = t.credit ?? 0;
  const source = t.source ?? {};
  const base = { currency: (t.currency ?? "INR") as BankTransaction["currency"], at: new Date(t.created_at * 1000).toISOString() };
  if (source.entity === "payout" && source.id) {
    // source.amount is the payout itself; the debit column may also carry fees and tax.
    return { ...base, kind: "payout", direction: "debit", amountPaise: source.amount ?? debit, bankReference: source.id, reference: source.reference_id ?? null };
  }
  if (source.entity === "reversal") {
    const payoutId = source.payout_id ?? null;
    return {
      ...base,
      kind: "return",
      direction: "credit",
      amountPaise: source.amount ?? credit,
      // The payout's id, so a return matches the payout it undoes.
      bankReference: payoutId ?? source.id ?? t.id,
      reference: source.reference_id ?? (payoutId ? (referenceByPayoutId.get(payoutId) ?? null) : null),
    };
  }
  return {
    ...base,
    kind: "other",
    direction: debit > 0 ? "debit" : "credit",
    amountPaise: debit > 0 ? debit : credit,
    bankReference: source.utr ?? source.id ?? t.id,
    reference: source.reference_id ?? null,
  };
}

/**
 * Verifies `X-Razorpay-Signature`: hex HMAC-SHA256 of the raw body under the webhook secret.
 * RazorpayX signs no timestamp, so there is no staleness check here; replays are harmless because
 * Disburse dedupes on the event id and the status machine ignores transitions it has already made.
 */
export class RazorpayXWebhookVerifier implements WebhookVerifier {
  constructor(private readonly secret: string) {
    if (!secret) throw new Error("RazorpayX configuration error: the webhook secret is empty");
  }

  async verify(headers: Headers, rawBody: string, _nowMs: number): Promise<WebhookCheck> {
    const signature = (headers.get(RAZORPAYX_SIGNATURE_HEADER) ?? "").trim().toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: "bad_signature" };
    const expected = await hmacSha256Hex(this.secret, rawBody);
    if (!timingSafeEqual(expected, signature)) return { ok: false, reason: "bad_signature" };

    let body: { entity?: unknown; event?: unknown; payload?: { payout?: { entity?: unknown } } } | null;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (typeof body !== "object" || body === null || body.entity !== "event" || typeof body.event !== "string") {
      return { ok: false, reason: "malformed" };
    }
    // Other products share the endpoint's secret (transactions, payout links…): acknowledge, ignore.
    if (!body.event.startsWith("payout.")) return { ok: true, events: [] };
    const payout = body.payload?.payout?.entity;
    if (!isPayout(payout)) return { ok: false, reason: "malformed" };
    // A payout without our reference was made outside Disburse (e.g. on the dashboard): not ours.
    // Acknowledging it stops RazorpayX from redelivering an event we will never act on.
    if (!payout.reference_id) return { ok: true, events: [] };

    const transfer = toTransfer(payout, payout.reference_id);
    const event: BankEvent = {
      // RazorpayX advises deduping on payout id and status when the event id is absent.
      eventId: headers.get(RAZORPAYX_EVENT_ID_HEADER) ?? `${payout.id}:${body.event}:${payout.status}`,
      type: body.event,
      reference: payout.reference_id,
      bankReference: payout.id,
      status: transfer.status,
      failureCode: transfer.failureCode,
      failureReason: transfer.failureReason,
    };
    return { ok: true, events: [event] };
  }
}

/** The gateway from the Worker's configuration, or a clear error naming what is missing. */
export function razorpayXGatewayFromEnv(env: Env): RazorpayXGateway {
  const missing = (["RAZORPAYX_KEY_ID", "RAZORPAYX_KEY_SECRET", "RAZORPAYX_ACCOUNT_NUMBER"] as const).filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`BANK_PROVIDER is "razorpayx" but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
  return new RazorpayXGateway({
    baseUrl: env.RAZORPAYX_BASE_URL || undefined,
    keyId: env.RAZORPAYX_KEY_ID!,
    keySecret: env.RAZORPAYX_KEY_SECRET!,
    accountNumber: env.RAZORPAYX_ACCOUNT_NUMBER!,
  });
}
