import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createPayee, settlementFor, snapshotAccounts, unique } from "../support/api";

const PLATFORM = [
  "platform:bank",
  "platform:fee_revenue",
  "platform:discounts_expense",
  "platform:vouchers_expense",
  "platform:customer_wallet",
];

let seller: { id: string; payableAccountId: string };
let partner: { id: string; payableAccountId: string };
let ids: string[];
const cycleId = unique("2026-W48");

beforeAll(async () => {
  seller = await createPayee("seller");
  partner = await createPayee("delivery_partner");
  ids = [...PLATFORM, seller.payableAccountId, partner.payableAccountId];
});

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

async function count(sql: string, ...params: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
}
const settlementRows = (orderId: string) => count("SELECT COUNT(*) AS n FROM settlements WHERE order_id = ?", orderId);
const postingsFor = (orderId: string) =>
  count("SELECT COUNT(*) AS n FROM journal_transactions WHERE external_ref = ?", `order:${orderId}:settlement`);
const totalEntries = () => count("SELECT COUNT(*) AS n FROM journal_entries");

/** Balance change of each account between two snapshots, on its normal side. */
function deltas(before: Record<string, { balancePaise: number }>, after: Record<string, { balancePaise: number }>) {
  return Object.fromEntries(Object.keys(after).map((id) => [id, after[id]!.balancePaise - before[id]!.balancePaise]));
}

/** Asserts that `act` leaves the journal, the accounts and the order's settlement untouched. */
async function expectNothingWritten(orderId: string, act: () => Promise<void>) {
  const before = { accounts: await snapshotAccounts(ids), entries: await totalEntries(), settlements: await settlementRows(orderId) };
  await act();
  expect(await snapshotAccounts(ids)).toEqual(before.accounts);
  expect(await totalEntries()).toBe(before.entries);
  expect(await settlementRows(orderId)).toBe(before.settlements);
}

const withPartner = (over: Record<string, unknown> = {}) =>
  settlementFor(seller.id, cycleId, { deliveryPartnerPayeeId: partner.id, deliveryFeePaise: 4_000, ...over });

