// Exception tickets: reading, filtering and noting them, their lifecycle, one open ticket per
// cause and subject, and what resolving one does to its payout: a new attempt that pays exactly
// once, a hand-back to the consumer that asks the bank first, and a re-drive after a crash.

import { createMessageBatch, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { FREQUENT_CRON, runScheduled } from "../../src/cloudflare/scheduled";
import { database } from "../../src/store/client";
import { getException, raiseException, transitionException } from "../../src/store/exceptions";
import { openKeyOf, RETRY_FIRST_BACKOFF_MS, RETRY_MAX_ATTEMPTS } from "../../src/domain/exception-state";
import { payeeGate } from "../../src/deps";
import { redrivePendingRetries, retryAfterResolution } from "../../src/services/retries";
import { handleDeadLetterBatch } from "../../src/cloudflare/dead-letter-queue";
import { api, approveBankChange, unique, verifyPayee } from "../support/api";
import { expectError } from "../support/batches";
import { bank, bankCredits, bankDebits, configureBank, consume, createCalls, openExceptions, payout, tickBank } from "../support/execution";
import { alertsFor, paidCycle, type PayoutBody } from "../support/recon";
import { servicesFor } from "../../src/deps";

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
});

const db = () => database(env.DB);
const setStatus = (id: string, status: string, note = "Looked into it.", actor: "admin" | "auditor" | "maker" = "admin") =>
  api(actor, "POST", `/v1/exceptions/${id}/status`, { status, note });

/** Raises a ticket directly, as a consumer or the reconciliation would; returns the open ticket's id. */
async function raise(cause: string, subject: { payoutId?: string; subjectKey?: string } = {}, summary = "Something to look at") {
  // Ids sort by the millisecond they were made in; keep tickets of one test in distinct ones.
  await new Promise((resolve) => setTimeout(resolve, 2));
  await raiseException(db(), { cause, summary, ...subject });
  const row = await env.DB.prepare("SELECT id FROM exceptions WHERE open_key = ?").bind(openKeyOf({ cause, ...subject })).first<{ id: string }>();
  return row!.id;
}

async function ticketsOf(cause: string) {
  const { results } = await env.DB.prepare("SELECT id, status FROM exceptions WHERE cause = ? ORDER BY id").bind(cause).all<{ id: string; status: string }>();
  return results;
}

async function ticketFor(payoutId: string, cause: string) {
  const row = await env.DB.prepare("SELECT id FROM exceptions WHERE payout_id = ? AND cause = ? ORDER BY id DESC").bind(payoutId, cause).first<{ id: string }>();
  expect(row, `${cause} ticket for ${payoutId}`).not.toBeNull();
  return row!.id;
}

async function payoutsOfItem(itemId: string) {
  const { results } = await env.DB.prepare("SELECT id, status, retry_of FROM payouts WHERE item_id = ? ORDER BY id").bind(itemId).all<{ id: string; status: string; retry_of: string | null }>();
  return results;
}

async function payableBalance(payeeId: string) {
  return (await api("auditor", "GET", `/v1/ledger/accounts/payee:${payeeId}:payable`)).body.balancePaise as number;
}

