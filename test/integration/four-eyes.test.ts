// The proof that no one person can send money to bank details a second person did not approve
// (issue #13): every path one actor could take — whatever roles its token holds — moves no money
// to the new details until someone else approves them and the cooling-off has passed.
// omni-olga (test/support/actors.ts) holds every role: maker, checker, admin, auditor, system, risk.

import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, approveBankChange, endCoolingOff, settlementFor, unique } from "../support/api";
import { approve, expectError, expectStatus } from "../support/batches";
import { approvedBatch, bank, consume, releaseByHand } from "../support/execution";

const THEIRS = { ifsc: "HDFC0001234", accountHolderName: "Meena Stores" };
const attackerAccount = () => ({ accountNumber: String(600_000_000_000 + Math.floor(Math.random() * 1e11)), ifsc: "ICIC0004321", accountHolderName: "Olga Omni" });

/** Every debit the simulated bank made to an account number (its own record of money moved). */
async function debitsTo(accountNumber: string): Promise<number> {
  const state = await bank("/admin/state");
  const payouts = (await env.DB.prepare("SELECT id FROM payouts WHERE json_extract(bank_snapshot, '$.accountNumber') = ?").bind(accountNumber).all<{ id: string }>()).results.map((p) => p.id);
  return state.movements.filter((m: any) => m.direction === "debit" && payouts.includes(m.key)).length;
}

/** Payouts ever created to an account number, whatever their state. */
async function payoutsTo(accountNumber: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM payouts WHERE json_extract(bank_snapshot, '$.accountNumber') = ?").bind(accountNumber).first<{ n: number }>();
  return row!.n;
}

/** A seller with approved, verified details it has been paid to once, and an email on file. */
async function paidSeller() {
  const account = String(500_000_000_000 + Math.floor(Math.random() * 1e11));
  const created = await api("system", "POST", "/v1/payees", { type: "seller", displayName: unique("Meena Stores"), email: "meena@example.org", bankDetails: { accountNumber: account, ...THEIRS } });
  expectStatus(created, 201);
  const seller = await approveBankChange(created.body.id, created.body.pendingBankDetailsChangeId, { verifyAs: "MEENA STORES" });
  await payCycle(seller.id, "maker");
  expect(await debitsTo(account)).toBe(1);
  return { seller, account };
}

/** Settles an order, batches it as `maker`, approves as checker-chen, releases and pays: the payouts made. */
async function payCycle(payeeId: string, maker: "maker" | "omni") {
  const cycleId = unique("cyc");
  expectStatus(await api("system", "POST", "/v1/settlements", settlementFor(payeeId, cycleId)), 201);
  const created = await api(maker, "POST", "/v1/batches", { cycleId, payeeIds: [payeeId] });
  expectStatus(created, 201);
  const submitted = await api(maker, "POST", `/v1/batches/${created.body.id}/submit`);
  if (submitted.status !== 200) return { cycleId, batch: created.body, submitted, payouts: [] };
  const approved = await approve("checker", created.body.id, submitted.body.fingerprint);
  expectStatus(approved, 200);
  const payouts = await releaseByHand(approved.body);
  for (const p of payouts) await consume({ type: "transfer", payoutId: p.id });
  return { cycleId, batch: approved.body, submitted, payouts };
}

const requestChange = async (actor: "omni" | "admin" | "system", payeeId: string, body: Record<string, unknown>) => {
  const res = await api(actor, "PATCH", `/v1/payees/${payeeId}`, body);
  expectStatus(res, 200);
  return res.body.pendingBankDetailsChangeId as string;
};

