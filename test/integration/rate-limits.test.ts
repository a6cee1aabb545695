// Brute-force limits at their defaults (10 failures in 15 minutes): repeated failed sign-ins and
// approval-link attempts, per client and per token or link, are answered 429 with retry-after
// and a page that says so, and change nothing; successes and real-but-spent links are not
// counted. Every test uses client addresses, tokens and links of its own.

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DAILY_CRON, runScheduled } from "../../src/cloudflare/scheduled";
import type { Env } from "../../src/env";
import { TEST_ACTORS } from "../support/actors";
import { getBatch, linkFor, submittedBatch, tokenFor } from "../support/batches";
import { Browser, bindingsWith, textOf } from "../support/console-browser";

const LIMIT = 10;
const WINDOW_SECONDS = 900;

/** The test bindings with the shipped limits (vitest.config.mts raises them for the other files). */
const defaults = () => bindingsWith({ FAILED_ATTEMPT_LIMIT: "", FAILED_ATTEMPT_WINDOW_SECONDS: "" });
const clientIp = () => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250) + 1).join(".")}`;
const wrongToken = () => `not-a-real-token-${crypto.randomUUID()}`;

function expectThrottled(page: { status: number; retryAfter: string | null; html: string }, text: RegExp) {
  expect(page.status, page.html.slice(0, 300)).toBe(429);
  const seconds = Number(page.retryAfter);
  expect(seconds).toBeGreaterThan(WINDOW_SECONDS - 60);
  expect(seconds).toBeLessThanOrEqual(WINDOW_SECONDS);
  expect(textOf(page.html)).toMatch(text);
}

/** Flips a character in the token's signature: a guess at the link. */
const forged = (token: string, i = 1) => token.slice(0, -i) + (token.at(-i) === "0" ? "1" : "0") + token.slice(token.length - i + 1);

describe("failed sign-ins", () => {
  it("refuses a client with 429 and retry-after after 10 failed sign-ins, even with a right token, and not another client", async () => {
    const bindings = await defaults();
    const ip = clientIp();
    for (let i = 0; i < LIMIT; i++) expect((await new Browser(bindings, ip).signIn(wrongToken())).status).toBe(401);
    const blocked = new Browser(bindings, ip);
    const page = await blocked.signIn(TEST_ACTORS.auditor.token);
    expectThrottled(page, /Too many failed sign-ins from here\. Try again in about 15 minutes\./);
    expect(blocked.cookies.has("disburse_ops")).toBe(false);
    expect((await new Browser(bindings, clientIp()).signIn(TEST_ACTORS.auditor.token)).status).toBe(303);
  });

  it("refuses one token tried from 10 clients, from an 11th as well", async () => {
    const bindings = await defaults();
    const token = wrongToken();
    for (let i = 0; i < LIMIT; i++) expect((await new Browser(bindings, clientIp()).signIn(token)).status).toBe(401);
    expectThrottled(await new Browser(bindings, clientIp()).signIn(token), /Too many failed sign-ins/);
  });

  it("counts failures only: many sign-ins that succeed from one client are never refused", async () => {
    const bindings = await defaults();
    const ip = clientIp();
    for (let i = 0; i < LIMIT + 5; i++) expect((await new Browser(bindings, ip).signIn(TEST_ACTORS.checker.token)).status).toBe(303);
    expect((await new Browser(bindings, ip).signIn(wrongToken())).status).toBe(401);
  });

  it("takes the limit and window from FAILED_ATTEMPT_LIMIT and FAILED_ATTEMPT_WINDOW_SECONDS", async () => {
    const bindings = await bindingsWith({ FAILED_ATTEMPT_LIMIT: "2", FAILED_ATTEMPT_WINDOW_SECONDS: "120" });
    const ip = clientIp();
    for (let i = 0; i < 2; i++) expect((await new Browser(bindings, ip).signIn(wrongToken())).status).toBe(401);
    const page = await new Browser(bindings, ip).signIn(wrongToken());
    expect(page.status).toBe(429);
    expect(Number(page.retryAfter)).toBeGreaterThan(60);
    expect(Number(page.retryAfter)).toBeLessThanOrEqual(120);
    expect(textOf(page.html)).toContain("Try again in about 2 minutes");
  });
});

describe("failed approval-link attempts", () => {
  async function pendingLink() {
    const { batch } = await submittedBatch();
    const link = await linkFor(batch.id, "checker-chen");
    return { batch, link, token: await tokenFor(link) };
  }

  async function expectStillPending(batchId: string, version: number) {
    expect((await getBatch(batchId)).body).toMatchObject({ status: "pending_approval", approvalCount: 0, version });
  }

  it("refuses a client after 10 forged links with 429, for a genuine link too, and changes nothing", async () => {
    const bindings = await defaults();
    const ip = clientIp();
    const { batch, token } = await pendingLink();
    const guesser = new Browser(bindings, ip);
    const other = await pendingLink();
    for (let i = 1; i <= LIMIT; i++) expect((await guesser.get(`/approvals/${forged(other.token, i)}`)).status).toBe(403);
    expectThrottled(await guesser.get(`/approvals/${token}`), /Too many failed attempts/);
    expectThrottled(await guesser.post(`/approvals/${token}`, { csrf: "x", action: "approve" }), /nothing was changed/);
    await expectStillPending(batch.id, batch.version);
    // The checker, elsewhere, is not affected.
    const checker = new Browser(bindings, clientIp());
    expect((await checker.get(`/approvals/${token}`)).status).toBe(200);
  });

  it("locks one link after 10 forged tokens naming it from any clients, and no other link", async () => {
    const bindings = await defaults();
    const target = await pendingLink();
    const other = await pendingLink();
    for (let i = 1; i <= LIMIT; i++) expect((await new Browser(bindings, clientIp()).get(`/approvals/${forged(target.token, i)}`)).status).toBe(403);
    const checker = new Browser(bindings, clientIp());
    expectThrottled(await checker.get(`/approvals/${target.token}`), /or for this link/);
    await expectStillPending(target.batch.id, target.batch.version);
    expect((await checker.get(`/approvals/${other.token}`)).status).toBe(200);
  });

  it("does not count a real link that was used or expired: its checker can open it again and again", async () => {
    const bindings = await defaults();
    const ip = clientIp();
    const { token } = await pendingLink();
    const checker = new Browser(bindings, ip);
    const approved = await checker.submit(`/approvals/${token}`, `/approvals/${token}`, { action: "approve" });
    expect(approved.status, approved.html.slice(0, 300)).toBe(200);
    for (let i = 0; i < LIMIT + 2; i++) expect((await checker.get(`/approvals/${token}`)).status).toBe(409);
  });

  it("counts malformed tokens per client", async () => {
    const bindings: Env = await defaults();
    const browser = new Browser(bindings, clientIp());
    for (let i = 0; i < LIMIT; i++) expect((await browser.get(`/approvals/v2.nonsense-${i}`)).status).toBe(400);
    expect((await browser.get("/approvals/v2.nonsense")).status).toBe(429);
  });
});

describe("the daily sweep of failure counters", () => {
  const rowsAt = async (op: "<=" | ">", atMs: number) =>
    (await env.DB.prepare(`SELECT count(*) AS n FROM failed_attempts WHERE at_ms ${op} ?`).bind(atMs).first<{ n: number }>())!.n;

  it("deletes every failure older than the window, whoever made it, and keeps the ones that still count", async () => {
    const bindings = await defaults();
    for (let i = 0; i < LIMIT; i++) expect((await new Browser(bindings, clientIp()).signIn(wrongToken())).status).toBe(401);
    const oldUntilMs = Date.now();
    await new Promise((done) => setTimeout(done, 5));
    for (let i = 0; i < 3; i++) expect((await new Browser(bindings, clientIp()).signIn(wrongToken())).status).toBe(401);
    expect(await rowsAt("<=", oldUntilMs)).toBeGreaterThanOrEqual(2 * LIMIT); // per client and per token

    // The daily cron runs when the first ten have just left the window, and the last three have not.
    await runScheduled({ cron: DAILY_CRON, scheduledTime: oldUntilMs + WINDOW_SECONDS * 1000 }, bindings);
    expect(await rowsAt("<=", oldUntilMs)).toBe(0);
    expect(await rowsAt(">", oldUntilMs)).toBe(2 * 3);
  });
});
