// The RazorpayX adapter against a local fake of RazorpayX's contract: every HTTP answer lands in
// the outcome the queue consumer expects, and webhooks are verified before they are believed.

import { env } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as hash from "../../src/domain/hash";
import type { TransferRequest } from "../../src/bank/gateway";
import { MAX_PAGES, PAGE_SIZE, RazorpayXGateway, RazorpayXWebhookVerifier, mapPayoutStatus, sanitizeNarration } from "../../src/bank/razorpayx";
import { bankGateway, webhookVerifier } from "../../src/deps";
import { RazorpayXFake } from "../support/razorpayx-fake";

const BASE_URL = "https://razorpayx.fake";
const NOW_MS = Date.parse("2026-11-20T06:00:00Z");

let fake: RazorpayXFake;
let gateway: RazorpayXGateway;

function gatewayFor(f: RazorpayXFake, over: Partial<ConstructorParameters<typeof RazorpayXGateway>[0]> = {}): RazorpayXGateway {
  return new RazorpayXGateway({ baseUrl: BASE_URL, keyId: f.keyId, keySecret: f.keySecret, accountNumber: f.accountNumber, fetch: f.fetch, timeoutMs: 200, ...over });
}

let keyCounter = 0;
function transfer(over: Partial<TransferRequest> = {}): TransferRequest {
  const key = over.idempotencyKey ?? `po_01jd${String(++keyCounter).padStart(18, "0")}`;
  return {
    idempotencyKey: key,
    reference: key,
    amountPaise: 1_250_00,
    currency: "INR",
    account: { accountNumber: "50100012345678", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" },
    narration: "Disburse payout",
    ...over,
  };
}

async function accepted(request: TransferRequest) {
  const outcome = await gateway.createTransfer(request);
  if (outcome.kind !== "accepted") throw new Error(`expected accepted, got ${JSON.stringify(outcome)}`);
  return outcome.transfer;
}

beforeEach(() => {
  fake = new RazorpayXFake();
  gateway = gatewayFor(fake);
});

describe("RazorpayX createTransfer", () => {
  it("posts a composite payout with Basic auth, the idempotency header and the amount in paise", async () => {
    const request = transfer({ amountPaise: 1_250_75 });
    const result = await accepted(request);

    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.method).toBe("POST");
    expect(sent.url.href).toBe(`${BASE_URL}/v1/payouts`);
    expect(sent.headers.get("authorization")).toBe(`Basic ${btoa(`${fake.keyId}:${fake.keySecret}`)}`);
    expect(sent.headers.get("x-payout-idempotency")).toBe(request.idempotencyKey);
    expect(sent.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(sent.body)).toEqual({
      account_number: fake.accountNumber,
      amount: 125075,
      currency: "INR",
      mode: "IMPS",
      purpose: "payout",
      queue_if_low_balance: true,
      reference_id: request.reference,
      narration: "Disburse payout",
      fund_account: {
        account_type: "bank_account",
        bank_account: { name: "Asha Traders", ifsc: "HDFC0001234", account_number: "50100012345678" },
        contact: { name: "Asha Traders", type: "vendor" },
      },
    });
    const [payout] = fake.payouts();
    expect(result).toEqual({ bankReference: payout!.id, idempotencyKey: request.idempotencyKey, status: "pending", amountPaise: 125075, failureCode: undefined, failureReason: undefined });
  });

  it("pays by IMPS up to ₹5 lakh and by NEFT above it", async () => {
    await accepted(transfer({ amountPaise: 50_000_000 }));
    await accepted(transfer({ amountPaise: 50_000_001 }));
    expect(fake.requests.map((r) => JSON.parse(r.body).mode)).toEqual(["IMPS", "NEFT"]);
  });

  it("sends a narration of at most 30 letters, digits and spaces, which the provider accepts", async () => {
    await accepted(transfer({ narration: "Payout #42 — Zomato/Swiggy, week 47 (Nov-2026)!!" }));
    const narration = JSON.parse(fake.requests[0]!.body).narration as string;
    expect(narration).toBe("Payout 42 Zomato Swiggy week 4");
    expect(narration).toMatch(/^[A-Za-z0-9 ]{1,30}$/);
    expect(sanitizeNarration("  ₹ — !! ")).toBe("");
    await accepted(transfer({ narration: "—" }));
    expect(JSON.parse(fake.requests[1]!.body)).not.toHaveProperty("narration");
  });

  it("creates one payout at the provider for two calls with the same idempotency key", async () => {
    const request = transfer();
    const first = await accepted(request);
    const second = await accepted(request);
    expect(second.bankReference).toBe(first.bankReference);
    expect(fake.payouts()).toHaveLength(1);
    expect(fake.requests.map((r) => r.headers.get("x-payout-idempotency"))).toEqual([request.idempotencyKey, request.idempotencyKey]);
  });

  it("answers a replay with the payout's latest state", async () => {
    const request = transfer();
    const first = await accepted(request);
    fake.settle(first.bankReference);
    expect((await accepted(request)).status).toBe("processed");
  });

  it("does not fail a payout for good when its key was already used with another body: one may exist", async () => {
    const request = transfer();
    await accepted(request);
    const outcome = await gateway.createTransfer({ ...request, amountPaise: request.amountPaise + 1 });
    expect(outcome).toMatchObject({ kind: "ambiguous", reason: expect.stringContaining("idempotency") });
    expect(fake.payouts()).toHaveLength(1);
  });

  it("refuses to send a payout whose reference differs from its idempotency key", async () => {
    await expect(gateway.createTransfer({ ...transfer(), reference: "po_other" })).rejects.toThrow(/reference/);
    await expect(gateway.createTransfer(transfer({ idempotencyKey: "a/b" }))).rejects.toThrow(/idempotency key/);
    expect(fake.requests).toHaveLength(0);
  });

  it("retries later on wrong credentials (provider_auth_failed): nothing was created", async () => {
    const request = transfer();
    const outcome = await gatewayFor(fake, { keySecret: "rotated-away" }).createTransfer(request);
    expect(outcome).toMatchObject({ kind: "retry", reason: expect.stringMatching(/^provider_auth_failed: HTTP 401/), retryAfterSeconds: 300 });
    expect(fake.payouts()).toHaveLength(0);
    expect((await accepted(request)).status).toBe("pending");
  });

  it("treats 403 (e.g. IP not allowlisted) like 401", async () => {
    fake.failNext({ kind: "respond", status: 403, body: JSON.stringify({ error: { code: "BAD_REQUEST_ERROR", description: "Access forbidden" } }) });
    expect(await gateway.createTransfer(transfer())).toMatchObject({ kind: "retry", reason: expect.stringMatching(/^provider_auth_failed/) });
  });

  it("retries after the provider's Retry-After when rate limited", async () => {
    fake.failNext({ kind: "rate_limit", retryAfter: "7" });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "retry", reason: "rate limited", retryAfterSeconds: 7 });
    fake.failNext({ kind: "rate_limit", retryAfter: new Date(Date.now() + 60_000).toUTCString() });
    const dated = await gateway.createTransfer(transfer());
    expect(dated.kind === "retry" && dated.retryAfterSeconds).toBeGreaterThanOrEqual(58);
    fake.failNext({ kind: "rate_limit", retryAfter: "soon" });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "retry", reason: "rate limited", retryAfterSeconds: undefined });
    expect(fake.payouts()).toHaveLength(0);
  });

  it.each([500, 502, 503, 504])("calls HTTP %i ambiguous: the payout may exist", async (status) => {
    fake.failNext({ kind: "status", status });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "ambiguous", reason: `HTTP ${status}` });
  });

  it("resolves a 5xx that hid a created payout by asking, then by resending the same key", async () => {
    const request = transfer();
    fake.failNext({ kind: "status_after_commit", status: 502 });
    expect((await gateway.createTransfer(request)).kind).toBe("ambiguous");
    const lookup = await gateway.getTransfer(request.idempotencyKey);
    expect(lookup).toMatchObject({ kind: "found", transfer: { idempotencyKey: request.idempotencyKey, status: "pending" } });
    const resent = await accepted(request);
    expect(lookup.kind === "found" && lookup.transfer.bankReference).toBe(resent.bankReference);
    expect(fake.payouts()).toHaveLength(1);
  });

  it("calls a timeout ambiguous, within the configured time", async () => {
    fake.failNext({ kind: "timeout" });
    const startedMs = Date.now();
    const outcome = await gatewayFor(fake, { timeoutMs: 50 }).createTransfer(transfer());
    expect(outcome).toEqual({ kind: "ambiguous", reason: "timeout after 50 ms" });
    expect(Date.now() - startedMs).toBeLessThan(2_000);
  });

  it("finds the payout a timed-out create made, so it is never sent twice", async () => {
    const request = transfer();
    fake.failNext({ kind: "timeout_after_commit" });
    expect((await gatewayFor(fake, { timeoutMs: 50 }).createTransfer(request)).kind).toBe("ambiguous");
    expect(await gateway.getTransfer(request.idempotencyKey)).toMatchObject({ kind: "found" });
    await accepted(request);
    expect(fake.payouts()).toHaveLength(1);
  });

  it("calls a network error ambiguous", async () => {
    fake.failNext({ kind: "network_error" });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "ambiguous", reason: "network error: TypeError: Network connection lost." });
  });

  it("calls a 200 it cannot read ambiguous, never accepted or rejected", async () => {
    fake.failNext({ kind: "respond", status: 200, body: "<html>proxy</html>" });
    expect(await gateway.createTransfer(transfer())).toMatchObject({ kind: "ambiguous" });
  });

  it("calls a 409 on an idempotent create ambiguous", async () => {
    fake.failNext({ kind: "respond", status: 409, body: JSON.stringify(errorJson("Request is being processed")) });
    expect((await gateway.createTransfer(transfer())).kind).toBe("ambiguous");
  });

  it("rejects a validation error with a code naming the field", async () => {
    const outcome = await gateway.createTransfer(transfer({ account: { accountNumber: "50100012345678", ifsc: "HDFC001234", accountHolderName: "Asha Traders" } }));
    expect(outcome).toEqual({ kind: "rejected", code: "invalid_ifsc", message: "The ifsc must be 11 characters" });
    expect(fake.payouts()).toHaveLength(0);
  });

  it("rejects with the provider's reason when it gives one, for 400 and 422 alike", async () => {
    fake.failNext(
      { kind: "validation", description: "Beneficiary details are invalid", field: "fund_account", reason: "invalid_beneficiary_details" },
      { kind: "respond", status: 422, body: JSON.stringify(errorJson("Payout amount is invalid", "amount")) },
      { kind: "respond", status: 400, body: JSON.stringify(errorJson("Something was wrong")) },
      { kind: "respond", status: 404, body: "" },
    );
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "rejected", code: "invalid_beneficiary_details", message: "Beneficiary details are invalid" });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "rejected", code: "invalid_amount", message: "Payout amount is invalid" });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "rejected", code: "bad_request", message: "Something was wrong" });
    expect(await gateway.createTransfer(transfer())).toEqual({ kind: "rejected", code: "http_404", message: "HTTP 404" });
  });

  it("accepts a payout to an invalid account, which the bank reverses later", async () => {
    const request = transfer({ account: { accountNumber: "50100012340000", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" } });
    const created = await accepted(request);
    expect(created.status).toBe("pending");
    fake.settle(created.bankReference);
    expect(await gateway.getTransfer(request.idempotencyKey)).toMatchObject({
      kind: "found",
      transfer: { status: "reversed", failureCode: "invalid_account", failureReason: "Beneficiary account is invalid" },
    });
  });

  it("reports a closed account as failed with its reason", async () => {
    const request = transfer({ account: { accountNumber: "50100012349999", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" } });
    fake.settle((await accepted(request)).bankReference);
    expect(await gateway.getTransfer(request.idempotencyKey)).toMatchObject({ kind: "found", transfer: { status: "failed", failureCode: "account_closed" } });
  });
});

describe("RazorpayX payout status mapping", () => {
  it.each([
    ["queued", "pending"],
    ["pending", "pending"],
    ["processing", "pending"],
    ["scheduled", "pending"],
    ["a_status_added_next_year", "pending"],
    ["processed", "processed"],
    ["reversed", "reversed"],
    ["cancelled", "failed"],
    ["rejected", "failed"],
    ["failed", "failed"],
  ] as const)("maps %s to %s, through the provider's answer", async (providerStatus, status) => {
    expect(mapPayoutStatus(providerStatus)).toBe(status);
    const request = transfer();
    const created = await accepted(request);
    fake.settle(created.bankReference, providerStatus);
    const lookup = await gateway.getTransfer(request.idempotencyKey);
    expect(lookup).toMatchObject({ kind: "found", transfer: { status } });
  });

  it("takes the failure code from status_details, else failure_reason, else the status", async () => {
    const a = transfer();
    const b = transfer();
    const c = transfer();
    fake.settle((await accepted(a)).bankReference, "failed", { reason: "beneficiary_rejected", description: "Rejected by beneficiary bank" });
    const payoutB = fake.settle((await accepted(b)).bankReference, "reversed");
    payoutB.failure_reason = "account_closed";
    fake.settle((await accepted(c)).bankReference, "rejected");
    expect(await gateway.getTransfer(a.idempotencyKey)).toMatchObject({ transfer: { failureCode: "beneficiary_rejected", failureReason: "Rejected by beneficiary bank" } });
    expect(await gateway.getTransfer(b.idempotencyKey)).toMatchObject({ transfer: { failureCode: "account_closed", failureReason: "account_closed" } });
    expect(await gateway.getTransfer(c.idempotencyKey)).toMatchObject({ transfer: { status: "failed", failureCode: "rejected" } });
  });

  it("gives no failure code to a processed payout", async () => {
    const request = transfer();
    fake.settle((await accepted(request)).bankReference);
    const lookup = await gateway.getTransfer(request.idempotencyKey);
    expect(lookup).toMatchObject({ kind: "found", transfer: { status: "processed", failureCode: undefined } });
  });
});

describe("RazorpayX getTransfer", () => {
  it("finds a payout by reference_id in the list, filtered to our account", async () => {
    const request = transfer();
    const created = await accepted(request);
    const lookup = await gateway.getTransfer(request.idempotencyKey);
    expect(lookup).toEqual({ kind: "found", transfer: created });
    const sent = fake.requests.at(-1)!;
    expect(sent.method).toBe("GET");
    expect(sent.url.pathname).toBe("/v1/payouts");
    expect(sent.url.searchParams.get("reference_id")).toBe(request.idempotencyKey);
    expect(sent.url.searchParams.get("account_number")).toBe(fake.accountNumber);
    expect(sent.headers.get("authorization")).toMatch(/^Basic /);
  });

  it("answers not_found when no payout carries the reference", async () => {
    await accepted(transfer());
    expect(await gateway.getTransfer("po_never_sent")).toEqual({ kind: "not_found" });
  });

  it("checks the reference echoed back, in case the list ignores the filter", async () => {
    fake.ignoreReferenceFilter = true;
    const mine = transfer();
    await accepted(mine);
    await accepted(transfer());
    fake.addPayout({ reference_id: "someone-else" });
    expect(await gateway.getTransfer(mine.idempotencyKey)).toMatchObject({ kind: "found", transfer: { idempotencyKey: mine.idempotencyKey } });
    expect(await gateway.getTransfer("po_never_sent")).toEqual({ kind: "not_found" });
  });

  it("refuses to pick one of two payouts sharing our reference", async () => {
    const request = transfer();
    await accepted(request);
    fake.addPayout({ reference_id: request.idempotencyKey });
    expect(await gateway.getTransfer(request.idempotencyKey)).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("2 payouts") });
  });

  it("is unavailable on 5xx, timeout, network error and bad credentials", async () => {
    fake.failNext({ kind: "status", status: 503 }, { kind: "timeout" }, { kind: "network_error" });
    const quick = gatewayFor(fake, { timeoutMs: 50 });
    expect(await quick.getTransfer("po_x")).toEqual({ kind: "unavailable", reason: "HTTP 503" });
    expect(await quick.getTransfer("po_x")).toEqual({ kind: "unavailable", reason: "timeout after 50 ms" });
    expect(await quick.getTransfer("po_x")).toMatchObject({ kind: "unavailable", reason: expect.stringContaining("Network connection lost") });
    expect(await gatewayFor(fake, { keyId: "wrong" }).getTransfer("po_x")).toEqual({ kind: "unavailable", reason: "HTTP 401" });
  });
});

describe("RazorpayX listTransactions", () => {
  it("pages through the statement 100 lines at a time and maps payouts, returns and credits", async () => {
    const paid = transfer({ amountPaise: 2_000_00 });
    const returned = transfer({ amountPaise: 3_000_00, account: { accountNumber: "50100012340000", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" } });
    const paidPayout = await accepted(paid);
    const returnedPayout = await accepted(returned);
    fake.settle(returnedPayout.bankReference);
    for (let i = 0; i < 247; i++) fake.addCredit(10_000_00);

    const lines = await gateway.listTransactions("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z");

    const pages = fake.requests.filter((r) => r.url.pathname === "/v1/transactions");
    expect(pages.map((r) => r.url.searchParams.get("skip"))).toEqual(["0", "100", "200"]);
    for (const page of pages) {
      expect(page.url.searchParams.get("count")).toBe(String(PAGE_SIZE));
      expect(page.url.searchParams.get("account_number")).toBe(fake.accountNumber);
      expect(page.url.searchParams.get("from")).toBe(String(Date.parse("2026-11-20T00:00:00Z") / 1000));
      expect(page.url.searchParams.get("to")).toBe(String(Date.parse("2026-11-21T00:00:00Z") / 1000));
    }
    expect(lines).toHaveLength(250);
    expect(lines.filter((l) => l.kind === "other")).toHaveLength(247);
    expect(lines.find((l) => l.kind === "payout" && l.bankReference === paidPayout.bankReference)).toEqual({
      kind: "payout",
      direction: "debit",
      // The payout amount, not the debit that also carries fees and tax.
      amountPaise: 2_000_00,
      bankReference: paidPayout.bankReference,
      reference: paid.idempotencyKey,
      currency: "INR",
      at: new Date(NOW_MS).toISOString(),
    });
    expect(lines.find((l) => l.kind === "return")).toEqual({
      kind: "return",
      direction: "credit",
      amountPaise: 3_000_00,
      bankReference: returnedPayout.bankReference,
      reference: returned.idempotencyKey,
      currency: "INR",
      at: new Date(NOW_MS).toISOString(),
    });
    expect(lines.find((l) => l.kind === "other")).toMatchObject({ direction: "credit", amountPaise: 10_000_00, reference: null });
  });

  it("asks for one page when the window holds fewer lines than a page", async () => {
    await accepted(transfer());
    const lines = await gateway.listTransactions("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z");
    expect(lines).toHaveLength(1);
    expect(fake.requests.filter((r) => r.url.pathname === "/v1/transactions")).toHaveLength(1);
  });

  it("leaves out lines outside the window", async () => {
    fake.nowSeconds = Date.parse("2026-11-19T12:00:00Z") / 1000;
    fake.addCredit(1_00);
    fake.nowSeconds = Date.parse("2026-11-20T12:00:00Z") / 1000;
    fake.addCredit(2_00);
    const lines = await gateway.listTransactions("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z");
    expect(lines.map((l) => l.amountPaise)).toEqual([2_00]);
  });

  it("throws rather than return a truncated statement past the page bound", async () => {
    for (let i = 0; i < MAX_PAGES * PAGE_SIZE; i++) fake.addCredit(1_00);
    await expect(gateway.listTransactions("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z")).rejects.toThrow(/smaller window/);
    expect(fake.requests.filter((r) => r.url.pathname === "/v1/transactions")).toHaveLength(MAX_PAGES);
  });

  it("throws when a page fails, so reconciliation never works from half a statement", async () => {
    for (let i = 0; i < 150; i++) fake.addCredit(1_00);
    fake.failNext({ kind: "none" }, { kind: "status", status: 503 });
    await expect(gateway.listTransactions("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z")).rejects.toThrow("RazorpayX transactions: HTTP 503");
    fake.failNext({ kind: "respond", status: 200, body: JSON.stringify({ entity: "collection" }) });
    await expect(gateway.listTransactions("2026-11-20T00:00:00.000Z", "2026-11-21T00:00:00.000Z")).rejects.toThrow(/unreadable page/);
    await expect(gateway.listTransactions("2026-11-21T00:00:00.000Z", "2026-11-20T00:00:00.000Z")).rejects.toThrow(/invalid window/);
  });
});

describe("RazorpayX webhooks", () => {
  let verifier: RazorpayXWebhookVerifier;
  beforeEach(() => {
    verifier = new RazorpayXWebhookVerifier(fake.webhookSecret);
    vi.spyOn(hash, "timingSafeEqual");
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  async function payoutIn(status: string, details: { reason?: string; description?: string } = {}) {
    const request = transfer();
    const created = await accepted(request);
    if (status !== "processing") fake.settle(created.bankReference, status, details);
    return { request, payoutId: created.bankReference };
  }

  it("turns a signed payout.processed into one event keyed by the provider's event id", async () => {
    const { request, payoutId } = await payoutIn("processed");
    const { body, headers } = await fake.webhook(payoutId);
    expect(await verifier.verify(headers, body, NOW_MS)).toEqual({
      ok: true,
      events: [
        {
          eventId: headers.get("x-razorpay-event-id"),
          type: "payout.processed",
          reference: request.idempotencyKey,
          bankReference: payoutId,
          status: "processed",
          failureCode: undefined,
          failureReason: undefined,
        },
      ],
    });
  });

  it.each([
    ["processing", "payout.initiated", "pending"],
    ["queued", "payout.queued", "pending"],
    ["pending", "payout.pending", "pending"],
    ["reversed", "payout.reversed", "reversed"],
    ["failed", "payout.failed", "failed"],
    ["rejected", "payout.rejected", "failed"],
  ] as const)("maps a payout %s (%s) to %s", async (providerStatus, event, status) => {
    const { payoutId } = await payoutIn(providerStatus, { reason: "beneficiary_rejected", description: "Beneficiary bank rejected" });
    const { body, headers } = await fake.webhook(payoutId);
    const check = await verifier.verify(headers, body, NOW_MS);
    expect(check).toMatchObject({ ok: true, events: [{ type: event, status }] });
    if (status === "failed" || status === "reversed") expect(check).toMatchObject({ events: [{ failureCode: "beneficiary_rejected", failureReason: "Beneficiary bank rejected" }] });
  });

  it("maps payout.updated by the payout's status, not the event's name", async () => {
    const { payoutId } = await payoutIn("processed");
    const { body, headers } = await fake.webhook(payoutId, "payout.updated");
    expect(await verifier.verify(headers, body, NOW_MS)).toMatchObject({ ok: true, events: [{ type: "payout.updated", status: "processed" }] });
  });

  it("falls back to payout id, event and status for the event id", async () => {
    const { payoutId } = await payoutIn("reversed");
    const { body, headers } = await fake.webhook(payoutId);
    headers.delete("x-razorpay-event-id");
    expect(await verifier.verify(headers, body, NOW_MS)).toMatchObject({ ok: true, events: [{ eventId: `${payoutId}:payout.reversed:reversed` }] });
  });

  it("rejects a tampered body, a wrong secret, a missing or garbled signature", async () => {
    const { payoutId } = await payoutIn("processed");
    const { body, headers } = await fake.webhook(payoutId);
    const tampered = body.replace(/"amount":\d+/, '"amount":1');
    expect(tampered).not.toBe(body);
    expect(await verifier.verify(headers, tampered, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });

    const forged = await fake.webhook(payoutId, undefined, "not-the-secret");
    expect(await verifier.verify(forged.headers, forged.body, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });

    const unsigned = new Headers(headers);
    unsigned.delete("x-razorpay-signature");
    expect(await verifier.verify(unsigned, body, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });

    const garbled = new Headers(headers);
    garbled.set("x-razorpay-signature", "sha256=" + headers.get("x-razorpay-signature"));
    expect(await verifier.verify(garbled, body, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("compares signatures with the constant-time compare", async () => {
    const { payoutId } = await payoutIn("processed");
    const { body, headers } = await fake.webhook(payoutId);
    const signature = headers.get("x-razorpay-signature")!;
    const wrong = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    headers.set("x-razorpay-signature", wrong);
    expect(await verifier.verify(headers, body, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
    expect(hash.timingSafeEqual).toHaveBeenCalledTimes(1);
    expect(vi.mocked(hash.timingSafeEqual).mock.calls[0]![1]).toBe(wrong);
  });

  it("calls a signed body that is not a payout event malformed", async () => {
    const sign = async (body: string) => new Headers({ "x-razorpay-signature": await hash.hmacSha256Hex(fake.webhookSecret, body) });
    for (const body of ["not json", "[]", JSON.stringify({ event: "payout.processed" }), JSON.stringify({ entity: "event", event: "payout.processed", payload: {} })]) {
      expect(await verifier.verify(await sign(body), body, NOW_MS)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("acknowledges events that are not about payouts, and payouts made outside Disburse, with no events", async () => {
    const other = JSON.stringify({ entity: "event", event: "transaction.created", payload: { transaction: { entity: { id: "txn_1" } } } });
    const headers = new Headers({ "x-razorpay-signature": await hash.hmacSha256Hex(fake.webhookSecret, other) });
    expect(await verifier.verify(headers, other, NOW_MS)).toEqual({ ok: true, events: [] });

    const dashboardPayout = fake.addPayout({ reference_id: null, status: "processed" });
    const webhook = await fake.webhook(dashboardPayout.id);
    expect(await verifier.verify(webhook.headers, webhook.body, NOW_MS)).toEqual({ ok: true, events: [] });
  });
});

describe("RazorpayX configuration", () => {
  const configured = {
    ...env,
    BANK_PROVIDER: "razorpayx",
    RAZORPAYX_KEY_ID: "rzp_test_key",
    RAZORPAYX_KEY_SECRET: "secret",
    RAZORPAYX_ACCOUNT_NUMBER: "7878780080316316",
  };

  it("selects the RazorpayX gateway when BANK_PROVIDER is razorpayx", () => {
    expect(bankGateway(configured).provider).toBe("razorpayx");
  });

  it("names every missing secret instead of failing later at the bank", () => {
    const { RAZORPAYX_KEY_SECRET: _secret, RAZORPAYX_ACCOUNT_NUMBER: _account, ...missing } = configured;
    expect(() => bankGateway(missing)).toThrow("RAZORPAYX_KEY_SECRET, RAZORPAYX_ACCOUNT_NUMBER are not set");
  });

  it("verifies razorpayx webhooks only when the webhook secret is configured", () => {
    expect(webhookVerifier({ ...configured, RAZORPAYX_WEBHOOK_SECRET: undefined }, "razorpayx")).toBeNull();
    expect(webhookVerifier({ ...configured, RAZORPAYX_WEBHOOK_SECRET: "whsec" }, "razorpayx")).toBeInstanceOf(RazorpayXWebhookVerifier);
  });
});

function errorJson(description: string, field: string | null = null) {
  return { error: { code: "BAD_REQUEST_ERROR", description, source: "NA", step: "NA", reason: "NA", metadata: {}, field } };
}
