// Every page a person reads, checked with axe-core's WCAG 2.0/2.1/2.2 A and AA rules at laptop and
// phone widths: the checker's approval page and its answers (the decision, a link already used, a
// tampered link), the ops console's every page (sign-in, dashboard, lists, details, search, event
// log, audit reports, statements, refusals), and the printable remittance advice and statement.
// The whole page is checked, not a part of it: the bar, the search box and the footer too.
// The API reference at /docs is checked in api-reference.test.ts.

import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_ACTORS } from "../support/actors.ts";
import { api, approvalRequestFor, approveAndVerify, payoutOfBatch, settleOrder, submittedBatch, unique, verifiedSeller, LAPTOP, useChromium } from "./support.ts";

const PHONE = { width: 390, height: 844 };
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const PAGES_TIMEOUT_MS = 240_000;

const newPage = useChromium();

/** axe's findings on the whole page, one line per rule with the elements that break it. */
async function violationsOf(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Opens `path` (its status must be `status`) and checks it at laptop, then phone width. */
async function expectAccessible(page: Page, path: string, status = 200): Promise<void> {
  await page.setViewportSize(LAPTOP);
  const res = await page.goto(`${inject("baseUrl")}${path}`);
  expect(res?.status(), `GET ${path}`).toBe(status);
  const laptop = await violationsOf(page);
  await page.setViewportSize(PHONE);
  const phone = await violationsOf(page);
  expect({ path, laptop, phone }).toEqual({ path, laptop: [], phone: [] });
}

async function signIn(page: Page, token: string) {
  await page.setViewportSize(LAPTOP);
  await page.goto(`${inject("baseUrl")}/ops/login`);
  await page.getByLabel("Your API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/ops$/);
}

async function ok<T = any>(res: Promise<{ status: number; body: T }>, expected: number, what: string): Promise<T> {
  const { status, body } = await res;
  if (status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${status} ${JSON.stringify(body)}`);
  return body;
}

describe("accessibility of every page (axe-core, WCAG 2 A and AA)", () => {
  // One of each thing the pages show: a processed payout with its UTR, a failed one with its
  // exception ticket, the events both raised, a day's audit report.
  const world = { sellerId: "", sellerName: "", batchId: "", processedId: "", bankReference: "", failedId: "", exceptionId: "", eventId: "", approvalUrl: "", today: new Date().toISOString().slice(0, 10) };

  beforeAll(async () => {
    world.sellerName = unique("Kavya Handlooms");
    const seller = await verifiedSeller(world.sellerName);
    world.sellerId = seller.id;
    const cycleId = unique("CYC-A11Y");
    await settleOrder(cycleId, seller.id, 80_000, 8_000);
    const batch = await submittedBatch(cycleId);
    world.batchId = batch.id;
    world.approvalUrl = (await approvalRequestFor(batch.id, TEST_ACTORS.checker.actorId)).approvalUrl;

    // A second seller whose account the simulated bank refuses: a failed payout and its ticket.
    const name = unique("Irfan Metals");
    const refused = await verifiedSeller(name);
    const bad = await ok(api("admin", "PATCH", `/v1/payees/${refused.id}`, { bankDetails: { accountNumber: "555500000000", ifsc: "HDFC0001234", accountHolderName: name } }), 200, "bad bank details");
    await approveAndVerify(refused.id, bad.pendingBankDetailsChangeId, name);
    const failingCycle = unique("CYC-A11Y-FAIL");
    await settleOrder(failingCycle, refused.id, 40_000, 4_000);
    const failing = await submittedBatch(failingCycle);
    await ok(api("checker2", "POST", `/v1/batches/${failing.id}/approve`, { fingerprint: failing.fingerprint }), 200, "approve failing batch");
    world.failedId = (await payoutOfBatch(failing.id, "failed")).id;
    const tickets = await ok(api("admin", "GET", `/v1/exceptions?status=open&limit=200`), 200, "list exceptions");
    world.exceptionId = tickets.data.find((t: { payoutId: string | null }) => t.payoutId === world.failedId)?.id;
    expect(world.exceptionId, "the failed payout opened an exception ticket").toMatch(/^exc_/);
  }, PAGES_TIMEOUT_MS);

  it("the approval page, the decision's answer, a used link and a tampered link", async () => {
    const page = await newPage();
    await expectAccessible(page, new URL(world.approvalUrl).pathname);
    await page.setViewportSize(LAPTOP);
    await page.getByRole("button", { name: /^Approve/ }).click();
    await page.waitForLoadState("load");
    expect(await page.locator("h1").first().innerText()).toMatch(/approved/i);
    expect(await violationsOf(page)).toEqual([]);

    // The batch is approved: its payout runs, and the same link now answers that it was used.
    const processed = await payoutOfBatch(world.batchId, "processed");
    world.processedId = processed.id;
    world.bankReference = processed.bankReference ?? "";
    expect(world.bankReference).not.toBe("");
    await expectAccessible(page, new URL(world.approvalUrl).pathname, 409);

    const path = new URL(world.approvalUrl).pathname;
    const tampered = `${path.slice(0, -1)}${path.endsWith("A") ? "B" : "A"}`;
    const res = await page.goto(`${inject("baseUrl")}${tampered}`);
    expect(res?.status()).toBeGreaterThanOrEqual(400);
    expect(await violationsOf(page)).toEqual([]);
  }, PAGES_TIMEOUT_MS);

  it("every page of the ops console, for an admin and for an auditor", async () => {
    expect(world.processedId, "the approval test ran first and its payout was processed").toMatch(/^po_/);
    await ok(api("auditor", "POST", "/v1/audit-reports", { date: world.today }), 200, "audit report");
    const events = await ok(api("admin", "GET", `/v1/events?subjectId=${world.processedId}`), 200, "events of the payout");
    world.eventId = events.data[0]?.id;
    expect(world.eventId, "the payout raised events").toMatch(/^evt_/);

    const page = await newPage();
    await expectAccessible(page, "/ops/login");
    await signIn(page, TEST_ACTORS.admin.token);
    const adminPages = [
      "/ops",
      "/ops/batches",
      `/ops/batches/${world.batchId}`,
      "/ops/payouts",
      "/ops/payouts?status=failed",
      `/ops/payouts/${world.processedId}`,
      `/ops/payouts/${world.failedId}`,
      `/ops/search?q=${encodeURIComponent(world.bankReference)}`,
      `/ops/search?q=${encodeURIComponent(world.sellerName)}`,
      `/ops/payees/${world.sellerId}`,
      `/ops/payees/${world.sellerId}/statement`,
      "/ops/exceptions",
      `/ops/exceptions/${world.exceptionId}`,
      "/ops/events",
      `/ops/events/${world.eventId}`,
      "/ops/audit",
      `/ops/audit/${world.today}`,
    ];
    for (const path of adminPages) await expectAccessible(page, path);
    // Refusals are pages too: a search it will not run, and a payout that does not exist.
    await expectAccessible(page, `/ops/search?q=${encodeURIComponent("UTR\t123")}`, 400);
    await expectAccessible(page, "/ops/payouts/po_doesnotexist", 404);

    // An auditor sees a different bar and read-only pages.
    const auditor = await newPage();
    await signIn(auditor, TEST_ACTORS.auditor.token);
    for (const path of ["/ops", `/ops/exceptions/${world.exceptionId}`, `/ops/payees/${world.sellerId}`]) await expectAccessible(auditor, path);
  }, PAGES_TIMEOUT_MS);

  it("the printable remittance advice and payee statement", async () => {
    expect(world.processedId).toMatch(/^po_/);
    const page = await newPage();
    await page.context().setExtraHTTPHeaders({ authorization: `Bearer ${TEST_ACTORS.auditor.token}` });
    await expectAccessible(page, `/v1/payouts/${world.processedId}/remittance?format=html`);
    await expectAccessible(page, `/v1/payees/${world.sellerId}/statement?format=html`);
  }, PAGES_TIMEOUT_MS);
});
