// Money after the order, through the API: refunds and chargebacks on settled orders, clawbacks
// netted against the next cycle (or carried as a deficit), rolling reserves, remittance advice
// and statements. Default order (test/support/api.ts settlementFor): gross ₹1,000, fee ₹100, so
// the seller is owed ₹900; the customer paid ₹900 in money and ₹30 from the wallet.

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, changeBankDetails, createPayee, getAccount, unique } from "../support/api";
import { approve, createBatch, expectError, expectStatus, linkFor, newCycle, openLink, settle, submitBatch, tokenFor } from "../support/batches";
import { configureBank, consume, releaseByHand } from "../support/execution";
import { releaseReserves } from "../../src/services/reserves";
import { servicesFor } from "../../src/deps";
import { statementSchema } from "../../src/http/views/balances";

const adjust = (orderId: string, body: Record<string, unknown>) =>
  api("system", "POST", `/v1/settlements/${orderId}/adjustments`, { adjustmentId: unique("adj"), reason: "customer return", ...body });

/** Makes, submits, approves and releases a batch for the cycle; returns the batch and its payouts. */
async function payCycle(cycleId: string, payeeIds?: string[]) {
  const created = await createBatch("maker", payeeIds ? { cycleId, payeeIds } : { cycleId });
  expectStatus(created, 201);
  const submitted = await submitBatch("maker", created.body.id);
  expectStatus(submitted, 200);
  const approved = await approve("checker", created.body.id, submitted.body.fingerprint);
  expect(approved.body.status).toBe("approved");
  const payouts = await releaseByHand(approved.body);
  // The bank pays each transfer at once, so the payee has nothing in flight for the next cycle.
  for (const p of payouts) expect(await consume({ type: "transfer", payoutId: p.id })).toEqual({ action: "ack" });
  return { batch: approved.body, payouts };
}

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
});

const itemOf = (batch: { items: Array<{ payeeId: string }> }, payeeId: string) => batch.items.find((i) => i.payeeId === payeeId) as any;
const sum = (lines: Array<{ amountPaise: number }>) => lines.reduce((s, l) => s + l.amountPaise, 0);

