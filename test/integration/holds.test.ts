import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, createPayee } from "../support/api";
import { approve, createBatch, expectError, expectStatus, newCycle, reconcileBatch, settle, submitBatch } from "../support/batches";
import { consume } from "../support/execution";

const place = (payeeId: string, body: Record<string, unknown> = { reason: "chargeback investigation" }, actor: "risk" | "admin" | "maker" = "risk") =>
  api(actor, "POST", `/v1/payees/${payeeId}/holds`, body);
const release = (payeeId: string, holdId: string, actor: "risk" | "risk2" | "admin", note = "investigation closed") =>
  api(actor, "POST", `/v1/payees/${payeeId}/holds/${holdId}/release`, { note });

async function auditActions(payeeId: string) {
  const res = await api("auditor", "GET", `/v1/audit-events?subjectType=payee&subjectId=${payeeId}`);
  return (res.body.data as Array<{ action: string; actorId: string }>).map((e) => `${e.action}:${e.actorId}`);
}

describe("payee holds", () => {
  it("places a hold (risk or admin), lists it as active, and audits it", async () => {
    const payee = await createPayee();
    const placed = await place(payee.id, { reason: "chargeback investigation", endsAt: new Date(Date.now() + 86_400_000).toISOString() });
    expectStatus(placed, 201);
    expect(placed.body).toMatchObject({ payeeId: payee.id, reason: "chargeback investigation", active: true, placedBy: "risk-rhea", releasedAt: null });
    expectStatus(await place(payee.id, { reason: "second look" }, "admin"), 201);
    const listed = await api("auditor", "GET", `/v1/payees/${payee.id}/holds`);
    expect(listed.body.data.map((h: { reason: string }) => h.reason).sort()).toEqual(["chargeback investigation", "second look"]);
    expect(await auditActions(payee.id)).toEqual(expect.arrayContaining(["payee.hold_placed:risk-rhea", "payee.hold_placed:admin-ada"]));
  });

  it("refuses a hold from a role without risk duties, on an unknown payee, or ending in the past, and writes nothing", async () => {
    const payee = await createPayee();
    expectError(await place(payee.id, { reason: "x" }, "maker"), 403, "forbidden_role");
    expectError(await place("pe_missing", { reason: "x" }), 404, "payee_not_found");
    expectError(await place(payee.id, { reason: "late", endsAt: "2020-01-01T00:00:00Z" }), 422, "hold_end_in_past");
    expectError(await place(payee.id, { reason: "" }), 400, "validation_failed");
    expect((await api("auditor", "GET", `/v1/payees/${payee.id}/holds`)).body.data).toEqual([]);
  });

  it("is released only by someone other than who placed it, once", async () => {
    const payee = await createPayee();
    const hold = (await place(payee.id)).body;
    expectError(await release(payee.id, hold.id, "risk"), 403, "hold_release_by_placer");
    const released = await release(payee.id, hold.id, "risk2");
    expectStatus(released, 200);
    expect(released.body).toMatchObject({ active: false, releasedBy: "risk-ravi", releaseNote: "investigation closed" });
    expectError(await release(payee.id, hold.id, "admin"), 409, "hold_already_released");
    expectError(await release(payee.id, "hld_missing", "admin"), 404, "hold_not_found");
    expect(await auditActions(payee.id)).toContain("payee.hold_released:risk-ravi");
  });
});

describe("holds in a batch", () => {
  it("shows a held payee's item as held, with the reason, outside the total and the approval count", async () => {
    const cycleId = newCycle();
    const held = await createPayee();
    const paid = await createPayee();
    await settle(held.id, cycleId);
    await settle(paid.id, cycleId);
    await place(held.id, { reason: "KYC re-check" });
    const batch = (await createBatch("maker", { cycleId })).body;
    const heldItem = batch.items.find((i: { payeeId: string }) => i.payeeId === held.id);
    const paidItem = batch.items.find((i: { payeeId: string }) => i.payeeId === paid.id);
    expect(heldItem).toMatchObject({ status: "held", exclusionReason: "On hold: KYC re-check" });
    expect(batch).toMatchObject({ heldCount: 1, blockedCount: 0, totalPaise: paidItem.amountPaise });

    const submitted = await submitBatch("maker", batch.id);
    expectStatus(submitted, 200);
    expect(submitted.body.totalPaise).toBe(paidItem.amountPaise);
    expect(submitted.body.items.find((i: { payeeId: string }) => i.payeeId === held.id).status).toBe("held");
  });

  it("pays a payee again in its cycle once the hold is released (the held item freed it)", async () => {
    const cycleId = newCycle();
    const payee = await createPayee();
    await settle(payee.id, cycleId);
    const other = await createPayee();
    await settle(other.id, cycleId);
    const hold = (await place(payee.id)).body;
    const first = (await createBatch("maker", { cycleId })).body;
    expectStatus(await submitBatch("maker", first.id), 200);

    await release(payee.id, hold.id, "risk2");
    const second = await createBatch("maker", { cycleId, payeeIds: [payee.id] });
    expectStatus(second, 201);
    expect(second.body.items).toEqual([expect.objectContaining({ payeeId: payee.id, status: "ok" })]);
  });

  it("turns a held draft item back into a payable one on reconciliation after the release", async () => {
    const cycleId = newCycle();
    const payee = await createPayee();
    await settle(payee.id, cycleId);
    const hold = (await place(payee.id)).body;
    const batch = (await createBatch("maker", { cycleId })).body;
    expect(batch.items[0].status).toBe("held");
    expectError(await submitBatch("maker", batch.id), 422, "batch_empty");
    await release(payee.id, hold.id, "admin");
    const again = await reconcileBatch("maker", batch.id);
    expect(again.body.items[0]).toMatchObject({ status: "ok", exclusionReason: null });
    expect(again.body.totalPaise).toBe(again.body.items[0].amountPaise);
  });

  it("refuses to create the payout when the hold was placed after approval, reserving nothing", async () => {
    const cycleId = newCycle();
    const payee = await createPayee();
    await settle(payee.id, cycleId);
    const batch = (await createBatch("maker", { cycleId })).body;
    const submitted = (await submitBatch("maker", batch.id)).body;
    expect((await approve("checker", batch.id, submitted.fingerprint)).body.status).toBe("approved");
    await place(payee.id, { reason: "fraud report" });
    const item = submitted.items[0];
    await consume({ type: "release", batchId: batch.id, itemId: item.id, payeeId: payee.id });
    const row = await env.DB.prepare("SELECT payout_id, release_refusal FROM batch_items WHERE id = ?").bind(item.id).first<{ payout_id: string | null; release_refusal: string | null }>();
    expect(row).toEqual({ payout_id: null, release_refusal: "payee_on_hold" });
    const tickets = await api("auditor", "GET", `/v1/exceptions?cause=payout_refused`);
    expect(tickets.body.data.some((t: { payeeId: string; details: { reason: string } }) => t.payeeId === payee.id && t.details.reason === "payee_on_hold")).toBe(true);
  });
});
