// A small client for driving the Worker through its HTTP API, as an integration would.

import { env, SELF } from "cloudflare:test";
import { TEST_ACTORS, type TestActor } from "./actors";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  actor: TestActor | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (actor) (init.headers as Record<string, string>).authorization = `Bearer ${TEST_ACTORS[actor].token}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await SELF.fetch(`https://disburse.test${path}`, init);
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Non-JSON bodies (HTML pages) are returned as text.
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let counter = 0;
/** Unique-enough suffix so tests sharing one database never collide. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

export const bank = (n = 0) => ({
  accountNumber: String(100000000000 + n),
  ifsc: "HDFC0001234",
  accountHolderName: `Holder ${n}`,
});

/**
 * A payee made by an admin, its bank details approved by a checker (four eyes) and, unless
 * `verified: false`, verified with the bank returning the holder's name.
 */
export async function createPayee(type: "seller" | "delivery_partner" = "seller", opts: { verified?: boolean } = {}) {
  const details = bank(Math.floor(Math.random() * 1e9));
  const res = await api("admin", "POST", "/v1/payees", { type, displayName: unique(type), bankDetails: details });
  if (res.status !== 201) throw new Error(`createPayee failed: ${res.status} ${JSON.stringify(res.body)}`);
  return approveBankChange(res.body.id, res.body.pendingBankDetailsChangeId, { verifyAs: (opts.verified ?? true) ? details.accountHolderName : null });
}

/**
 * A second person (checker-chen) approves a payee's pending bank details change, its cooling-off
 * is moved into the past (as if a day went by), and the details are verified with the bank
 * returning `verifyAs` (null: left unverified). Returns the payee.
 */
export async function approveBankChange(payeeId: string, changeId: string, opts: { verifyAs?: string | null; by?: TestActor } = {}) {
  const approved = await api(opts.by ?? "checker", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/approve`, { note: "checked with the payee by phone" });
  if (approved.status !== 200) throw new Error(`approve bank change failed: ${approved.status} ${JSON.stringify(approved.body)}`);
  await endCoolingOff(payeeId);
  if (opts.verifyAs === null || opts.verifyAs === undefined) return (await api("admin", "GET", `/v1/payees/${payeeId}`)).body;
  const v = await api("admin", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName: opts.verifyAs });
  if (v.status !== 200) throw new Error(`verify failed: ${v.status} ${JSON.stringify(v.body)}`);
  return v.body;
}

/** Records the payee's approved details verified, the bank returning the holder's own name (a perfect match). */
export async function verifyPayee(payeeId: string) {
  const payee = (await api("admin", "GET", `/v1/payees/${payeeId}`)).body;
  return api("admin", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName: payee.bankDetails?.accountHolderName ?? "nobody" });
}

/** Moves a payee's approved details' cooling-off into the past, as if it had run its course. */
export async function endCoolingOff(payeeId: string) {
  const past = new Date(Date.now() - 1000).toISOString();
  await env.DB.prepare("UPDATE payees SET bank_details_payable_from = ? WHERE id = ? AND bank_details_payable_from > ?").bind(past, payeeId, past).run();
}

/**
 * Changes a payee's bank details the way production does: requested by `requester` (an admin),
 * approved by a checker, past the cooling-off and verified. Returns the payee.
 */
export async function changeBankDetails(payeeId: string, details: { accountNumber: string; ifsc: string; accountHolderName: string }, opts: { requester?: TestActor; verified?: boolean } = {}) {
  const res = await api(opts.requester ?? "admin", "PATCH", `/v1/payees/${payeeId}`, { bankDetails: details });
  if (res.status !== 200) throw new Error(`change bank details failed: ${res.status} ${JSON.stringify(res.body)}`);
  return approveBankChange(payeeId, res.body.pendingBankDetailsChangeId, { verifyAs: (opts.verified ?? true) ? details.accountHolderName : null });
}

export function settlementFor(sellerPayeeId: string, cycleId: string, over: Record<string, unknown> = {}) {
  const base = {
    orderId: unique("ORD"),
    cycleId,
    sellerPayeeId,
    deliveryPartnerPayeeId: null as string | null,
    grossAmountPaise: 100_000,
    platformFeePaise: 10_000,
    discountPaise: 5_000,
    voucherPaise: 2_000,
    walletAmountPaise: 3_000,
    deliveryFeePaise: 0,
    ...over,
  };
  const collected = (base.grossAmountPaise as number) + (base.deliveryFeePaise as number) - (base.discountPaise as number) - (base.voucherPaise as number) - (base.walletAmountPaise as number);
  return { amountCollectedPaise: collected, ...base };
}

// Ledger helpers: read accounts and entries through the API, as an auditor would.

export type Direction = "debit" | "credit";

export const entry = (accountId: string, direction: Direction, amountPaise: number) => ({
  accountId,
  direction,
  amountPaise,
  currency: "INR",
});

export interface AccountBody {
  id: string;
  type: "asset" | "liability" | "equity" | "revenue" | "expense";
  debitsPostedPaise: number;
  creditsPostedPaise: number;
  balancePaise: number;
  entryCount: number;
}

export async function getAccount(id: string): Promise<AccountBody> {
  const res = await api<AccountBody>("auditor", "GET", `/v1/ledger/accounts/${id}`);
  if (res.status !== 200) throw new Error(`getAccount ${id} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Several accounts at once, keyed by id: a snapshot to compare before and after. */
export async function snapshotAccounts(ids: readonly string[]): Promise<Record<string, AccountBody>> {
  const out: Record<string, AccountBody> = {};
  for (const id of ids) out[id] = await getAccount(id);
  return out;
}

export interface EntryRow {
  id: number;
  transactionId: string;
  externalRef: string;
  direction: Direction;
  amountPaise: number;
}

/** Every entry of an account, walking the cursor `limit` rows at a time. */
export async function allEntries(accountId: string, limit = 2): Promise<{ rows: EntryRow[]; pages: number }> {
  const rows: EntryRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `limit=${limit}${cursor === null ? "" : `&cursor=${cursor}`}`;
    const res = await api("auditor", "GET", `/v1/ledger/accounts/${accountId}/entries?${query}`);
    if (res.status !== 200) throw new Error(`entries of ${accountId} failed: ${res.status} ${JSON.stringify(res.body)}`);
    if (res.body.data.length > limit) throw new Error(`page larger than limit ${limit}`);
    rows.push(...res.body.data);
    cursor = res.body.nextCursor;
    pages += 1;
    if (pages > 10_000) throw new Error("cursor never ended");
  } while (cursor !== null);
  return { rows, pages };
}

/** An account's balance on its normal side, computed from its entries alone. */
export function balanceFromEntries(type: AccountBody["type"], rows: readonly EntryRow[]): number {
  const debitNormal = type === "asset" || type === "expense";
  return rows.reduce((sum, r) => sum + ((r.direction === "debit") === debitNormal ? r.amountPaise : -r.amountPaise), 0);
}
