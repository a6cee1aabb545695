// A local, in-memory fake of the RazorpayX Payouts contract the adapter relies on: Basic auth,
// composite payouts under X-Payout-Idempotency, the payout list filtered by reference_id, the
// account statement with count/skip paging, signed webhooks, and failures injected per call.
// It encodes our reading of RazorpayX's documentation, not RazorpayX itself.

import { canonicalJson } from "../../src/domain/canonical";
import { hmacSha256Hex } from "../../src/domain/hash";

export type FakeFault =
  /** Answer normally: lets a test aim a later fault at the nth call. */
  | { kind: "none" }
  /** Answer this status (5xx) without creating anything. */
  | { kind: "status"; status: number }
  /** Create the payout, then answer this status anyway (the response was lost on the way). */
  | { kind: "status_after_commit"; status: number }
  | { kind: "rate_limit"; retryAfter: string }
  /** Never answer until the caller aborts; nothing is created. */
  | { kind: "timeout" }
  /** Create the payout, then never answer until the caller aborts. */
  | { kind: "timeout_after_commit" }
  /** Throw as fetch does when the connection fails. */
  | { kind: "network_error" }
  /** A RazorpayX-shaped 400 validation error. */
  | { kind: "validation"; description: string; field?: string | null; reason?: string }
  /** Any raw answer, for shapes the other faults don't cover. */
  | { kind: "respond"; status: number; body: string; headers?: Record<string, string> };

export interface FakePayout {
  id: string;
  entity: "payout";
  fund_account_id: string;
  amount: number;
  currency: string;
  fees: number;
  tax: number;
  status: string;
  purpose: string;
  utr: string | null;
  mode: string;
  reference_id: string | null;
  narration: string | null;
  status_details: { reason: string | null; description: string | null; source: string | null };
  failure_reason: string | null;
  created_at: number;
}

interface FakeTransaction {
  id: string;
  entity: "transaction";
  account_number: string;
  amount: number;
  currency: string;
  credit: number;
  debit: number;
  balance: number;
  source: Record<string, unknown>;
  created_at: number;
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

export interface RazorpayXFakeOptions {
  keyId?: string;
  keySecret?: string;
  accountNumber?: string;
  webhookSecret?: string;
  /** Behave as if the list endpoint ignored reference_id, to prove the adapter checks the echo. */
  ignoreReferenceFilter?: boolean;
}

const IFSC = /^[A-Z]{4}0[A-Z0-9]{6}$/;
const NARRATION = /^[A-Za-z0-9 ]{1,30}$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9 _-]{4,36}$/;
const FEES_PAISE = 590;
const TAX_PAISE = 90;
const EVENT_FOR_STATUS: Record<string, string> = {
  queued: "payout.queued",
  pending: "payout.pending",
  processing: "payout.initiated",
  processed: "payout.processed",
  reversed: "payout.reversed",
  failed: "payout.failed",
  rejected: "payout.rejected",
  cancelled: "payout.updated",
};

const errorBody = (description: string, field: string | null = null, reason = "NA") => ({
  error: { code: "BAD_REQUEST_ERROR", description, source: "NA", step: "NA", reason, metadata: {}, field },
});

export class RazorpayXFake {
  readonly keyId: string;
  readonly keySecret: string;
  readonly accountNumber: string;
  readonly webhookSecret: string;
  readonly requests: RecordedRequest[] = [];
  /** Unix seconds the fake stamps on what it creates; tests move it to place lines in windows. */
  nowSeconds = Math.floor(Date.parse("2026-11-20T06:00:00Z") / 1000);
  ignoreReferenceFilter: boolean;

  private readonly faults: FakeFault[] = [];
  private readonly payoutsById = new Map<string, FakePayout>();
  private readonly accountByPayoutId = new Map<string, string>();
  private readonly byIdempotencyKey = new Map<string, { bodyCanonical: string; payoutId: string }>();
  private readonly transactions: FakeTransaction[] = [];
  private balancePaise = 1_000_000_000;
  private counter = 0;