async function correctBankDetails(payeeId: string, accountNumber = "987654321012") {
  const patched = await api("admin", "PATCH", `/v1/payees/${payeeId}`, { bankDetails: { accountNumber, ifsc: "ICIC0004321", accountHolderName: "Holder Corrected" } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  // Four eyes: a checker approves the correction and its cooling-off runs out; it is then unverified.
  await approveBankChange(payeeId, patched.body.pendingBankDetailsChangeId);
  return async () => {
    const verified = await verifyPayee(payeeId);
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  };
}

describe("reading tickets", () => {
  it("lists newest first, filters by cause, status and payout, and pages with a cursor", async () => {
    const cause = unique("test_cause");
    const a = await raise(cause, { subjectKey: "a" });
    const b = await raise(cause, { subjectKey: "b" });
    const c = await raise(cause, { payoutId: `po_${cause}` });
    await setStatus(b, "dismissed");

    const all = await api("maker", "GET", `/v1/exceptions?cause=${cause}`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((t: { id: string }) => t.id)).toEqual([c, b, a]);
    expect(all.body.nextCursor).toBeNull();

    const open = await api("checker", "GET", `/v1/exceptions?cause=${cause}&status=open`);
    expect(open.body.data.map((t: { id: string }) => t.id)).toEqual([c, a]);
    const byPayout = await api("auditor", "GET", `/v1/exceptions?payoutId=po_${cause}`);
    expect(byPayout.body.data.map((t: { id: string }) => t.id)).toEqual([c]);

    const first = await api("admin", "GET", `/v1/exceptions?cause=${cause}&limit=2`);
    expect(first.body.data.map((t: { id: string }) => t.id)).toEqual([c, b]);
    expect(first.body.nextCursor).toBe(b);
    const second = await api("admin", "GET", `/v1/exceptions?cause=${cause}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((t: { id: string }) => t.id)).toEqual([a]);
    expect(second.body.nextCursor).toBeNull();
  });

  it("reads one ticket with its details and notes, and 404s an unknown one", async () => {
    const cause = unique("test_cause");
    await raiseException(db(), { cause, summary: "The bank said something odd", payoutId: "po_x", batchId: "bat_x", itemId: "itm_x", payeeId: "pay_x", details: { code: "odd", amountPaise: 12_300 } });
    const id = (await ticketsOf(cause))[0]!.id;
    const res = await api("auditor", "GET", `/v1/exceptions/${id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      cause,
      status: "open",
      summary: "The bank said something odd",
      payoutId: "po_x",
      batchId: "bat_x",
      itemId: "itm_x",
      payeeId: "pay_x",
      details: { code: "odd", amountPaise: 12_300 },
      resolvedAt: null,
      resolvedBy: null,
      resolutionNote: null,
      retryStatus: null,
      retryResult: null,
      notes: [],
    });
    expectError(await api("auditor", "GET", "/v1/exceptions/exc_nope"), 404, "exception_not_found");
  });

  it("adds notes for admins and auditors, in order, without changing the status", async () => {
    const id = await raise(unique("test_cause"));
    const first = await api("auditor", "POST", `/v1/exceptions/${id}/notes`, { note: "Asked the bank for the UTR." });
    expect(first.status).toBe(201);
    const second = await api("admin", "POST", `/v1/exceptions/${id}/notes`, { note: "Bank replied; waiting on the payee." });
    expect(second.status).toBe(201);
    expect(second.body.status).toBe("open");
    expect(second.body.notes.map((n: any) => [n.actorId, n.note, n.fromStatus, n.toStatus])).toEqual([
      ["auditor-abe", "Asked the bank for the UTR.", null, null],
      ["admin-ada", "Bank replied; waiting on the payee.", null, null],
    ]);
    expect(second.body.updatedAt >= first.body.updatedAt).toBe(true);
    expect((await api("maker", "POST", `/v1/exceptions/${id}/notes`, { note: "me too" })).status).toBe(403);
    expect((await api("admin", "POST", `/v1/exceptions/${id}/notes`, { note: "" })).status).toBe(400);
    expectError(await api("admin", "POST", "/v1/exceptions/exc_nope/notes", { note: "hello" }), 404, "exception_not_found");
  });

  it("is for operations roles: the marketplace's system token cannot read tickets", async () => {
    expect((await api("system", "GET", "/v1/exceptions")).status).toBe(403);
    expect((await api(null, "GET", "/v1/exceptions")).status).toBe(401);
  });
});

describe("the lifecycle", () => {
  it("moves open → in_progress → resolved, recording each move as a note", async () => {
    const cause = unique("test_cause");
    const id = await raise(cause);
    const started = await setStatus(id, "in_progress", "Taking this one.");
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ status: "in_progress", resolvedAt: null });
    const resolved = await setStatus(id, "resolved", "The bank confirmed; nothing to do.");
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", resolvedBy: "admin-ada", resolutionNote: "The bank confirmed; nothing to do.", retryStatus: null });
    expect(resolved.body.resolvedAt).toEqual(expect.any(String));
    expect(resolved.body.notes.map((n: any) => [n.fromStatus, n.toStatus, n.note])).toEqual([
      ["open", "in_progress", "Taking this one."],
      ["in_progress", "resolved", "The bank confirmed; nothing to do."],
    ]);
    const row = await env.DB.prepare("SELECT open_key FROM exceptions WHERE id = ?").bind(id).first<{ open_key: string | null }>();
    expect(row!.open_key).toBeNull();
  });

  it("dismisses from open and from in_progress", async () => {
    const fromOpen = await raise(unique("test_cause"));
    expect((await setStatus(fromOpen, "dismissed", "Duplicate of another ticket.")).body).toMatchObject({ status: "dismissed", resolvedBy: "admin-ada" });
    const fromProgress = await raise(unique("test_cause"));
    await setStatus(fromProgress, "in_progress");
    expect((await setStatus(fromProgress, "dismissed")).body.status).toBe("dismissed");
  });

  it("refuses moves the lifecycle does not allow with 409 invalid_exception_transition", async () => {
    const resolved = await raise(unique("test_cause"));
    await setStatus(resolved, "resolved");
    const dismissed = await raise(unique("test_cause"));
    await setStatus(dismissed, "dismissed");
    for (const [id, from, to] of [
      [resolved, "resolved", "in_progress"],
      [resolved, "resolved", "dismissed"],
      [dismissed, "dismissed", "resolved"],
      [dismissed, "dismissed", "in_progress"],
    ] as const) {
      const res = await setStatus(id, to);
      expectError(res, 409, "invalid_exception_transition");
      expect(res.body.error.details).toEqual({ from, to });
    }
    expect((await api("auditor", "GET", `/v1/exceptions/${resolved}`)).body.notes).toHaveLength(1);
  });

  it("treats a repeated move to the current status as done, adding nothing", async () => {
    const id = await raise(unique("test_cause"));
    await setStatus(id, "in_progress");
    const again = await setStatus(id, "in_progress", "Still on it.");
    expect(again.status).toBe(200);
    expect(again.body.notes).toHaveLength(1);
  });

  it("needs an admin, a note, and a status a person may set", async () => {
    const id = await raise(unique("test_cause"));
    expect((await setStatus(id, "resolved", "x", "auditor")).status).toBe(403);
    expect((await setStatus(id, "resolved", "x", "maker")).status).toBe(403);
    expect((await api("admin", "POST", `/v1/exceptions/${id}/status`, { status: "resolved" })).status).toBe(400);
    expect((await api("admin", "POST", `/v1/exceptions/${id}/status`, { status: "open", note: "reopen" })).status).toBe(400);
    expectError(await setStatus("exc_nope", "resolved"), 404, "exception_not_found");
    expect((await api("auditor", "GET", `/v1/exceptions/${id}`)).body.status).toBe("open");
  });
});

