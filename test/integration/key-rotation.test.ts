// Signing keys rotate without breaking what is in flight: approval links and console sessions
// signed with the old key keep working while that key is listed after the new one, new ones are
// signed with the newest, and once the old key is removed what it signed is refused and changes
// nothing. The configured webhook endpoint signs with every secret NOTIFY_SIGNING_SECRET lists.

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { approvalLinkKeys, eventSettings } from "../../src/config";
import { hmacSha256Hex } from "../../src/domain/hash";
import type { Env } from "../../src/env";
import { renderEvent, signingSecrets } from "../../src/services/events";
import { SUBJECT_VIEWS } from "../../src/http/views/events";
import { database } from "../../src/store/client";
import { getEvent } from "../../src/store/events";
import type { EndpointRow } from "../../src/store/events";
import { TEST_ACTORS } from "../support/actors";
import { approvalRequestsFor, getBatch, linkFor, submittedBatch, TEST_APPROVAL_SECRET, tokenFor } from "../support/batches";
import { Browser, bindingsWith, textOf } from "../support/console-browser";

const K1 = { id: "k1", secret: "rotation-test-approval-key-one-0001" };
const S1 = { id: "s1", secret: "rotation-test-session-key-one-0001" };
/** SESSION_SECRET as vitest.config.mts binds it: k0 while SESSION_KEYS is unset. */
const TEST_SESSION_SECRET = "test-ops-session-secret-not-for-production";

const rotated = () => bindingsWith({ APPROVAL_LINK_KEYS: JSON.stringify([K1, { id: "k0", secret: TEST_APPROVAL_SECRET }]) });
const oldRemoved = () => bindingsWith({ APPROVAL_LINK_KEYS: JSON.stringify([K1]) });

async function pendingLink() {
  const { batch } = await submittedBatch();
  const link = await linkFor(batch.id, "checker-chen");
  return { batch, link, token: await tokenFor(link) };
}

/** The approval URL the notifier would deliver to checker-chen under these bindings. */
async function deliveredToken(bindings: Env, batchId: string) {
  const request = (await approvalRequestsFor(batchId)).find((n) => JSON.parse(n.data).checkerId === "checker-chen")!;
  const rendered = await renderEvent(database(env.DB), eventSettings(bindings), SUBJECT_VIEWS, await getEvent(database(env.DB), request.id), { forDelivery: true });
  return String((rendered.data as { approvalUrl: string }).approvalUrl).split("/approvals/")[1]!;
}

describe("approval-link keys", () => {
  it("still opens and approves with a link signed by the old key after rotation, and signs new links with the new key", async () => {
    const bindings = await rotated();
    const { batch, token } = await pendingLink();
    expect(token.startsWith("v2.k0.")).toBe(true);
    const checker = new Browser(bindings);
    expect((await checker.get(`/approvals/${token}`)).status).toBe(200);
    // A page opened before the rotation still posts: its CSRF token is under the link's own key.
    const approved = await checker.submit(`/approvals/${token}`, `/approvals/${token}`, { action: "approve" });
    expect(approved.status, approved.html.slice(0, 300)).toBe(200);
    expect(textOf(approved.html)).toContain("You approved this batch");
    expect(["approved", "executing", "completed"]).toContain((await getBatch(batch.id)).body.status);

    const next = await submittedBatch();
    const fresh = await deliveredToken(bindings, next.batch.id);
    expect(fresh.startsWith("v2.k1.")).toBe(true);
    expect((await new Browser(bindings).get(`/approvals/${fresh}`)).status).toBe(200);
  });

  it("refuses a link signed by a key that was removed (403), and changes nothing, while links of the listed key open", async () => {
    const bindings = await oldRemoved();
    const { batch, token } = await pendingLink();
    const checker = new Browser(bindings);
    const refused = await checker.get(`/approvals/${token}`);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("signed with a key Disburse no longer accepts");
    // The form of a page opened before the removal, posted after it.
    const opened = await new Browser(await rotated()).get(`/approvals/${token}`);
    expect(opened.status).toBe(200);
    const post = await checker.post(`/approvals/${token}`, { csrf: /name="csrf" value="([^"]+)"/.exec(opened.html)![1]!, action: "approve" });
    expect(post.status).toBe(403);
    expect((await getBatch(batch.id)).body).toMatchObject({ status: "pending_approval", approvalCount: 0, version: batch.version });
    expect((await linkFor(batch.id, "checker-chen")).used_at).toBeNull();

    const fresh = await deliveredToken(bindings, batch.id);
    expect((await checker.get(`/approvals/${fresh}`)).status).toBe(200);
  });

  it("opens a v1 link (signed before keys had ids) while k0 is listed, and refuses it once k0 is removed", async () => {
    const { link } = await pendingLink();
    const body = btoa(JSON.stringify([link.id, link.batch_id, link.checker_id, link.fingerprint, Date.parse(link.expires_at)])).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const v1 = `v1.${body}.${await hmacSha256Hex(TEST_APPROVAL_SECRET, `v1.${body}`)}`;
    expect((await new Browser().get(`/approvals/${v1}`)).status).toBe(200);
    expect((await new Browser(await rotated()).get(`/approvals/${v1}`)).status).toBe(200);
    expect((await new Browser(await oldRemoved()).get(`/approvals/${v1}`)).status).toBe(403);
  });

  it("reads APPROVAL_LINK_KEYS newest first, falls back to APPROVAL_LINK_SECRET as k0, and refuses a list that is not one", async () => {
    expect(approvalLinkKeys(env)).toEqual([{ id: "k0", secret: TEST_APPROVAL_SECRET }]);
    expect(approvalLinkKeys(await rotated()).map((k) => k.id)).toEqual(["k1", "k0"]);
    for (const bad of ["[]", "{}", "not json", JSON.stringify([K1, K1]), JSON.stringify([{ id: "k.1", secret: K1.secret }]), JSON.stringify([{ id: "k1", secret: "short" }])]) {
      expect(() => approvalLinkKeys({ ...env, APPROVAL_LINK_KEYS: bad }), bad).toThrow(/APPROVAL_LINK_KEYS is not valid/);
    }
  });
});