  constructor(options: RazorpayXFakeOptions = {}) {
    this.keyId = options.keyId ?? "rzp_test_fakekey";
    this.keySecret = options.keySecret ?? "fake-key-secret";
    this.accountNumber = options.accountNumber ?? "7878780080316316";
    this.webhookSecret = options.webhookSecret ?? "fake-webhook-secret";
    this.ignoreReferenceFilter = options.ignoreReferenceFilter ?? false;
  }

  /** Drop-in for the global fetch, so the adapter under test never touches the network. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = new Request(input as RequestInfo, init as RequestInit);
    return this.handle(request, init?.signal ?? request.signal);
  };

  /** Faults for the next calls, one consumed per call, in order. */
  failNext(...faults: FakeFault[]): void {
    this.faults.push(...faults);
  }

  payouts(): FakePayout[] {
    return [...this.payoutsById.values()];
  }

  payout(id: string): FakePayout {
    const payout = this.payoutsById.get(id);
    if (!payout) throw new Error(`fake: no payout ${id}`);
    return payout;
  }

  /**
   * Moves a payout on, as the banking network would. Without a status, the beneficiary account
   * decides: ending 0000 → reversed (invalid_account), ending 9999 → failed (account_closed),
   * otherwise processed with a UTR.
   */
  settle(id: string, status?: string, details: { reason?: string; description?: string } = {}): FakePayout {
    const payout = this.payout(id);
    const account = this.accountByPayoutId.get(id) ?? "";
    let next = status;
    let reason = details.reason ?? null;
    let description = details.description ?? null;
    if (!next) {
      if (account.endsWith("0000")) [next, reason, description] = ["reversed", "invalid_account", "Beneficiary account is invalid"];
      else if (account.endsWith("9999")) [next, reason, description] = ["failed", "account_closed", "Beneficiary account is closed"];
      else [next, reason, description] = ["processed", "payout_processed", "Payout is processed"];
    }
    payout.status = next;
    payout.status_details = { reason, description, source: "beneficiary_bank" };
    if (next === "processed") payout.utr = `UTR${String(++this.counter).padStart(12, "0")}`;
    if (next === "reversed") {
      this.record(0, payout.amount, { id: this.newId("rvrsl"), entity: "reversal", payout_id: payout.id, amount: payout.amount, created_at: this.nowSeconds });
    }
    return payout;
  }

  /** A payout made outside Disburse (on the dashboard, say), for lookups that must not confuse it with ours. */
  addPayout(fields: Partial<FakePayout>): FakePayout {
    const payout = this.newPayout({ amount: 100_00, mode: "IMPS", purpose: "payout", reference_id: null, narration: null, currency: "INR" }, "000000000000");
    Object.assign(payout, fields);
    return payout;
  }

  /** A credit that is not a payout (money added to the account), for statement paging. */
  addCredit(amountPaise: number): void {
    this.record(amountPaise, 0, { id: this.newId("bt"), entity: "bank_transfer", amount: amountPaise, utr: `NEFTIN${++this.counter}` });
  }

  /** A signed webhook for the payout's current state, as RazorpayX would POST it. */
  async webhook(payoutId: string, event?: string, secret = this.webhookSecret): Promise<{ body: string; headers: Headers }> {
    const payout = this.payout(payoutId);
    const body = JSON.stringify({
      entity: "event",
      account_id: "acc_fake0000000001",
      event: event ?? EVENT_FOR_STATUS[payout.status] ?? "payout.updated",
      contains: ["payout"],
      payload: { payout: { entity: { ...payout } } },
      created_at: this.nowSeconds,
    });
    const headers = new Headers({
      "content-type": "application/json",
      "x-razorpay-signature": await hmacSha256Hex(secret, body),
      "x-razorpay-event-id": this.newId("evt"),
    });
    return { body, headers };
  }

