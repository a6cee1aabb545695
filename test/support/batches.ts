// Helpers for payout batches and approvals: settle orders, make and submit batches, read the
// approval links, notifications and audit trail a batch leaves behind.

import { env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { signApprovalToken } from "../../src/domain/approval-token";
import { LEGACY_KEY_ID } from "../../src/domain/signing-keys";
import type { TestActor } from "./actors";
import { api, type ApiResponse, createPayee, settlementFor, unique } from "./api";

/** The approval-link secret vitest.config.mts binds for tests. */
export const TEST_APPROVAL_SECRET = "test-approval-link-secret-not-for-production";
/** TWO_CHECKER_THRESHOLD_PAISE from wrangler.toml. */
export const TWO_CHECKER_THRESHOLD_PAISE = 10_000_000;
/** Every actor configured with the checker role, in API_TOKENS order. */
export const CHECKER_IDS = ["checker-chen", "checker-carla", "dual-dev", "omni-olga"] as const;

export const newCycle = () => unique("cyc");

export function expectError(res: ApiResponse, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

export function expectStatus(res: ApiResponse, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
}

/** Posts one order's settlement as the marketplace would; returns the settlement body. */
export async function settle(sellerPayeeId: string, cycleId: string, over: Record<string, unknown> = {}) {
  const res = await api("system", "POST", "/v1/settlements", settlementFor(sellerPayeeId, cycleId, over));
  if (res.status !== 201) throw new Error(`settle failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { orderId: string } & Record<string, unknown>;
}

/** Posts a manual journal transaction as admin, tagged with a cycle. */
export async function postManual(cycleId: string, entries: Array<{ accountId: string; direction: "debit" | "credit"; amountPaise: number }>) {
  const res = await api("admin", "POST", "/v1/ledger/transactions", {
    externalRef: unique("manual"),
    description: "Manual adjustment in a test",
    cycleId,
    entries: entries.map((e) => ({ ...e, currency: "INR" })),
  });
  if (res.status !== 201) throw new Error(`manual transaction failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const createBatch = (actor: TestActor, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(actor, "POST", "/v1/batches", body, headers);
export const getBatch = (id: string) => api("auditor", "GET", `/v1/batches/${id}`);
export const submitBatch = (actor: TestActor, id: string) => api(actor, "POST", `/v1/batches/${id}/submit`);
export const reconcileBatch = (actor: TestActor, id: string) => api(actor, "POST", `/v1/batches/${id}/reconcile`);
export const excludeItem = (actor: TestActor, id: string, itemId: string, reason: string) =>
  api(actor, "POST", `/v1/batches/${id}/items/${itemId}/exclude`, { reason });
export const cancelBatch = (actor: TestActor, id: string, reason = "made by mistake") => api(actor, "POST", `/v1/batches/${id}/cancel`, { reason });
export const approve = (actor: TestActor, id: string, fingerprint: string) => api(actor, "POST", `/v1/batches/${id}/approve`, { fingerprint });
export const reject = (actor: TestActor, id: string, fingerprint: string, reason = "amounts look wrong") =>
  api(actor, "POST", `/v1/batches/${id}/reject`, { fingerprint, reason });

export interface PreparedBatch {
  cycleId: string;
  sellerIds: string[];
  batch: any;
}

/**
 * A fresh cycle with `sellers` verified sellers, one order each of `grossAmountPaise`, and a
 * draft batch over all of them made by `maker`.
 */
export async function draftBatch(opts: { maker?: TestActor; sellers?: number; grossAmountPaise?: number } = {}): Promise<PreparedBatch> {
  const cycleId = newCycle();
  const sellerIds: string[] = [];
  for (let i = 0; i < (opts.sellers ?? 1); i++) {
    const seller = await createPayee("seller");
    await settle(seller.id, cycleId, opts.grossAmountPaise ? { grossAmountPaise: opts.grossAmountPaise } : {});
    sellerIds.push(seller.id);
  }
  const res = await createBatch(opts.maker ?? "maker", { cycleId });
  if (res.status !== 201) throw new Error(`create batch failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { cycleId, sellerIds, batch: res.body };
}

/** Like draftBatch, then submitted by its maker: pending approval with a fingerprint. */
export async function submittedBatch(opts: { maker?: TestActor; sellers?: number; grossAmountPaise?: number } = {}): Promise<PreparedBatch> {
  const prepared = await draftBatch(opts);
  const res = await submitBatch(opts.maker ?? "maker", prepared.batch.id);
  if (res.status !== 200) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...prepared, batch: res.body };
}

export interface AuditEventBody {
  id: number;
  actorId: string;
  action: string;
  details: any;
}

/** A batch's audit trail, oldest first. */
export async function batchAudit(batchId: string): Promise<AuditEventBody[]> {
  const res = await api("auditor", "GET", `/v1/audit-events?subjectType=batch&subjectId=${batchId}&limit=100`);
  if (res.status !== 200) throw new Error(`audit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return [...res.body.data].reverse();
}
export const auditActions = async (batchId: string) => (await batchAudit(batchId)).map((e) => e.action);

export interface LinkRow {
  id: string;
  batch_id: string;
  checker_id: string;
  fingerprint: string;
  expires_at: string;
  used_at: string | null;
}

export async function linksFor(batchId: string): Promise<LinkRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM approval_links WHERE batch_id = ? ORDER BY checker_id").bind(batchId).all<LinkRow>();
  return results;
}

export async function linkFor(batchId: string, checkerId: string): Promise<LinkRow> {
  const link = (await linksFor(batchId)).find((l) => l.checker_id === checkerId);
  if (!link) throw new Error(`no approval link for ${checkerId} on ${batchId}`);
  return link;
}

export interface EventRow {
  id: string;
  type: string;
  subject_id: string;
  sequence: number;
  data: string;
}

/** The outbox's events about a batch: its own, and its tickets' (whose data names the batch). */
export async function eventsAbout(batchId: string): Promise<EventRow[]> {
  const { results } = await env.DB.prepare("SELECT * FROM events WHERE subject_id = ? OR json_extract(data, '$.batchId') = ? ORDER BY seq")
    .bind(batchId, batchId)
    .all<EventRow>();
  return results;
}

/** The batch's approval requests, one per checker, as the outbox holds them (no token in them). */
export const approvalRequestsFor = async (batchId: string) => (await eventsAbout(batchId)).filter((e) => e.type === "batch.approval_requested");

/** A signed token for a link, as the notifier would put in the approval URL; claims may be overridden. */
export async function tokenFor(
  link: LinkRow,
  over: Partial<{ linkId: string; batchId: string; checkerId: string; fingerprint: string; expiresAtMs: number }> = {},
  secret = TEST_APPROVAL_SECRET,
): Promise<string> {
  return signApprovalToken(
    {
      linkId: link.id,
      batchId: link.batch_id,
      checkerId: link.checker_id,
      fingerprint: link.fingerprint,
      expiresAtMs: Date.parse(link.expires_at),
      ...over,
    },
    { id: LEGACY_KEY_ID, secret },
  );
}

// ---- approval pages, driven as a browser would ----

export interface PageResponse {
  status: number;
  html: string;
  headers: Headers;
  /** The CSRF cookie's value, when the page set one. */
  csrfCookie: string | null;
  /** The hidden csrf field of the page's forms, when it has them. */
  csrfField: string | null;
}

async function page(res: Response): Promise<PageResponse> {
  const html = await res.text();
  const cookie = /(?:^|,\s*)disburse_csrf=([^;,\s]+)/.exec(res.headers.get("set-cookie") ?? "");
  const field = /name="csrf" value="([^"]+)"/.exec(html);
  return { status: res.status, html, headers: res.headers, csrfCookie: cookie?.[1] ?? null, csrfField: field?.[1] ?? null };
}

export const openLink = async (token: string) => page(await SELF.fetch(`https://disburse.test/approvals/${token}`));

export async function postLink(
  token: string,
  fields: Record<string, string>,
  opts: { csrfCookie?: string | null; origin?: string } = {},
): Promise<PageResponse> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (opts.csrfCookie) headers.cookie = `disburse_csrf=${opts.csrfCookie}`;
  if (opts.origin) headers.origin = opts.origin;
  return page(await SELF.fetch(`https://disburse.test/approvals/${token}`, { method: "POST", headers, body: new URLSearchParams(fields).toString() }));
}

/** Opens the link and presses a button on the page, with the cookie and csrf field the page gave. */
export async function decideByLink(token: string, action: "approve" | "reject", reason?: string): Promise<PageResponse> {
  const opened = await openLink(token);
  if (opened.status !== 200 || !opened.csrfField || !opened.csrfCookie) throw new Error(`link did not open: ${opened.status} ${opened.html.slice(0, 300)}`);
  return postLink(token, { csrf: opened.csrfField, action, ...(reason === undefined ? {} : { reason }) }, { csrfCookie: opened.csrfCookie });
}

/**
 * An approved batch is released for execution right after the approval that completes it, so a
 * later read may already find it executing (or done): all of these mean "approved".
 */
export const APPROVED_OR_LATER = ["approved", "executing", "completed"] as const;
export function expectApprovedStatus(status: string) {
  expect(APPROVED_OR_LATER).toContain(status);
}
