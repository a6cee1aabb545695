// The example integration (examples/marketplace.ts) runs against the local stack through the
// generated client: every seller of the day's orders is paid, by a processed payout with a UTR,
// and the example prints each one. No browser: it is here for the stack the global setup starts.

import { describe, expect, inject, it } from "vitest";
import { createDisburseClient } from "../../client/index.ts";
import { runMarketplaceDay } from "../../examples/marketplace.ts";
import { TEST_ACTORS } from "../support/actors.ts";

/** What each seller's orders in the example come to: order value less commission, summed. */
const OWED_PAISE = { "Meena Stores": 155_700, "Kiran Textiles": 283_860, "Asha Spices": 64_800 };

describe("the marketplace example", () => {
  it("pays every seller of a day's bulk-posted orders after two checkers approve, and prints each payout's amount and UTR", { timeout: 120_000 }, async () => {
    const baseUrl = inject("baseUrl");
    const printed: string[] = [];
    const day = await runMarketplaceDay({
      baseUrl,
      tokens: {
        system: TEST_ACTORS.system.token,
        admin: TEST_ACTORS.admin.token,
        maker: TEST_ACTORS.maker.token,
        checkers: [TEST_ACTORS.checker.token, TEST_ACTORS.checker2.token],
      },
      log: (line) => printed.push(line),
      timeoutMs: 90_000,
    });

    expect(day.payouts.map((p) => [p.seller, p.amountPaise])).toEqual(Object.entries(OWED_PAISE));
    expect(printed).toEqual(day.lines);
    expect(printed).toEqual([
      expect.stringMatching(/^Meena Stores\s+₹1,557\.00  UTR \S+$/),
      expect.stringMatching(/^Kiran Textiles\s+₹2,838\.60  UTR \S+$/),
      expect.stringMatching(/^Asha Spices\s+₹648\.00  UTR \S+$/),
    ]);

    // What the API says, read by an auditor: above the stack's threshold, so both checkers approved;
    // the same payouts, processed, with the UTRs printed.
    const auditor = createDisburseClient({ baseUrl, token: TEST_ACTORS.auditor.token });
    const batch = await auditor.GET("/v1/batches/{id}", { params: { path: { id: day.batchId } } });
    expect(batch.data).toMatchObject({ requiredApprovals: 2, approvalCount: 2 });
    expect(batch.data!.decisions.map((d) => d.checkerId).sort()).toEqual([TEST_ACTORS.checker.actorId, TEST_ACTORS.checker2.actorId].sort());
    const { data, error } = await auditor.GET("/v1/payouts", { params: { query: { batchId: day.batchId } } });
    expect(error).toBeUndefined();
    const byId = new Map(data!.data.map((p) => [p.id, p]));
    expect(byId.size).toBe(3);
    for (const p of day.payouts) {
      expect(byId.get(p.payoutId)).toMatchObject({ payeeId: p.payeeId, status: "processed", amountPaise: p.amountPaise, bankReference: p.bankReference });
      expect(printed.some((line) => line.endsWith(`UTR ${p.bankReference}`))).toBe(true);
    }
  });
});
