import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { decide } from "../../src/services/approvals";
import { cancelBatch as cancelInDb } from "../../src/services/batches";
import { database, type Db } from "../../src/store/client";
import { DomainError } from "../../src/domain/errors";
import type { TestActor } from "../support/actors";
import { api, approveBankChange } from "../support/api";
import {
  approve,
  auditActions,
  batchAudit,
  cancelBatch,
  createBatch,
  draftBatch,
  expectApprovedStatus,
  expectError,
  expectStatus,
  getBatch,
  linksFor,
  reject,
  submittedBatch,
} from "../support/batches";

const TWO_CHECKER_GROSS_PAISE = 20_000_000;
const OTHER_FINGERPRINT = "0".repeat(64);

async function decisionRows(batchId: string) {
  const { results } = await env.DB.prepare("SELECT checker_id, decision, via FROM approvals WHERE batch_id = ? ORDER BY checker_id").bind(batchId).all();
  return results as Array<{ checker_id: string; decision: string; via: string }>;
}
const count = (actions: string[], action: string) => actions.filter((a) => a === action).length;

/** What must not change when a decision is refused. */
async function expectUndecided(batchId: string, version: number) {
  const batch = (await getBatch(batchId)).body;
  expect(batch).toMatchObject({ status: "pending_approval", approvalCount: 0, decisions: [], decidedAt: null, version });
  expect(await decisionRows(batchId)).toEqual([]);
}

