// Execution failure modes, each checked against the simulated bank's record of money moved
// and the ledger, not only the payout's status.

import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../src/domain/hash";
import { pollAndRedrive } from "../../src/services/polling";
import { handleDeadLetterBatch } from "../../src/cloudflare/dead-letter-queue";
import { type CrashPoint, InjectedCrash } from "../../src/sim/chaos";
import worker from "../../src/index";
import { api, approveBankChange } from "../support/api";
import {
  approvedBatch,
  bank,
  bankCredits,
  bankDebits,
  configureBank,
  consume,
  createCalls,
  openExceptions,
  payout,
  payoutPostings,
  releaseByHand,
  tickBank,
} from "../support/execution";
import { servicesFor } from "../../src/deps";
import { pollingSettings } from "../../src/config";

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
});

async function onePayout(opts: { accountNumbers?: string[] } = {}) {
  const { batch, payees } = await approvedBatch(opts);
  const [p] = await releaseByHand(batch);
  expect(p.status).toBe("queued");
  return { batch, payee: payees[0], payoutId: p.id as string, amountPaise: p.amountPaise as number };
}

async function payableBalance(payeeId: string) {
  return (await api("auditor", "GET", `/v1/ledger/accounts/payee:${payeeId}:payable`)).body.balancePaise as number;
}

async function signedWebhook(body: unknown) {
  const raw = JSON.stringify(body);
  const t = Math.floor(Date.now() / 1000);
  const sig = await hmacSha256Hex("test-simbank-webhook-secret", `${t}.${raw}`);
  return api(null, "POST", "/v1/webhooks/bank/simulated", raw, { "x-simbank-signature": `t=${t},v1=${sig}` });
}

describe("the happy path", () => {
  it("pays an approved payout exactly once and settles the ledger two-phase", async () => {
    const { payee, payoutId, amountPaise } = await onePayout();
    expect(await payableBalance(payee.id)).toBe(0); // reserved: payable → in transit
    expect(await consume({ type: "transfer", payoutId })).toEqual({ action: "ack" });
    const { payout: p, events } = await payout(payoutId);
    expect(p.status).toBe("processed");
    expect(p.bankReference).toMatch(/^SIMUTR/);
    expect(await bankDebits(payoutId)).toBe(1);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
    expect(await payableBalance(payee.id)).toBe(0);
    expect(events.map((e) => e.kind)).toEqual(["created", "state_change", "bank_call", "state_change"]);
    // Each posting is named on the event of the move that made it, in the same atomic batch.
    const postings = events.filter((e) => e.details.transactionId).map((e) => [e.kind, e.toStatus, e.details.posting]);
    expect(postings).toEqual([
      ["created", "created", "reserve"],
      ["state_change", "processed", "settle"],
    ]);
    expect(amountPaise).toBeGreaterThan(0);
  });

  it("completes the batch once every payout is final", async () => {
    const { batch, payoutId } = await onePayout();
    await consume({ type: "transfer", payoutId });
    await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now());
    expect((await api("auditor", "GET", `/v1/batches/${batch.id}`)).body.status).toBe("completed");
  });
});

describe("duplicates", () => {
  it("makes one payout from duplicate release messages", async () => {
    const { batch, payees } = await approvedBatch();
    const item = batch.items[0];
    const message = { type: "release" as const, batchId: batch.id, itemId: item.id, payeeId: payees[0].id };
    await Promise.all([consume(message), consume(message), consume(message)]);
    await consume(message);
    const list = await api("auditor", "GET", `/v1/payouts?batchId=${batch.id}`);
    expect(list.body.data).toHaveLength(1);
  });

  it("moves money once for redelivered and concurrent duplicate transfer messages", async () => {
    const { payoutId } = await onePayout();
    await Promise.all([consume({ type: "transfer", payoutId }), consume({ type: "transfer", payoutId }), consume({ type: "transfer", payoutId })]);
    await consume({ type: "transfer", payoutId });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await bankDebits(payoutId)).toBe(1);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
  });
});

