import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { pollAndRedrive } from "../../src/services/polling";
import { database } from "../../src/store/client";
import { TEST_ACTORS, type TestActor } from "../support/actors";
import { api, createPayee, unique, verifyPayee } from "../support/api";
import { approvedBatch, configureBank, consume, releaseByHand } from "../support/execution";
import {
  auditActions,
  batchAudit,
  CHECKER_IDS,
  createBatch,
  draftBatch,
  excludeItem,
  expectError,
  expectStatus,
  getBatch,
  linksFor,
  newCycle,
  approvalRequestsFor,
  eventsAbout,
  postManual,
  reconcileBatch,
  settle,
  submitBatch,
  submittedBatch,
  TWO_CHECKER_THRESHOLD_PAISE,
} from "../support/batches";
import { servicesFor } from "../../src/deps";
import { pollingSettings } from "../../src/config";

afterEach(() => {
  vi.restoreAllMocks();
});

const batchesOfCycle = async (cycleId: string) => {
  const res = await api("auditor", "GET", `/v1/batches?cycleId=${cycleId}&limit=100`);
  expectStatus(res, 200);
  return res.body.data as Array<{ id: string; status: string }>;
};
const itemOf = (batch: any, payeeId: string) => batch.items.find((i: any) => i.payeeId === payeeId);
const checkOf = (item: any, check: string) => item.reconciliation.find((c: any) => c.check === check);

