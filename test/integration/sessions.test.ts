// Ops console sessions are rows in D1 that can be ended: signing out revokes the session (a
// copied cookie stops working), "Sign out everywhere" revokes every session of the actor, a
// session ends after its idle timeout and its lifetime, and removing or changing the token it
// was opened with ends it on the next request. Each test uses actors of its own.

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { LAST_SEEN_EVERY_MS } from "../../src/http/console/session";
import { Browser, bindingsWith, textOf, uniqueActor } from "../support/console-browser";

const MINUTE = 60_000;

async function sessionRow(id: string) {
  return env.DB.prepare("SELECT * FROM console_sessions WHERE id = ?").bind(id).first<Record<string, string | null>>();
}

/** Moves a session's clock back, as time passing would. */
async function age(id: string, fields: { lastSeenAgoMs?: number; createdAgoMs?: number; expiresInMs?: number }) {
  const now = Date.now();
  if (fields.lastSeenAgoMs !== undefined) await env.DB.prepare("UPDATE console_sessions SET last_seen_at = ? WHERE id = ?").bind(new Date(now - fields.lastSeenAgoMs).toISOString(), id).run();
  if (fields.createdAgoMs !== undefined) await env.DB.prepare("UPDATE console_sessions SET created_at = ? WHERE id = ?").bind(new Date(now - fields.createdAgoMs).toISOString(), id).run();
  if (fields.expiresInMs !== undefined) await env.DB.prepare("UPDATE console_sessions SET expires_at = ? WHERE id = ?").bind(new Date(now + fields.expiresInMs).toISOString(), id).run();
}

async function signedInAs(actor: ReturnType<typeof uniqueActor>, bindings: Awaited<ReturnType<typeof bindingsWith>>) {
  const browser = new Browser(bindings);
  const res = await browser.signIn(actor.token);
  expect(res.status, res.html.slice(0, 300)).toBe(303);
  expect((await browser.get("/ops")).status).toBe(200);
  return browser;
}

const sentToSignIn = (page: { status: number; location: string | null }) => page.status === 303 && (page.location ?? "").startsWith("/ops/login");