describe("order adjustments", () => {
  it("records a partial refund as one balanced transaction, exactly once per adjustment id", async () => {
    const seller = await createPayee();
    const order = await settle(seller.id, newCycle());
    const body = { adjustmentId: unique("RET"), kind: "refund", cycleId: newCycle(), reason: "one item returned", goodsPaise: 40_000, sellerBearsPaise: 40_000, feeReturnedPaise: 4_000 };
    const first = await api("system", "POST", `/v1/settlements/${order.orderId}/adjustments`, body);
    expectStatus(first, 201);
    expect(first.body).toMatchObject({ orderId: order.orderId, effect: { sellerPayablePaise: -36_000, sellerReservePaise: 0 } });
    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${first.body.transactionId}`);
    expect(tx.body.entries.map((e: any) => `${e.direction} ${e.accountId} ${e.amountPaise}`).sort()).toEqual(
      [`debit payee:${seller.id}:payable 36000`, "debit platform:fee_revenue 4000", "credit platform:refunds_payable 40000"].sort(),
    );

    const again = await api("system", "POST", `/v1/settlements/${order.orderId}/adjustments`, body);
    expectStatus(again, 200);
    expect(again.body.transactionId).toBe(first.body.transactionId);
    expectError(await api("system", "POST", `/v1/settlements/${order.orderId}/adjustments`, { ...body, goodsPaise: 30_000, sellerBearsPaise: 30_000 }), 409, "adjustment_conflict");
    const listed = await api("auditor", "GET", `/v1/settlements/${order.orderId}/adjustments`);
    expect(listed.body.data).toHaveLength(1);
  });

  it("refuses a refund beyond what the customer paid, naming the component, and writes nothing", async () => {
    const seller = await createPayee();
    const order = await settle(seller.id, newCycle());
    const cycleId = newCycle();
    expectStatus(await adjust(order.orderId, { kind: "refund", cycleId, goodsPaise: 60_000, sellerBearsPaise: 60_000 }), 201);
    const before = await getAccount(`payee:${seller.id}:payable`);
    const over = await adjust(order.orderId, { kind: "refund", cycleId, goodsPaise: 40_000, sellerBearsPaise: 40_000 });
    expectError(over, 422, "refund_exceeds_paid");
    // Goods had ₹1,000 to give back, but the customer paid only ₹930 (₹900 + ₹30 wallet).
    expect(over.body.error.details).toMatchObject({ component: "customer payment", capPaise: 93_000, alreadyRefundedPaise: 60_000, excessPaise: 7_000 });
    expect(await getAccount(`payee:${seller.id}:payable`)).toEqual(before);

    expectError(await adjust("ORD-none", { kind: "refund", cycleId, goodsPaise: 1 }), 404, "settlement_not_found");
    expectError(await adjust(order.orderId, { kind: "refund", cycleId, goodsPaise: 100, sellerBearsPaise: 200 }), 422, "adjustment_does_not_add_up");
    expectError(await adjust(order.orderId, { kind: "goodwill", cycleId, goodsPaise: 100 }), 422, "adjustment_does_not_add_up");
    expectError(await api("system", "POST", `/v1/settlements/${order.orderId}/adjustments`, { kind: "refund" }), 400, "validation_failed");
    expectError(await api("maker", "POST", `/v1/settlements/${order.orderId}/adjustments`, { adjustmentId: "x", kind: "refund", cycleId, reason: "r", goodsPaise: 1 }), 403, "forbidden_role");
    expect(await getAccount(`payee:${seller.id}:payable`)).toEqual(before);
  });

  it("lets only one of two racing refunds through when together they pass the cap", async () => {
    const seller = await createPayee();
    const order = await settle(seller.id, newCycle());
    const cycleId = newCycle();
    const results = await Promise.all([0, 1].map(() => adjust(order.orderId, { kind: "refund", cycleId, goodsPaise: 60_000, sellerBearsPaise: 60_000 })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    const row = await env.DB.prepare("SELECT goods_paise, customer_paise FROM order_refund_totals WHERE order_id = ?").bind(order.orderId).first();
    expect(row).toEqual({ goods_paise: 60_000, customer_paise: 60_000 });
  });

  it("posts a chargeback against the bank, with the card network's fee borne by the seller", async () => {
    const seller = await createPayee();
    const order = await settle(seller.id, newCycle());
    const res = await adjust(order.orderId, { kind: "chargeback", cycleId: newCycle(), goodsPaise: 90_000, sellerBearsPaise: 90_000, feeReturnedPaise: 9_000, chargebackFeePaise: 500, chargebackFeeBorneBy: "seller" });
    expectStatus(res, 201);
    expect(res.body.effect.sellerPayablePaise).toBe(-(90_000 - 9_000 + 500));
    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${res.body.transactionId}`);
    const bankCredit = tx.body.entries.filter((e: any) => e.accountId === "platform:bank" && e.direction === "credit").reduce((s: number, e: any) => s + e.amountPaise, 0);
    expect(bankCredit).toBe(90_500);
  });
});

