// The ops console driven as a browser drives it: sign in with an API token, carry the session
// cookie, read the pages, and post the forms with their CSRF tokens. Refusals must change nothing.

import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { formatPaise } from "../../src/domain/money";
import { sessionCookieValue } from "../../src/http/console/session";
import { TEST_ACTORS } from "../support/actors";
import { api, approveBankChange, verifyPayee } from "../support/api";
import { approvedBatch, configureBank, consume, releaseByHand } from "../support/execution";
import { BASE, Browser, type BrowserPage, hiddenField, signedIn, textOf } from "../support/console-browser";

/** SESSION_SECRET as vitest.config.mts binds it. */
const TEST_SESSION_SECRET = "test-ops-session-secret-not-for-production";
const GENERIC_LOGIN_ERROR = "That token does not open the console. Paste your personal API token; service tokens cannot sign in.";

function expectSignInRedirect(page: BrowserPage, next?: string) {
  expect(page.status).toBe(303);
  expect(page.location).toBe(next === undefined ? "/ops/login" : `/ops/login?next=${encodeURIComponent(next)}`);
}

/** A payout the bank refused (account ending 0000), with its invalid_bank_details exception. */
async function failedPayout() {
  const { batch, payees } = await approvedBatch({ accountNumbers: ["123456780000"] });
  const [queued] = await releaseByHand(batch);
  await consume({ type: "transfer", payoutId: queued.id });
  const payout = (await api("auditor", "GET", `/v1/payouts/${queued.id}`)).body;
  expect(payout.status).toBe("failed");
  const list = await api("admin", "GET", `/v1/exceptions?payoutId=${payout.id}`);
  expect(list.body.data).toHaveLength(1);
  return { batch, payee: payees[0], payout, exception: list.body.data[0] };
}

async function exceptionNow(id: string) {
  return (await api("admin", "GET", `/v1/exceptions/${id}`)).body;
}

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
});