describe("approving a batch", () => {
  it("approves a one-approval batch with one checker's approval", async () => {
    const { batch } = await submittedBatch();
    const res = await approve("checker", batch.id, batch.fingerprint);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ id: batch.id, status: "approved", recorded: true, approvalCount: 1, requiredApprovals: 1, decidedAt: expect.any(String) });
    expect(res.body.decisions).toEqual([{ checkerId: "checker-chen", decision: "approve", reason: null, via: "api", at: expect.any(String) }]);
    expectApprovedStatus((await getBatch(batch.id)).body.status);
  });

  it("rejects an approval by the batch's own maker, even one who holds the checker role", async () => {
    const { batch } = await submittedBatch({ maker: "makerChecker" });
    expectError(await approve("makerChecker", batch.id, batch.fingerprint), 403, "maker_cannot_approve");
    expectError(await reject("makerChecker", batch.id, batch.fingerprint), 403, "maker_cannot_approve");
    await expectUndecided(batch.id, batch.version);
  });

  it.each<TestActor>(["maker", "maker2", "admin", "auditor", "system"])("refuses a decision by %s, who is not a checker (403)", async (actor) => {
    const { batch } = await submittedBatch();
    expectError(await approve(actor, batch.id, batch.fingerprint), 403, "forbidden_role");
    expectError(await reject(actor, batch.id, batch.fingerprint), 403, "forbidden_role");
    await expectUndecided(batch.id, batch.version);
  });

  it("refuses an approval for a fingerprint other than the batch's (409 fingerprint_mismatch)", async () => {
    const { batch } = await submittedBatch();
    const res = await approve("checker", batch.id, OTHER_FINGERPRINT);
    expectError(res, 409, "fingerprint_mismatch");
    expect(res.body.error.details).toEqual({ expected: batch.fingerprint });
    expectError(await reject("checker", batch.id, OTHER_FINGERPRINT), 409, "fingerprint_mismatch");
    expectError(await api("checker", "POST", `/v1/batches/${batch.id}/approve`, { fingerprint: "not-hex" }), 400, "validation_failed");
    expectError(await api("checker", "POST", `/v1/batches/${batch.id}/approve`, {}), 400, "validation_failed");
    await expectUndecided(batch.id, batch.version);
  });

  it("refuses an approval after a payee's bank details changed since submission (409 batch_changed)", async () => {
    const { batch, sellerIds } = await submittedBatch({ sellers: 2 });
    const changed = await api("admin", "PATCH", `/v1/payees/${sellerIds[1]}`, {
      bankDetails: { accountNumber: "998877665544", ifsc: "ICIC0004321", accountHolderName: "Someone Else" },
    });
    expectStatus(changed, 200);
    const res = await approve("checker", batch.id, batch.fingerprint);
    expectError(res, 409, "batch_changed");
    expect(res.body.error.details.reasons).toEqual([expect.stringContaining(`${sellerIds[1]}'s bank details are changing`)]);

    // Approving, cooling off and verifying the new details does not make them the ones the checker was shown.
    await approveBankChange(sellerIds[1]!, changed.body.pendingBankDetailsChangeId, { by: "checker2", verifyAs: "Someone Else" });
    const after = await approve("checker2", batch.id, batch.fingerprint);
    expectError(after, 409, "batch_changed");
    expect(after.body.error.details.reasons).toEqual([expect.stringContaining(`${sellerIds[1]}'s bank details changed`)]);
    await expectUndecided(batch.id, batch.version);
  });

  it("refuses an approval after a payee's bank details were found invalid (409 batch_changed)", async () => {
    const { batch, sellerIds } = await submittedBatch();
    expectStatus(await api("admin", "POST", `/v1/payees/${sellerIds[0]}/verification`, { status: "invalid" }), 200);
    const res = await approve("checker", batch.id, batch.fingerprint);
    expectError(res, 409, "batch_changed");
    expect(res.body.error.details.reasons).toEqual([expect.stringContaining("no longer verified")]);
  });

  it("needs two distinct checkers above the threshold: the first approval keeps it pending", async () => {
    const { batch } = await submittedBatch({ grossAmountPaise: TWO_CHECKER_GROSS_PAISE });
    expect(batch.requiredApprovals).toBe(2);

    const first = await approve("checker", batch.id, batch.fingerprint);
    expectStatus(first, 200);
    expect(first.body).toMatchObject({ status: "pending_approval", approvalCount: 1, recorded: true, decidedAt: null });

    // The same checker again changes nothing.
    const repeat = await approve("checker", batch.id, batch.fingerprint);
    expectStatus(repeat, 200);
    expect(repeat.body).toMatchObject({ status: "pending_approval", approvalCount: 1, recorded: false });
    expect(await decisionRows(batch.id)).toHaveLength(1);

    const second = await approve("checker2", batch.id, batch.fingerprint);
    expectStatus(second, 200);
    expect(second.body).toMatchObject({ status: "approved", approvalCount: 2, recorded: true });
    expect(second.body.decisions.map((d: any) => d.checkerId).sort()).toEqual(["checker-carla", "checker-chen"]);

    const actions = await auditActions(batch.id);
    expect(count(actions, "batch.approval_recorded")).toBe(2);
    expect(count(actions, "batch.approved")).toBe(1);
  });

  it("answers a checker repeating an approval on an approved batch with 200 and recorded:false", async () => {
    const { batch } = await submittedBatch();
    expectStatus(await approve("checker", batch.id, batch.fingerprint), 200);
    const again = await approve("checker", batch.id, batch.fingerprint);
    expectStatus(again, 200);
    expect(again.body).toMatchObject({ recorded: false, approvalCount: 1 });
    expectApprovedStatus(again.body.status);
    // But another checker arriving late finds nothing to decide.
    expectError(await approve("checker2", batch.id, batch.fingerprint), 409, "batch_not_pending");
    expect(await decisionRows(batch.id)).toEqual([{ checker_id: "checker-chen", decision: "approve", via: "api" }]);
  });

  it("changes state exactly once when two checkers approve a one-approval batch at the same time", async () => {
    const { batch } = await submittedBatch();
    const responses = await Promise.all([approve("checker", batch.id, batch.fingerprint), approve("checker2", batch.id, batch.fingerprint)]);
    const winners = responses.filter((r) => r.status === 200);
    expect(winners, JSON.stringify(responses.map((r) => r.body))).toHaveLength(1);
    expect(winners[0]!.body).toMatchObject({ status: "approved", recorded: true, approvalCount: 1 });
    const loser = responses.find((r) => r.status !== 200)!;
    expectError(loser, 409, "batch_not_pending");

    const after = (await getBatch(batch.id)).body;
    expect(after).toMatchObject({ approvalCount: 1 });
    expectApprovedStatus(after.status);
    expect(after.decisions).toHaveLength(1);
    expect(await decisionRows(batch.id)).toHaveLength(1);
    const actions = await auditActions(batch.id);
    expect(count(actions, "batch.approved")).toBe(1);
    expect(count(actions, "batch.approval_recorded")).toBe(1);
  });

  it("records one approval when the same checker approves five times at once, and answers every request 200", async () => {
    for (const gross of [100_000, TWO_CHECKER_GROSS_PAISE]) {
      const { batch } = await submittedBatch({ grossAmountPaise: gross });
      const responses = await Promise.all(Array.from({ length: 5 }, () => approve("checker", batch.id, batch.fingerprint)));
      for (const r of responses) expectStatus(r, 200);
      expect(responses.filter((r) => r.body.recorded === true)).toHaveLength(1);
      for (const r of responses) {
        expect(r.body.approvalCount).toBe(1);
        if (batch.requiredApprovals === 1) expectApprovedStatus(r.body.status);
        else expect(r.body.status).toBe("pending_approval");
      }

      expect(await decisionRows(batch.id)).toHaveLength(1);
      const actions = await auditActions(batch.id);
      expect(count(actions, "batch.approval_recorded")).toBe(1);
      expect(count(actions, "batch.approved")).toBe(batch.requiredApprovals === 1 ? 1 : 0);
    }
  });

  it("records exactly the approvals needed when three checkers race on a two-approval batch", async () => {
    const { batch } = await submittedBatch({ grossAmountPaise: TWO_CHECKER_GROSS_PAISE });
    const responses = await Promise.all((["checker", "checker2", "makerChecker"] as const).map((a) => approve(a, batch.id, batch.fingerprint)));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(2);
    for (const r of responses.filter((x) => x.status !== 200)) expectError(r, 409, "batch_not_pending");
    const after = (await getBatch(batch.id)).body;
    expect(after.approvalCount).toBe(2);
    expectApprovedStatus(after.status);
    expect(await decisionRows(batch.id)).toHaveLength(2);
    const actions = await auditActions(batch.id);
    expect(count(actions, "batch.approved")).toBe(1);
    expect(count(actions, "batch.approval_recorded")).toBe(2);
  });

  it("refuses approving a rejected batch (409 batch_not_pending), and the rejecting checker cannot change their mind", async () => {
    const { batch } = await submittedBatch({ grossAmountPaise: TWO_CHECKER_GROSS_PAISE });
    expectStatus(await approve("checker2", batch.id, batch.fingerprint), 200);
    expectStatus(await reject("checker", batch.id, batch.fingerprint), 200);
    expectError(await approve("makerChecker", batch.id, batch.fingerprint), 409, "batch_not_pending");
    expectError(await approve("checker", batch.id, batch.fingerprint), 409, "already_decided");
    expect((await getBatch(batch.id)).body).toMatchObject({ status: "rejected", approvalCount: 1 });
  });

  it("refuses approving a cancelled batch (409 batch_not_pending)", async () => {
    const { batch } = await submittedBatch();
    expectError(await cancelBatch("maker2", batch.id), 403, "not_batch_maker");
    const cancelled = await cancelBatch("maker", batch.id, "wrong cycle");
    expectStatus(cancelled, 200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", rejectionReason: "wrong cycle" });
    const res = await approve("checker", batch.id, batch.fingerprint);
    expectError(res, 409, "batch_not_pending");
    expect(res.body.error.details).toEqual({ status: "cancelled" });
    expectError(await reject("checker", batch.id, batch.fingerprint), 409, "batch_not_pending");
    expect(await decisionRows(batch.id)).toEqual([]);
    expectError(await cancelBatch("maker", batch.id), 409, "batch_not_modifiable");
  });

  it("refuses approving a draft (409 batch_not_pending)", async () => {
    const { batch } = await draftBatch();
    expectError(await approve("checker", batch.id, OTHER_FINGERPRINT), 409, "batch_not_pending");
    expect(await decisionRows(batch.id)).toEqual([]);
  });
});

