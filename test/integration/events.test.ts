// Outbound events: endpoints, what is written with each change, and delivery as the Standard
// Webhooks specification says, checked with its reference library (standardwebhooks), not ours.
// The tests drive dispatch and each attempt themselves (a capturing queue, a stubbed fetch);
// test/browser/webhook-events.test.ts runs the real queue against a receiver on 127.0.0.1.

import { createExecutionContext, env } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { eventSettings } from "../../src/config";
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_SECONDS, wantsEvent } from "../../src/domain/events";
import { SUBJECT_VIEWS } from "../../src/http/views/events";
import { attemptDelivery, CONFIG_ENDPOINT_ID, type DeliveryMessage, dispatchEvents, type EventSettings } from "../../src/services/events";
import { database } from "../../src/store/client";
import { deliveryId } from "../../src/store/events";
import { api, createPayee, unique } from "../support/api";
import { submittedBatch, TEST_APPROVAL_SECRET } from "../support/batches";
import { approvedBatch, consume, releaseByHand } from "../support/execution";
import { verifyApprovalToken } from "../../src/domain/approval-token";
import { createApp } from "../../src/http/app";
import { TEST_ACTORS } from "../support/actors";

afterEach(() => {
  vi.restoreAllMocks();
});

const db = () => database(env.DB);

/** A queue that keeps what is sent, so a test decides when each delivery is attempted. */
function captureQueue() {
  const sent: Array<{ message: DeliveryMessage; delaySeconds: number | undefined }> = [];
  return { sent, send: async (messages: readonly DeliveryMessage[], delaySeconds?: number) => void sent.push(...messages.map((message) => ({ message, delaySeconds }))) };
}

interface Received {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Stubs fetch: every request is recorded, and answered by `answer` (200 by default). */
function receiver(answer: (r: Received) => Response | Promise<Response> = () => new Response("ok")) {
  const received: Received[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const r = { url: String(input), headers: Object.fromEntries(new Headers(init?.headers).entries()), body: String(init?.body) };
    received.push(r);
    return answer(r);
  });
  return received;
}

const settings = (over: Partial<EventSettings> = {}): EventSettings => ({ ...eventSettings(env), ...over });

async function newEndpoint(eventTypes: string[], url = `https://hooks.example.org/${unique("rx")}`) {
  const res = await api("admin", "POST", "/v1/webhook-endpoints", { url, eventTypes, description: "test receiver" });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string; url: string };
}

/** Fans out, then attempts every queued delivery of `eventIds` to `endpointId` once. */
async function deliverTo(endpointId: string, eventIds: readonly string[], s: EventSettings = settings()) {
  const queue = captureQueue();
  await dispatchEvents(db(), queue, s);
  const verdicts = [];
  for (const eventId of eventIds) verdicts.push(await attemptDelivery(db(), s, SUBJECT_VIEWS, deliveryId(eventId, endpointId)));
  return verdicts;
}

/** A payee with no events yet: each PATCH of its bank details then writes exactly one (the request). */
const sellerWithoutDetails = async () => (await api("admin", "POST", "/v1/payees", { type: "seller", displayName: unique("Quiet Traders"), email: "owner@example.org" })).body;

const eventsOf = async (subjectId: string) =>
  (await env.DB.prepare("SELECT id, type, sequence, data FROM events WHERE subject_id = ? ORDER BY seq").bind(subjectId).all<{ id: string; type: string; sequence: number; data: string }>()).results;