describe("ambiguous bank outcomes", () => {
  it("never pays twice when the bank times out after moving the money", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["timeout_after_commit"] } });
    const first = await consume({ type: "transfer", payoutId });
    expect(first.action).toBe("retry");
    expect((await payout(payoutId)).payout.status).toBe("unknown");
    expect(await bankDebits(payoutId)).toBe(1);
    // Redelivery asks the bank first, finds the transfer, and does not resend.
    expect(await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 })).toEqual({ action: "ack" });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await createCalls(payoutId)).toBe(1);
    expect(await bankDebits(payoutId)).toBe(1);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
  });

  it("treats a 5xx after the money moved like a timeout", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["server_error_after_commit"] } });
    expect((await consume({ type: "transfer", payoutId })).action).toBe("retry");
    await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await bankDebits(payoutId)).toBe(1);
    expect(await createCalls(payoutId)).toBe(1);
  });

  it("resubmits with the same key after a 5xx only once the bank confirms it has nothing", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["server_error"] } });
    const first = await consume({ type: "transfer", payoutId });
    expect(first.action).toBe("retry");
    expect(await bankDebits(payoutId)).toBe(0);
    await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 });
    const { payout: p, events } = await payout(payoutId);
    expect(p.status).toBe("processed");
    expect(p.attempts).toBe(2);
    expect(events.filter((e) => e.kind === "state_change").map((e) => e.toStatus)).toEqual(["queued", "unknown", "processed"]);
    expect(await bankDebits(payoutId)).toBe(1);
  });

  it("backs off on a rate limit and succeeds later", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["rate_limit", "rate_limit"] } });
    const first = await consume({ type: "transfer", payoutId }, { deliveryAttempt: 1 });
    expect(first).toMatchObject({ action: "retry" });
    expect((first as { delaySeconds: number }).delaySeconds).toBeGreaterThanOrEqual(2);
    const second = await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 });
    expect(second.action).toBe("retry");
    expect((await payout(payoutId)).payout.status).toBe("queued");
    await consume({ type: "transfer", payoutId }, { deliveryAttempt: 3 });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await bankDebits(payoutId)).toBe(1);
  });
});

describe("a slow bank", () => {
  it("waits out a slow bank call and pays once", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["latency"] } });
    const started = Date.now();
    expect(await consume({ type: "transfer", payoutId })).toEqual({ action: "ack" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await bankDebits(payoutId)).toBe(1);
  });
});

describe("permanent failures", () => {
  it("fails at once for an invalid account, voids the reservation and raises an exception", async () => {
    const { payee, payoutId, amountPaise } = await onePayout({ accountNumbers: ["123456780000"] });
    expect(await consume({ type: "transfer", payoutId })).toEqual({ action: "ack" });
    const { payout: p } = await payout(payoutId);
    expect(p.status).toBe("failed");
    expect(p.failureCode).toBe("invalid_account");
    expect(await bankDebits(payoutId)).toBe(0);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "void"]);
    expect(await payableBalance(payee.id)).toBe(amountPaise); // owed again, payable later
    expect(await openExceptions(payoutId)).toEqual(["invalid_bank_details"]);
  });

  it("fails a transfer the bank accepts and then fails (account closed)", async () => {
    const { payoutId } = await onePayout({ accountNumbers: ["123456789999"] });
    await consume({ type: "transfer", payoutId });
    expect((await payout(payoutId)).payout.status).toBe("failed");
    expect(await bankDebits(payoutId)).toBe(0);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "void"]);
  });
});

