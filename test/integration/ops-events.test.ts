// The console's event log, read as an operator reads it: the list and its filters, an event with
// each delivery's attempts, and redelivery (admins only, with the session's CSRF token).

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { eventSettings } from "../../src/config";
import { SUBJECT_VIEWS } from "../../src/http/views/events";
import { attemptDelivery, dispatchEvents } from "../../src/services/events";
import { database } from "../../src/store/client";
import { deliveryId } from "../../src/store/events";
import { api, unique } from "../support/api";
import { signedIn, textOf, type Browser } from "../support/console-browser";

const BASE = "https://disburse.test";

async function changedPayee() {
  const endpoint = (await api("admin", "POST", "/v1/webhook-endpoints", { url: `https://hooks.example.org/${unique("ops")}`, eventTypes: ["payee.bank_details_change_requested"] })).body;
  const payee = (await api("admin", "POST", "/v1/payees", { type: "seller", displayName: unique("Ops Events") })).body;
  await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: "990011223344", ifsc: "ICIC0000001", accountHolderName: "Ops Events" } });
  const event = (await env.DB.prepare("SELECT id FROM events WHERE subject_id = ?").bind(payee.id).first<{ id: string }>())!;
  return { endpoint, payee, eventId: event.id };
}

const csrfOf = (html: string) => /name="csrf" value="([^"]*)"/.exec(html)![1]!;
const post = (v: Browser, path: string, fields: Record<string, string>) =>
  v.request(path, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE }, body: new URLSearchParams(fields).toString() });

describe("the console's event log", () => {
  it("lists events filtered by subject and type, each linking to its page", async () => {
    const { payee, eventId } = await changedPayee();
    const auditor = await signedIn("auditor");
    const list = await auditor.get(`/ops/events?subject=${payee.id}`);
    expect(list.status).toBe(200);
    expect(list.html).toContain(`href="/ops/events/${eventId}"`);
    expect(textOf(list.html)).toContain("payee.bank_details_change_requested");
    expect(list.html).toContain(`href="/ops/payees/${payee.id}"`);
    const other = await auditor.get(`/ops/events?subject=${payee.id}&type=payout.processed`);
    expect(other.html).not.toContain(eventId);
    expect((await (await signedIn("maker")).get("/ops/events")).status).toBe(403);
  });

  it("shows each delivery with every attempt, and lets an admin deliver the event again", async () => {
    const { endpoint, eventId } = await changedPayee();
    const db = database(env.DB);
    await dispatchEvents(db, { send: async () => undefined }, eventSettings(env));
    const original = globalThis.fetch;
    globalThis.fetch = async () => new Response("nope", { status: 500 });
    try {
      await attemptDelivery(db, eventSettings(env), SUBJECT_VIEWS, deliveryId(eventId, endpoint.id));
    } finally {
      globalThis.fetch = original;
    }
    const admin = await signedIn("admin");
    const page = await admin.get(`/ops/events/${eventId}`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(endpoint.url);
    expect(textOf(page.html)).toMatch(/HTTP 500/);
    expect(page.html).toContain(`data-testid="delivery-status-${endpoint.id}"`);

    const sent = await post(admin, `/ops/events/${eventId}/redeliver`, { csrf: csrfOf(page.html) });
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`/ops/events/${eventId}?done=redelivered`);
    const row = await env.DB.prepare("SELECT status, attempts FROM event_deliveries WHERE id = ?").bind(deliveryId(eventId, endpoint.id)).first();
    expect(row).toEqual({ status: "pending", attempts: 0 });

    // Without the session's CSRF token, or as an auditor, nothing is sent.
    expect((await post(admin, `/ops/events/${eventId}/redeliver`, { csrf: "0".repeat(64) })).status).toBe(403);
    const auditor = await signedIn("auditor");
    const auditorPage = await auditor.get(`/ops/events/${eventId}`);
    expect(textOf(auditorPage.html)).toContain("needs the admin role");
    expect((await post(auditor, `/ops/events/${eventId}/redeliver`, { csrf: csrfOf(auditorPage.html) })).status).toBe(403);
    expect((await admin.get("/ops/events/evt_nothere")).status).toBe(404);
  });
});