  async handle(request: Request, signal: AbortSignal | null | undefined): Promise<Response> {
    const body = request.method === "GET" ? "" : await request.text();
    const url = new URL(request.url);
    this.requests.push({ method: request.method, url, headers: new Headers(request.headers), body });

    const fault = this.faults.shift();
    if (fault?.kind === "network_error") throw new TypeError("Network connection lost.");
    if (fault?.kind === "timeout") return hang(signal);
    if (fault?.kind === "status") return json({ error: { code: "SERVER_ERROR", description: "The server encountered an error." } }, fault.status);
    if (fault?.kind === "rate_limit") return json(errorBody("Too many requests"), 429, { "retry-after": fault.retryAfter });
    if (fault?.kind === "validation") return json(errorBody(fault.description, fault.field ?? null, fault.reason), 400);
    if (fault?.kind === "respond") return new Response(fault.body, { status: fault.status, headers: fault.headers });

    if (request.headers.get("authorization") !== `Basic ${btoa(`${this.keyId}:${this.keySecret}`)}`) {
      return json(errorBody("The api key provided is invalid"), 401);
    }

    let response: Response;
    if (request.method === "POST" && url.pathname === "/v1/payouts") response = this.createPayout(request, body);
    else if (request.method === "GET" && url.pathname === "/v1/payouts") response = this.listPayouts(url);
    else if (request.method === "GET" && url.pathname === "/v1/transactions") response = this.listTransactions(url);
    else response = json(errorBody("The requested URL was not found on the server."), 404);

    if (fault?.kind === "timeout_after_commit") return hang(signal);
    if (fault?.kind === "status_after_commit") return json({ error: { code: "SERVER_ERROR", description: "Gateway timeout" } }, fault.status);
    return response;
  }

  private createPayout(request: Request, rawBody: string): Response {
    const key = request.headers.get("x-payout-idempotency");
    if (!key) return json(errorBody("X-Payout-Idempotency header is required"), 400);
    if (!IDEMPOTENCY_KEY.test(key)) return json(errorBody("The idempotency key is invalid"), 400);
    let body: Record<string, any>;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return json(errorBody("The request body is not valid JSON"), 400);
    }
    const bodyCanonical = canonicalJson(body);
    const seen = this.byIdempotencyKey.get(key);
    if (seen) {
      if (seen.bodyCanonical !== bodyCanonical) return json(errorBody("Different request body sent for the same idempotency key"), 400);
      // As RazorpayX documents: the latest state of the payout created by the first request.
      return json(this.payout(seen.payoutId), 200);
    }
    const problem = validatePayout(body, this.accountNumber);
    if (problem) return json(errorBody(problem.description, problem.field), 400);
    const payout = this.newPayout(body, body.fund_account.bank_account.account_number);
    this.byIdempotencyKey.set(key, { bodyCanonical, payoutId: payout.id });
    return json(payout, 200);
  }

  private newPayout(body: Record<string, any>, beneficiaryAccount: string): FakePayout {
    const payout: FakePayout = {
      id: this.newId("pout"),
      entity: "payout",
      fund_account_id: this.newId("fa"),
      amount: body.amount,
      currency: body.currency,
      fees: FEES_PAISE,
      tax: TAX_PAISE,
      status: "processing",
      purpose: body.purpose,
      utr: null,
      mode: body.mode,
      reference_id: body.reference_id ?? null,
      narration: body.narration ?? null,
      status_details: { reason: null, description: null, source: null },
      failure_reason: null,
      created_at: this.nowSeconds,
    };
    this.payoutsById.set(payout.id, payout);
    this.accountByPayoutId.set(payout.id, beneficiaryAccount);
    // The statement's debit carries fees and tax on top of the payout amount.
    this.record(0, payout.amount + FEES_PAISE + TAX_PAISE, {
      id: payout.id,
      entity: "payout",
      amount: payout.amount,
      fees: FEES_PAISE,
      tax: TAX_PAISE,
      status: payout.status,
      utr: null,
      mode: payout.mode,
      reference_id: payout.reference_id,
      created_at: payout.created_at,
    });
    return payout;
  }

  private listPayouts(url: URL): Response {
    if (url.searchParams.get("account_number") !== this.accountNumber) return json(errorBody("The account number is invalid", "account_number"), 400);
    const page = paging(url);
    if ("error" in page) return page.error;
    const reference = this.ignoreReferenceFilter ? null : url.searchParams.get("reference_id");
    const items = this.payouts()
      .filter((p) => reference === null || p.reference_id === reference)
      .reverse()
      .slice(page.skip, page.skip + page.count);
    return json({ entity: "collection", count: items.length, items }, 200);
  }

  private listTransactions(url: URL): Response {
    if (url.searchParams.get("account_number") !== this.accountNumber) return json(errorBody("The account number is invalid", "account_number"), 400);
    const page = paging(url);
    if ("error" in page) return page.error;
    const from = Number(url.searchParams.get("from") ?? 0);
    const to = Number(url.searchParams.get("to") ?? Number.MAX_SAFE_INTEGER);
    const items = this.transactions
      .filter((t) => t.created_at >= from && t.created_at <= to)
      .reverse()
      .slice(page.skip, page.skip + page.count);
    return json({ entity: "collection", count: items.length, items }, 200);
  }

  private record(creditPaise: number, debitPaise: number, source: Record<string, unknown>): void {
    this.balancePaise += creditPaise - debitPaise;
    this.transactions.push({
      id: this.newId("txn"),
      entity: "transaction",
      account_number: this.accountNumber,
      amount: creditPaise || debitPaise,
      currency: "INR",
      credit: creditPaise,
      debit: debitPaise,
      balance: this.balancePaise,
      source,
      created_at: this.nowSeconds,
    });
  }

  private newId(prefix: string): string {
    return `${prefix}_${String(++this.counter).padStart(14, "0")}`;
  }
}

