// What the browser tests need besides the browser: the Worker's HTTP API as an integration calls
// it, and the notification sink that stands in for the checkers' inbox (see global-setup.ts).

import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, onTestFinished } from "vitest";
import { TEST_ACTORS, type TestActor } from "../support/actors.ts";

const REQUEST_TIMEOUT_MS = 15_000;
const NOTIFICATION_TIMEOUT_MS = 20_000;
const NOTIFICATION_POLL_MS = 100;

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export async function api<T = any>(actor: TestActor, method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { authorization: `Bearer ${TEST_ACTORS[actor].token}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    return { status: res.status, body: text as T };
  }
}

async function expectStatus<T = any>(expected: number, response: Promise<ApiResponse<T>>, what: string): Promise<T> {
  const res = await response;
  if (res.status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

let counter = 0;
/** Unique-enough name, so tests sharing one database never collide. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/**
 * A payee's requested bank details approved by a second person (a checker), then verified with
 * the bank returning `bankAccountName`. The local stack runs without a cooling-off.
 */
export async function approveAndVerify(payeeId: string, changeId: string, bankAccountName: string) {
  await expectStatus(200, api("checker", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/approve`, { note: "confirmed with the payee" }), "approve bank details");
  await expectStatus(200, api("admin", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName }), "verify payee");
}

/** A seller with verified bank details: created by an admin, approved by a checker, verified. */
export async function verifiedSeller(displayName: string): Promise<{ id: string; displayName: string }> {
  const payee = await expectStatus(
    201,
    api("admin", "POST", "/v1/payees", {
      type: "seller",
      displayName,
      bankDetails: { accountNumber: String(100_000_000_000 + Math.floor(Math.random() * 1e9)), ifsc: "HDFC0001234", accountHolderName: displayName },
    }),
    "create payee",
  );
  await approveAndVerify(payee.id, payee.pendingBankDetailsChangeId, displayName);
  return payee;
}

/** One order settled by the marketplace; the seller is owed gross − platform fee. */
export async function settleOrder(cycleId: string, sellerPayeeId: string, grossAmountPaise: number, platformFeePaise: number): Promise<void> {
  const breakdown = {
    orderId: unique("ORD"),
    cycleId,
    sellerPayeeId,
    deliveryPartnerPayeeId: null,
    grossAmountPaise,
    platformFeePaise,
    discountPaise: 0,
    voucherPaise: 0,
    walletAmountPaise: 0,
    deliveryFeePaise: 0,
  };
  const amountCollectedPaise =
    breakdown.grossAmountPaise + breakdown.deliveryFeePaise - breakdown.discountPaise - breakdown.voucherPaise - breakdown.walletAmountPaise;
  await expectStatus(201, api("system", "POST", "/v1/settlements", { ...breakdown, amountCollectedPaise }), "post settlement");
}

/** The maker creates the cycle's batch and submits it, which sends the checkers their links. */
export async function submittedBatch(
  cycleId: string,
): Promise<{ id: string; fingerprint: string; totalPaise: number; itemCount: number; requiredApprovals: number }> {
  const draft = await expectStatus(201, api("maker", "POST", "/v1/batches", { cycleId }), "create batch");
  return expectStatus(200, api("maker", "POST", `/v1/batches/${draft.id}/submit`), "submit batch");
}

const PAYOUT_WAIT_MS = 30_000;
const PAYOUT_POLL_MS = 250;

/** Polls the API until the batch's newest payout is in `status`; bounded. */
export async function payoutOfBatch(batchId: string, status: string): Promise<{ id: string; status: string; failureCode: string | null; bankReference: string | null }> {
  const deadline = Date.now() + PAYOUT_WAIT_MS;
  let seen: unknown = null;
  while (Date.now() < deadline) {
    const res = await api("auditor", "GET", `/v1/payouts?batchId=${batchId}`);
    seen = res.body;
    const [newest] = res.body.data ?? [];
    if (newest?.status === status) return newest;
    await new Promise((done) => setTimeout(done, PAYOUT_POLL_MS));
  }
  throw new Error(`batch ${batchId}'s payout did not become ${status} within ${PAYOUT_WAIT_MS} ms; last seen ${JSON.stringify(seen)}`);
}

export async function getBatch(batchId: string) {
  return expectStatus(200, api("auditor", "GET", `/v1/batches/${batchId}`), "read batch");
}

export interface ApprovalRequest {
  type: "batch.approval_requested";
  checker: { actorId: string };
  approvalUrl: string;
  batch: { id: string; cycleId: string; makerId: string; itemCount: number; totalPaise: number; requiredApprovals: number };
}

/** Waits until the sink has received the approval request for this batch and checker. */
export async function approvalRequestFor(batchId: string, checkerId: string): Promise<ApprovalRequest> {
  const deadline = Date.now() + NOTIFICATION_TIMEOUT_MS;
  let received: ApprovalRequest[] = [];
  while (Date.now() < deadline) {
    const res = await fetch(`${inject("sinkUrl")}/messages`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    // The sink keeps event bodies ({ type, data, … }); an approval request's content is its data.
    received = ((await res.json()) as Array<{ type: string; data: Omit<ApprovalRequest, "type"> }>).map((m) => ({ ...m.data, type: m.type }) as ApprovalRequest);
    const found = received.find((m) => m.type === "batch.approval_requested" && m.batch?.id === batchId && m.checker?.actorId === checkerId);
    if (found) return found;
    await new Promise((done) => setTimeout(done, NOTIFICATION_POLL_MS));
  }
  const seen = received.map((m) => `${m.type} batch=${m.batch?.id} checker=${m.checker?.actorId}`);
  throw new Error(`no approval request for batch ${batchId} and ${checkerId} within ${NOTIFICATION_TIMEOUT_MS} ms; the sink has: ${JSON.stringify(seen)}`);
}

/**
 * The page is no wider than the viewport (tables scroll inside their cards instead); on failure,
 * names the first elements that stick out. Runs in the page, so it is a string: no DOM types here.
 */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const widths = (await page.evaluate(`(() => {
    const viewport = window.innerWidth;
    const culprits = [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > viewport + 0.5 && !el.closest(".scroll"))
      .slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + "." + el.className);
    return { page: document.documentElement.scrollWidth, viewport, culprits };
  })()`)) as { page: number; viewport: number; culprits: string[] };
  expect(widths.page, `page is ${widths.page}px wide in a ${widths.viewport}px viewport: ${widths.culprits.join(", ")}`).toBeLessThanOrEqual(widths.viewport);
}

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const LAPTOP = { width: 1366, height: 768 };

/**
 * Launches Debian's Chromium for the calling test file (headless, no network of its own) and
 * returns `newPage`: a page in a fresh profile, with its own cookies, closed after the test.
 */
export function useChromium(): () => Promise<Page> {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      timeout: 60_000,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    onTestFinished(() => context.close());
    return context.newPage();
  };
}