describe("one open ticket per cause and subject", () => {
  it("raises the same cause for the same subject once, with one alert, however often and concurrently", async () => {
    const cause = unique("test_cause");
    await raise(cause, { payoutId: "po_same" });
    await Promise.all([raiseException(db(), { cause, summary: "again", payoutId: "po_same" }), raiseException(db(), { cause, summary: "and again", payoutId: "po_same" })]);
    await raiseException(db(), { cause, summary: "once more", payoutId: "po_same" });
    const tickets = await ticketsOf(cause);
    expect(tickets).toEqual([{ id: tickets[0]!.id, status: "open" }]);
    const alerts = await alertsFor(tickets[0]!.id);
    expect(alerts.map((a) => a.type)).toEqual(["exception.opened"]);
    expect(alerts[0]!.data).toMatchObject({ id: tickets[0]!.id, cause, payoutId: "po_same", status: "open" });
    const allAlerts = await env.DB.prepare("SELECT COUNT(*) AS n FROM events WHERE type = 'exception.opened' AND json_extract(data, '$.cause') = ?").bind(cause).first<{ n: number }>();
    expect(allAlerts!.n).toBe(1);
  });

  it("keeps separate tickets for separate subjects and causes", async () => {
    const cause = unique("test_cause");
    await raise(cause, { payoutId: "po_one" });
    await raise(cause, { payoutId: "po_two" });
    await raise(`${cause}_other`, { payoutId: "po_one" });
    expect(await ticketsOf(cause)).toHaveLength(2);
    expect(await ticketsOf(`${cause}_other`)).toHaveLength(1);
  });

  it("opens a new ticket (and alert) once the earlier one is resolved or dismissed", async () => {
    const cause = unique("test_cause");
    const first = await raise(cause, { subjectKey: "bank:UTR1" });
    await setStatus(first, "resolved");
    const second = await raise(cause, { subjectKey: "bank:UTR1" });
    expect(second).not.toBe(first);
    await raiseException(db(), { cause, summary: "again", subjectKey: "bank:UTR1" });
    await setStatus(second, "dismissed");
    const third = await raise(cause, { subjectKey: "bank:UTR1" });
    expect((await ticketsOf(cause)).map((t) => [t.id, t.status])).toEqual([
      [first, "resolved"],
      [second, "dismissed"],
      [third, "open"],
    ]);
    for (const id of [first, second, third]) expect(await alertsFor(id)).toHaveLength(1);
  });

  it("keeps one ticket when a failed payout's consumer message is redelivered", async () => {
    const { payouts } = await paidCycle(1, { accountNumbers: ["123456780000"] });
    const p = payouts[0]!;
    await consume({ type: "transfer", payoutId: p.id }, { deliveryAttempt: 2 });
    await consume({ type: "transfer", payoutId: p.id }, { deliveryAttempt: 3 });
    expect(await openExceptions(p.id)).toEqual(["invalid_bank_details"]);
  });
});