describe("console sessions", () => {
  it("keeps a server-side record of each sign-in, with the token's hash and not the token, and a cookie that carries only its id", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({}, [ana]);
    const browser = await signedInAs(ana, bindings);
    const row = (await sessionRow(browser.sessionId!))!;
    expect(row).toMatchObject({ actor_id: ana.actorId, revoked_at: null, revoked_reason: null });
    expect(JSON.stringify(row)).not.toContain(ana.token);
    expect(row.token_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(row.expires_at!) - Date.parse(row.created_at!)).toBe(8 * 3600_000);
    expect(decodeURIComponent(browser.cookies.get("disburse_ops")!)).not.toContain(ana.actorId);
  });

  it("revokes the session on sign-out, so a copy of the cookie no longer opens the console", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({}, [ana]);
    const browser = await signedInAs(ana, bindings);
    const copy = new Browser(bindings);
    copy.cookies.set("disburse_ops", browser.cookies.get("disburse_ops")!);
    expect((await copy.get("/ops")).status).toBe(200);

    const out = await browser.submit("/ops", "/ops/logout");
    expect(out.location).toBe("/ops/login?out=1");
    expect(await sessionRow(copy.sessionId!)).toMatchObject({ revoked_reason: "signed_out" });
    expect(sentToSignIn(await copy.get("/ops"))).toBe(true);
  });

  it("signs the actor out on every browser from one, and leaves other people's sessions alone", async () => {
    const ana = uniqueActor("ops-ana");
    const bob = uniqueActor("ops-bob");
    const bindings = await bindingsWith({}, [ana, bob]);
    const laptop = await signedInAs(ana, bindings);
    const phone = await signedInAs(ana, bindings);
    const phoneSession = phone.sessionId!;
    const bobs = await signedInAs(bob, bindings);

    const dashboard = await laptop.get("/ops");
    expect(dashboard.html).toContain('action="/ops/logout-everywhere"');
    const out = await laptop.submit("/ops", "/ops/logout-everywhere");
    expect(out.status).toBe(303);
    expect(out.location).toBe("/ops/login?out=all");
    expect(laptop.cookies.has("disburse_ops")).toBe(false);
    expect(textOf((await laptop.get("/ops/login?out=all")).html)).toContain("You are signed out on every browser.");

    const refused = await phone.get("/ops/batches");
    expect(refused.status).toBe(303);
    expect(refused.location).toBe(`/ops/login?next=${encodeURIComponent("/ops/batches")}`);
    expect(await sessionRow(phoneSession)).toMatchObject({ revoked_reason: "signed_out_everywhere" });
    expect((await bobs.get("/ops")).status).toBe(200);
    // Signing in again opens a new session.
    expect((await phone.signIn(ana.token)).status).toBe(303);
    expect((await phone.get("/ops")).status).toBe(200);
  });

  it("refuses sign-out everywhere without the session's CSRF token, and changes nothing", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({}, [ana]);
    const browser = await signedInAs(ana, bindings);
    expect((await browser.post("/ops/logout-everywhere", { csrf: "0".repeat(64) })).status).toBe(403);
    expect(await sessionRow(browser.sessionId!)).toMatchObject({ revoked_at: null });
    expect((await browser.get("/ops")).status).toBe(200);
  });

  it("ends a session after the idle timeout (30 minutes by default), and keeps one in use alive", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({}, [ana]);
    const busy = await signedInAs(ana, bindings);
    await age(busy.sessionId!, { lastSeenAgoMs: 29 * MINUTE });
    expect((await busy.get("/ops")).status).toBe(200);
    // That request counted as use: the idle clock starts again.
    const seen = Date.parse((await sessionRow(busy.sessionId!))!.last_seen_at!);
    expect(Date.now() - seen).toBeLessThan(MINUTE);

    const idle = await signedInAs(ana, bindings);
    await age(idle.sessionId!, { lastSeenAgoMs: 30 * MINUTE + 1000 });
    expect(sentToSignIn(await idle.get("/ops"))).toBe(true);
  });

  it("takes the idle timeout and lifetime from SESSION_IDLE_TIMEOUT_SECONDS and SESSION_LIFETIME_SECONDS", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({ SESSION_IDLE_TIMEOUT_SECONDS: "300", SESSION_LIFETIME_SECONDS: "3600" }, [ana]);
    const browser = await signedInAs(ana, bindings);
    const row = (await sessionRow(browser.sessionId!))!;
    expect(Date.parse(row.expires_at!) - Date.parse(row.created_at!)).toBe(3600_000);
    expect(browser.cookies.size).toBeGreaterThan(0);
    expect(textOf((await new Browser(bindings).get("/ops/login")).html)).toContain("for up to 1 hour, or until 5 minutes without using the console");
    await age(browser.sessionId!, { lastSeenAgoMs: 5 * MINUTE + 1000 });
    expect(sentToSignIn(await browser.get("/ops"))).toBe(true);
  });

  it("ends a session at its absolute lifetime however busy it is, and when the lifetime is shortened", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({}, [ana]);
    const browser = await signedInAs(ana, bindings);
    await age(browser.sessionId!, { expiresInMs: -1000 });
    expect(sentToSignIn(await browser.get("/ops"))).toBe(true);

    const other = await signedInAs(ana, bindings);
    await age(other.sessionId!, { createdAgoMs: 2 * 3600_000 });
    expect((await other.get("/ops")).status).toBe(200);
    other.bindings = await bindingsWith({ SESSION_LIFETIME_SECONDS: "3600" }, [ana]);
    expect(sentToSignIn(await other.get("/ops"))).toBe(true);
  });

  it("writes last use at most once a minute, not on every page", async () => {
    const ana = uniqueActor("ops-ana");
    const bindings = await bindingsWith({}, [ana]);
    const browser = await signedInAs(ana, bindings);
    await age(browser.sessionId!, { lastSeenAgoMs: 20_000 });
    const before = (await sessionRow(browser.sessionId!))!.last_seen_at;
    for (let i = 0; i < 3; i++) expect((await browser.get("/ops/batches")).status).toBe(200);
    expect((await sessionRow(browser.sessionId!))!.last_seen_at).toBe(before);
    await age(browser.sessionId!, { lastSeenAgoMs: LAST_SEEN_EVERY_MS + 1000 });
    await browser.get("/ops/batches");
    expect(Date.now() - Date.parse((await sessionRow(browser.sessionId!))!.last_seen_at!)).toBeLessThan(10_000);
  });

  it("refuses and revokes the sessions of an actor whose token was removed from API_TOKENS, for good", async () => {
    const ana = uniqueActor("ops-ana");
    const withAna = await bindingsWith({}, [ana]);
    const browser = await signedInAs(ana, withAna);
    const cookie = browser.cookies.get("disburse_ops")!;
    browser.bindings = await bindingsWith({});
    expect(sentToSignIn(await browser.get("/ops"))).toBe(true);
    const rows = await env.DB.prepare("SELECT revoked_reason FROM console_sessions WHERE actor_id = ?").bind(ana.actorId).all();
    expect(rows.results).toEqual([{ revoked_reason: "token_removed" }]);
    // Putting the token back does not revive the session: the person signs in again.
    const replay = new Browser(withAna);
    replay.cookies.set("disburse_ops", cookie);
    expect(sentToSignIn(await replay.get("/ops"))).toBe(true);
    expect((await replay.signIn(ana.token)).status).toBe(303);
  });

  it("refuses the session of an actor whose token was replaced, even though the actor is still configured", async () => {
    const ana = uniqueActor("ops-ana");
    const browser = await signedInAs(ana, await bindingsWith({}, [ana]));
    const cookie = browser.cookies.get("disburse_ops")!;
    browser.bindings = await bindingsWith({}, [{ ...ana, token: `${ana.token}-rotated` }]);
    expect(sentToSignIn(await browser.get("/ops"))).toBe(true);
    const again = new Browser(await bindingsWith({}, [ana]));
    again.cookies.set("disburse_ops", cookie);
    expect(sentToSignIn(await again.get("/ops"))).toBe(true);
  });

  it("follows a change of roles in API_TOKENS on the next request, without a new sign-in", async () => {
    const ana = uniqueActor("ops-ana", ["auditor"]);
    const browser = await signedInAs(ana, await bindingsWith({}, [ana]));
    expect((await browser.get("/ops/audit")).status).toBe(200);
    browser.bindings = await bindingsWith({}, [{ ...ana, roles: ["maker"] }]);
    expect((await browser.get("/ops/audit")).status).toBe(403);
  });
});