describe("signing in to the ops console", () => {
  it("signs a person in with their API token and keeps only a signed session id in an HttpOnly, SameSite=Strict cookie", async () => {
    const visitor = new Browser();
    const form = await visitor.get("/ops/login");
    expect(form.status).toBe(200);
    expect(form.html).toContain('<form class="card" method="post" action="/ops/login">');
    expect(form.html).toContain('name="token" type="password"');

    const res = await visitor.post("/ops/login", { csrf: hiddenField(form.html, "csrf"), next: "/ops", token: TEST_ACTORS.admin.token });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/ops");
    const cookie = res.setCookies.find((c) => c.startsWith("disburse_ops="))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\/ops/);
    expect(cookie).toMatch(/; Max-Age=28800/);
    // The key id, the session id and Hono's signature: nothing about who or which roles.
    const value = decodeURIComponent(visitor.cookies.get("disburse_ops")!);
    expect(value).toMatch(/^k0\.ses_[0-9a-f]{32}\.[A-Za-z0-9+/]{43}=$/);
    expect(value).not.toContain("admin");

    const dashboard = await visitor.get("/ops");
    expect(dashboard.status).toBe(200);
    expect(dashboard.html).toContain('data-testid="actor"');
    expect(textOf(dashboard.html)).toContain("admin-ada");
  });

  it("refuses an unknown token and a system-only token with the same generic message, and sets no session", async () => {
    const answers = [];
    for (const token of ["not-a-token-anyone-has-0000", TEST_ACTORS.system.token]) {
      const visitor = new Browser();
      const form = await visitor.get("/ops/login");
      const res = await visitor.post("/ops/login", { csrf: hiddenField(form.html, "csrf"), next: "/ops", token });
      expect(res.status).toBe(401);
      expect(visitor.cookies.has("disburse_ops")).toBe(false);
      answers.push(/data-testid="login-error">([^<]*)</.exec(res.html)?.[1]);
    }
    expect(answers).toEqual([GENERIC_LOGIN_ERROR.replace(/'/g, "&#39;"), GENERIC_LOGIN_ERROR.replace(/'/g, "&#39;")]);
  });

  it("refuses a sign-in form without its CSRF token or sent from another site", async () => {
    const visitor = new Browser();
    const form = await visitor.get("/ops/login");
    const token = TEST_ACTORS.admin.token;
    expect((await visitor.post("/ops/login", { csrf: "0".repeat(64), token })).status).toBe(403);
    expect((await visitor.post("/ops/login", { csrf: hiddenField(form.html, "csrf"), token }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await new Browser().post("/ops/login", { csrf: hiddenField(form.html, "csrf"), token })).status).toBe(403); // no nonce cookie
    expect(visitor.cookies.has("disburse_ops")).toBe(false);
  });

  it("sends a visitor without a session to sign in, then back to the page they asked for, never to another site", async () => {
    const visitor = new Browser();
    expectSignInRedirect(await visitor.get("/ops/exceptions?status=all"), "/ops/exceptions?status=all");
    const res = await visitor.signIn(TEST_ACTORS.auditor.token, "/ops/exceptions?status=all");
    expect(res.location).toBe("/ops/exceptions?status=all");
    expect((await visitor.get("/ops/exceptions?status=all")).status).toBe(200);

    for (const next of ["https://evil.example/", "//evil.example/ops", "/ops/../v1/payees", "/ops/%2e%2e/v1", "/opsevil", "/ops/login"]) {
      expect((await new Browser().signIn(TEST_ACTORS.auditor.token, next)).location, next).toBe("/ops");
    }
  });

  it("treats a tampered, forged or unknown session cookie as no session", async () => {
    const visitor = await signedIn("auditor");
    const good = decodeURIComponent(visitor.cookies.get("disburse_ops")!);
    const sessionId = good.split(".")[1]!;
    const signature = good.slice(good.lastIndexOf(".") + 1);
    const bad = [
      `k0.ses_${"0".repeat(32)}.${signature}`,
      // The signature's first character: all six of its bits count. (Its last one before "=" carries
      // two unused bits, so "A=" and "B=" decode alike: changing it failed this test 1 run in 16.)
      `${good.slice(0, good.lastIndexOf(".") + 1)}${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`,
      await sessionCookieValue(sessionId, { id: "k0", secret: "some-other-secret-entirely" }),
      await sessionCookieValue(sessionId, { id: "k9", secret: TEST_SESSION_SECRET }),
      await sessionCookieValue(`ses_${"1".repeat(32)}`, { id: "k0", secret: TEST_SESSION_SECRET }),
      await sessionCookieValue("not-a-session-id", { id: "k0", secret: TEST_SESSION_SECRET }),
      "garbage",
    ];
    for (const value of bad) {
      const probe = new Browser();
      probe.cookies.set("disburse_ops", encodeURIComponent(value));
      const page = await probe.get("/ops/batches");
      expectSignInRedirect(page, "/ops/batches");
      expect(page.setCookies.some((c) => c.startsWith("disburse_ops=;"))).toBe(true);
    }
    // The genuine cookie still works, and so does the same session id signed afresh with the right secret.
    const fresh = new Browser();
    fresh.cookies.set("disburse_ops", encodeURIComponent(await sessionCookieValue(sessionId, { id: "k0", secret: TEST_SESSION_SECRET })));
    expect((await fresh.get("/ops/batches")).status).toBe(200);
    expect((await visitor.get("/ops/batches")).status).toBe(200);
  });

  it("signs out with the session's CSRF token, and refuses to without it", async () => {
    const visitor = await signedIn("checker");
    expect((await visitor.post("/ops/logout", { csrf: "nope" })).status).toBe(403);
    expect((await visitor.get("/ops")).status).toBe(200);
    const out = await visitor.submit("/ops", "/ops/logout", {});
    expect(out.status).toBe(303);
    expect(out.location).toBe("/ops/login?out=1");
    expect(visitor.cookies.has("disburse_ops")).toBe(false);
    expectSignInRedirect(await visitor.get("/ops"), "/ops");
    expect(textOf((await visitor.get("/ops/login?out=1")).html)).toContain("You are signed out.");
  });

  it("serves pages that are never cached or framed, and an empty favicon", async () => {
    const res = await SELF.fetch(`${BASE}/ops/login`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    await res.text();
    const icon = await SELF.fetch(`${BASE}/favicon.ico`);
    expect(icon.status).toBe(204);
  });
});

describe("console pages for a failed payout", () => {
  it("renders the dashboard, batches, payout timeline, exceptions and their links", async () => {
    const { batch, payee, payout, exception } = await failedPayout();
    const ada = await signedIn("admin");

    const dashboard = await ada.get("/ops");
    expect(dashboard.status).toBe(200);
    expect(textOf(dashboard.html)).toMatch(/Exceptions needing a person \d+/);
    expect(dashboard.html).toContain('href="/ops/exceptions"');
    expect(dashboard.html).toContain('data-status="failed"');

    const list = await ada.get(`/ops/batches?cycle=${encodeURIComponent(batch.cycleId)}`);
    expect(list.status).toBe(200);
    expect(list.html).toContain(`href="/ops/batches/${batch.id}"`);
    const filteredOut = await ada.get(`/ops/batches?cycle=${encodeURIComponent(batch.cycleId)}&status=draft`);
    expect(filteredOut.html).not.toContain(`href="/ops/batches/${batch.id}"`);

    const batchPage = await ada.get(`/ops/batches/${batch.id}`);
    expect(batchPage.status).toBe(200);
    const batchText = textOf(batchPage.html);
    expect(batchText).toContain(`Batch for cycle ${batch.cycleId}`);
    expect(batchText).toContain(formatPaise(batch.totalPaise));
    expect(batchText).toContain("checker-chen");
    expect(batchText).toMatch(/\d+ checks passed/);
    expect(batchPage.html).toContain(`href="/ops/payouts/${payout.id}"`);
    expect(batchPage.html).toMatch(/data-testid="batch-status">(executing|completed)</);

    const payoutPage = await ada.get(`/ops/payouts/${payout.id}`);
    expect(payoutPage.status).toBe(200);
    const payoutText = textOf(payoutPage.html);
    expect(payoutPage.html).toContain('data-testid="payout-status">failed<');
    expect(payoutText).toContain("invalid_account");
    expect(payoutText).toContain("XXXXXXXX0000 · HDFC0001234");
    expect(payoutPage.html).toContain(`href="/ops/batches/${batch.id}"`);
    expect(payoutPage.html).toContain(`href="/ops/exceptions/${exception.id}"`);
    const kinds = [...payoutPage.html.matchAll(/<li data-kind="([a-z_]+)"/g)].map((m) => m[1]);
    expect(kinds).toEqual(["created", "state_change", "bank_call", "state_change"]);
    const timeline = (await api("auditor", "GET", `/v1/payouts/${payout.id}/timeline`)).body.events as Array<{ kind: string; details: any }>;
    const transactionIds = timeline.filter((e) => e.details.transactionId).map((e) => e.details.transactionId as string);
    expect(transactionIds).toHaveLength(2); // reserve, then void
    expect([...payoutPage.html.matchAll(/data-testid="ledger-transaction">([^<]+)</g)].map((m) => m[1])).toEqual(transactionIds);
    expect(payoutText).toContain("Ledger posting: reserve");
    expect(payoutText).toContain("Ledger posting: void");
    expect(payoutText).toContain("caused by the bank refusing it");
    expect(payoutText).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} IST/);
    expect(payoutPage.html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+Z" title="\d{4}-/);

    const exceptions = await ada.get("/ops/exceptions");
    expect(exceptions.status).toBe(200);
    expect(exceptions.html).toContain(`href="/ops/exceptions/${exception.id}"`);
    expect(textOf(exceptions.html)).toContain("invalid bank details");
    const byCause = await ada.get("/ops/exceptions?cause=payout_stuck");
    expect(byCause.html).not.toContain(`href="/ops/exceptions/${exception.id}"`);
    const resolvedOnly = await ada.get("/ops/exceptions?status=resolved");
    expect(resolvedOnly.html).not.toContain(`href="/ops/exceptions/${exception.id}"`);

    const exceptionPage = await ada.get(`/ops/exceptions/${exception.id}`);
    expect(exceptionPage.status).toBe(200);
    const exceptionText = textOf(exceptionPage.html);
    expect(exceptionPage.html).toContain('data-testid="exception-status">open<');
    expect(exceptionText).toContain(exception.summary);
    expect(exceptionPage.html).toContain(`href="/ops/payouts/${payout.id}"`);
    expect(exceptionPage.html).toContain(`href="/ops/batches/${batch.id}"`);
    expect(exceptionText).toContain(payee.id);
    for (const button of ["Resolve", "Move to in progress", "Dismiss", "Add note"]) expect(exceptionText).toContain(button);
  });

  it("adds notes and moves a ticket to in progress from the page", async () => {
    const { exception } = await failedPayout();
    const ada = await signedIn("admin");
    const path = `/ops/exceptions/${exception.id}`;

    const noted = await ada.submit(path, `${path}/notes`, { note: "Called the seller; new account number coming." });
    expect(noted.status).toBe(303);
    expect(noted.location).toBe(`${path}?done=note`);
    const moved = await ada.submit(path, `${path}/status`, { status: "in_progress", note: "Waiting for the seller." });
    expect(moved.status).toBe(303);

    const after = await exceptionNow(exception.id);
    expect(after.status).toBe("in_progress");
    expect(after.notes.map((n: any) => [n.actorId, n.toStatus, n.note])).toEqual([
      ["admin-ada", null, "Called the seller; new account number coming."],
      ["admin-ada", "in_progress", "Waiting for the seller."],
    ]);
    const page = textOf((await ada.get(`${path}?done=in_progress`)).html);
    expect(page).toContain("The exception is in progress.");
    expect(page).toContain("Called the seller; new account number coming.");
  });

  it("refuses forms without the session's CSRF token, from another site, or from the wrong role, and changes nothing", async () => {
    const { exception } = await failedPayout();
    const path = `/ops/exceptions/${exception.id}`;
    const ada = await signedIn("admin");
    const other = await signedIn("admin");
    const otherToken = hiddenField((await other.get("/ops")).html, "csrf");
    const ownToken = hiddenField((await ada.get(path)).html, "csrf");
    const resolve = { status: "dismissed", note: "should not happen" };

    expect((await ada.post(`${path}/status`, resolve)).status).toBe(403); // no token
    expect((await ada.post(`${path}/status`, { ...resolve, csrf: otherToken })).status).toBe(403); // another session's
    expect((await ada.post(`${path}/status`, { ...resolve, csrf: ownToken }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await ada.post(`${path}/notes`, { note: "x", csrf: "" })).status).toBe(403);
    expectSignInRedirect(await new Browser().post(`${path}/status`, { ...resolve, csrf: ownToken }));

    const abe = await signedIn("auditor");
    const refused = await abe.submit(path, `${path}/status`, resolve);
    expect(refused.status).toBe(403);
    expect(textOf(refused.html)).toContain("needs the admin role");
    const chen = await signedIn("checker");
    expect((await chen.submit(path, `${path}/notes`, { note: "checker note" })).status).toBe(403);
    expect((await abe.submit(path, `${path}/notes`, { note: "" })).status).toBe(400);

    const after = await exceptionNow(exception.id);
    expect(after.status).toBe("open");
    expect(after.notes).toEqual([]);
  });

  it("shows cause_not_fixed until the bank details are fixed and verified, then resolving pays the item again", async () => {
    const { payee, payout, exception } = await failedPayout();
    const ada = await signedIn("admin");
    const path = `/ops/exceptions/${exception.id}`;
    const note = "Seller confirmed the new account by phone.";

    const refused = await ada.submit(path, `${path}/status`, { status: "resolved", note });
    expect(refused.status).toBe(409);
    const refusedText = textOf(refused.html);
    expect(refusedText).toContain("Nothing was changed");
    expect(refusedText).toContain(`Correct and verify payee ${payee.id}'s bank details before resolving this (bank_details_unchanged)`);
    expect(refused.html).toContain(`>${note}</textarea>`); // the typed note survives the refusal
    expect((await exceptionNow(exception.id)).status).toBe("open");

    const patched = await api("admin", "PATCH", `/v1/payees/${payee.id}`, {
      bankDetails: { accountNumber: "123456781234", ifsc: "HDFC0001234", accountHolderName: "Holder" },
    });
    expect(patched.status).toBe(200);
    const pending = await ada.submit(path, `${path}/status`, { status: "resolved", note });
    expect(textOf(pending.html)).toContain("(bank_details_change_pending)"); // no second person approved it yet
    await approveBankChange(payee.id, patched.body.pendingBankDetailsChangeId);
    const unverified = await ada.submit(path, `${path}/status`, { status: "resolved", note });
    expect(unverified.status).toBe(409); // changed, not yet verified
    expect(textOf(unverified.html)).toContain("(bank_details_unverified)");
    expect((await verifyPayee(payee.id)).status).toBe(200);

    const resolved = await ada.submit(path, `${path}/status`, { status: "resolved", note });
    expect(resolved.status).toBe(303);
    expect(resolved.location).toBe(`${path}?done=resolved`);
    const after = await exceptionNow(exception.id);
    expect(after).toMatchObject({ status: "resolved", resolvedBy: "admin-ada", resolutionNote: note, retryStatus: "done" });
    const retryId = after.retryResult.payoutId as string;
    expect(after.retryResult).toMatchObject({ kind: "new_attempt", outcome: "created" });
    expect(retryId).not.toBe(payout.id);

    const page = await ada.get(`${path}?done=resolved`);
    expect(textOf(page.html)).toContain("The exception is resolved.");
    expect(page.html).toContain(`data-testid="retry-payout-link">${retryId}<`);
    expect(page.html).toContain(`href="/ops/payouts/${retryId}"`);
    expect(page.html).not.toContain('action="/ops/exceptions/' + exception.id + '/status"');

    await consume({ type: "transfer", payoutId: retryId });
    const retryPage = await ada.get(`/ops/payouts/${retryId}`);
    expect(retryPage.html).toContain('data-testid="payout-status">processed<');
    expect(retryPage.html).toContain(`href="/ops/payouts/${payout.id}"`); // retries, and listed among the item's attempts
    expect(textOf(retryPage.html)).toContain("XXXXXXXX1234");
  });

  it("shows audit reports to auditors as pages with a CSV download, and not to makers", async () => {
    const date = new Date().toISOString().slice(0, 10);
    expect((await api("auditor", "POST", "/v1/audit-reports", { date })).status).toBe(200);
    const abe = await signedIn("auditor");

    const list = await abe.get("/ops/audit");
    expect(list.status).toBe(200);
    expect(list.html).toContain(`href="/ops/audit/${date}"`);
    const report = await abe.get(`/ops/audit/${date}`);
    expect(report.status).toBe(200);
    const reportText = textOf(report.html);
    for (const label of ["Initiated", "Debited at bank", "Credited in ledger", "Payouts by status", "Mismatches", "Open exceptions"]) {
      expect(reportText).toContain(label);
    }
    expect(reportText).toContain(`/v1/audit-reports/${date}?format=csv`);
    const csv = await abe.get(`/ops/audit/${date}/csv`);
    expect(csv.status).toBe(200);
    expect(csv.html.split("\n")[0]).toBe("metric,count,amount_paise");
    expect((await abe.get("/ops/audit/1999-01-01")).status).toBe(404);
    expect(textOf((await abe.get("/ops")).html)).toContain("Latest daily audit report");

    const mira = await signedIn("maker");
    expect((await mira.get("/ops/audit")).status).toBe(403);
    expect((await mira.get(`/ops/audit/${date}/csv`)).status).toBe(403);
    expect(textOf((await mira.get("/ops")).html)).toContain("Audit reports are for the auditor and admin roles.");
  });

  it("answers unknown console pages and records with a page, not JSON", async () => {
    const abe = await signedIn("auditor");
    for (const path of ["/ops/payouts/po_missing", "/ops/batches/bat_missing", "/ops/exceptions/exc_missing", "/ops/nothing-here"]) {
      const page = await abe.get(path);
      expect(page.status, path).toBe(404);
      expect(page.html).toMatch(/^<!DOCTYPE html>|^<html/);
    }
  });
});