describe("webhooks and polling", () => {
  it("applies a webhook that arrives before the consumer records the bank's answer", async () => {
    const { payoutId } = await onePayout();
    await expect(consume({ type: "transfer", payoutId }, { crashAt: "after_bank_call" })).rejects.toBeInstanceOf(InjectedCrash);
    await tickBank(); // the webhook lands first
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 })).toEqual({ action: "ack" });
    expect(await bankDebits(payoutId)).toBe(1);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
  });

  it("treats a webhook after the API response as already applied", async () => {
    const { payoutId } = await onePayout();
    await consume({ type: "transfer", payoutId });
    await tickBank();
    const rows = await env.DB.prepare("SELECT outcome FROM bank_webhook_events WHERE payout_id = ?").bind(payoutId).all<{ outcome: string }>();
    expect(rows.results.map((r) => r.outcome)).toEqual(["already_applied"]);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
    // The webhook still shows on the timeline, with what it did.
    const webhookEvents = (await payout(payoutId)).events.filter((e) => e.kind === "webhook");
    expect(webhookEvents.map((e) => e.details.outcome)).toEqual(["already_applied"]);
  });

  it("resolves an unknown payout from a webhook instead of the API response", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["timeout_after_commit"] } });
    await consume({ type: "transfer", payoutId });
    expect((await payout(payoutId)).payout.status).toBe("unknown");
    await tickBank();
    const { payout: settled, events } = await payout(payoutId);
    expect(settled.status).toBe("processed");
    // The webhook that moved it is that state change on the timeline, named by its event id.
    const rows = await env.DB.prepare("SELECT event_id, outcome FROM bank_webhook_events WHERE payout_id = ?").bind(payoutId).all<{ event_id: string; outcome: string }>();
    expect(rows.results.map((r) => r.outcome)).toEqual(["applied"]);
    const moved = events.filter((e) => e.kind === "state_change" && e.toStatus === "processed");
    expect(moved.map((e) => [e.details.cause, e.details.eventId, e.details.posting])).toEqual([["webhook", rows.results[0]!.event_id, "settle"]]);
    expect(events.filter((e) => e.kind === "webhook")).toEqual([]);
    expect(await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 })).toEqual({ action: "ack" });
    expect(await createCalls(payoutId)).toBe(1);
  });

  it("deduplicates a duplicated webhook by event id", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["timeout_after_commit"] }, webhookScript: { [payoutId]: ["duplicate"] } });
    await consume({ type: "transfer", payoutId });
    await tickBank();
    const rows = await env.DB.prepare("SELECT outcome FROM bank_webhook_events WHERE payout_id = ?").bind(payoutId).all<{ outcome: string }>();
    expect(rows.results.map((r) => r.outcome)).toEqual(["applied"]);
    const state = await bank("/admin/state");
    const bankReference = (await payout(payoutId)).payout.bankReference;
    const delivered = state.webhooks.filter((w: any) => w.event_id.includes(bankReference) && w.delivered_at !== null);
    expect(delivered).toHaveLength(2);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
  });

  it("applies out-of-order webhooks without moving backwards", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["timeout_after_commit"] }, webhookScript: { [payoutId]: ["lost"] } });
    await consume({ type: "transfer", payoutId });
    const transfer = { idempotencyKey: payoutId, bankReference: `REF-${payoutId}`, amountPaise: 1, currency: "INR", failureCode: null };
    const reversed = await signedWebhook({ eventId: `e-rev-${payoutId}`, type: "transfer.reversed", transfer: { ...transfer, status: "reversed" } });
    expect(reversed.status).toBe(200);
    const processed = await signedWebhook({ eventId: `e-ok-${payoutId}`, type: "transfer.processed", transfer: { ...transfer, status: "processed" } });
    expect(processed.body.results[0].outcome).toBe("ignored");
    const { payout: p, events } = await payout(payoutId);
    expect(p.status).toBe("reversed");
    expect(events.some((e) => e.kind === "ignored_event" && e.fromStatus === "reversed" && e.toStatus === "processed")).toBe(true);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "return", "settle"]);
  });

  it("recovers a lost webhook by polling", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ processingDelayMs: 60_000, webhookScript: { [payoutId]: ["lost"] } });
    try {
      await consume({ type: "transfer", payoutId });
      expect((await payout(payoutId)).payout.status).toBe("processing");
      await tickBank(61_000); // the bank settles; its webhook is lost
      expect(await bankDebits(payoutId)).toBe(1);
      expect((await payout(payoutId)).payout.status).toBe("processing");
      const summary = await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now() + 10 * 60_000);
      expect(summary.resolved).toBeGreaterThanOrEqual(1);
      const { payout: p, events } = await payout(payoutId);
      expect(p.status).toBe("processed");
      expect(events.some((e) => e.kind === "poll")).toBe(true);
      expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
    } finally {
      await configureBank({ processingDelayMs: 0 });
    }
  });

  it("reverses the posting and raises an exception when the bank returns a paid payout", async () => {
    const { payee, payoutId, amountPaise } = await onePayout();
    await consume({ type: "transfer", payoutId });
    await tickBank();
    await bank(`/admin/transfers/${payoutId}/reverse`, {});
    await tickBank();
    expect((await payout(payoutId)).payout.status).toBe("reversed");
    expect(await bankCredits(payoutId)).toBe(1);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "return", "settle"]);
    expect(await payableBalance(payee.id)).toBe(amountPaise);
    expect(await openExceptions(payoutId)).toEqual(["payout_reversed"]);
  });

  it("refuses a webhook with a bad signature and changes nothing", async () => {
    const { payoutId } = await onePayout();
    const raw = JSON.stringify({ eventId: "forged", type: "transfer.processed", transfer: { idempotencyKey: payoutId, status: "processed", bankReference: "X" } });
    const t = Math.floor(Date.now() / 1000);
    const res = await api(null, "POST", "/v1/webhooks/bank/simulated", raw, { "x-simbank-signature": `t=${t},v1=${"0".repeat(64)}` });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("invalid_signature");
    expect((await payout(payoutId)).payout.status).toBe("queued");
    const stale = await hmacSha256Hex("test-simbank-webhook-secret", `${t - 3600}.${raw}`);
    const old = await api(null, "POST", "/v1/webhooks/bank/simulated", raw, { "x-simbank-signature": `t=${t - 3600},v1=${stale}` });
    expect(old.status).toBe(401);
    expect((await payout(payoutId)).payout.status).toBe("queued");
  });
});