describe("creating a batch", () => {
  it("computes each payee's payable from the ledger, one item per payee listing the orders that earned it", async () => {
    const cycleId = newCycle();
    const seller = await createPayee("seller");
    const other = await createPayee("seller");
    const partner = await createPayee("delivery_partner");
    const o1 = await settle(seller.id, cycleId);
    const o2 = await settle(seller.id, cycleId, {
      grossAmountPaise: 50_000,
      platformFeePaise: 5_000,
      deliveryPartnerPayeeId: partner.id,
      deliveryFeePaise: 4_000,
    });
    const o3 = await settle(other.id, cycleId, { grossAmountPaise: 30_000, platformFeePaise: 3_000, deliveryPartnerPayeeId: partner.id, deliveryFeePaise: 2_500 });
    // Another cycle's order is not this cycle's business.
    await settle(seller.id, newCycle());

    const res = await createBatch("maker", { cycleId });
    expectStatus(res, 201);
    const batch = res.body;
    expect(batch).toMatchObject({ cycleId, currency: "INR", status: "draft", makerId: "maker-mira", payeeScope: "all", itemCount: 3, blockedCount: 0 });
    expect(batch.id).toMatch(/^bat_/);
    expect(itemOf(batch, seller.id)).toMatchObject({ amountPaise: 90_000 + 45_000, status: "ok" });
    expect(itemOf(batch, seller.id).orders).toEqual(
      expect.arrayContaining([
        { orderId: o1.orderId, role: "seller", amountPaise: 90_000 },
        { orderId: o2.orderId, role: "seller", amountPaise: 45_000 },
      ]),
    );
    expect(itemOf(batch, other.id)).toMatchObject({ amountPaise: 27_000, status: "ok", orders: [{ orderId: o3.orderId, role: "seller", amountPaise: 27_000 }] });
    expect(itemOf(batch, partner.id)).toMatchObject({ amountPaise: 6_500, status: "ok" });
    expect(itemOf(batch, partner.id).orders).toEqual(
      expect.arrayContaining([
        { orderId: o2.orderId, role: "delivery_partner", amountPaise: 4_000 },
        { orderId: o3.orderId, role: "delivery_partner", amountPaise: 2_500 },
      ]),
    );
    expect(batch.totalPaise).toBe(135_000 + 27_000 + 6_500);
    for (const item of batch.items) expect(item.reconciliation.every((c: any) => c.ok)).toBe(true);

    // Reading it back gives the same batch.
    expect((await getBatch(batch.id)).body).toEqual(batch);
  });

  it("includes only the payees asked for, and treats an unknown payee as 422 payee_not_found", async () => {
    const { cycleId, sellerIds } = await draftBatchless(3);
    const res = await createBatch("maker", { cycleId, payeeIds: [sellerIds[2], sellerIds[0]] });
    expectStatus(res, 201);
    expect(res.body.payeeScope).toEqual([sellerIds[0], sellerIds[2]].sort());
    expect(res.body.items.map((i: any) => i.payeeId).sort()).toEqual([sellerIds[0], sellerIds[2]].sort());

    const unknownId = unique("pe_missing");
    const missing = await createBatch("maker", { cycleId, payeeIds: [sellerIds[1], unknownId] });
    expectError(missing, 422, "payee_not_found");
    expect(missing.body.error.details).toMatchObject({ payeeIds: [unknownId] });
    expect(await batchesOfCycle(cycleId)).toHaveLength(1);
  });

  it.each([
    ["an amount for the batch", { amountPaise: 1 }],
    ["a total", { totalPaise: 100 }],
    ["items with amounts", { items: [{ payeeId: "pe_x", amountPaise: 100 }] }],
  ])("never takes amounts from the caller: %s is a 400", async (_name, extra) => {
    const { cycleId } = await draftBatchless(1);
    const res = await createBatch("maker", { cycleId, ...extra });
    expectError(res, 400, "validation_failed");
    expect(await batchesOfCycle(cycleId)).toEqual([]);
  });

  it("returns the existing live batch (200, same id) for the same cycle and payee set", async () => {
    const { cycleId, sellerIds } = await draftBatchless(2);
    const first = await createBatch("maker", { cycleId, payeeIds: sellerIds });
    expectStatus(first, 201);
    const again = await createBatch("maker", { cycleId, payeeIds: [sellerIds[1], sellerIds[0], sellerIds[1]] });
    expectStatus(again, 200);
    expect(again.body.id).toBe(first.body.id);
    // Another maker asking for the same thing gets the same batch too, not a second one.
    const other = await createBatch("maker2", { cycleId, payeeIds: sellerIds });
    expectStatus(other, 200);
    expect(other.body.id).toBe(first.body.id);
    expect(await batchesOfCycle(cycleId)).toHaveLength(1);

    const allCycle = newCycle();
    await settle((await createPayee()).id, allCycle);
    const all1 = await createBatch("maker", { cycleId: allCycle });
    const all2 = await createBatch("maker", { cycleId: allCycle });
    expect([all1.status, all2.status]).toEqual([201, 200]);
    expect(all2.body.id).toBe(all1.body.id);
  });

  it("replays the first response for a repeated Idempotency-Key", async () => {
    const { cycleId } = await draftBatchless(1);
    const key = unique("idem");
    const first = await createBatch("maker", { cycleId }, { "idempotency-key": key });
    expectStatus(first, 201);
    const second = await createBatch("maker", { cycleId }, { "idempotency-key": key });
    expectStatus(second, 201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    const reused = await createBatch("maker", { cycleId: newCycle() }, { "idempotency-key": key });
    expectError(reused, 422, "idempotency_key_reused");
    expect(await batchesOfCycle(cycleId)).toHaveLength(1);
  });

  it("creates exactly one batch when five identical creations race", async () => {
    const { cycleId, sellerIds } = await draftBatchless(3);
    for (const body of [{ cycleId }, { cycleId: (await draftBatchless(2)).cycleId }]) {
      const responses = await Promise.all(Array.from({ length: 5 }, () => createBatch("maker", body)));
      for (const r of responses) expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(await batchesOfCycle(body.cycleId)).toHaveLength(1);
    }
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM batch_items WHERE cycle_id = ? AND live_key IS NOT NULL").bind(cycleId).first<{ n: number }>();
    expect(rows!.n).toBe(sellerIds.length);
  });

  it("refuses a payee who is already in a live batch of the cycle (409), and an all-payees batch skips it", async () => {
    const { cycleId, sellerIds } = await draftBatchless(3);
    const [a, b, c] = sellerIds as [string, string, string];
    const first = await createBatch("maker", { cycleId, payeeIds: [a] });
    expectStatus(first, 201);

    const overlapping = await createBatch("maker", { cycleId, payeeIds: [a, b] });
    expectError(overlapping, 409, "payee_in_live_batch");
    expect(overlapping.body.error.details.payees).toEqual([{ payeeId: a, batchId: first.body.id }]);

    const all = await createBatch("maker", { cycleId });
    expectStatus(all, 201);
    expect(all.body.items.map((i: any) => i.payeeId).sort()).toEqual([b, c].sort());
    // Now b is taken by the all-payees batch.
    expectError(await createBatch("maker", { cycleId, payeeIds: [b] }), 409, "payee_in_live_batch");

    // The same payee in another cycle is free.
    const otherCycle = newCycle();
    await settle(a, otherCycle);
    expectStatus(await createBatch("maker", { cycleId: otherCycle, payeeIds: [a] }), 201);
  });

  it.each<TestActor>(["checker", "checker2", "admin", "auditor", "system"])("refuses batch creation by %s (403)", async (actor) => {
    const { cycleId } = await draftBatchless(1);
    expectError(await createBatch(actor, { cycleId }), 403, "forbidden_role");
    expect(await batchesOfCycle(cycleId)).toEqual([]);
  });

  it("refuses a cycle with nothing outstanding with 422 nothing_to_pay", async () => {
    expectError(await createBatch("maker", { cycleId: newCycle() }), 422, "nothing_to_pay");
  });

  it("refuses a cycle whose payees are already paid in full with 422 nothing_to_pay", async () => {
    await configureBank({ autoRun: false });
    const { cycleId, batch } = await approvedBatch();
    const [payout] = await releaseByHand(batch);
    await consume({ type: "transfer", payoutId: payout.id });
    expect((await api("auditor", "GET", `/v1/payouts/${payout.id}`)).body.status).toBe("processed");
    await pollAndRedrive(servicesFor(env), pollingSettings(env), Date.now()); // completes the batch, which then stops holding the cycle
    expect((await api("auditor", "GET", `/v1/batches/${batch.id}`)).body.status).toBe("completed");
    expectError(await createBatch("maker2", { cycleId }), 422, "nothing_to_pay");

    // With someone else still owed, an all-payees batch pays only them.
    const owed = await createPayee("seller");
    await settle(owed.id, cycleId);
    const res = await createBatch("maker2", { cycleId });
    expectStatus(res, 201);
    expect(res.body.items.map((i: any) => i.payeeId)).toEqual([owed.id]);
  });

  it("blocks a payee whose payable left the ledger without a payout record", async () => {
    const cycleId = newCycle();
    const seller = await createPayee("seller");
    await settle(seller.id, cycleId);
    await postManual(cycleId, [
      { accountId: seller.payableAccountId, direction: "debit", amountPaise: 90_000 },
      { accountId: "platform:bank", direction: "credit", amountPaise: 90_000 },
    ]);
    const res = await createBatch("maker", { cycleId });
    expectStatus(res, 201);
    const [item] = res.body.items;
    expect(item.status).toBe("blocked");
    expect(item.reconciliation.find((c: any) => c.check === "amount_matches_outstanding").ok).toBe(false);
  });
});

/** A fresh cycle with `n` verified sellers and one settled order each, without a batch. */
async function draftBatchless(n: number) {
  const cycleId = newCycle();
  const sellerIds: string[] = [];
  for (let i = 0; i < n; i++) {
    const seller = await createPayee("seller");
    await settle(seller.id, cycleId);
    sellerIds.push(seller.id);
  }
  return { cycleId, sellerIds };
}

describe("pre-payout reconciliation", () => {
  async function cycleWithUnverifiedPayee() {
    const cycleId = newCycle();
    const good = await createPayee("seller");
    const unverified = await createPayee("seller", { verified: false });
    await settle(good.id, cycleId);
    await settle(unverified.id, cycleId);
    const res = await createBatch("maker", { cycleId });
    expectStatus(res, 201);
    return { cycleId, good, unverified, batch: res.body };
  }

  it("blocks an unverified payee's item with the bank_details check failing", async () => {
    const { good, unverified, batch } = await cycleWithUnverifiedPayee();
    const item = itemOf(batch, unverified.id);
    expect(item.status).toBe("blocked");
    expect(checkOf(item, "bank_details")).toEqual({ check: "bank_details", ok: false, reasons: ["bank_details_unverified"] });
    expect(item.reconciliation.filter((c: any) => !c.ok).map((c: any) => c.check)).toEqual(["bank_details"]);
    expect(itemOf(batch, good.id).status).toBe("ok");
    expect(batch.blockedCount).toBe(1);
    // A blocked item's amount is not in the total.
    expect(batch.totalPaise).toBe(90_000);
  });

  it("fails amount_matches_outstanding when the ledger credits the payee more than its orders earned", async () => {
    const cycleId = newCycle();
    const seller = await createPayee("seller");
    await settle(seller.id, cycleId);
    await postManual(cycleId, [
      { accountId: "platform:owner_equity", direction: "debit", amountPaise: 5_000 },
      { accountId: seller.payableAccountId, direction: "credit", amountPaise: 5_000 },
    ]);
    const res = await createBatch("maker", { cycleId, payeeIds: [seller.id] });
    expectStatus(res, 201);
    const item = itemOf(res.body, seller.id);
    expect(item.status).toBe("blocked");
    expect(item.amountPaise).toBe(95_000);
    expect(item.reconciliation.filter((c: any) => !c.ok).map((c: any) => c.check)).toEqual(["amount_matches_outstanding"]);
    expect(checkOf(item, "amount_matches_outstanding").reasons[0]).toMatch(/95000.*90000/);
  });

  it("refuses to submit a batch with blocked items (409), listing them, and leaves it a draft", async () => {
    const { unverified, batch } = await cycleWithUnverifiedPayee();
    const res = await submitBatch("maker", batch.id);
    expectError(res, 409, "batch_has_blocked_items");
    expect(res.body.error.details.blocked).toEqual([
      { payeeId: unverified.id, failed: [{ check: "bank_details", reasons: ["bank_details_unverified"] }] },
    ]);
    const after = (await getBatch(batch.id)).body;
    expect(after).toMatchObject({ status: "draft", fingerprint: null, submittedAt: null });
    expect(await linksFor(batch.id)).toEqual([]);
    const said = await eventsAbout(batch.id);
    // No approval request went out; the blocked item raised one ticket, whose alert is the only event.
    expect(said.filter((n) => n.type === "batch.approval_requested")).toEqual([]);
    expect(said.map((n) => [n.type, JSON.parse(n.data).cause])).toEqual([["exception.opened", "pre_payout_blocked"]]);
  });

  it("clears a blocked item once the cause is fixed and reconciliation re-runs", async () => {
    const { good, unverified, batch } = await cycleWithUnverifiedPayee();
    expectStatus(await verifyPayee(unverified.id), 200);
    // Nothing changes until the maker re-runs reconciliation.
    expect(itemOf((await getBatch(batch.id)).body, unverified.id).status).toBe("blocked");

    const res = await reconcileBatch("maker", batch.id);
    expectStatus(res, 200);
    expect(itemOf(res.body, unverified.id)).toMatchObject({ status: "ok", amountPaise: 90_000 });
    expect(itemOf(res.body, unverified.id).reconciliation.every((c: any) => c.ok)).toBe(true);
    expect(res.body).toMatchObject({ blockedCount: 0, totalPaise: 180_000, version: batch.version + 1 });
    expect(itemOf(res.body, good.id).status).toBe("ok");

    const submitted = await submitBatch("maker", batch.id);
    expectStatus(submitted, 200);
    expect(submitted.body).toMatchObject({ status: "pending_approval", totalPaise: 180_000 });
  });

  it("re-reads amounts from the ledger on reconcile: an order settled after creation is picked up", async () => {
    const cycleId = newCycle();
    const seller = await createPayee("seller");
    await settle(seller.id, cycleId);
    const batch = (await createBatch("maker", { cycleId, payeeIds: [seller.id] })).body;
    await settle(seller.id, cycleId, { grossAmountPaise: 20_000, platformFeePaise: 2_000, discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0 });
    const res = await reconcileBatch("maker", batch.id);
    expectStatus(res, 200);
    expect(itemOf(res.body, seller.id)).toMatchObject({ status: "ok", amountPaise: 108_000 });
    expect(itemOf(res.body, seller.id).orders).toHaveLength(2);
    expect(res.body.totalPaise).toBe(108_000);
  });

  it("lets the maker exclude a blocked item with a reason, then submit, and frees the payee for another batch of the cycle", async () => {
    const { cycleId, unverified, batch } = await cycleWithUnverifiedPayee();
    const item = itemOf(batch, unverified.id);

    expectError(await api("maker", "POST", `/v1/batches/${batch.id}/items/${item.id}/exclude`, {}), 400, "validation_failed");
    expectError(await api("maker", "POST", `/v1/batches/${batch.id}/items/${item.id}/exclude`, { reason: "   " }), 400, "validation_failed");
    expectError(await excludeItem("maker2", batch.id, item.id, "not mine"), 403, "not_batch_maker");
    expectError(await excludeItem("maker", batch.id, "itm_missing", "no such item"), 404, "item_not_found");

    const excluded = await excludeItem("maker", batch.id, item.id, "bank details not verified yet");
    expectStatus(excluded, 200);
    expect(itemOf(excluded.body, unverified.id)).toMatchObject({ status: "excluded", exclusionReason: "bank details not verified yet" });
    expect(excluded.body).toMatchObject({ excludedCount: 1, blockedCount: 0, totalPaise: 90_000 });

    const submitted = await submitBatch("maker", batch.id);
    expectStatus(submitted, 200);
    expect(submitted.body).toMatchObject({ status: "pending_approval", totalPaise: 90_000 });
    expect(itemOf(submitted.body, unverified.id).status).toBe("excluded");

    // The excluded payee is free: once verified, a new batch of the same cycle can pay them.
    expectStatus(await verifyPayee(unverified.id), 200);
    const next = await createBatch("maker2", { cycleId, payeeIds: [unverified.id] });
    expectStatus(next, 201);
    expect(next.body.id).not.toBe(batch.id);
    expect(itemOf(next.body, unverified.id)).toMatchObject({ status: "ok", amountPaise: 90_000 });
  });

  it("refuses to submit when every item is excluded (422 batch_empty)", async () => {
    const { batch } = await draftBatch();
    await excludeItem("maker", batch.id, batch.items[0].id, "paid by hand");
    expectError(await submitBatch("maker", batch.id), 422, "batch_empty");
  });
});

describe("submitting a batch", () => {
  it("freezes the content with a 64-hex fingerprint and moves it to pending_approval", async () => {
    const { batch } = await draftBatch({ sellers: 2 });
    const res = await submitBatch("maker", batch.id);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: batch.id, status: "pending_approval", requiredApprovals: 1, approvalCount: 0, totalPaise: 180_000, version: batch.version + 1 });
    expect(res.body.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.submittedAt).toEqual(expect.any(String));
    for (const item of res.body.items) {
      expect(item.bankDetails).toMatchObject({ accountNumberMasked: expect.stringMatching(/^X+\d{4}$/), ifsc: "HDFC0001234" });
    }
    // Frozen: no more reconciling, excluding or submitting.
    expectError(await reconcileBatch("maker", batch.id), 409, "batch_not_modifiable");
    expectError(await excludeItem("maker", batch.id, batch.items[0].id, "too late"), 409, "batch_not_modifiable");
    expectError(await submitBatch("maker", batch.id), 409, "batch_not_modifiable");
    expect((await getBatch(batch.id)).body.fingerprint).toBe(res.body.fingerprint);
  });

  it("gives different batches different fingerprints", async () => {
    const a = await submittedBatch();
    const b = await submittedBatch();
    expect(a.batch.fingerprint).not.toBe(b.batch.fingerprint);
  });

  it("lets only the maker who created the batch submit it", async () => {
    const { batch } = await draftBatch();
    expectError(await submitBatch("maker2", batch.id), 403, "not_batch_maker");
    expectError(await submitBatch("makerChecker", batch.id), 403, "not_batch_maker");
    expectError(await submitBatch("checker", batch.id), 403, "forbidden_role");
    expectError(await submitBatch("maker", "bat_missing"), 404, "batch_not_found");
    expect((await getBatch(batch.id)).body.status).toBe("draft");
    expectStatus(await submitBatch("maker", batch.id), 200);
  });

  it("requires two approvals above TWO_CHECKER_THRESHOLD_PAISE and one at or below it", async () => {
    const above = await submittedBatch({ grossAmountPaise: 20_000_000 });
    expect(above.batch.totalPaise).toBeGreaterThan(TWO_CHECKER_THRESHOLD_PAISE);
    expect(above.batch.requiredApprovals).toBe(2);

    // Seller payable = gross - 10_000 fee: exactly the threshold.
    const at = await submittedBatch({ grossAmountPaise: TWO_CHECKER_THRESHOLD_PAISE + 10_000 });
    expect(at.batch.totalPaise).toBe(TWO_CHECKER_THRESHOLD_PAISE);
    expect(at.batch.requiredApprovals).toBe(1);

    const justAbove = await submittedBatch({ grossAmountPaise: TWO_CHECKER_THRESHOLD_PAISE + 10_001 });
    expect(justAbove.batch.requiredApprovals).toBe(2);

    // Many small items that add up above the threshold count too.
    const many = await submittedBatch({ sellers: 2, grossAmountPaise: 6_000_000 });
    expect(many.batch.totalPaise).toBe(2 * 5_990_000);
    expect(many.batch.requiredApprovals).toBe(2);
  });

  it("issues an approval link and a batch.approval_requested event to each checker except the maker", async () => {
    const { batch } = await submittedBatch();
    const links = await linksFor(batch.id);
    expect(links.map((l) => l.checker_id).sort()).toEqual([...CHECKER_IDS].sort());
    const submittedAtMs = Date.parse(batch.submittedAt);
    for (const link of links) {
      expect(link).toMatchObject({ fingerprint: batch.fingerprint, used_at: null });
      expect(Date.parse(link.expires_at) - submittedAtMs).toBe(86_400_000);
    }
    const requests = await approvalRequestsFor(batch.id);
    expect(requests).toHaveLength(CHECKER_IDS.length);
    expect(requests.map((n) => JSON.parse(n.data)).sort((x, y) => (x.checkerId < y.checkerId ? -1 : 1))).toEqual(
      links.map((l) => ({ linkId: l.id, batchId: batch.id, checkerId: l.checker_id })),
    );
    // The batch's own events count 1, 2, …: submitted first, then one request per checker.
    expect((await eventsAbout(batch.id)).filter((e) => e.subject_id === batch.id).map((e) => [e.type, e.sequence])).toEqual([
      ["batch.submitted", 1],
      ["batch.approval_requested", 2],
      ["batch.approval_requested", 3],
      ["batch.approval_requested", 4],
      ["batch.approval_requested", 5],
    ]);
    // The token is never stored: links are signed when the request is delivered.
    for (const n of requests) expect(n.data).not.toMatch(/v1\./);

    // A maker who is also a checker gets no link to their own batch.
    const own = await submittedBatch({ maker: "makerChecker" });
    const ownLinks = await linksFor(own.batch.id);
    expect(ownLinks.map((l) => l.checker_id).sort()).toEqual(["checker-carla", "checker-chen", "omni-olga"]);
    expect(await approvalRequestsFor(own.batch.id)).toHaveLength(3);
  });
});

