import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchStatusesInto, BATCH_TRANSITIONS, canTransitionBatch } from "../../src/domain/batch";
import { bankMoves, causeForBankFailure, causeForRefusal, PAYOUT_TRANSITIONS, type PayoutState, planChange, RETURN_POLL_INTERVAL_MS } from "../../src/domain/payout-lifecycle";
import { BANK_TRANSFER_STATUSES, BATCH_STATUSES, PAYOUT_STATUSES, type PayoutStatus } from "../../src/domain/statuses";

const NOW = "2026-12-01T10:00:00.000Z";
const payout = (status: PayoutStatus, over: Partial<PayoutState> = {}): PayoutState => ({
  id: "po_1",
  batchId: "bat_1",
  itemId: "itm_1",
  payeeId: "pay_1",
  status,
  version: 3,
  bankReference: null,
  lastBankStatus: null,
  failureCode: null,
  failureReason: null,
  processedAt: null,
  nextPollAt: "2026-12-01T09:00:00.000Z",
  ...over,
});

describe("payout lifecycle plan", () => {
  it("allows exactly the moves in the transition table, and bumps the version by one", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PAYOUT_STATUSES), fc.constantFrom(...PAYOUT_STATUSES), (from, to) => {
        const result = planChange(payout(from), { to, cause: "test" }, NOW);
        expect(result.ok).toBe(from !== to && PAYOUT_TRANSITIONS[from].includes(to));
        if (result.ok) expect(result.plan.next).toMatchObject({ status: to, version: 4, updatedAt: NOW, statusChangedAt: NOW });
        else expect(result.reason).toBe(from === to ? "same_status" : "not_allowed");
      }),
    );
  });

  it("never lets a payout leave a terminal status", () => {
    for (const from of ["failed", "reversed", "cancelled"] as const) {
      for (const to of PAYOUT_STATUSES) expect(planChange(payout(from), { to, cause: "late" }, NOW).ok).toBe(false);
    }
  });

  it("settles on processed, voids on failed or cancelled, returns on reversed, and posts nothing otherwise", () => {
    const postingOf = (from: PayoutStatus, to: PayoutStatus) => {
      const r = planChange(payout(from), { to, cause: "test" }, NOW);
      return r.ok ? r.plan.posting : "refused";
    };
    expect(postingOf("processing", "processed")).toBe("settle");
    expect(postingOf("processing", "failed")).toBe("void");
    expect(postingOf("queued", "cancelled")).toBe("void");
    expect(postingOf("processed", "reversed")).toBe("return");
    expect(postingOf("created", "queued")).toBeNull();
    expect(postingOf("queued", "unknown")).toBeNull();
  });

  it("frees the payee's item only on a move that will not pay (failed, cancelled, reversed)", () => {
    const frees = (from: PayoutStatus, to: PayoutStatus) => {
      const r = planChange(payout(from), { to, cause: "test" }, NOW);
      return r.ok && r.plan.freesItem;
    };
    expect([frees("processing", "failed"), frees("queued", "cancelled"), frees("processed", "reversed")]).toEqual([true, true, true]);
    expect([frees("processing", "processed"), frees("created", "queued"), frees("queued", "unknown")]).toEqual([false, false, false]);
  });

  it("schedules the return watch when paid and stops polling once returned", () => {
    const paid = planChange(payout("processing"), { to: "processed", cause: "webhook" }, NOW);
    expect(paid.ok && paid.plan.next).toMatchObject({ processedAt: NOW, nextPollAt: new Date(Date.parse(NOW) + RETURN_POLL_INTERVAL_MS).toISOString() });
    const returned = planChange(payout("processed", { processedAt: NOW }), { to: "reversed", cause: "webhook" }, NOW);
    expect(returned.ok && returned.plan.next.nextPollAt).toBeNull();
    const queued = planChange(payout("created"), { to: "queued", cause: "enqueued" }, NOW);
    expect(queued.ok && queued.plan.next.nextPollAt).toBe("2026-12-01T09:00:00.000Z");
  });

  it("opens the ticket a failure calls for: wrong details are a correction, anything else a bank failure", () => {
    const ticket = (change: Parameters<typeof planChange>[1], from: PayoutStatus = "processing") => {
      const r = planChange(payout(from), change, NOW);
      return r.ok ? r.plan.exception : undefined;
    };
    expect(ticket({ to: "failed", cause: "webhook", failureCode: "account_closed" })).toMatchObject({ cause: "invalid_bank_details", payoutId: "po_1", itemId: "itm_1" });
    expect(ticket({ to: "failed", cause: "webhook" })).toMatchObject({ cause: "bank_failure", summary: "Payout po_1 failed at the bank: failed" });
    expect(ticket({ to: "failed", cause: "bank_rejected", failureCode: "invalid_account", failureReason: "no such account" }, "queued")).toMatchObject({
      cause: "invalid_bank_details",
      details: { code: "invalid_account", message: "no such account" },
    });
    expect(ticket({ to: "reversed", cause: "poll" }, "processed")).toMatchObject({ cause: "payout_reversed" });
    expect(ticket({ to: "processed", cause: "poll" })).toBeNull();
    expect(causeForBankFailure(null)).toBe("bank_failure");
    expect(causeForRefusal("bank_details_changed")).toBe("invalid_bank_details");
    expect(causeForRefusal("insufficient_payable")).toBe("payout_refused");
  });

  it("gives a failure a code even when the bank sends none, and keeps the last code otherwise", () => {
    const failed = planChange(payout("processing"), { to: "failed", cause: "webhook" }, NOW);
    expect(failed.ok && failed.plan.next.failureCode).toBe("bank_failed");
    const paid = planChange(payout("unknown", { failureCode: "timeout" }), { to: "processed", cause: "poll" }, NOW);
    expect(paid.ok && paid.plan.next.failureCode).toBe("timeout");
  });

  it("applies a reversal that overtook its processed as processed first, and every bank status as one move otherwise", () => {
    expect(bankMoves("processing", "reversed")).toEqual([{ to: "processed", inferred: true }, { to: "reversed", inferred: false }]);
    expect(bankMoves("processed", "reversed")).toEqual([{ to: "reversed", inferred: false }]);
    for (const status of BANK_TRANSFER_STATUSES.filter((s) => s !== "reversed")) expect(bankMoves("queued", status)).toHaveLength(1);
    expect(bankMoves("queued", "pending")).toEqual([{ to: "processing", inferred: false }]);
  });
});

describe("batch lifecycle", () => {
  it("derives the statuses a batch may move from out of the transition table, for every target", () => {
    for (const to of BATCH_STATUSES) {
      expect(batchStatusesInto(to).sort()).toEqual(BATCH_STATUSES.filter((from) => canTransitionBatch(from, to)).sort());
    }
    expect(batchStatusesInto("approved")).toEqual(["pending_approval"]);
    expect(batchStatusesInto("cancelled").sort()).toEqual(["draft", "pending_approval"]);
    expect(Object.keys(BATCH_TRANSITIONS).sort()).toEqual([...BATCH_STATUSES].sort());
  });
});
