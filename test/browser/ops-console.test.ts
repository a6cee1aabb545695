// The ops console as a person uses it: a payout fails at the (simulated) bank for a bad account,
// an admin finds the exception in Chromium, reads the payout's timeline, and once the bank details
// are corrected resolves the exception and follows the retry to a processed payout.

import { fileURLToPath } from "node:url";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { TEST_ACTORS } from "../support/actors.ts";
import { api, approveAndVerify, expectNoSidewaysScroll, payoutOfBatch, settleOrder, submittedBatch, unique, verifiedSeller, LAPTOP, useChromium } from "./support.ts";

const RESULTS_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));
const PHONE = { width: 390, height: 844 };
const RELOAD_WAIT_MS = 30_000;

const newPage = useChromium();

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function expectOk(res: Promise<{ status: number; body: any }>, expected: number, what: string) {
  const { status, body } = await res;
  if (status !== expected) throw new Error(`${what}: expected HTTP ${expected}, got ${status} ${JSON.stringify(body)}`);
  return body;
}

/** Laptop and phone screenshots of the current page, checking the phone layout's width. */
async function screenshots(page: Page, name: string) {
  await page.screenshot({ path: `${RESULTS_DIR}${name}-laptop.png`, fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: `${RESULTS_DIR}${name}-phone.png`, fullPage: true });
  await expectNoSidewaysScroll(page);
  await page.setViewportSize(LAPTOP);
}

const text = async (page: Page, selector: string) => (await page.locator(selector).first().innerText()).trim();