describe("resolving retries the payout", () => {
  it("pays an invalid account's item again exactly once, only after the details are corrected and verified", async () => {
    const { payouts, payees } = await paidCycle(1, { accountNumbers: ["123456780000"] });
    const failed = payouts[0]!;
    const payeeId = payees[0].id as string;
    expect(failed.status).toBe("failed");
    expect(await bankDebits(failed.id)).toBe(0);
    const ticket = await ticketFor(failed.id, "invalid_bank_details");

    // The bank refused these very details: verified or not, resolving must wait for a correction.
    const early = await setStatus(ticket, "resolved", "Retry please.");
    expectError(early, 409, "cause_not_fixed");
    expect(early.body.error.details).toMatchObject({ payeeId });
    const verify = await correctBankDetails(payeeId);
    const unverified = await setStatus(ticket, "resolved", "Retry please.");
    expectError(unverified, 409, "cause_not_fixed");
    expect(unverified.body.error.details).toMatchObject({ problem: "bank_details_unverified" });
    expect((await api("auditor", "GET", `/v1/exceptions/${ticket}`)).body.status).toBe("open");
    expect(await payoutsOfItem(failed.itemId)).toHaveLength(1);

    await verify();
    const resolved = await setStatus(ticket, "resolved", "Payee sent a cancelled cheque; details corrected and verified.");
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({ status: "resolved", retryStatus: "done", retryResult: { kind: "new_attempt", outcome: "created", payoutId: expect.any(String) } });
    const retryId = resolved.body.retryResult.payoutId as string;
    expect(await payoutsOfItem(failed.itemId)).toEqual([
      { id: failed.id, status: "failed", retry_of: null },
      { id: retryId, status: "queued", retry_of: failed.id },
    ]);
    const retry = (await payout(retryId)).payout;
    expect(retry.bankAccount.accountNumberMasked).toMatch(/1012$/);
    expect(retry.amountPaise).toBe(failed.amountPaise);

    expect(await consume({ type: "transfer", payoutId: retryId })).toEqual({ action: "ack" });
    expect((await payout(retryId)).payout.status).toBe("processed");
    expect((await bankDebits(failed.id)) + (await bankDebits(retryId))).toBe(1);
    expect(await payableBalance(payeeId)).toBe(0);

    // Resolving again, re-running the retry, or asking the gate directly never pays a third time.
    expect((await setStatus(ticket, "resolved", "Again.")).status).toBe(200);
    const { row } = await getException(db(), ticket);
    expect(await retryAfterResolution(servicesFor(env), row)).toEqual({ kind: "nothing_to_do", reason: expect.stringContaining(retryId) });
    const gate = payeeGate(env, payeeId);
    expect(await gate.createPayout(payeeId, failed.itemId, { retryOf: failed.id })).toEqual({ outcome: "existing", payoutId: retryId });
    expect(await gate.createPayout(payeeId, failed.itemId, { retryOf: retryId })).toEqual({ outcome: "existing", payoutId: retryId });
    expect(await gate.createPayout(payeeId, failed.itemId)).toEqual({ outcome: "existing", payoutId: retryId });
    expect((await payoutsOfItem(failed.itemId)).map((p) => p.id)).toEqual([failed.id, retryId]);
    expect(await bankDebits(retryId)).toBe(1);
    expect(await createCalls(retryId)).toBe(1);
  });

  it("never turns a processed payout's item into a second payment", async () => {
    const { payouts, payees } = await paidCycle(1);
    const paid = payouts[0]!;
    expect(paid.status).toBe("processed");
    // A ticket raised about it by mistake, with a cause that would otherwise pay again.
    await raiseException(db(), { cause: "bank_failure", summary: "Mistaken report", payoutId: paid.id, itemId: paid.itemId, payeeId: paid.payeeId });
    const ticket = await ticketFor(paid.id, "bank_failure");
    const resolved = await setStatus(ticket, "resolved", "Retry it.");
    expect(resolved.status).toBe(200);
    expect(resolved.body.retryResult).toEqual({ kind: "nothing_to_do", reason: expect.stringContaining("processed") });
    expect(await payeeGate(env, payees[0].id).createPayout(payees[0].id, paid.itemId, { retryOf: paid.id })).toEqual({ outcome: "existing", payoutId: paid.id });
    expect(await payoutsOfItem(paid.itemId)).toHaveLength(1);
    expect(await bankDebits(paid.id)).toBe(1);
  });

  it("pays a returned payout again exactly once", async () => {
    const { payouts, payees } = await paidCycle(1);
    const returned = payouts[0]!;
    const payeeId = payees[0].id as string;
    await tickBank();
    await bank(`/admin/transfers/${returned.id}/reverse`, {});
    await tickBank();
    expect((await payout(returned.id)).payout.status).toBe("reversed");
    expect(await payableBalance(payeeId)).toBe(returned.amountPaise);
    const ticket = await ticketFor(returned.id, "payout_reversed");

    const resolved = await setStatus(ticket, "resolved", "Payee confirmed the account is open again.");
    expect(resolved.body).toMatchObject({ retryStatus: "done", retryResult: { kind: "new_attempt", outcome: "created" } });
    const retryId = resolved.body.retryResult.payoutId as string;
    await consume({ type: "transfer", payoutId: retryId });
    await tickBank();
    expect((await payout(retryId)).payout.status).toBe("processed");
    expect([await bankDebits(returned.id), await bankCredits(returned.id), await bankDebits(retryId)]).toEqual([1, 1, 1]);
    expect(await payableBalance(payeeId)).toBe(0);

    await setStatus(ticket, "resolved", "Again.");
    await redrivePendingRetries(servicesFor(env));
    expect((await payoutsOfItem(returned.itemId)).map((p) => [p.id, p.status])).toEqual([
      [returned.id, "reversed"],
      [retryId, "processed"],
    ]);
  });

  it("hands a dead-lettered transfer back to the consumer, which asks the bank and does not pay twice", async () => {
    const { payouts } = await paidCycle(1, { consume: false });
    const p = payouts[0]!;
    await configureBank({ script: { [p.id]: ["timeout_after_commit"] } });
    await consume({ type: "transfer", payoutId: p.id });
    expect((await payout(p.id)).payout.status).toBe("unknown");
    await handleDeadLetterBatch(createMessageBatch("disburse-transfers-dlq", [{ id: "dl1", timestamp: new Date(), attempts: 10, body: { type: "transfer", payoutId: p.id } }]), env);
    const ticket = await ticketFor(p.id, "transfer_dead_lettered");

    const resolved = await setStatus(ticket, "resolved", "Bank is back; try again.");
    expect(resolved.body).toMatchObject({ retryStatus: "done", retryResult: { kind: "requeued", payoutId: p.id } });
    // The requeued message, delivered by hand: the consumer finds the transfer at the bank.
    expect(await consume({ type: "transfer", payoutId: p.id }, { deliveryAttempt: 1 })).toEqual({ action: "ack" });
    expect((await payout(p.id)).payout.status).toBe("processed");
    expect(await createCalls(p.id)).toBe(1);
    expect(await bankDebits(p.id)).toBe(1);
    expect(await payoutsOfItem(p.itemId)).toHaveLength(1);
  });

  it("re-drives a retry a crash left pending, from the frequent cron, exactly once", async () => {
    const { payouts, payees } = await paidCycle(1, { accountNumbers: ["123456780000"] });
    const failed = payouts[0]!;
    const payeeId = payees[0].id as string;
    const ticket = await ticketFor(failed.id, "invalid_bank_details");
    await (await correctBankDetails(payeeId, "555512345678"))();

    // The resolution commits (retry marked pending) and the process dies before the retry runs.
    await transitionException(db(), ticket, "resolved", "Corrected and verified.", "admin-ada");
    expect((await getException(db(), ticket)).row).toMatchObject({ status: "resolved", retryStatus: "pending" });
    expect(await payoutsOfItem(failed.itemId)).toHaveLength(1);

    await Promise.all([runScheduled({ cron: FREQUENT_CRON, scheduledTime: Date.now() }, env), redrivePendingRetries(servicesFor(env))]);
    const { row } = await getException(db(), ticket);
    expect(row.retryStatus).toBe("done");
    const items = await payoutsOfItem(failed.itemId);
    expect(items.map((p) => [p.status, p.retry_of])).toEqual([
      ["failed", null],
      ["queued", failed.id],
    ]);
    await runScheduled({ cron: FREQUENT_CRON, scheduledTime: Date.now() }, env);
    await redrivePendingRetries(servicesFor(env));
    expect(await payoutsOfItem(failed.itemId)).toHaveLength(2);
    await consume({ type: "transfer", payoutId: items[1]!.id });
    expect((await payout(items[1]!.id)).payout.status).toBe("processed");
    expect((await bankDebits(failed.id)) + (await bankDebits(items[1]!.id))).toBe(1);
  });

  it("re-drives a retry marked pending again after it already ran, without paying twice", async () => {
    const { payouts, payees } = await paidCycle(1, { accountNumbers: ["123456780000"] });
    const failed = payouts[0]!;
    await (await correctBankDetails(payees[0].id, "444412345678"))();
    const ticket = await ticketFor(failed.id, "invalid_bank_details");
    const resolved = await setStatus(ticket, "resolved", "Fixed.");
    const retryId = resolved.body.retryResult.payoutId as string;
    await env.DB.prepare("UPDATE exceptions SET retry_status = 'pending' WHERE id = ?").bind(ticket).run();
    await redrivePendingRetries(servicesFor(env));
    expect((await getException(db(), ticket)).row.retryStatus).toBe("done");
    expect((await payoutsOfItem(failed.itemId)).map((p) => p.id)).toEqual([failed.id, retryId]);
  });

  it("runs the other pending retries and cron jobs when one retry throws, then reports the failure", async () => {
    const { payouts, payees } = await paidCycle(1, { accountNumbers: ["123456780000"] });
    const failed = payouts[0]!;
    const ticket = await ticketFor(failed.id, "invalid_bank_details");
    await (await correctBankDetails(payees[0].id, "333312345678"))();
    await transitionException(db(), ticket, "resolved", "Corrected and verified.", "admin-ada");
    // An older pending retry that can only throw: its payout does not exist.
    const broken = unique("exc_broken");
    const longAgo = "2000-01-01T00:00:00.000Z";
    await env.DB.prepare(
      "INSERT INTO exceptions (id, cause, status, payout_id, summary, details, created_at, updated_at, retry_status) VALUES (?, 'invalid_bank_details', 'resolved', 'po_missing', 'broken', '{}', ?, ?, 'pending')",
    )
      .bind(broken, longAgo, longAgo)
      .run();
    try {
      await expect(runScheduled({ cron: FREQUENT_CRON, scheduledTime: Date.now() }, env)).rejects.toThrow("1 of 4 cron jobs failed");
      expect((await getException(db(), ticket)).row.retryStatus).toBe("done");
      expect((await payoutsOfItem(failed.itemId)).map((p) => p.retry_of)).toEqual([null, failed.id]);
      expect((await getException(db(), broken)).row).toMatchObject({ retryStatus: "pending", retryAttempts: 1 });
      // Backed off: not tried again until five minutes have passed.
      expect(await redrivePendingRetries(servicesFor(env))).toBe(0);
      await expect(redrivePendingRetries(servicesFor(env), Date.now() + RETRY_FIRST_BACKOFF_MS)).rejects.toThrow("1 of 1 pending retries failed");
    } finally {
      await env.DB.prepare("UPDATE exceptions SET retry_status = 'done' WHERE id = ?").bind(broken).run();
    }
    expect(await payoutsOfItem(failed.itemId)).toHaveLength(2);
  });
  it("tries a retry that always throws with backoff, then stops and raises exactly one retry_exhausted ticket", async () => {
    const broken = unique("exc_always_throws");
    const longAgo = "2000-01-01T00:00:00.000Z";
    await env.DB.prepare(
      "INSERT INTO exceptions (id, cause, status, payout_id, summary, details, created_at, updated_at, retry_status) VALUES (?, 'bank_failure', 'resolved', ?, 'always throws', '{}', ?, ?, 'pending')",
    )
      .bind(broken, `po_missing_${broken}`, longAgo, longAgo)
      .run();
    const row = async () => (await getException(db(), broken)).row;
    const exhaustedTickets = () => env.DB.prepare("SELECT id, status, details FROM exceptions WHERE open_key = ?").bind(openKeyOf({ cause: "retry_exhausted", subjectKey: `retry|${broken}` })).all<{ id: string; details: string }>();
    try {
      let nowMs = Date.now();
      const waitsMinutes: number[] = [];
      for (let attempt = 1; attempt <= RETRY_MAX_ATTEMPTS; attempt++) {
        // Two passes at once (a double-firing cron) count one attempt.
        const passes = await Promise.allSettled([redrivePendingRetries(servicesFor(env), nowMs), redrivePendingRetries(servicesFor(env), nowMs)]);
        expect(passes.some((p) => p.status === "rejected")).toBe(true);
        const after = await row();
        expect(after.retryAttempts).toBe(attempt);
        if (attempt === RETRY_MAX_ATTEMPTS) break;
        expect(after).toMatchObject({ retryStatus: "pending", retryResult: expect.stringContaining('"attempt_failed"') });
        const nextMs = Date.parse(after.retryNextAt!);
        waitsMinutes.push((nextMs - nowMs) / 60_000);
        // A pass a moment before the backoff ends does not try it.
        await redrivePendingRetries(servicesFor(env), nextMs - 1);
        expect((await row()).retryAttempts).toBe(attempt);
        nowMs = nextMs;
      }
      expect(waitsMinutes).toEqual([5, 10, 20, 40, 80, 160, 320]);
      expect(await row()).toMatchObject({ retryStatus: "exhausted", retryAttempts: RETRY_MAX_ATTEMPTS, retryNextAt: null });
      // Stopped: later passes neither run it nor raise a second ticket.
      for (const later of [nowMs + 3_600_000, nowMs + 86_400_000]) await redrivePendingRetries(servicesFor(env), later);
      expect((await row()).retryAttempts).toBe(RETRY_MAX_ATTEMPTS);
      const { results: tickets } = await exhaustedTickets();
      expect(tickets).toHaveLength(1);
      expect(JSON.parse(tickets[0]!.details)).toMatchObject({ exceptionId: broken, cause: "bank_failure", attempts: 8, lastError: expect.stringContaining(`po_missing_${broken}`) });
      expect(await alertsFor(tickets[0]!.id)).toHaveLength(1);

      // Resolving that ticket runs the retry again from its first attempt.
      const resolved = await setStatus(tickets[0]!.id, "resolved", "Fixed what made it throw.");
      expect(resolved.body).toMatchObject({ retryStatus: "done", retryResult: { kind: "rearmed", exceptionId: broken } });
      expect(await row()).toMatchObject({ retryStatus: "pending", retryAttempts: 0, retryNextAt: null });
    } finally {
      await env.DB.prepare("UPDATE exceptions SET retry_status = 'done' WHERE id = ?").bind(broken).run();
    }
  });

  it("finishes a retry that throws twice and succeeds on its third try, paying once", async () => {
    const { payouts, payees } = await paidCycle(1, { accountNumbers: ["123456780000"] });
    const failed = payouts[0]!;
    const ticket = await ticketFor(failed.id, "invalid_bank_details");
    await (await correctBankDetails(payees[0].id, "222212345678"))();
    await transitionException(db(), ticket, "resolved", "Corrected and verified.", "admin-ada");
    // The payee's gate is unreachable for the first two tries.
    const real = servicesFor(env);
    let calls = 0;
    const flaky = {
      ...real,
      gate: (payeeId: string) => ({
        createPayout: (...args: Parameters<ReturnType<typeof real.gate>["createPayout"]>) => (++calls <= 2 ? Promise.reject(new Error("gate unreachable")) : real.gate(payeeId).createPayout(...args)),
      }),
    };
    let nowMs = Date.now();
    for (const attempt of [1, 2]) {
      await expect(redrivePendingRetries(flaky, nowMs)).rejects.toThrow("pending retries failed");
      const { row } = await getException(db(), ticket);
      expect(row).toMatchObject({ retryStatus: "pending", retryAttempts: attempt });
      nowMs = Date.parse(row.retryNextAt!);
    }
    await redrivePendingRetries(flaky, nowMs);
    const { row } = await getException(db(), ticket);
    expect(row).toMatchObject({ retryStatus: "done", retryAttempts: 2, retryNextAt: null });
    expect(JSON.parse(row.retryResult!)).toMatchObject({ kind: "new_attempt", outcome: "created" });
    const items = await payoutsOfItem(failed.itemId);
    expect(items.map((p) => [p.status, p.retry_of])).toEqual([
      ["failed", null],
      ["queued", failed.id],
    ]);
    await consume({ type: "transfer", payoutId: items[1]!.id });
    expect((await payout(items[1]!.id)).payout.status).toBe("processed");
    expect((await bankDebits(failed.id)) + (await bankDebits(items[1]!.id))).toBe(1);
    expect(await openExceptions(failed.id)).not.toContain("retry_exhausted");
  });
});
