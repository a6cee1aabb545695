// The approval link as a checker uses it: open the link from the notification in Chromium, read
// the batch, press Approve or Reject, and see the outcome, both on the page and in the API.

import { fileURLToPath } from "node:url";
import type { Page, Response } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { TEST_ACTORS } from "../support/actors.ts";
import { approvalRequestFor, expectNoSidewaysScroll, getBatch, settleOrder, submittedBatch, unique, verifiedSeller, LAPTOP, useChromium } from "./support.ts";

const RESULTS_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));
const PHONE = { width: 390, height: 844 };

/** An approved batch is released for execution at once, so the API may already show it further on. */
const APPROVED_OR_LATER = ["approved", "executing", "completed"];

const chen = TEST_ACTORS.checker.actorId;
const carla = TEST_ACTORS.checker2.actorId;
const mira = TEST_ACTORS.maker.actorId;

/** A fresh browser profile (own cookies), as each checker opening their own mail would have. */
const newPage = useChromium();

const text = async (page: Page, selector: string) => (await page.locator(selector).first().innerText()).trim();

/** What a message page (the answer to a decision, or a refusal) says, with its HTTP status. */
async function outcome(page: Page, response: Response | null) {
  return { status: response?.status(), title: await text(page, "h1"), message: await text(page, ".notice p") };
}

/** Submits one of the page's two forms and returns what the answering page says. */
async function press(page: Page, button: "Approve" | "Reject", approvalUrl: string) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url() === approvalUrl),
    page.getByRole("button", { name: new RegExp(`^${button}`) }).click(),
  ]);
  await page.waitForLoadState("load");
  return outcome(page, response);
}