/** No WCAG 2.x A or AA violation axe-core can find in the part of the page this test is about. */
async function expectAccessible(page: Page, selector: string) {
  const { violations } = await new AxeBuilder({ page }).include(selector).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

describe("ops console in the browser", () => {
  it("finds a failed payout's exception, reads its timeline, resolves it after the fix and follows the retry to processed", async () => {
    // An integration's side: a seller whose verified account the bank will refuse, one order, a batch approved via the API.
    const name = unique("Farah Exports");
    const seller = await verifiedSeller(name);
    const badAccount = { accountNumber: "555500000000", ifsc: "HDFC0001234", accountHolderName: name };
    const bad = await expectOk(api("admin", "PATCH", `/v1/payees/${seller.id}`, { bankDetails: badAccount }), 200, "set bank details");
    await approveAndVerify(seller.id, bad.pendingBankDetailsChangeId, name);
    const cycleId = unique("CYC-OPS");
    await settleOrder(cycleId, seller.id, 60_000, 6_000);
    const batch = await submittedBatch(cycleId);
    await expectOk(api("checker", "POST", `/v1/batches/${batch.id}/approve`, { fingerprint: batch.fingerprint }), 200, "approve batch");
    const failed = await payoutOfBatch(batch.id, "failed");
    expect(failed.failureCode).toBe("invalid_account");

    // Sign in: the console sends us to the sign-in page first, then back where we were going.
    const page = await newPage();
    await page.goto(`${inject("baseUrl")}/ops/exceptions`);
    expect(new URL(page.url()).pathname).toBe("/ops/login");
    await screenshots(page, "ops-login");
    await page.getByLabel("Your API token").fill(TEST_ACTORS.admin.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/ops\/exceptions$/);
    expect(await text(page, "[data-testid=actor]")).toBe(TEST_ACTORS.admin.actorId);

    // The exception is listed with its payout; open it, then the payout's timeline.
    const row = page.locator(`tr:has(a[href="/ops/payouts/${failed.id}"])`);
    await expect(row.count()).resolves.toBe(1);
    expect(await row.innerText()).toContain("invalid bank details");
    expect(await row.locator("[data-status]").innerText()).toBe("open");
    await screenshots(page, "ops-exceptions");
    await row.locator('a[href^="/ops/exceptions/"]').click();
    await page.waitForURL(/\/ops\/exceptions\/exc_/);
    const exceptionUrl = page.url();
    expect(await text(page, "[data-testid=exception-status]")).toBe("open");
    expect(await text(page, "[data-testid=exception-summary]")).toContain(failed.id);

    // Resolving before the bank details are corrected is refused with the reason, and changes nothing.
    await page.getByLabel("Note (required)").fill("Retrying as is.");
    const [refusal] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith("/status")),
      page.getByRole("button", { name: "Resolve" }).click(),
    ]);
    await page.waitForLoadState("load");
    expect(refusal.status()).toBe(409);
    expect(await text(page, "[data-testid=outcome-message]")).toBe(
      `Correct and verify payee ${seller.id}'s bank details before resolving this (bank_details_unchanged).`,
    );
    expect(await text(page, "[data-testid=exception-status]")).toBe("open");
    await screenshots(page, "ops-exception-refused");
    await page.goto(exceptionUrl);

    await page.locator("[data-testid=payout-link]").click();
    await page.waitForURL(new RegExp(`/ops/payouts/${failed.id}$`));
    expect(await text(page, "[data-testid=payout-status]")).toBe("failed");
    expect(await text(page, "[data-testid=failure-code]")).toBe("invalid_account");
    expect(await text(page, "[data-testid=bank-account]")).toBe("XXXXXXXX0000 · HDFC0001234");
    const timeline = await text(page, "[data-testid=timeline]");
    expect(timeline).toContain("Bank call #1");
    expect(timeline).toContain("caused by the bank refusing it");
    expect(timeline).toMatch(/Ledger posting: reserve, transaction \S+/);
    expect(timeline).toMatch(/Ledger posting: void, transaction \S+/);
    expect(timeline).toMatch(/\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} IST/);
    await expect(page.locator("[data-testid=timeline] li[data-to=failed]").count()).resolves.toBe(1);
    await screenshots(page, "ops-payout-failed");

    // The integration corrects the bank details and verifies them.
    const goodAccount = { accountNumber: "555512345678", ifsc: "HDFC0001234", accountHolderName: name };
    const good = await expectOk(api("admin", "PATCH", `/v1/payees/${seller.id}`, { bankDetails: goodAccount }), 200, "correct bank details");
    await approveAndVerify(seller.id, good.pendingBankDetailsChangeId, name);

    // Back on the exception: resolve with a note; the retry's new payout is linked.
    await page.goto(exceptionUrl);
    expect(await text(page, "[data-testid=payee-bank]")).toContain("XXXXXXXX5678");
    await page.getByLabel("Note (required)").fill("Seller sent the corrected account; verified by penny drop.");
    await page.getByRole("button", { name: "Resolve" }).click();
    await page.waitForURL(/\?done=resolved$/);
    expect(await text(page, "[data-testid=exception-status]")).toBe("resolved");
    expect(await text(page, "[data-testid=outcome-message]")).toBe("The exception is resolved.");
    const retryLink = page.locator("[data-testid=retry-payout-link]");
    const retryId = (await retryLink.innerText()).trim();
    expect(retryId).toMatch(/^po_/);
    expect(retryId).not.toBe(failed.id);
    await screenshots(page, "ops-exception-resolved");

    // Follow it and reload until the simulated bank has paid it.
    await retryLink.click();
    await page.waitForURL(new RegExp(`/ops/payouts/${retryId}$`));
    const deadline = Date.now() + RELOAD_WAIT_MS;
    while ((await text(page, "[data-testid=payout-status]")) !== "processed") {
      if (Date.now() > deadline) throw new Error(`payout ${retryId} not processed within ${RELOAD_WAIT_MS} ms: ${await text(page, "[data-testid=timeline]")}`);
      await sleep(500);
      await page.reload();
    }
    await expect(page.locator("[data-testid=timeline] li[data-to=processed]").count()).resolves.toBe(1);
    expect(await text(page, "[data-testid=bank-account]")).toBe("XXXXXXXX5678 · HDFC0001234");
    expect(await page.locator(`a[href="/ops/payouts/${failed.id}"]`).count()).toBeGreaterThan(0);
    await screenshots(page, "ops-payout-processed");

    // The other pages read well on a phone too.
    const today = new Date().toISOString().slice(0, 10);
    await expectOk(api("auditor", "POST", "/v1/audit-reports", { date: today }), 200, "generate the day's audit report");
    const pages = { dashboard: "/ops", batch: `/ops/batches/${batch.id}`, batches: "/ops/batches", audit: "/ops/audit", "audit-report": `/ops/audit/${today}` };
    for (const [name, path] of Object.entries(pages)) {
      const response = await page.goto(`${inject("baseUrl")}${path}`);
      expect(response?.status(), path).toBe(200);
      await screenshots(page, `ops-${name}`);
    }
    expect(await text(page, "h1")).toContain(`Audit report for ${today}`);

    // Signing out ends the session in this browser.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL(/\/ops\/login\?out=1$/);
    await page.goto(`${inject("baseUrl")}/ops`);
    expect(new URL(page.url()).pathname).toBe("/ops/login");
  });

  it("finds a payout by its UTR and a payee by its account's last four from the bar, filters the payout list, and reads the chart's numbers", async () => {
    const name = unique("Ishaan Textiles");
    const seller = await verifiedSeller(name);
    const lastFour = (await expectOk(api("admin", "GET", `/v1/payees/${seller.id}`), 200, "read payee")).bankDetails.accountNumberMasked.slice(-4);
    const cycleId = unique("CYC-FIND");
    await settleOrder(cycleId, seller.id, 75_000, 7_500);
    const batch = await submittedBatch(cycleId);
    await expectOk(api("checker", "POST", `/v1/batches/${batch.id}/approve`, { fingerprint: batch.fingerprint }), 200, "approve batch");
    await payoutOfBatch(batch.id, "processed");
    const paid = (await expectOk(api("auditor", "GET", `/v1/payouts?batchId=${batch.id}`), 200, "read payouts")).data[0];
    expect(paid.bankReference).toMatch(/^SIMUTR/);

    const page = await newPage();
    await page.goto(`${inject("baseUrl")}/ops/login`);
    await page.getByLabel("Your API token").fill(TEST_ACTORS.auditor.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/ops$/);
    const search = page.getByRole("searchbox", { name: "Search payees and payouts" });

    // A UTR from the bank's statement, typed into the bar: the payout, and on to its page.
    await search.fill(paid.bankReference);
    await search.press("Enter");
    await page.waitForURL(/\/ops\/search\?q=SIMUTR/);
    await expect(page.locator("[data-testid=payout-hits] tbody tr").count()).resolves.toBe(1);
    await expectAccessible(page, "main");
    await screenshots(page, "ops-search-utr");
    await page.locator(`[data-testid=payout-hits] a[href="/ops/payouts/${paid.id}"]`).click();
    await page.waitForURL(new RegExp(`/ops/payouts/${paid.id}$`));
    expect(await text(page, "[data-testid=payout-status]")).toBe("processed");

    // The last four digits a payee reads out on the phone: the payee among those sharing them, and its page.
    await search.fill(lastFour);
    await search.press("Enter");
    await page.waitForURL(/\/ops\/search\?q=\d{4}$/);
    const payeeRow = page.locator(`[data-testid=payee-hits] tr:has(a[href="/ops/payees/${seller.id}"])`);
    expect(await payeeRow.innerText()).toContain(`XXXXXXXX${lastFour}`);
    expect(await payeeRow.innerText()).toContain("account number");
    await payeeRow.getByRole("link", { name }).click();
    await page.waitForURL(new RegExp(`/ops/payees/${seller.id}$`));
    expect(await text(page, "h1")).toContain(name);

    // The payout list, filtered by batch and status from its form; the row leads to the payout.
    await page.getByRole("link", { name: "Payouts", exact: true }).click();
    await page.waitForURL(/\/ops\/payouts$/);
    await page.getByLabel("Status").selectOption("processed");
    await page.getByLabel("Batch id").fill(batch.id);
    await page.getByLabel("Created from").fill(new Date().toISOString().slice(0, 10));
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/ops\/payouts\?status=processed&batch=/);
    const rows = page.locator("[data-testid=payout-list] tbody tr");
    await expect(rows.count()).resolves.toBe(1);
    expect(await rows.first().innerText()).toContain(name);
    await expectAccessible(page, "main");
    await screenshots(page, "ops-payouts");
    await page.getByLabel("Status").selectOption("failed");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=failed/);
    expect(await text(page, "[aria-label='Payout list']")).toContain("No payouts match.");
    await page.goBack();
    await rows.first().locator(`a[href="/ops/payouts/${paid.id}"]`).click();
    await page.waitForURL(new RegExp(`/ops/payouts/${paid.id}$`));

    // The dashboard's chart: a named image, and today's numbers in its table.
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.waitForURL(/\/ops$/);
    const chart = page.getByRole("img", { name: /^Payouts created per day over the last 30 days/ });
    await expect(chart.count()).resolves.toBe(1);
    expect(await chart.getAttribute("aria-describedby")).toBe("payout-chart-desc");
    expect(await page.locator("#payout-chart-desc").textContent()).toMatch(/\d+ payouts? created for ₹[\d,]+\.\d\d/);
    await expect(page.locator("[data-testid=amount-bars] rect").count()).resolves.toBeGreaterThan(0);
    await page.getByText("The numbers, day by day").click();
    const todayRow = page.locator(`[data-testid=payout-days] tr[data-day="${new Date().toISOString().slice(0, 10)}"] td`);
    const [, payouts, amount] = await todayRow.allInnerTexts();
    expect(Number(payouts)).toBeGreaterThanOrEqual(1);
    expect(amount).toMatch(/^₹[\d,]+\.\d\d$/);
    await expectAccessible(page, "[aria-label^='Payouts over the last']");
    await screenshots(page, "ops-dashboard-chart");
  });

  it("refuses a service token at sign-in with a clear message", async () => {
    const page = await newPage();
    await page.goto(`${inject("baseUrl")}/ops/login`);
    await page.getByLabel("Your API token").fill(TEST_ACTORS.system.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForLoadState("load");
    expect(await text(page, "[data-testid=login-error]")).toContain("does not open the console");
    expect(new URL(page.url()).pathname).toBe("/ops/login");
  });
});
