// The console's event log in Chromium: an admin opens Events from the bar, narrows the list to
// one payout, reads an event's deliveries (a receiver that refused it), and delivers it again.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { TEST_ACTORS } from "../support/actors.ts";
import { api, getBatch, settleOrder, submittedBatch, unique, useChromium, verifiedSeller } from "./support.ts";

const newPage = useChromium();

async function expectAccessible(page: Page) {
  const { violations } = await new AxeBuilder({ page }).include("main").withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

describe("the event log in the ops console", () => {
  let answer = 500;
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(String(req.headers["webhook-id"]));
    req.resume().on("end", () => res.writeHead(answer).end());
  });
  let endpointId = "";

  beforeAll(async () => {
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    endpointId = (await api("admin", "POST", "/v1/webhook-endpoints", { url, eventTypes: ["payout.processed"] })).body.id;
  });
  afterAll(async () => {
    await api("admin", "DELETE", `/v1/webhook-endpoints/${endpointId}`);
    await new Promise<void>((done) => server.close(() => done()));
  });

  it("finds a payout's events, shows the refused delivery and delivers it again", async () => {
    const cycleId = unique("cyc-ops-events");
    const seller = await verifiedSeller(unique("Events Seller"));
    await settleOrder(cycleId, seller.id, 30_000, 3_000);
    const batch = await submittedBatch(cycleId);
    expect((await api("checker", "POST", `/v1/batches/${batch.id}/approve`, { fingerprint: batch.fingerprint })).status).toBe(200);
    let payoutId = "";
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && seen.length === 0) {
      payoutId = (await api("auditor", "GET", `/v1/payouts?batchId=${batch.id}`)).body.data?.[0]?.id ?? "";
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(seen.length, "the receiver was sent payout.processed").toBeGreaterThan(0);
    expect((await getBatch(batch.id)).status).not.toBe("pending_approval");

    const page = await newPage();
    await page.goto(`${inject("baseUrl")}/ops/login`);
    await page.getByLabel("Your API token").fill(TEST_ACTORS.admin.token);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Events", exact: true }).click();
    await page.getByLabel("Payout, batch, ticket or payee id").fill(payoutId);
    await page.getByRole("button", { name: "Filter" }).click();
    await expectAccessible(page);
    await page.getByRole("link", { name: "payout.processed" }).click();
    await expect.poll(async () => page.getByTestId(`delivery-status-${endpointId}`).innerText()).toMatch(/pending|failed/i);
    expect(await page.locator("main").innerText()).toContain("HTTP 500");
    await expectAccessible(page);

    // The receiver is fixed: deliver again, and it gets the same event id.
    answer = 204;
    const before = seen.length;
    await page.getByRole("button", { name: "Deliver again" }).click();
    expect(await page.getByTestId("outcome-message").innerText()).toContain("Sent again");
    await expect.poll(() => seen.length, { timeout: 20_000 }).toBeGreaterThan(before);
    expect(seen.at(-1)).toBe(seen[0]);
    await page.reload();
    await expect.poll(async () => { await page.reload(); return page.getByTestId(`delivery-status-${endpointId}`).innerText(); }, { timeout: 20_000 }).toMatch(/delivered/i);
  });
});