describe("crash recovery", () => {
  const points: CrashPoint[] = ["after_load", "after_attempt_recorded", "after_bank_call"];
  it.each(points)("recovers from a consumer crash %s and pays exactly once", async (point) => {
    const { payoutId } = await onePayout();
    await expect(consume({ type: "transfer", payoutId }, { crashAt: point })).rejects.toBeInstanceOf(InjectedCrash);
    await consume({ type: "transfer", payoutId }, { deliveryAttempt: 2 });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await bankDebits(payoutId)).toBe(1);
    expect(await createCalls(payoutId)).toBe(1);
    expect(await payoutPostings(payoutId)).toEqual(["reserve", "settle"]);
  });

  it("recovers from a crash after the status check on a redelivery", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["timeout_after_commit"] } });
    await consume({ type: "transfer", payoutId });
    await expect(consume({ type: "transfer", payoutId }, { crashAt: "after_status_check" })).rejects.toBeInstanceOf(InjectedCrash);
    await consume({ type: "transfer", payoutId }, { deliveryAttempt: 3 });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await createCalls(payoutId)).toBe(1);
  });

  it("re-drives a payout that was reserved but never enqueued", async () => {
    const { payoutId } = await onePayout();
    // Put it back to the state a crash between the reservation and the enqueue leaves behind.
    await env.DB.prepare("UPDATE payouts SET status = 'created', created_at = ? WHERE id = ?").bind(new Date(Date.now() - 120_000).toISOString(), payoutId).run();
    const summary = await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now());
    expect(summary.redriven).toBeGreaterThanOrEqual(1);
    await consume({ type: "transfer", payoutId });
    expect((await payout(payoutId)).payout.status).toBe("processed");
    expect(await bankDebits(payoutId)).toBe(1);
  });
});