describe("POST /v1/settlements", () => {
  it("posts one balanced transaction crediting payables and revenue and debiting bank, discounts, vouchers and wallet", async () => {
    const body = withPartner();
    expect(body.amountCollectedPaise).toBe(94_000);
    const before = await snapshotAccounts(ids);
    const entriesBefore = await totalEntries();

    const res = await api("system", "POST", "/v1/settlements", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ...body, currency: "INR", sellerPayablePaise: 90_000, actorId: "marketplace" });

    expect(deltas(before, await snapshotAccounts(ids))).toEqual({
      "platform:bank": 94_000,
      "platform:fee_revenue": 10_000,
      "platform:discounts_expense": 5_000,
      "platform:vouchers_expense": 2_000,
      // A liability debited: the customer's wallet owes them less.
      "platform:customer_wallet": -3_000,
      [seller.payableAccountId]: 90_000,
      [partner.payableAccountId]: 4_000,
    });
    expect(await totalEntries()).toBe(entriesBefore + 7);
    expect(await postingsFor(body.orderId)).toBe(1);

    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${res.body.transactionId}`);
    expect(tx.status).toBe(200);
    expect(tx.body).toMatchObject({ kind: "order_settlement", orderId: body.orderId, cycleId, payeeId: seller.id });
    const debits = tx.body.entries.filter((e: any) => e.direction === "debit").reduce((s: number, e: any) => s + e.amountPaise, 0);
    const credits = tx.body.entries.filter((e: any) => e.direction === "credit").reduce((s: number, e: any) => s + e.amountPaise, 0);
    expect(debits).toBe(credits);
    expect(debits).toBe(100_000 + 4_000);

    const read = await api("auditor", "GET", `/v1/settlements/${body.orderId}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it("needs no delivery partner when there is no delivery fee, and writes no zero entries", async () => {
    const body = settlementFor(seller.id, cycleId, { discountPaise: 0, voucherPaise: 0, walletAmountPaise: 0 });
    const res = await api("system", "POST", "/v1/settlements", body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${res.body.transactionId}`);
    expect(tx.body.entries.map((e: any) => e.accountId).sort()).toEqual([seller.payableAccountId, "platform:bank", "platform:fee_revenue"].sort());
  });

  it("is for the system role only: admin and maker get 403 forbidden_role", async () => {
    const body = withPartner();
    await expectNothingWritten(body.orderId, async () => {
      for (const actor of ["admin", "maker"] as const) expectError(await api(actor, "POST", "/v1/settlements", body), 403, "forbidden_role");
    });
  });

  const doesNotAddUp: Array<[string, Record<string, unknown>, string]> = [
    ["the collected amount is off by one paisa", { amountCollectedPaise: 94_001 }, "amountCollectedPaise"],
    ["the platform fee exceeds the order value", { platformFeePaise: 100_001 }, "platformFeePaise"],
    ["a delivery fee has no delivery partner", { deliveryPartnerPayeeId: null }, "deliveryPartnerPayeeId"],
    ["discounts, vouchers and wallet exceed the order", { walletAmountPaise: 500_000, amountCollectedPaise: 0 }, "walletAmountPaise"],
  ];
  for (const [label, over, field] of doesNotAddUp) {
    it(`refuses a breakdown where ${label} (422 settlement_does_not_add_up naming ${field}) and writes nothing`, async () => {
      const base = withPartner();
      const body = { ...base, ...over };
      await expectNothingWritten(body.orderId, async () => {
        const res = await api("system", "POST", "/v1/settlements", body);
        expectError(res, 422, "settlement_does_not_add_up");
        expect(res.body.error.details.field).toBe(field);
      });
      expect(await postingsFor(body.orderId)).toBe(0);
      expectError(await api("auditor", "GET", `/v1/settlements/${body.orderId}`), 404, "settlement_not_found");
    });
  }

  it("refuses the seller named again as delivery partner (422, deliveryPartnerPayeeId)", async () => {
    const body = withPartner({ deliveryPartnerPayeeId: seller.id });
    await expectNothingWritten(body.orderId, async () => {
      const res = await api("system", "POST", "/v1/settlements", body);
      expect(res.status).toBe(422);
      expect(res.body.error.details.field).toBe("deliveryPartnerPayeeId");
    });
  });

  it("refuses an unknown seller or delivery partner (422 payee_not_found naming the field)", async () => {
    for (const [over, field] of [
      [{ sellerPayeeId: "pe_nobody" }, "sellerPayeeId"],
      [{ deliveryPartnerPayeeId: "pe_nobody" }, "deliveryPartnerPayeeId"],
    ] as const) {
      const body = withPartner(over);
      await expectNothingWritten(body.orderId, async () => {
        const res = await api("system", "POST", "/v1/settlements", body);
        expectError(res, 422, "payee_not_found");
        expect(res.body.error.details).toEqual({ field });
      });
    }
  });

  it("refuses payees of the wrong type (422 payee_type_mismatch)", async () => {
    const otherSeller = await createPayee("seller");
    const asPartner = withPartner({ deliveryPartnerPayeeId: otherSeller.id });
    await expectNothingWritten(asPartner.orderId, async () => {
      const res = await api("system", "POST", "/v1/settlements", asPartner);
      expectError(res, 422, "payee_type_mismatch");
      expect(res.body.error.details).toEqual({ field: "deliveryPartnerPayeeId" });
    });

    const partnerAsSeller = withPartner({ sellerPayeeId: partner.id, deliveryPartnerPayeeId: null, deliveryFeePaise: 0 });
    await expectNothingWritten(partnerAsSeller.orderId, async () => {
      const res = await api("system", "POST", "/v1/settlements", partnerAsSeller);
      expectError(res, 422, "payee_type_mismatch");
      expect(res.body.error.details).toEqual({ field: "sellerPayeeId" });
    });
  });

  it("refuses negative, fractional and string components and unknown fields (400 validation_failed)", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ discountPaise: -1 }, "discountPaise"],
      [{ grossAmountPaise: 0 }, "grossAmountPaise"],
      [{ platformFeePaise: 10.5 }, "platformFeePaise"],
      [{ voucherPaise: "2000" }, "voucherPaise"],
      [{ grossAmountPaise: 10_000_000_000_001 }, "grossAmountPaise"],
    ];
    for (const [over, path] of cases) {
      const body = withPartner(over);
      const res = await api("system", "POST", "/v1/settlements", body);
      expectError(res, 400, "validation_failed");
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    expectError(await api("system", "POST", "/v1/settlements", { ...withPartner(), tip: 100 }), 400, "validation_failed");
  });

  it("replays the same order with the same breakdown (200, same transaction) without posting twice", async () => {
    const body = withPartner();
    const first = await api("system", "POST", "/v1/settlements", body);
    expect(first.status).toBe(201);
    await expectNothingWritten(body.orderId, async () => {
      // Same breakdown with keys in another order is still the same breakdown.
      const reordered = Object.fromEntries(Object.entries(body).reverse());
      for (const replay of [body, reordered]) {
        const res = await api("system", "POST", "/v1/settlements", replay);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toEqual(first.body);
      }
    });
    expect(await postingsFor(body.orderId)).toBe(1);
  });

  it("refuses the same order with a different breakdown (409 settlement_conflict) and writes nothing", async () => {
    const body = withPartner();
    const first = await api("system", "POST", "/v1/settlements", body);
    expect(first.status).toBe(201);
    const changed = [
      withPartner({ orderId: body.orderId, platformFeePaise: 12_000 }),
      { ...body, cycleId: unique("2026-W49") },
      { ...body, deliveryPartnerPayeeId: null, deliveryFeePaise: 0, amountCollectedPaise: 90_000 },
    ];
    for (const variant of changed) {
      await expectNothingWritten(body.orderId, async () => {
        const res = await api("system", "POST", "/v1/settlements", variant);
        expectError(res, 409, "settlement_conflict");
        expect(res.body.error.details).toEqual({ orderId: body.orderId, transactionId: first.body.transactionId });
      });
    }
  });

  it("posts exactly once when five identical submissions arrive at the same time", async () => {
    const body = withPartner();
    const before = await snapshotAccounts(ids);
    const results = await Promise.all(Array.from({ length: 5 }, () => api("system", "POST", "/v1/settlements", body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(results.map((r) => r.body))).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.transactionId)).size).toBe(1);
    expect(await postingsFor(body.orderId)).toBe(1);
    expect(await settlementRows(body.orderId)).toBe(1);
    const d = deltas(before, await snapshotAccounts(ids));
    expect(d[seller.payableAccountId]).toBe(90_000);
    expect(d[partner.payableAccountId]).toBe(4_000);
    expect(d["platform:bank"]).toBe(94_000);
  });

  it("lets exactly one of two different breakdowns for the same order win when they race", async () => {
    const body = withPartner();
    const other = { ...body, platformFeePaise: 12_000 };
    const before = await snapshotAccounts(ids);
    const results = await Promise.all([api("system", "POST", "/v1/settlements", body), api("system", "POST", "/v1/settlements", other)]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses, JSON.stringify(results.map((r) => r.body))).toEqual([201, 409]);
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.error.code).toBe("settlement_conflict");
    expect(await postingsFor(body.orderId)).toBe(1);
    const winner = results.find((r) => r.status === 201)!;
    const d = deltas(before, await snapshotAccounts(ids));
    expect(d[seller.payableAccountId]).toBe(winner.body.sellerPayablePaise);
  });
});