describe("rejecting a batch", () => {
  it("needs a reason", async () => {
    const { batch } = await submittedBatch();
    expectError(await api("checker", "POST", `/v1/batches/${batch.id}/reject`, { fingerprint: batch.fingerprint }), 400, "validation_failed");
    expectError(await api("checker", "POST", `/v1/batches/${batch.id}/reject`, { fingerprint: batch.fingerprint, reason: "  " }), 400, "validation_failed");
    await expectUndecided(batch.id, batch.version);
  });

  it("rejects with the reason and releases the payees for a new batch of the same cycle", async () => {
    const { batch, cycleId, sellerIds } = await submittedBatch({ sellers: 2 });
    const res = await reject("checker", batch.id, batch.fingerprint, "seller 2 disputes an order");
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ status: "rejected", rejectionReason: "seller 2 disputes an order", recorded: true, decidedAt: expect.any(String) });
    expect(res.body.decisions).toEqual([{ checkerId: "checker-chen", decision: "reject", reason: "seller 2 disputes an order", via: "api", at: expect.any(String) }]);
    // A rejected batch cannot be approved by anyone else.
    expectError(await approve("checker2", batch.id, batch.fingerprint), 409, "batch_not_pending");

    // The same payee set makes a new batch now, not the rejected one.
    const again = await createBatch("maker", { cycleId, payeeIds: sellerIds });
    expectStatus(again, 201);
    expect(again.body.id).not.toBe(batch.id);
    expect(again.body.items.map((i: any) => i.payeeId).sort()).toEqual([...sellerIds].sort());
  });

  it("releases the payees of a cancelled batch too", async () => {
    const { batch, cycleId, sellerIds } = await submittedBatch();
    expectStatus(await cancelBatch("maker", batch.id), 200);
    const again = await createBatch("maker2", { cycleId });
    expectStatus(again, 201);
    expect(again.body.items.map((i: any) => i.payeeId)).toEqual(sellerIds);
  });
});

/**
 * A database handle whose atomic batch waits at the gate: the caller has read what it needs and
 * is about to write, so the test can slip another request in between, deterministically.
 */