describe("one actor cannot pay bank details no second person approved", () => {
  it("change + verify + resolve the ticket: the retry waits for a second person and the cooling-off, then pays once", async () => {
    const { batch } = await approvedBatch({ accountNumbers: ["123456780000"] }); // the bank refuses this account
    const [failed] = await releaseByHand(batch);
    await consume({ type: "transfer", payoutId: failed.id });
    const payeeId = failed.payeeId as string;
    const ticket = (await env.DB.prepare("SELECT id FROM exceptions WHERE payout_id = ? AND cause = 'invalid_bank_details'").bind(failed.id).first<{ id: string }>())!.id;
    const mine = attackerAccount();

    // omni-olga does everything her roles allow, alone.
    const changeId = await requestChange("omni", payeeId, { bankDetails: mine });
    expectError(await api("omni", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/approve`, { note: "mine" }), 403, "bank_change_decided_by_requester");
    expectStatus(await api("omni", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName: "Holder" }), 200); // verifies the details in force, not hers
    const resolve = () => api("omni", "POST", `/v1/exceptions/${ticket}/status`, { status: "resolved", note: "fixed" });
    const early = await resolve();
    expectError(early, 409, "cause_not_fixed");
    expect(early.body.error.details.problem).toBe("bank_details_change_pending");
    expect(await payoutsTo(mine.accountNumber)).toBe(0);

    // A second person approves: still nothing during the cooling-off.
    expectStatus(await api("checker", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/approve`, { note: "called the seller on the number on file" }), 200);
    expectStatus(await api("omni", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName: "OLGA OMNI" }), 200);
    const cooling = await resolve();
    expectError(cooling, 409, "cause_not_fixed");
    expect(cooling.body.error.details.problem).toBe("bank_details_cooling_off");
    expect(await payoutsTo(mine.accountNumber)).toBe(0);

    // Once the cooling-off has passed, resolving pays the approved details, once.
    await endCoolingOff(payeeId);
    const resolved = await resolve();
    expectStatus(resolved, 200);
    expect(resolved.body.retryResult).toMatchObject({ kind: "new_attempt", outcome: "created" });
    await consume({ type: "transfer", payoutId: resolved.body.retryResult.payoutId });
    expect(await debitsTo(mine.accountNumber)).toBe(1);
  });

  it("change + new batch as maker: the payee is held, neither the new nor the old details are paid, and a batch approved earlier is refused at the gate", async () => {
    const { seller, account } = await paidSeller();
    // A batch a checker approved before the change, released after it.
    const cycleId = unique("cyc");
    expectStatus(await api("system", "POST", "/v1/settlements", settlementFor(seller.id, cycleId)), 201);
    const early = await api("maker", "POST", "/v1/batches", { cycleId, payeeIds: [seller.id] });
    const submitted = await api("maker", "POST", `/v1/batches/${early.body.id}/submit`);
    const approvedEarly = await approve("checker", early.body.id, submitted.body.fingerprint);
    expectStatus(approvedEarly, 200);

    const mine = attackerAccount();
    const changeId = await requestChange("omni", seller.id, { email: "olga@attacker.example", bankDetails: mine });
    expect(await releaseByHand(approvedEarly.body)).toHaveLength(0);
    const item = (await api("auditor", "GET", `/v1/batches/${early.body.id}`)).body.items[0];
    const refusal = await env.DB.prepare("SELECT details FROM exceptions WHERE item_id = ?").bind(item.id).first<{ details: string }>();
    expect(JSON.parse(refusal!.details).reason).toBe("bank_details_change_pending");

    // As maker (and system), omni-olga batches a new cycle: the item is held, the batch has nothing to pay.
    const next = await payCycle(seller.id, "omni");
    expect(next.batch.items[0]).toMatchObject({ status: "held", exclusionReason: expect.stringContaining("awaits a second person's approval") });
    expectError(next.submitted, 422, "batch_empty");
    expect(await payoutsTo(mine.accountNumber)).toBe(0);
    expect(await debitsTo(account)).toBe(1); // the old details are not paid either

    // The request was announced to the contact on file before it, not the one it set.
    const event = (await api("auditor", "GET", `/v1/events?subjectId=${seller.id}&type=payee.bank_details_change_requested`)).body.data[0];
    expect(event.data).toMatchObject({ id: changeId, contactOnFile: { email: "meena@example.org" }, previousBankDetails: { accountNumberMasked: expect.stringMatching(new RegExp(`${account.slice(-4)}$`)) } });

    // A second person approves; during the cooling-off the payee stays held (reason: cooling-off).
    expectStatus(await api("admin", "POST", `/v1/payees/${seller.id}/bank-detail-changes/${changeId}/approve`, { note: "confirmed on the phone number on file" }), 200);
    expectStatus(await api("omni", "POST", `/v1/payees/${seller.id}/verification`, { status: "verified", bankAccountName: "Olga Omni" }), 200);
    const cooling = await payCycle(seller.id, "maker");
    expect(cooling.batch.items[0]).toMatchObject({ status: "held", exclusionReason: expect.stringContaining("cooling-off period until") });
    expect(await payoutsTo(mine.accountNumber)).toBe(0);

    await endCoolingOff(seller.id);
    const paid = await payCycle(seller.id, "maker");
    expect(paid.payouts).toHaveLength(1);
    expect(await debitsTo(mine.accountNumber)).toBe(1);
  });

  it("a token with every role: a new payee's first details, entered by it, are never payable by it alone", async () => {
    const mine = attackerAccount();
    const created = await api("omni", "POST", "/v1/payees", { type: "seller", displayName: unique("Omni Traders"), bankDetails: mine });
    expectStatus(created, 201);
    const payeeId = created.body.id as string;
    const changeId = created.body.pendingBankDetailsChangeId as string;
    expect(created.body).toMatchObject({ bankDetails: null, verificationStatus: "unverified" });
    expectError(await api("omni", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName: "Olga Omni" }), 409, "bank_details_missing");
    expectError(await api("omni", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/approve`, { note: "mine" }), 403, "bank_change_decided_by_requester");
    expectError(await api("omni", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/reject`, { note: "mine" }), 403, "bank_change_decided_by_requester");

    // omni-olga posts the settlement (system), batches it (maker): held, nothing to submit.
    const attempt = await payCycle(payeeId, "omni");
    expect(attempt.batch.items[0]).toMatchObject({ status: "held" });
    expectError(attempt.submitted, 422, "batch_empty");
    expect(await payoutsTo(mine.accountNumber)).toBe(0);

    // With a second person's approval (first details: no cooling-off), the maker's batch still needs a checker who is not omni-olga.
    expectStatus(await api("checker", "POST", `/v1/payees/${payeeId}/bank-detail-changes/${changeId}/approve`, { note: "KYC documents match" }), 200);
    expectStatus(await api("admin", "POST", `/v1/payees/${payeeId}/verification`, { status: "verified", bankAccountName: "OLGA OMNI" }), 200);
    const cycleId = unique("cyc");
    expectStatus(await api("omni", "POST", "/v1/settlements", settlementFor(payeeId, cycleId)), 201);
    const own = await api("omni", "POST", "/v1/batches", { cycleId, payeeIds: [payeeId] });
    const submitted = await api("omni", "POST", `/v1/batches/${own.body.id}/submit`);
    expectStatus(submitted, 200);
    expectError(await approve("omni", own.body.id, submitted.body.fingerprint), 403, "maker_cannot_approve");
    expect(await payoutsTo(mine.accountNumber)).toBe(0);
  });

  it("approving one's own change is refused, whoever requested it (403 bank_change_decided_by_requester), and changes nothing", async () => {
    const { seller } = await paidSeller();
    for (const actor of ["admin", "system"] as const) {
      const changeId = await requestChange(actor, seller.id, { bankDetails: attackerAccount() });
      if (actor === "admin") expectError(await api("admin", "POST", `/v1/payees/${seller.id}/bank-detail-changes/${changeId}/approve`, { note: "mine" }), 403, "bank_change_decided_by_requester");
      expectError(await api("maker", "POST", `/v1/payees/${seller.id}/bank-detail-changes/${changeId}/approve`, { note: "x" }), 403, "forbidden_role");
    }
    const now = (await api("auditor", "GET", `/v1/payees/${seller.id}`)).body;
    expect(now).toMatchObject({ bankDetails: { accountHolderName: "Meena Stores" }, verificationStatus: "verified" });
    const changes = (await api("auditor", "GET", `/v1/payees/${seller.id}/bank-detail-changes`)).body.data;
    expect(changes.map((c: any) => c.status)).toEqual(["pending", "superseded", "approved"]); // the newest request replaced the older one
  });

  it("verifying one's own change with a low name match is refused, with or without an override; another reviewer may override with a reason", async () => {
    const { seller } = await paidSeller();
    const changeId = await requestChange("omni", seller.id, { bankDetails: attackerAccount() });
    expectStatus(await api("checker", "POST", `/v1/payees/${seller.id}/bank-detail-changes/${changeId}/approve`, { note: "looks fine" }), 200);
    const verify = (actor: "omni" | "admin", body: Record<string, unknown>) => api(actor, "POST", `/v1/payees/${seller.id}/verification`, { status: "verified", ...body });

    expectError(await verify("omni", {}), 422, "bank_account_name_required");
    const low = await verify("omni", { bankAccountName: "Ramesh Kumar Traders" });
    expectError(low, 422, "name_mismatch");
    expect(low.body.error.details).toMatchObject({ score: 0, threshold: 0.8 });
    expectError(await verify("omni", { bankAccountName: "Ramesh Kumar Traders", nameMismatchOverride: { reason: "trust me" } }), 403, "name_mismatch_override_by_requester");
    expect((await api("auditor", "GET", `/v1/payees/${seller.id}`)).body.verificationStatus).toBe("unverified");

    const overridden = await verify("admin", { bankAccountName: "Ramesh Kumar Traders", nameMismatchOverride: { reason: "the payee sold the business; deed seen" } });
    expectStatus(overridden, 200);
    expect(overridden.body.verification).toMatchObject({ nameMatchScore: 0, override: { by: "admin-ada", reason: "the payee sold the business; deed seen" } });
    const audit = (await api("auditor", "GET", `/v1/audit-events?subjectType=payee&subjectId=${seller.id}`)).body.data;
    expect(audit.map((e: any) => e.action)).toEqual(expect.arrayContaining(["payee.bank_details_change_requested", "payee.bank_details_change_approved", "payee.bank_details_changed", "payee.verification_set"]));
    const types = (await api("auditor", "GET", `/v1/events?subjectId=${seller.id}&limit=50`)).body.data.map((e: any) => e.type);
    expect(types).toEqual(expect.arrayContaining(["payee.bank_details_change_requested", "payee.bank_details_change_approved", "payee.bank_details_changed", "payee.bank_details_verification_set"]));
  });

  it("a rejected change leaves the payee paid to its approved details", async () => {
    const { seller, account } = await paidSeller();
    const changeId = await requestChange("omni", seller.id, { bankDetails: attackerAccount() });
    const rejected = await api("checker", "POST", `/v1/payees/${seller.id}/bank-detail-changes/${changeId}/reject`, { note: "the seller never asked for this" });
    expectStatus(rejected, 200);
    expect(rejected.body).toMatchObject({ status: "rejected", decidedBy: "checker-chen" });
    expectError(await api("checker2", "POST", `/v1/payees/${seller.id}/bank-detail-changes/${changeId}/approve`, { note: "late" }), 409, "bank_change_not_pending");
    const paid = await payCycle(seller.id, "maker");
    expect(paid.payouts).toHaveLength(1);
    expect(await debitsTo(account)).toBe(2);
  });
});