describe("dead letters and stuck payouts", () => {
  it("turns a dead-lettered transfer into an exception without failing it blindly", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ script: { [payoutId]: ["timeout_after_commit"] } });
    await consume({ type: "transfer", payoutId });
    const batch = createMessageBatch("disburse-transfers-dlq", [{ id: "m1", timestamp: new Date(), attempts: 1, body: { type: "transfer", payoutId } }]);
    await handleDeadLetterBatch(batch, env);
    expect((await payout(payoutId)).payout.status).toBe("unknown");
    expect(await openExceptions(payoutId)).toEqual(["transfer_dead_lettered"]);
    await handleDeadLetterBatch(batch, env);
    expect(await openExceptions(payoutId)).toEqual(["transfer_dead_lettered"]); // one ticket, not two
  });

  it("raises one exception for a payout unresolved past the polling horizon", async () => {
    const { payoutId } = await onePayout();
    await configureBank({ processingDelayMs: 10 * 86_400_000, webhookScript: { [payoutId]: ["lost"] } });
    try {
      await consume({ type: "transfer", payoutId });
      expect((await payout(payoutId)).payout.status).toBe("processing");
      await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now() + 2 * 86_400_000);
      await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now() + 2 * 86_400_000);
      expect(await openExceptions(payoutId)).toEqual(["payout_stuck"]);
    } finally {
      await configureBank({ processingDelayMs: 0 });
    }
  });
});

describe("the payee gate", () => {
  it("refuses to create a payout when bank details changed after approval", async () => {
    const { batch, payees } = await approvedBatch();
    const patched = await api("admin", "PATCH", `/v1/payees/${payees[0].id}`, { bankDetails: { accountNumber: "555566667777", ifsc: "ICIC0001111", accountHolderName: "New" } });
    const list = await releaseByHand(batch);
    expect(list).toHaveLength(0);
    const item = (await api("auditor", "GET", `/v1/batches/${batch.id}`)).body.items[0];
    expect(await openExceptions(item.id)).toEqual(["invalid_bank_details"]);

    // Once a second person approved the new details, their cooling-off ran out and they are verified, resolving the ticket pays them, once.
    await approveBankChange(payees[0].id, patched.body.pendingBankDetailsChangeId, { verifyAs: "New" });
    const ticket = (await api("admin", "GET", `/v1/exceptions?status=open&cause=invalid_bank_details`)).body.data.find((e: any) => e.itemId === item.id);
    const resolved = await api("admin", "POST", `/v1/exceptions/${ticket.id}/status`, { status: "resolved", note: "New account confirmed with the seller." });
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body.retryResult).toMatchObject({ kind: "released", outcome: "created" });
    const retried = resolved.body.retryResult.payoutId as string;
    expect((await payout(retried)).payout.bankAccount).toMatchObject({ accountNumberMasked: "XXXXXXXX7777", ifsc: "ICIC0001111" });
    await consume({ type: "transfer", payoutId: retried });
    expect((await payout(retried)).payout.status).toBe("processed");
    expect(await bankDebits(retried)).toBe(1);
  });
});

describe("queue wiring", () => {
  it("acks handled messages and retries ambiguous ones through the Worker's queue handler", async () => {
    const { payoutId: ok } = await onePayout();
    const { payoutId: flaky } = await onePayout();
    await configureBank({ script: { [flaky]: ["server_error"] } });
    const batch = createMessageBatch("disburse-transfers", [
      { id: "a", timestamp: new Date(), attempts: 1, body: { type: "transfer", payoutId: ok } },
      { id: "b", timestamp: new Date(), attempts: 1, body: { type: "transfer", payoutId: flaky } },
      { id: "c", timestamp: new Date(), attempts: 1, body: { nonsense: true } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["a", "c"]);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["b"]);
    expect(await bankDebits(ok)).toBe(1);
    expect(await bankDebits(flaky)).toBe(0);
  });
});