describe("session keys", () => {
  it("keeps a session signed by the old key open after rotation, signs new sessions with the new key, and refuses the old one once it is removed", async () => {
    const before = new Browser();
    expect((await before.signIn(TEST_ACTORS.auditor.token)).status).toBe(303);
    expect(decodeURIComponent(before.cookies.get("disburse_ops")!).startsWith("k0.")).toBe(true);

    before.bindings = await bindingsWith({ SESSION_KEYS: JSON.stringify([S1, { id: "k0", secret: TEST_SESSION_SECRET }]) });
    const dashboard = await before.get("/ops");
    expect(dashboard.status).toBe(200);
    // Its forms still carry a CSRF token the console accepts.
    expect((await before.submit("/ops", "/ops/logout")).location).toBe("/ops/login?out=1");

    const during = new Browser(before.bindings);
    expect((await during.signIn(TEST_ACTORS.auditor.token)).status).toBe(303);
    expect(decodeURIComponent(during.cookies.get("disburse_ops")!).startsWith("s1.")).toBe(true);
    const old = new Browser(before.bindings);
    expect((await old.signIn(TEST_ACTORS.auditor.token)).status).toBe(303);

    const after = await bindingsWith({ SESSION_KEYS: JSON.stringify([S1]) });
    during.bindings = after;
    expect((await during.get("/ops")).status).toBe(200);
    const legacy = new Browser();
    expect((await legacy.signIn(TEST_ACTORS.auditor.token)).status).toBe(303);
    legacy.bindings = after;
    const refused = await legacy.get("/ops");
    expect(refused.status).toBe(303);
    expect(refused.location).toBe("/ops/login?next=%2Fops");
  });
});

describe("the configured webhook endpoint's secrets", () => {
  const configRow = { managedBy: "config" } as EndpointRow;
  const secretA = `whsec_${btoa("a".repeat(32))}`;
  const secretB = `whsec_${btoa("b".repeat(32))}`;

  it("signs with every secret of a space-separated NOTIFY_SIGNING_SECRET, so a receiver holding either verifies", async () => {
    const settings = eventSettings(await bindingsWith({ NOTIFY_WEBHOOK_URL: "https://hooks.example.org/x", NOTIFY_SIGNING_SECRET: ` ${secretB}  ${secretA} ` }));
    const secrets = await signingSecrets(settings, configRow, Date.now());
    expect(secrets).toEqual([secretB, secretA]);
    const timestamp = new Date();
    const body = JSON.stringify({ hello: "world" });
    const signature = secrets.map((s) => new Webhook(s).sign("evt_1", timestamp, body)).join(" ");
    const headers = { "webhook-id": "evt_1", "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": signature };
    for (const s of [secretA, secretB]) expect(new Webhook(s).verify(body, headers)).toEqual({ hello: "world" });
  });

  it("signs with none when one listed secret is not a whsec_ secret (the delivery fails and says why)", async () => {
    const settings = eventSettings(await bindingsWith({ NOTIFY_WEBHOOK_URL: "https://hooks.example.org/x", NOTIFY_SIGNING_SECRET: `${secretA} not-a-secret` }));
    expect(await signingSecrets(settings, configRow, Date.now())).toEqual([]);
  });
});