describe("approval link in the browser", () => {
  it("lets a checker approve a batch from the link once, and records it via the link", async () => {
    const cycleId = unique("CYC-LINK");
    const asha = await verifiedSeller(unique("Asha Traders"));
    const bharat = await verifiedSeller(unique("Bharat Stores"));
    await settleOrder(cycleId, asha.id, 30_000, 3_000);
    await settleOrder(cycleId, bharat.id, 25_000, 2_500);
    const batch = await submittedBatch(cycleId);
    expect(batch).toMatchObject({ totalPaise: 49_500, itemCount: 2, requiredApprovals: 1 });

    const request = await approvalRequestFor(batch.id, chen);
    expect(request.approvalUrl.startsWith(`${inject("baseUrl")}/approvals/`)).toBe(true);
    const page = await newPage();
    const shown = await page.goto(request.approvalUrl);
    expect(shown?.status()).toBe(200);

    expect(await text(page, "h1")).toBe(`Approve payouts for cycle ${cycleId}`);
    expect(await text(page, "main > p.muted")).toContain(`signed in by this link as ${chen}`);
    expect(await text(page, "[data-testid=item-count]")).toBe("2");
    expect(await text(page, "[data-testid=total]")).toBe("₹495.00");
    expect(await text(page, 'dt:text-is("Maker") + dd')).toBe(mira);
    expect(await text(page, "[data-testid=approvals]")).toBe("0 of 1 needed");
    expect(await page.locator("tbody").innerText()).toContain(asha.displayName);
    await expect(page.getByRole("button", { name: "Approve ₹495.00" }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole("button", { name: "Reject" }).isVisible()).resolves.toBe(true);

    expect(await text(page, "main > p.muted")).toMatch(/It expires \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} IST\./);
    await page.screenshot({ path: `${RESULTS_DIR}approval-page-laptop.png`, fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: `${RESULTS_DIR}approval-page-phone.png`, fullPage: true });
    await expectNoSidewaysScroll(page);
    await page.setViewportSize(LAPTOP);

    expect(await press(page, "Approve", request.approvalUrl)).toEqual({
      status: 200,
      title: "You approved this batch",
      message: "The batch has all the approvals it needs and is released for payment.",
    });
    expect(await text(page, "[data-testid=batch-status]")).toBe("approved");

    expect(await outcome(page, await page.goto(request.approvalUrl))).toMatchObject({ status: 409, title: "This link was already used" });
    await expect(page.getByRole("button").count()).resolves.toBe(0);

    const after = await getBatch(batch.id);
    expect(APPROVED_OR_LATER).toContain(after.status);
    expect(after.approvalCount).toBe(1);
    expect(after.decisions).toEqual([expect.objectContaining({ checkerId: chen, decision: "approve", via: "link" })]);
  });

  it("needs a second checker's link for a batch above the two-checker threshold", async () => {
    const cycleId = unique("CYC-TWO");
    const chandra = await verifiedSeller(unique("Chandra Foods"));
    const devi = await verifiedSeller(unique("Devi Textiles"));
    await settleOrder(cycleId, chandra.id, 10_000_000, 1_000_000);
    await settleOrder(cycleId, devi.id, 3_717_420, 371_742);
    const batch = await submittedBatch(cycleId);
    expect(batch).toMatchObject({ totalPaise: 12_345_678, requiredApprovals: 2 });

    const chensRequest = await approvalRequestFor(batch.id, chen);
    const chensPage = await newPage();
    await chensPage.goto(chensRequest.approvalUrl);
    expect(await text(chensPage, "[data-testid=total]")).toBe("₹1,23,456.78");
    expect(await text(chensPage, "[data-testid=approvals]")).toBe("0 of 2 needed");
    expect(await press(chensPage, "Approve", chensRequest.approvalUrl)).toEqual({
      status: 200,
      title: "You approved this batch",
      message: "Your approval is recorded. It still needs 1 more approval from another checker.",
    });
    expect(await text(chensPage, "[data-testid=batch-status]")).toBe("pending approval");
    expect((await getBatch(batch.id)).status).toBe("pending_approval");

    const carlasRequest = await approvalRequestFor(batch.id, carla);
    const carlasPage = await newPage();
    await carlasPage.goto(carlasRequest.approvalUrl);
    expect(await text(carlasPage, "main > p.muted")).toContain(`signed in by this link as ${carla}`);
    expect(await text(carlasPage, "[data-testid=approvals]")).toBe("1 of 2 needed");
    expect(await press(carlasPage, "Approve", carlasRequest.approvalUrl)).toMatchObject({ status: 200, title: "You approved this batch" });
    expect(await text(carlasPage, ".notice p")).toContain("has all the approvals it needs");
    expect(await text(carlasPage, "[data-testid=batch-status]")).toBe("approved");

    const after = await getBatch(batch.id);
    expect(APPROVED_OR_LATER).toContain(after.status);
    expect(after.approvalCount).toBe(2);
    expect(after.decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ checkerId: chen, decision: "approve", via: "link" }),
        expect.objectContaining({ checkerId: carla, decision: "approve", via: "link" }),
      ]),
    );
    expect(after.decisions).toHaveLength(2);
  });

  it("rejects a batch from the link with the checker's reason", async () => {
    const cycleId = unique("CYC-REJECT");
    const esha = await verifiedSeller(unique("Esha Crafts"));
    await settleOrder(cycleId, esha.id, 40_000, 4_000);
    const batch = await submittedBatch(cycleId);
    const reason = "Esha's order looks duplicated; please check before paying.";

    const request = await approvalRequestFor(batch.id, chen);
    const page = await newPage();
    await page.goto(request.approvalUrl);
    await page.getByLabel("Reason for rejecting").fill(reason);
    expect(await press(page, "Reject", request.approvalUrl)).toMatchObject({ status: 200, title: "You rejected this batch" });
    expect(await text(page, "[data-testid=batch-status]")).toBe("rejected");

    const after = await getBatch(batch.id);
    expect(after.status).toBe("rejected");
    expect(after.rejectionReason).toBe(reason);
    expect(after.decisions).toEqual([expect.objectContaining({ checkerId: chen, decision: "reject", reason, via: "link" })]);
  });
});