describe("the batch audit trail", () => {
  it("records creation, reconciliation, exclusion, submission and the links issued, each with its actor", async () => {
    const cycleId = newCycle();
    const good = await createPayee("seller");
    const unverified = await createPayee("seller", { verified: false });
    await settle(good.id, cycleId);
    await settle(unverified.id, cycleId);
    const batch = (await createBatch("maker", { cycleId })).body;
    expect(await auditActions(batch.id)).toEqual(["batch.created", "batch.reconciled"]);

    await reconcileBatch("maker", batch.id);
    await excludeItem("maker", batch.id, itemOf(batch, unverified.id).id, "verify next cycle");
    await submitBatch("maker", batch.id);

    const events = await batchAudit(batch.id);
    expect(events.map((e) => e.action)).toEqual([
      "batch.created",
      "batch.reconciled",
      "batch.reconciled",
      "batch.item_excluded",
      "batch.submitted",
      "approval_link.issued",
      "approval_link.issued",
      "approval_link.issued",
      "approval_link.issued",
    ]);
    expect(new Set(events.map((e) => e.actorId))).toEqual(new Set(["maker-mira"]));
    expect(events[1]!.details.blocked).toEqual([{ payeeId: unverified.id, failed: [{ check: "bank_details", reasons: ["bank_details_unverified"] }] }]);
    expect(events[3]!.details).toMatchObject({ payeeId: unverified.id, reason: "verify next cycle", previousStatus: "blocked" });
    const submitted = (await getBatch(batch.id)).body;
    expect(events[4]!.details).toMatchObject({ fingerprint: submitted.fingerprint, totalPaise: 90_000, requiredApprovals: 1 });
    expect(events.slice(5).map((e) => e.details.checkerId).sort()).toEqual([...CHECKER_IDS].sort());
  });
});