describe("clawbacks in the cycle", () => {
  it("reduces the next payout by a refund that landed after the seller was paid, and the remittance says why", async () => {
    const seller = await createPayee();
    const c1 = newCycle();
    const order = await settle(seller.id, c1);
    await payCycle(c1, [seller.id]);

    const c2 = newCycle();
    const refund = await adjust(order.orderId, { kind: "refund", cycleId: c2, goodsPaise: 50_000, sellerBearsPaise: 50_000, feeReturnedPaise: 5_000 });
    expectStatus(refund, 201);
    await settle(seller.id, c2);
    const { batch, payouts } = await payCycle(c2, [seller.id]);
    const item = itemOf(batch, seller.id);
    expect(item).toMatchObject({ status: "ok", amountPaise: 90_000 - 45_000, deficitPaise: 0 });
    expect(item.reconciliation.every((c: any) => c.ok)).toBe(true);

    const advice = await api("auditor", "GET", `/v1/payouts/${payouts[0].id}/remittance`);
    expectStatus(advice, 200);
    expect(advice.body.amountPaise).toBe(45_000);
    expect(sum(advice.body.lines)).toBe(45_000);
    expect(advice.body.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: "adjustment", reference: refund.body.adjustmentId, transactionId: refund.body.transactionId, amountPaise: -45_000 }),
        expect.objectContaining({ type: "order", amountPaise: 90_000 }),
      ]),
    );
    const csv = await api("auditor", "GET", `/v1/payouts/${payouts[0].id}/remittance?format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(String(csv.body).trim().split("\r\n")).toHaveLength(1 + advice.body.lines.length + 1);
    const html = await api("auditor", "GET", `/v1/payouts/${payouts[0].id}/remittance?format=html`);
    expect(html.headers.get("content-type")).toMatch(/text\/html/);
    expect(html.body).toContain("₹450.00");
  });

  it("pays nothing when a cycle nets below zero, carries the deficit, and nets it in the next cycle", async () => {
    const seller = await createPayee();
    const other = await createPayee();
    const c1 = newCycle();
    const order = await settle(seller.id, c1);
    await payCycle(c1, [seller.id]);

    // A full refund in c2, with nothing earned in c2: the seller owes ₹810 back.
    const c2 = newCycle();
    expectStatus(await adjust(order.orderId, { kind: "refund", cycleId: c2, goodsPaise: 90_000, sellerBearsPaise: 90_000, feeReturnedPaise: 9_000 }), 201);
    await settle(other.id, c2);
    // The checker's approval page says what is carried forward, and sets the item aside with its reason.
    const draft = await createBatch("maker", { cycleId: c2 });
    const pending = await submitBatch("maker", draft.body.id);
    const approvalPage = await openLink(await tokenFor(await linkFor(draft.body.id, "checker-chen")));
    expect(approvalPage.html).toContain("Deficits carried forward");
    expect(approvalPage.html).toContain("₹810.00 (1 payee not paid; netted in their next cycle)");
    expect(approvalPage.html).toContain("Deficit of ₹810.00 carried to the next cycle");
    await approve("checker", draft.body.id, pending.body.fingerprint);
    const second = (await api("auditor", "GET", `/v1/batches/${draft.body.id}`)).body;
    for (const p of await releaseByHand(second)) await consume({ type: "transfer", payoutId: p.id });
    const deficit = itemOf(second, seller.id);
    expect(deficit).toMatchObject({ status: "deficit", amountPaise: 0, deficitPaise: 81_000, exclusionReason: "Deficit of ₹810.00 carried to the next cycle" });
    expect(second).toMatchObject({ deficitCount: 1, carriedDeficitPaise: 81_000, totalPaise: itemOf(second, other.id).amountPaise });
    const owed = await api("auditor", "GET", `/v1/payees/${seller.id}/balances`);
    expect(owed.body).toMatchObject({ availablePaise: -81_000, owedPaise: 81_000 });

    // c3 earns ₹900 + ₹900: the deficit is netted, and ₹990 is paid.
    const c3 = newCycle();
    await settle(seller.id, c3);
    await settle(seller.id, c3);
    const { batch: third, payouts } = await payCycle(c3, [seller.id]);
    const netted = itemOf(third, seller.id);
    expect(netted).toMatchObject({ status: "ok", amountPaise: 180_000 - 81_000, carriedInPaise: -81_000 });
    expect(netted.lines).toEqual(expect.arrayContaining([expect.objectContaining({ type: "carried_in", amountPaise: -81_000 })]));
    const after = await api("auditor", "GET", `/v1/payees/${seller.id}/balances`);
    expect(after.body.availablePaise).toBe(0);
    expect(after.body.byCycle).toEqual([]);
    const advice = await api("auditor", "GET", `/v1/payouts/${payouts[0].id}/remittance`);
    expect(sum(advice.body.lines)).toBe(99_000);
    // Never more than earned: ₹900 × 3 earned, ₹810 given back, ₹900 + ₹990 paid.
    expect(90_000 + 99_000).toBe(3 * 90_000 - 81_000);
  });
});

describe("rolling reserves", () => {
  it("holds back a share of each settlement and releases it into the next batch after its days", async () => {
    const seller = await createPayee();
    expectStatus(await api("maker", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: 1000, days: 7 }), 403);
    expectError(await api("risk", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: 10_001, days: 7 }), 400, "validation_failed");
    expectError(await api("risk", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: 500, days: 0 }), 422, "invalid_reserve_terms");
    expectStatus(await api("risk", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: 1000, days: 7 }), 200);

    const c1 = newCycle();
    await settle(seller.id, c1);
    const { batch } = await payCycle(c1, [seller.id]);
    expect(itemOf(batch, seller.id)).toMatchObject({ status: "ok", amountPaise: 81_000 });
    expect(itemOf(batch, seller.id).lines).toEqual(expect.arrayContaining([expect.objectContaining({ type: "reserve_hold", amountPaise: -9_000 })]));
    const held = await api("auditor", "GET", `/v1/payees/${seller.id}/balances`);
    expect(held.body).toMatchObject({ reservedPaise: 9_000, availablePaise: 0, reserveTerms: { basisPoints: 1000, days: 7, source: "payee" } });

    // Nothing is due yet; eight days on, the cron releases it (once, however often it runs).
    const deps = servicesFor(env);
    await releaseReserves(deps, Date.now());
    expect((await api("auditor", "GET", `/v1/payees/${seller.id}/balances`)).body.reservedPaise).toBe(9_000);
    const later = Date.now() + 8 * 86_400_000;
    await releaseReserves(deps, later);
    await releaseReserves(deps, later);
    const released = await api("auditor", "GET", `/v1/payees/${seller.id}/balances`);
    expect(released.body).toMatchObject({ reservedPaise: 0, availablePaise: 9_000 });
    expect(released.body.reserveHolds[0]).toMatchObject({ amountPaise: 9_000, releasedPaise: 9_000 });

    // The next cycle pays its own order (less its reserve) plus the released ₹90.
    const c2 = newCycle();
    await settle(seller.id, c2);
    const { batch: next, payouts } = await payCycle(c2, [seller.id]);
    expect(itemOf(next, seller.id)).toMatchObject({ amountPaise: 81_000 + 9_000, carriedInPaise: 9_000 });
    const advice = await api("auditor", "GET", `/v1/payouts/${payouts[0].id}/remittance`);
    expect(advice.body.lines.map((l: any) => l.type).sort()).toEqual(["carried_in", "order", "reserve_hold"]);
  });

  it("lets a clawback draw on the reserve first", async () => {
    const seller = await createPayee();
    await api("risk", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: 2000, days: 30 });
    const order = await settle(seller.id, newCycle());
    const res = await adjust(order.orderId, { kind: "refund", cycleId: newCycle(), goodsPaise: 30_000, sellerBearsPaise: 30_000, drawOnReserve: true });
    expectStatus(res, 201);
    expect(res.body.effect).toMatchObject({ sellerReservePaise: 18_000, sellerPayablePaise: -12_000 });
    expect((await api("auditor", "GET", `/v1/payees/${seller.id}/balances`)).body.reservedPaise).toBe(0);
  });
});

describe("payee statements", () => {
  it("opens, moves and closes on the payable, in JSON its schema describes exactly, CSV and a printable page", async () => {
    const seller = await createPayee();
    const from = new Date(Date.now() - 1000).toISOString();
    const c1 = newCycle();
    const order = await settle(seller.id, c1);
    await payCycle(c1, [seller.id]);
    await adjust(order.orderId, { kind: "refund", cycleId: newCycle(), goodsPaise: 10_000, sellerBearsPaise: 10_000 });
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await api("auditor", "GET", `/v1/payees/${seller.id}/statement?from=${from}&to=${to}`);
    expectStatus(res, 200);
    const s = res.body;
    // The body is exactly what the documented PayeeStatement schema describes: parsing drops any
    // field it does not name and fails on one it names but the body lacks or types differently.
    expect(statementSchema.parse(s)).toEqual(s);
    expect(s.lines.map((l: { kind: string }) => l.kind)).toEqual(["order_settlement", "payout_reserve", "order_refund"]);
    expect(s.openingBalancePaise).toBe(0);
    expect(s.totals).toMatchObject({ earningsPaise: 90_000, adjustmentsPaise: -10_000, payoutsPaise: -90_000 });
    expect(s.closingBalancePaise).toBe(s.openingBalancePaise + sum(s.lines));
    expect(s.closingBalancePaise).toBe(-10_000);
    const csv = await api("auditor", "GET", `/v1/payees/${seller.id}/statement?from=${from}&to=${to}&format=csv`);
    expect(String(csv.body)).toContain("closing_balance");
    const html = await api("auditor", "GET", `/v1/payees/${seller.id}/statement?from=${from}&to=${to}&format=html`);
    expect(html.body).toContain("-₹100.00");
    expectError(await api("auditor", "GET", `/v1/payees/${seller.id}/statement?from=${to}&to=${from}`), 422, "invalid_range");
    expectError(await api("auditor", "GET", `/v1/payees/pe_none/statement?from=${from}&to=${to}`), 404, "payee_not_found");
  });
});

describe("a refund while a failed payout waits for its retry", () => {
  it("refuses to pay the approved amount, frees the payee, and a new batch for the cycle pays what is owed", async () => {
    const seller = await createPayee();
    await changeBankDetails(seller.id, { accountNumber: "123456780000", ifsc: "HDFC0001234", accountHolderName: "Holder" });
    const c1 = newCycle();
    const order = await settle(seller.id, c1);
    const { payouts } = await payCycle(c1, [seller.id]);
    const failed = (await api("auditor", "GET", `/v1/payouts/${payouts[0].id}`)).body;
    expect(failed.status).toBe("failed"); // the bank refused the account

    // A ₹300 refund lands in the next cycle: the seller now nets ₹600 in all.
    expectStatus(await adjust(order.orderId, { kind: "refund", cycleId: newCycle(), goodsPaise: 30_000, sellerBearsPaise: 30_000 }), 201);
    await changeBankDetails(seller.id, { accountNumber: "987654321012", ifsc: "ICIC0004321", accountHolderName: "Holder" });
    const ticket = await env.DB.prepare("SELECT id FROM exceptions WHERE payout_id = ? AND cause = 'invalid_bank_details'").bind(failed.id).first<{ id: string }>();
    const resolved = await api("admin", "POST", `/v1/exceptions/${ticket!.id}/status`, { status: "resolved", note: "details corrected" });
    expectStatus(resolved, 200);
    expect(resolved.body.retryResult).toMatchObject({ outcome: "refused", reason: "insufficient_payable" });
    const refusal = await api("auditor", "GET", `/v1/exceptions?cause=payout_refused`);
    expect(refusal.body.data.find((t: any) => t.payeeId === seller.id).summary).toMatch(/a new batch for the cycle can pay what is owed/);

    // The new batch carries the deficit into the cycle and pays ₹600, never the approved ₹900.
    const { batch } = await payCycle(c1, [seller.id]);
    expect(itemOf(batch, seller.id)).toMatchObject({ status: "ok", amountPaise: 60_000, carriedInPaise: -30_000 });
    expect((await api("auditor", "GET", `/v1/payees/${seller.id}/balances`)).body).toMatchObject({ availablePaise: 0, owedPaise: 0 });
  });
});