function validatePayout(body: Record<string, any>, accountNumber: string): { field: string; description: string } | null {
  const bank = body.fund_account?.bank_account;
  const contact = body.fund_account?.contact;
  if (body.account_number !== accountNumber) return { field: "account_number", description: "The account number is invalid" };
  if (!Number.isInteger(body.amount) || body.amount < 100) return { field: "amount", description: "The amount must be at least INR 1.00" };
  if (body.currency !== "INR") return { field: "currency", description: "Currency is not supported" };
  if (!["IMPS", "NEFT", "RTGS", "UPI"].includes(body.mode)) return { field: "mode", description: "The mode is invalid" };
  if (body.mode === "IMPS" && body.amount > 50_000_000) return { field: "amount", description: "Amount exceeds the IMPS limit" };
  if (typeof body.purpose !== "string") return { field: "purpose", description: "The purpose field is required" };
  if (typeof body.queue_if_low_balance !== "boolean") return { field: "queue_if_low_balance", description: "queue_if_low_balance must be a boolean" };
  if (typeof body.reference_id !== "string" || body.reference_id.length > 40) return { field: "reference_id", description: "The reference id may not be greater than 40 characters" };
  if (body.narration !== undefined && !NARRATION.test(body.narration)) return { field: "narration", description: "The narration format is invalid" };
  if (body.fund_account?.account_type !== "bank_account" || !bank) return { field: "account_type", description: "The account type is invalid" };
  if (typeof bank.ifsc !== "string" || !IFSC.test(bank.ifsc)) return { field: "ifsc", description: "The ifsc must be 11 characters" };
  if (typeof bank.account_number !== "string" || !/^[A-Za-z0-9]{5,35}$/.test(bank.account_number)) return { field: "account_number", description: "The beneficiary account number is invalid" };
  if (typeof bank.name !== "string" || bank.name.trim().length < 3) return { field: "name", description: "The name must be at least 3 characters" };
  if (typeof contact?.name !== "string" || !["vendor", "customer", "employee", "self"].includes(contact.type)) return { field: "contact", description: "The contact is invalid" };
  return null;
}

function paging(url: URL): { count: number; skip: number } | { error: Response } {
  const count = Number(url.searchParams.get("count") ?? 10);
  const skip = Number(url.searchParams.get("skip") ?? 0);
  if (!Number.isInteger(count) || count < 1 || count > 100) return { error: json(errorBody("The count may not be greater than 100", "count"), 400) };
  if (!Number.isInteger(skip) || skip < 0) return { error: json(errorBody("The skip must be at least 0", "skip"), 400) };
  return { count, skip };
}

function json(value: unknown, status: number, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } });
}

/** A response that never comes: settles only by rejecting when the caller gives up. */
function hang(signal: AbortSignal | null | undefined): Promise<Response> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
