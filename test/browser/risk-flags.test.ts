// Risk flags as a checker meets them: two sellers on the same bank account, one of them new,
// a batch submitted; the checker opens the approval link in Chromium, reads the flags at the top
// of the page, and approves anyway, which is recorded.

import { AxeBuilder } from "@axe-core/playwright";
import { describe, expect, inject, it } from "vitest";
import { api, approvalRequestFor, approveAndVerify, getBatch, settleOrder, submittedBatch, unique, useChromium, verifiedSeller } from "./support.ts";
import { TEST_ACTORS } from "../support/actors.ts";

const newPage = useChromium();

describe("risk flags on the approval page", () => {
  it("shows a checker the flagged payees first, with the reasons, and still lets them approve", async () => {
    const a = await verifiedSeller(unique("Twin A"));
    const b = await verifiedSeller(unique("Twin B"));
    const shared = String(400_000_000_000 + Math.floor(Math.random() * 1e11));
    for (const p of [a, b]) {
      const changed = await api("admin", "PATCH", `/v1/payees/${p.id}`, { bankDetails: { accountNumber: shared, ifsc: "HDFC0001234", accountHolderName: "Twin" } });
      expect(changed.status).toBe(200);
      await approveAndVerify(p.id, changed.body.pendingBankDetailsChangeId, "Twin");
    }
    const cycleId = unique("cyc-risk-browser");
    await settleOrder(cycleId, a.id, 30_000, 3_000);
    await settleOrder(cycleId, b.id, 30_000, 3_000);
    const batch = await submittedBatch(cycleId);
    const request = await approvalRequestFor(batch.id, TEST_ACTORS.checker.actorId);

    const page = await newPage();
    await page.goto(request.approvalUrl);
    const flags = page.getByTestId("risk-flags");
    await expect.poll(() => flags.isVisible()).toBe(true);
    expect(await flags.locator("h2").innerText()).toBe("Look at these first: 2 payees flagged");
    const aLine = await flags.locator(`li[data-payee="${a.id}"]`).innerText();
    expect(aLine).toContain("First payout to this payee");
    expect(aLine).toContain(`The same bank account is on another payee: ${b.id}.`);
    // The flags come before the summary a checker would otherwise read first.
    const order = await page.evaluate(`[...document.querySelectorAll('[data-testid="risk-flags"], [data-testid="total"]')].map((e) => e.dataset.testid)`);
    expect(order).toEqual(["risk-flags", "total"]);
    const { violations } = await new AxeBuilder({ page }).include('[data-testid="risk-flags"]').withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    expect(violations.map((v) => v.id)).toEqual([]);

    await page.getByRole("button", { name: /^Approve/ }).click();
    await page.waitForLoadState("load");
    await expect.poll(async () => (await getBatch(batch.id)).status).not.toBe("pending_approval");
    const approved = await getBatch(batch.id);
    // The approval is bound to the fingerprint, which covers the flags the checker saw.
    expect(approved.decisions.map((d: { checkerId: string; via: string }) => [d.checkerId, d.via])).toEqual([[TEST_ACTORS.checker.actorId, "link"]]);
    expect(approved.riskFlags.map((f: { code: string }) => f.code).sort()).toEqual(["first_payout", "first_payout", "shared_bank_account", "shared_bank_account"]);
  });
});
