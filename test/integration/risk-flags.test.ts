// Risk signals for checkers, end to end: a batch's first-time payees, changed bank details,
// shared accounts and outsized amounts are flagged at submission with their reasons, on the
// API, the approval page and the console; the flags are part of the fingerprint.

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, approveBankChange, changeBankDetails, createPayee, settlementFor, unique } from "../support/api";
import { expectStatus, linkFor, openLink, tokenFor } from "../support/batches";
import { approvedBatch, consume, releaseByHand } from "../support/execution";
import { signedIn, textOf } from "../support/console-browser";

/** Pays one order to the payee in a cycle of its own, through to processed. */
async function paidOnce(accountNumber: string) {
  const { batch, payees } = await approvedBatch({ accountNumbers: [accountNumber] });
  const [p] = await releaseByHand(batch);
  await consume({ type: "transfer", payoutId: p.id });
  expect((await api("auditor", "GET", `/v1/payouts/${p.id}`)).body.status).toBe("processed");
  return payees[0] as { id: string };
}

async function setBank(payeeId: string, accountNumber: string) {
  await changeBankDetails(payeeId, { accountNumber, ifsc: "HDFC0001234", accountHolderName: "Holder" });
}

const account = () => String(300_000_000_000 + Math.floor(Math.random() * 1e11));

describe("risk flags on a submitted batch", () => {
  it("flags first payouts, changed details, shared accounts and outsized amounts, each with its reason, and nothing else", async () => {
    const steady = await paidOnce(account());
    const changed = await paidOnce(account());
    await setBank(changed.id, account());
    const outsized = await paidOnce(account());
    const fresh = await createPayee("seller");
    const shared = account();
    const twinA = await createPayee("seller");
    const twinB = await createPayee("seller");
    await setBank(twinA.id, shared);
    await setBank(twinB.id, shared);

    const cycleId = unique("cyc-risk");
    for (const p of [steady, changed, fresh, twinA, twinB]) expectStatus(await api("system", "POST", "/v1/settlements", settlementFor(p.id, cycleId)), 201);
    // Five orders of the usual size: 5× the payee's only payout.
    for (let i = 0; i < 5; i++) expectStatus(await api("system", "POST", "/v1/settlements", settlementFor(outsized.id, cycleId)), 201);
    const draft = await api("maker", "POST", "/v1/batches", { cycleId });
    const submitted = await api("maker", "POST", `/v1/batches/${draft.body.id}/submit`);
    expectStatus(submitted, 200);
    const flagsOf = (payeeId: string) => submitted.body.riskFlags.filter((f: { payeeId: string }) => f.payeeId === payeeId).map((f: { code: string }) => f.code);

    expect(flagsOf(steady.id)).toEqual([]);
    expect(flagsOf(changed.id)).toEqual(["bank_details_changed"]);
    expect(flagsOf(fresh.id)).toEqual(["first_payout"]);
    expect(flagsOf(twinA.id)).toEqual(["first_payout", "shared_bank_account"]);
    expect(flagsOf(twinB.id)).toEqual(["first_payout", "shared_bank_account"]);
    expect(flagsOf(outsized.id)).toEqual(["amount_outlier"]);
    const twinFlag = submitted.body.riskFlags.find((f: { payeeId: string; code: string }) => f.payeeId === twinA.id && f.code === "shared_bank_account");
    expect(twinFlag.reason).toContain(twinB.id);
    const outlier = submitted.body.riskFlags.find((f: { code: string }) => f.code === "amount_outlier");
    expect(outlier.reason).toMatch(/5\.0× the median of this payee's last 1 payout/);
    // The same flags on each item.
    const item = submitted.body.items.find((i: { payeeId: string }) => i.payeeId === changed.id);
    expect(item.riskFlags.map((f: { code: string }) => f.code)).toEqual(["bank_details_changed"]);

    // The checker sees them at the top of the approval page, and the operator in the console.
    const page = await openLink(await tokenFor(await linkFor(draft.body.id, "checker-chen")));
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="risk-flags"');
    expect(textOf(page.html)).toContain("Look at these first: 5 payees flagged");
    expect(page.html.indexOf('data-testid="risk-flags"')).toBeLessThan(page.html.indexOf('data-testid="total"'));
    const consolePage = await (await signedIn("auditor")).get(`/ops/batches/${draft.body.id}`);
    expect(textOf(consolePage.html)).toContain("Bank details changed since the last payout");
  }, 60_000);

  it("binds the approval to the flags: a batch whose flags changed after submission cannot be approved", async () => {
    const payee = await createPayee("seller");
    const cycleId = unique("cyc-risk");
    expectStatus(await api("system", "POST", "/v1/settlements", settlementFor(payee.id, cycleId)), 201);
    const draft = await api("maker", "POST", "/v1/batches", { cycleId });
    const submitted = await api("maker", "POST", `/v1/batches/${draft.body.id}/submit`);
    expect(submitted.body.riskFlags.map((f: { code: string }) => f.code)).toEqual(["first_payout"]);
    // Someone edits the stored flags so the checker would see none.
    await env.DB.prepare("UPDATE batch_items SET risk_flags = '[]' WHERE batch_id = ?").bind(draft.body.id).run();
    const approve = await api("checker", "POST", `/v1/batches/${draft.body.id}/approve`, { fingerprint: submitted.body.fingerprint });
    expect(approve.status).toBe(409);
    expect(JSON.stringify(approve.body)).toMatch(/fingerprint/);
  });

  it("flags a payee whose bank named someone else for the account, verified on another person's override", async () => {
    const payee = await createPayee("seller");
    const change = await api("omni", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: { accountNumber: account(), ifsc: "HDFC0001234", accountHolderName: "Meena Stores" } });
    expectStatus(change, 200);
    await approveBankChange(payee.id, change.body.pendingBankDetailsChangeId, { verifyAs: null });
    const verified = await api("admin", "POST", `/v1/payees/${payee.id}/verification`, {
      status: "verified",
      bankAccountName: "Ramesh Kumar Traders",
      nameMismatchOverride: { reason: "seller trades under this name; GST certificate seen" },
    });
    expectStatus(verified, 200);
    const cycleId = unique("cyc-risk");
    expectStatus(await api("system", "POST", "/v1/settlements", settlementFor(payee.id, cycleId)), 201);
    const draft = await api("maker", "POST", "/v1/batches", { cycleId });
    const submitted = await api("maker", "POST", `/v1/batches/${draft.body.id}/submit`);
    expectStatus(submitted, 200);
    const flag = submitted.body.riskFlags.find((f: { code: string }) => f.code === "name_mismatch");
    expect(flag.reason).toMatch(/^The bank names the account holder "Ramesh Kumar Traders", which matches the payee's names at \d+% \(\d+% needed\); verified on an override by admin-ada: "seller trades under this name; GST certificate seen"\.$/);
  }, 30_000);
});