describe("webhook endpoints", () => {
  it("are created by an admin only, with a whsec_ secret shown once", async () => {
    expect((await api("maker", "POST", "/v1/webhook-endpoints", { url: "https://a.example.org/h", eventTypes: ["*"] })).status).toBe(403);
    const created = await newEndpoint(["payout.*"]);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const read = await api("auditor", "GET", `/v1/webhook-endpoints/${created.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: created.id, eventTypes: ["payout.*"], enabled: true, managedBy: "api", secretRotation: null });
    expect(JSON.stringify(read.body)).not.toContain(created.secret);
    const list = await api("admin", "GET", "/v1/webhook-endpoints");
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(created.id);
    expect(JSON.stringify(list.body)).not.toContain("whsec_");
  });

  it.each([
    [{ url: "http://hooks.example.org/h", eventTypes: ["*"] }, 422, "invalid_endpoint_url"],
    [{ url: "ftp://hooks.example.org/h", eventTypes: ["*"] }, 422, "invalid_endpoint_url"],
    [{ url: "https://user:pw@hooks.example.org/h", eventTypes: ["*"] }, 422, "invalid_endpoint_url"],
    [{ url: "https://hooks.example.org/h", eventTypes: ["payout.paid"] }, 422, "unknown_event_type"],
    [{ url: "https://hooks.example.org/h", eventTypes: [] }, 400, "validation_failed"],
    [{ url: "https://hooks.example.org/h", eventTypes: ["*"], secret: "mine" }, 400, "validation_failed"],
  ])("refuses %j with %i %s and creates nothing", async (body, status, code) => {
    const before = (await api("admin", "GET", "/v1/webhook-endpoints")).body.data.length;
    const res = await api("admin", "POST", "/v1/webhook-endpoints", body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await api("admin", "GET", "/v1/webhook-endpoints")).body.data.length).toBe(before);
  });

  it("allows plain http only to this machine", async () => {
    const res = await api("admin", "POST", "/v1/webhook-endpoints", { url: "http://127.0.0.1:9/hooks", eventTypes: ["batch.completed"] });
    expect(res.status).toBe(201);
    await api("admin", "DELETE", `/v1/webhook-endpoints/${res.body.id}`);
  });

  it("changes, disables and deletes an endpoint, auditing each step", async () => {
    const e = await newEndpoint(["payout.processed"]);
    const patched = await api("admin", "PATCH", `/v1/webhook-endpoints/${e.id}`, { eventTypes: ["payout.*", "batch.completed"], enabled: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ eventTypes: ["payout.*", "batch.completed"], enabled: false });
    expect((await api("admin", "PATCH", `/v1/webhook-endpoints/${e.id}`, {})).status).toBe(400);
    expect((await api("admin", "DELETE", `/v1/webhook-endpoints/${e.id}`)).status).toBe(200);
    expect((await api("admin", "GET", `/v1/webhook-endpoints/${e.id}`)).status).toBe(404);
    const audit = await env.DB.prepare("SELECT action FROM audit_events WHERE subject_id = ? ORDER BY id").bind(e.id).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(["webhook_endpoint.created", "webhook_endpoint.updated", "webhook_endpoint.deleted"]);
  });
});

describe("events written with the change they report", () => {
  it("gives a payout one event per status, numbered by the payout's own sequence, with the API's view of it", async () => {
    const { batch } = await approvedBatch();
    const [p] = await releaseByHand(batch);
    await consume({ type: "transfer", payoutId: p.id });
    const events = await eventsOf(p.id);
    const lifecycle = ["payout.created", "payout.queued", "payout.processing", "payout.processed"];
    // The simulated bank may pay at once, so "processing" can be skipped; the order never changes.
    expect(events.map((e) => e.type).filter((t) => t !== "payout.processing")).toEqual(["payout.created", "payout.queued", "payout.processed"]);
    expect(events.map((e) => lifecycle.indexOf(e.type))).toEqual([...events.map((e) => lifecycle.indexOf(e.type))].sort());
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    const detail = await api("auditor", "GET", `/v1/events/${events.at(-1)!.id}`);
    expect(detail.status).toBe(200);
    const now = await api("auditor", "GET", `/v1/payouts/${p.id}`);
    // The last event's data is the payout as the API returns it now (nothing changed since).
    expect(detail.body.data).toEqual(now.body);
    expect(detail.body).toMatchObject({ type: `payout.${now.body.status}`, subject: { type: "payout", id: p.id }, sequence: events.length });
    expect(JSON.stringify(detail.body)).not.toMatch(/"accountNumber"/);
  });

  it("writes batch events for submission, approval and release, and one approval request per checker", async () => {
    const { batch } = await approvedBatch();
    await releaseByHand(batch);
    const types = (await eventsOf(batch.id)).map((e) => e.type);
    expect(types.filter((t) => t !== "batch.approval_requested")).toEqual(["batch.submitted", "batch.approved", "batch.executing"]);
    expect(types.filter((t) => t === "batch.approval_requested").length).toBeGreaterThanOrEqual(1);
  });

  it("reports a payee's bank-detail change (masked), and not an unrelated edit", async () => {
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { displayName: "Renamed Traders" });
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "998877665544", ifsc: "ICIC0000001", accountHolderName: "Renamed Traders" } });
    const events = await eventsOf(payee.id);
    expect(events.map((e) => e.type)).toEqual(["payee.bank_details_change_requested"]);
    const shown = await api("auditor", "GET", `/v1/events/${events[0]!.id}`);
    expect(shown.body.data).toMatchObject({
      payeeId: payee.id,
      status: "pending",
      bankDetails: { accountNumberMasked: "XXXXXXXX5544", ifsc: "ICIC0000001", accountHolderName: "Renamed Traders" },
      previousBankDetails: null,
      contactOnFile: { email: "owner@example.org" },
      requestedBy: "admin-ada",
    });
    expect(JSON.stringify(shown.body)).not.toContain("998877665544");
  });

  it("refuses to change or remove a written event", async () => {
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "112233445566", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const [e] = await eventsOf(payee.id);
    await expect(env.DB.prepare("UPDATE events SET type = 'payout.processed' WHERE id = ?").bind(e!.id).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM events WHERE id = ?").bind(e!.id).run()).rejects.toThrow(/append-only/);
  });
});

describe("delivery", () => {
  it("signs each delivery so the standardwebhooks library verifies it, with the event id as webhook-id", async () => {
    const endpoint = await newEndpoint(["payout.*"]);
    const { batch } = await approvedBatch();
    const [p] = await releaseByHand(batch);
    const events = await eventsOf(p.id);
    const received = receiver();
    const verdicts = await deliverTo(endpoint.id, events.map((e) => e.id));
    expect(verdicts.every((v) => v.action === "done")).toBe(true);
    const mine = received.filter((r) => r.url === endpoint.url);
    expect(mine).toHaveLength(events.length);
    for (const r of mine) {
      const verified = new Webhook(endpoint.secret).verify(r.body, r.headers) as { id: string; type: string; sequence: number; data: { id: string } };
      expect(r.headers["webhook-id"]).toBe(verified.id);
      expect(r.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(r.headers["content-type"]).toBe("application/json");
      expect(verified.data.id).toBe(p.id);
    }
    // A different secret does not verify: the signature really is over this body with this key.
    expect(() => new Webhook(`whsec_${btoa("x".repeat(32))}`).verify(mine[0]!.body, mine[0]!.headers)).toThrow();
    const status = await env.DB.prepare("SELECT status, attempts FROM event_deliveries WHERE id = ?").bind(deliveryId(events[0]!.id, endpoint.id)).first();
    expect(status).toEqual({ status: "delivered", attempts: 1 });
  });

  it("delivers only the types an endpoint asked for", async () => {
    const endpoint = await newEndpoint(["payout.processed"]);
    const { batch } = await approvedBatch();
    const [p] = await releaseByHand(batch);
    await dispatchEvents(db(), captureQueue(), settings());
    const events = await eventsOf(p.id);
    const rows = await env.DB.prepare("SELECT event_id FROM event_deliveries WHERE endpoint_id = ?").bind(endpoint.id).all<{ event_id: string }>();
    const delivered = new Set(rows.results.map((r) => r.event_id));
    for (const e of events) expect(delivered.has(e.id), e.type).toBe(e.type === "payout.processed");
    expect(wantsEvent(["payout.*"], "payout.failed") && !wantsEvent(["payout.*"], "batch.completed") && wantsEvent(["*"], "batch.completed")).toBe(true);
  });

  it("retries a failing endpoint on the schedule, then fails the delivery and raises one ticket", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "223344556677", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const [event] = await eventsOf(payee.id);
    const id = deliveryId(event!.id, endpoint.id);
    const received = receiver(() => new Response("busy", { status: 503 }));
    await dispatchEvents(db(), captureQueue(), settings());
    const delays: number[] = [];
    for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
      const verdict = await attemptDelivery(db(), settings(), SUBJECT_VIEWS, id);
      if (verdict.action === "retry_in") delays.push(verdict.delaySeconds);
      // Not due yet: an early message changes nothing and says how long to wait.
      if (attempt < MAX_DELIVERY_ATTEMPTS) {
        expect((await attemptDelivery(db(), settings(), SUBJECT_VIEWS, id)).action).toBe("retry_in");
        await env.DB.prepare("UPDATE event_deliveries SET next_attempt_at = ? WHERE id = ?").bind(new Date(Date.now() - 1).toISOString(), id).run();
      }
    }
    expect(received.filter((r) => r.url === endpoint.url)).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    // Queue delays are capped at 12 h; the cron picks up what lies beyond.
    expect(delays).toEqual(RETRY_DELAYS_SECONDS.map((s) => Math.min(s, 43_200)));
    expect(RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3 * 86_400);
    const row = await env.DB.prepare("SELECT status, attempts, last_error FROM event_deliveries WHERE id = ?").bind(id).first();
    expect(row).toEqual({ status: "failed", attempts: MAX_DELIVERY_ATTEMPTS, last_error: "HTTP 503" });
    const tickets = await env.DB.prepare("SELECT cause, status FROM exceptions WHERE open_key = ?").bind(`webhook_delivery_failed|${endpoint.id}`).all();
    expect(tickets.results).toEqual([{ cause: "webhook_delivery_failed", status: "open" }]);
    const shown = await api("auditor", "GET", `/v1/events/${event!.id}`);
    const delivery = shown.body.deliveries.find((d: { endpointId: string }) => d.endpointId === endpoint.id);
    expect(delivery.attemptLog).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(delivery.attemptLog[0]).toMatchObject({ attempt: 1, responseStatus: 503, responseExcerpt: "busy", error: "HTTP 503" });
  });

  it("redelivers an event on request, with the same webhook-id and a fresh schedule", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "334455667788", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const [event] = await eventsOf(payee.id);
    const received = receiver();
    await deliverTo(endpoint.id, [event!.id]);
    expect((await api("checker", "POST", `/v1/events/${event!.id}/redeliver`)).status).toBe(403);
    const again = await api("admin", "POST", `/v1/events/${event!.id}/redeliver`);
    expect(again.status).toBe(202);
    expect(again.body.deliveryIds).toContain(deliveryId(event!.id, endpoint.id));
    await attemptDelivery(db(), settings(), SUBJECT_VIEWS, deliveryId(event!.id, endpoint.id));
    const mine = received.filter((r) => r.url === endpoint.url);
    expect(mine.map((r) => r.headers["webhook-id"])).toEqual([event!.id, event!.id]);
    expect((await api("admin", "POST", "/v1/events/evt_doesnotexist/redeliver")).status).toBe(404);
  });

  it("signs with both secrets during a rotation's overlap, and only the new one after", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const rotated = await api("admin", "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(rotated.body.secretRotation.previousSecretExpiresAt).toEqual(expect.any(String));
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "445566778899", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const [first] = await eventsOf(payee.id);
    const received = receiver();
    await deliverTo(endpoint.id, [first!.id]);
    const during = received.find((r) => r.url === endpoint.url)!;
    expect(during.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    // A receiver still on the old secret and one already on the new both verify.
    expect(new Webhook(endpoint.secret).verify(during.body, during.headers)).toMatchObject({ id: first!.id });
    expect(new Webhook(rotated.body.secret).verify(during.body, during.headers)).toMatchObject({ id: first!.id });

    const ended = await api("admin", "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlapSeconds: 0 });
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "556677889900", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const second = (await eventsOf(payee.id))[1]!;
    await deliverTo(endpoint.id, [second.id]);
    const after = received.filter((r) => r.url === endpoint.url)[1]!;
    expect(after.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(new Webhook(ended.body.secret).verify(after.body, after.headers)).toMatchObject({ id: second.id });
    expect(() => new Webhook(rotated.body.secret).verify(after.body, after.headers)).toThrow();
  });

  it("sends approval requests and alerts to NOTIFY_WEBHOOK_URL with the signed link, which GET /v1/events never shows", async () => {
    const secret = `whsec_${btoa("n".repeat(32))}`;
    const url = `https://notify.example.org/${unique("inbox")}`;
    const configured = settings({ configEndpoint: { url, secrets: [secret] } });
    const { batch } = await submittedBatch();
    const requests = (await eventsOf(batch.id)).filter((e) => e.type === "batch.approval_requested");
    const received = receiver();
    await deliverTo(CONFIG_ENDPOINT_ID, requests.map((r) => r.id), configured);
    const mine = received.filter((r) => r.url === url);
    expect(mine).toHaveLength(requests.length);
    const bodies = mine.map((r) => new Webhook(secret).verify(r.body, r.headers) as any);
    const chen = bodies.find((b) => b.data.checker.actorId === "checker-chen");
    expect(chen).toMatchObject({
      type: "batch.approval_requested",
      subject: { type: "batch", id: batch.id },
      data: { approvalUrl: expect.stringMatching(/^http:\/\/localhost:8787\/approvals\/v2\.k0\./), batch: { id: batch.id, totalPaise: batch.totalPaise, requiredApprovals: 1 } },
    });
    const token = chen.data.approvalUrl.split("/approvals/")[1];
    expect(await verifyApprovalToken(token, [{ id: "k0", secret: TEST_APPROVAL_SECRET }], Date.now())).toMatchObject({ ok: true, claims: { batchId: batch.id, checkerId: "checker-chen" } });
    // The API shows the same event without the checker's credential.
    const shown = await api("admin", "GET", `/v1/events/${requests[0]!.id}`);
    expect(shown.body.data.approvalUrl).toBeNull();
    expect(JSON.stringify(shown.body)).not.toContain(token);
    // The endpoint configuration made cannot be changed through the API.
    expect((await api("admin", "PATCH", `/v1/webhook-endpoints/${CONFIG_ENDPOINT_ID}`, { enabled: false })).body.error.code).toBe("endpoint_managed_by_config");
  });

  it("never sends a deleted endpoint anything", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "667788990011", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const [event] = await eventsOf(payee.id);
    await dispatchEvents(db(), captureQueue(), settings());
    await api("admin", "DELETE", `/v1/webhook-endpoints/${endpoint.id}`);
    const received = receiver();
    await attemptDelivery(db(), settings(), SUBJECT_VIEWS, deliveryId(event!.id, endpoint.id));
    expect(received.filter((r) => r.url === endpoint.url)).toHaveLength(0);
  });
});