function gatedDb() {
  const db = database(env.DB);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let arrived!: () => void;
  const atGate = new Promise<void>((resolve) => (arrived = resolve));
  const gated = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop !== "batch") return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<Db["batch"]>) => {
        arrived();
        await gate;
        return target.batch(...args);
      };
    },
  });
  return { db: gated, atGate, open };
}

const liveItems = async (batchId: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM batch_items WHERE batch_id = ? AND live_key IS NOT NULL").bind(batchId).first<{ n: number }>())!.n;

describe("cancelling while a checker decides", () => {
  it("does not cancel a batch that was approved while the cancellation was in flight, so its payees stay held", async () => {
    const { batch, cycleId, sellerIds } = await submittedBatch();
    const gated = gatedDb();
    const cancelling = cancelInDb(gated.db, batch.id, "changed my mind", "maker-mira").then(
      () => null,
      (error: unknown) => error,
    );
    await gated.atGate;
    expectStatus(await approve("checker", batch.id, batch.fingerprint), 200);
    gated.open();

    const error = await cancelling;
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: "conflict", code: "batch_not_modifiable" });
    expectApprovedStatus((await getBatch(batch.id)).body.status);
    expect(await auditActions(batch.id)).not.toContain("batch.cancelled");
    expect(await liveItems(batch.id)).toBe(1);
    // The payee is still held by the approved batch: no second batch can pay them this cycle.
    expectError(await createBatch("maker", { cycleId, payeeIds: sellerIds }), 409, "payee_in_live_batch");
  });

  it("does not record an approval for a batch cancelled while the approval was in flight", async () => {
    const { batch } = await submittedBatch();
    const gated = gatedDb();
    const approving = decide(gated.db, { batchId: batch.id, checkerId: "checker-chen", decision: "approve", fingerprint: batch.fingerprint, via: "api" }).then(
      () => null,
      (error: unknown) => error,
    );
    await gated.atGate;
    expectStatus(await cancelBatch("maker", batch.id), 200);
    gated.open();

    expect(await approving).toMatchObject({ kind: "conflict", code: "batch_not_pending" });
    expect((await getBatch(batch.id)).body).toMatchObject({ status: "cancelled", approvalCount: 0 });
    expect(await decisionRows(batch.id)).toEqual([]);
    const actions = await auditActions(batch.id);
    expect(actions).not.toContain("batch.approval_recorded");
    expect(actions).not.toContain("batch.approved");
    expect(await liveItems(batch.id)).toBe(0);
  });

  it("lets exactly one of two concurrent submissions through, issuing one set of links", async () => {
    const { batch } = await draftBatch();
    const responses = await Promise.all([api("maker", "POST", `/v1/batches/${batch.id}/submit`), api("maker", "POST", `/v1/batches/${batch.id}/submit`)]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await linksFor(batch.id)).toHaveLength(4); // one per checker but the maker, omni-olga included
    expect(count(await auditActions(batch.id), "batch.submitted")).toBe(1);
  });
});

describe("the decision audit trail", () => {
  it("records each approval and the approval that completes the batch, with the checkers as actors", async () => {
    const { batch } = await submittedBatch({ grossAmountPaise: TWO_CHECKER_GROSS_PAISE });
    await approve("checker2", batch.id, batch.fingerprint);
    await approve("checker", batch.id, batch.fingerprint);
    const events = await batchAudit(batch.id);
    const decisions = events.filter((e) => e.action.startsWith("batch.approv"));
    expect(decisions.map((e) => [e.action, e.actorId])).toEqual([
      ["batch.approval_recorded", "checker-carla"],
      ["batch.approval_recorded", "checker-chen"],
      ["batch.approved", "checker-chen"],
    ]);
    expect(decisions[0]!.details).toMatchObject({ via: "api", fingerprint: batch.fingerprint, linkId: null });
    expect(events.map((e) => e.action).slice(0, 3)).toEqual(["batch.created", "batch.reconciled", "batch.submitted"]);
  });

  it("records a rejection and a cancellation with their reasons and actors", async () => {
    const rejected = await submittedBatch();
    await reject("checker2", rejected.batch.id, rejected.batch.fingerprint, "duplicate of last week");
    const rejection = (await batchAudit(rejected.batch.id)).find((e) => e.action === "batch.rejected")!;
    expect(rejection).toMatchObject({ actorId: "checker-carla", details: { reason: "duplicate of last week", via: "api" } });

    const cancelled = await submittedBatch();
    await cancelBatch("maker", cancelled.batch.id, "made by mistake");
    const events = await batchAudit(cancelled.batch.id);
    expect(events.at(-1)).toMatchObject({ action: "batch.cancelled", actorId: "maker-mira", details: { from: "pending_approval", reason: "made by mistake" } });
  });
});