describe("the event log", () => {
  it("lists events newest first, by type and subject, for admins and auditors only", async () => {
    const payee = await sellerWithoutDetails();
    for (const n of ["778899001122", "889900112233"]) await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: n, ifsc: "ICIC0000001", accountHolderName: "X" } });
    const page = await api("auditor", "GET", `/v1/events?subjectId=${payee.id}&limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0]).toMatchObject({ type: "payee.bank_details_change_requested", sequence: 2 });
    const next = await api("auditor", "GET", `/v1/events?subjectId=${payee.id}&limit=1&cursor=${page.body.nextCursor}`);
    expect(next.body.data[0]).toMatchObject({ sequence: 1 });
    expect(next.body.nextCursor).toBeNull();
    expect((await api("maker", "GET", "/v1/events")).status).toBe(403);
    expect((await api("auditor", "GET", "/v1/events?type=payout.paid")).status).toBe(400);
  });
});

describe("webhook endpoints' secrets at rest", () => {
  const storedRow = (id: string) => env.DB.prepare("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = ?").bind(id).first<{ secret: string | null; previous_secret: string | null }>();

  /** One bank-details request on a fresh payee, delivered to `endpointId`: what the receiver got. */
  async function deliverOne(endpointId: string, url: string, s: EventSettings = settings()) {
    const payee = await sellerWithoutDetails();
    await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "445566778899", ifsc: "ICIC0000001", accountHolderName: "X" } });
    const [event] = await eventsOf(payee.id);
    const received = receiver();
    await deliverTo(endpointId, [event!.id], s);
    return { event: event!, got: received.filter((r) => r.url === url) };
  }

  it("stores only sealed secrets, through a rotation, and deliveries verify with the secrets shown once", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const created = (await storedRow(endpoint.id))!;
    expect(created.secret).toMatch(/^sealed:v1:k0:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(created.secret).not.toContain(endpoint.secret.slice("whsec_".length));
    const rotated = await api("admin", "POST", `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const row = (await storedRow(endpoint.id))!;
    // The previous secret is kept as it was stored: still sealed.
    expect(row.previous_secret).toBe(created.secret);
    for (const stored of [row.secret!, row.previous_secret!]) {
      expect(stored).not.toContain("whsec_");
      for (const shown of [endpoint.secret, rotated.body.secret as string]) expect(stored).not.toContain(shown.slice("whsec_".length));
    }
    const { event, got } = await deliverOne(endpoint.id, endpoint.url);
    expect(got).toHaveLength(1);
    expect(got[0]!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [endpoint.secret, rotated.body.secret]) expect(new Webhook(secret).verify(got[0]!.body, got[0]!.headers)).toMatchObject({ id: event.id });
  });

  it("still delivers from a legacy row whose secret was stored in clear", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const clear = `whsec_${btoa("legacy-clear-secret-of-32-bytes!")}`;
    await env.DB.prepare("UPDATE webhook_endpoints SET secret = ? WHERE id = ?").bind(clear, endpoint.id).run();
    // Without any key configured too: a clear row needs none.
    const { event, got } = await deliverOne(endpoint.id, endpoint.url, settings({ secretKeys: () => [] }));
    expect(got).toHaveLength(1);
    expect(new Webhook(clear).verify(got[0]!.body, got[0]!.headers)).toMatchObject({ id: event.id });
  });

  it("fails the attempt, saying why, when the key that sealed the secret is no longer configured", async () => {
    const endpoint = await newEndpoint(["payee.bank_details_change_requested"]);
    const { event, got } = await deliverOne(endpoint.id, endpoint.url, settings({ secretKeys: () => [{ id: "k9", secret: "another-webhook-secret-key-0123456789" }] }));
    expect(got).toHaveLength(0);
    const attempt = await env.DB.prepare("SELECT error FROM event_delivery_attempts WHERE delivery_id = ?").bind(deliveryId(event.id, endpoint.id)).first<{ error: string }>();
    expect(attempt!.error).toMatch(/stored signing secret cannot be opened .*sealed with key "k0", which is not among the configured keys/);
    const delivery = await env.DB.prepare("SELECT status FROM event_deliveries WHERE id = ?").bind(deliveryId(event.id, endpoint.id)).first<{ status: string }>();
    expect(delivery!.status).toBe("pending");
  });

  it("refuses to create or rotate an endpoint without WEBHOOK_SECRET_KEY(S), with 503, and writes nothing", async () => {
    const existing = await newEndpoint(["payout.*"]);
    const before = (await storedRow(existing.id))!;
    const withoutKey = { ...env, WEBHOOK_SECRET_KEY: undefined, WEBHOOK_SECRET_KEYS: undefined };
    const call = (path: string, body: unknown) =>
      createApp().fetch(
        new Request(`https://disburse.test${path}`, { method: "POST", headers: { authorization: `Bearer ${TEST_ACTORS.admin.token}`, "content-type": "application/json" }, body: JSON.stringify(body) }),
        withoutKey,
        createExecutionContext(),
      );
    const count = async () => (await env.DB.prepare("SELECT (SELECT count(*) FROM webhook_endpoints) + (SELECT count(*) FROM audit_events WHERE subject_type = 'webhook_endpoint') AS n").first<{ n: number }>())!.n;
    const rowsBefore = await count();
    for (const [path, body] of [
      ["/v1/webhook-endpoints", { url: "https://hooks.example.org/nokey", eventTypes: ["*"] }],
      [`/v1/webhook-endpoints/${existing.id}/rotate-secret`, { overlapSeconds: 60 }],
    ] as const) {
      const res = await call(path, body);
      expect(res.status).toBe(503);
      expect(((await res.json()) as any).error).toMatchObject({ code: "webhook_secret_key_not_configured", message: expect.stringContaining("WEBHOOK_SECRET_KEY") });
    }
    expect(await count()).toBe(rowsBefore);
    expect(await storedRow(existing.id)).toEqual(before);
  });
});
