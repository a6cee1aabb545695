// Statutory foundations through the API: payees' tax identity (PAN, GSTIN, legal name) with clear
// 422s, and the deduction rules as data, seeded from the code and changed by adding a rule.

import { describe, expect, it } from "vitest";
import { DEFAULT_DEDUCTION_RULES } from "../../src/domain/statutory";
import { api, approveBankChange, bank, unique } from "../support/api";
import { expectError, expectStatus } from "../support/batches";

const newSeller = (over: Record<string, unknown>) => api("admin", "POST", "/v1/payees", { type: "seller", displayName: unique("seller"), bankDetails: bank(7), ...over });

describe("a payee's tax identity", () => {
  it("keeps a well-formed PAN, GSTIN and legal name, and audits a change", async () => {
    const created = await newSeller({ legalName: "Asha Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" });
    expectStatus(created, 201);
    expect(created.body).toMatchObject({ legalName: "Asha Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" });
    const cleared = await api("admin", "PATCH", `/v1/payees/${created.body.id}`, { gstin: null });
    expectStatus(cleared, 200);
    expect(cleared.body.gstin).toBeNull();
    const audit = await api("auditor", "GET", `/v1/audit-events?subjectType=payee&subjectId=${created.body.id}`);
    expect(audit.body.data.find((e: any) => e.action === "payee.updated").details.gstin).toEqual({ from: "27AAPFU0939F1ZV", to: null });
  });

  it("refuses a malformed PAN, a mistyped GSTIN, a GSTIN of another PAN and identifiers without a legal name, and writes nothing", async () => {
    expectError(await newSeller({ legalName: "X", pan: "AAPFU0939" }), 422, "invalid_pan");
    expectError(await newSeller({ legalName: "X", gstin: "27AAPFU0939F1ZW" }), 422, "invalid_gstin");
    expectError(await newSeller({ legalName: "X", pan: "AAGCB7383J", gstin: "27AAPFU0939F1ZV" }), 422, "gstin_pan_mismatch");
    expectError(await newSeller({ pan: "AAPFU0939F" }), 422, "legal_name_required");
    const payee = await newSeller({});
    expectError(await api("admin", "PATCH", `/v1/payees/${payee.body.id}`, { pan: "nope" }), 422, "invalid_pan");
    expect((await api("auditor", "GET", `/v1/payees/${payee.body.id}`)).body).toMatchObject({ pan: null, version: 1 });
  });
});

describe("deduction rules", () => {
  it("are seeded with the defaults the code ships, sources and dates included", async () => {
    const res = await api("auditor", "GET", "/v1/statutory/rules");
    expectStatus(res, 200);
    const seeded = res.body.data.filter((r: any) => DEFAULT_DEDUCTION_RULES.some((d) => d.id === r.id));
    expect(seeded.sort((a: any, b: any) => (a.id < b.id ? -1 : 1))).toEqual([...DEFAULT_DEDUCTION_RULES].map((r) => ({ ...r, payeeTypes: [...r.payeeTypes] })).sort((a, b) => (a.id < b.id ? -1 : 1)));
  });

  it("change by a new rule that ends the one it replaces, once, by an admin", async () => {
    const base = { kind: "gst_on_fee", section: "Test levy", payeeTypes: ["delivery_partner"], pan: "any", gstin: "any", base: "platform_fee", rateBasisPoints: 100, annualThreshold: null, source: "a test" };
    const first = await api("admin", "POST", "/v1/statutory/rules", { ...base, from: "2030-01-01" });
    expectStatus(first, 201);
    expectError(await api("admin", "POST", "/v1/statutory/rules", { ...base, from: "2029-12-31", supersedes: first.body.id }), 422, "rule_starts_too_early");
    const second = await api("admin", "POST", "/v1/statutory/rules", { ...base, rateBasisPoints: 200, from: "2031-04-01", supersedes: first.body.id });
    expectStatus(second, 201);
    const rules = (await api("auditor", "GET", "/v1/statutory/rules")).body.data;
    expect(rules.find((r: any) => r.id === first.body.id)).toMatchObject({ from: "2030-01-01", to: "2031-04-01" });
    expect(rules.find((r: any) => r.id === second.body.id)).toMatchObject({ from: "2031-04-01", to: null, rateBasisPoints: 200 });
    expectError(await api("admin", "POST", "/v1/statutory/rules", { ...base, from: "2032-01-01", supersedes: first.body.id }), 409, "rule_already_ended");
    expectError(await api("admin", "POST", "/v1/statutory/rules", { ...base, from: "2031-02-30" }), 422, "invalid_date");
    expectError(await api("maker", "POST", "/v1/statutory/rules", { ...base, from: "2033-01-01" }), 403, "forbidden_role");
  });
});

describe("a settlement with tax details", () => {
  const taxedSeller = async (identity: Record<string, unknown>) => {
    const created = await newSeller(identity);
    expectStatus(created, 201);
    await approveBankChange(created.body.id, created.body.pendingBankDetailsChangeId, { verifyAs: bank(7).accountHolderName });
    return created.body.id as string;
  };
  const order = (sellerPayeeId: string, cycleId: string, tax: Record<string, unknown>) => ({
    orderId: unique("ORD"),
    cycleId,
    sellerPayeeId,
    grossAmountPaise: 100_000,
    platformFeePaise: 12_000,
    discountPaise: 0,
    voucherPaise: 0,
    walletAmountPaise: 0,
    deliveryFeePaise: 0,
    amountCollectedPaise: 100_000,
    tax,
  });

  it("posts TDS, GST TCS and GST on the fee to their own accounts and credits the seller only the net", async () => {
    // The worked example of docs/statutory.md: a Maharashtra firm selling in Maharashtra; the platform is in Karnataka (vitest.config.mts).
    const seller = await taxedSeller({ legalName: "Asha Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" });
    const cycleId = unique("cyc");
    const res = await api("system", "POST", "/v1/settlements", order(seller, cycleId, { placeOfSupplyState: "27", orderDate: "2026-11-26", deductions: { tdsPaise: 100, tcsPaise: 500, gstOnFeePaise: 2_160 } }));
    expectStatus(res, 201);
    expect(res.body.sellerPayablePaise).toBe(100_000 - 12_000 - 100 - 500 - 2_160);
    expect(res.body.deductions.map((d: any) => `${d.kind} ${d.head} ${d.amountPaise}`).sort()).toEqual(["gst_on_fee IGST 2160", "gst_tcs CGST 250", "gst_tcs SGST 250", "tds_194o TDS 100"]);
    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${res.body.transactionId}`);
    const credit = (id: string) => tx.body.entries.find((e: any) => e.accountId === id && e.direction === "credit")?.amountPaise;
    expect([credit("platform:tds_194o_payable"), credit("platform:gst_tcs_cgst_payable"), credit("platform:gst_tcs_sgst_payable"), credit("platform:gst_output_igst")]).toEqual([100, 250, 250, 2_160]);

    // The batch pays the net, its checks pass (the deductions are recomputed from the rules), and the lines show each deduction.
    const batch = await api("maker", "POST", "/v1/batches", { cycleId });
    expectStatus(batch, 201);
    const item = batch.body.items[0];
    expect(item).toMatchObject({ status: "ok", amountPaise: 85_240 });
    expect(item.lines.filter((l: any) => l.type === "deduction").map((l: any) => l.amountPaise).sort((a: number, b: number) => a - b)).toEqual([-2_160, -250, -250, -100]);
    expect(item.lines.find((l: any) => l.type === "order").amountPaise).toBe(88_000);
    expect(item.lines.reduce((s: number, l: any) => s + l.amountPaise, 0)).toBe(85_240);
  });

  it("refuses figures that differ from the rules, naming the field and both amounts, and posts nothing", async () => {
    const seller = await taxedSeller({});
    const body = order(seller, unique("cyc"), { placeOfSupplyState: "27", orderDate: "2026-11-26", deductions: { tdsPaise: 100 } });
    const res = await api("system", "POST", "/v1/settlements", body);
    // No PAN: TDS at 5 % of ₹1,000.
    expectError(res, 422, "deduction_mismatch");
    expect(res.body.error.details).toEqual({ field: "tax.deductions.tdsPaise", expectedPaise: 5_000, receivedPaise: 100 });
    expectError(await api("auditor", "GET", `/v1/settlements/${body.orderId}`), 404, "settlement_not_found");
    expectError(await api("system", "POST", "/v1/settlements", { ...body, tax: { placeOfSupplyState: "99" } }), 422, "invalid_state_code");
  });

  it("leaves a settlement without tax details exactly as before", async () => {
    const seller = await taxedSeller({ legalName: "Meena Rao", pan: "ABCPE1234F" });
    const { tax: _tax, ...plain } = order(seller, unique("cyc"), {});
    const res = await api("system", "POST", "/v1/settlements", plain);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ sellerPayablePaise: 88_000, deductions: [] });
  });
});

describe("a change of law after an order was settled", () => {
  it("blocks the order's payout in pre-payout reconciliation until its deductions are put right", async () => {
    // Runs last in this file: it ends the seeded 0.1 % rule from 2031 on (the other tests use 2026 dates).
    const created = await newSeller({ legalName: "Asha Traders LLP", pan: "AAPFU0939F" });
    await approveBankChange(created.body.id, created.body.pendingBankDetailsChangeId, { verifyAs: bank(7).accountHolderName });
    const cycleId = unique("cyc");
    const settled = await api("system", "POST", "/v1/settlements", {
      orderId: unique("ORD"), cycleId, sellerPayeeId: created.body.id, grossAmountPaise: 100_000, platformFeePaise: 12_000, discountPaise: 0, voucherPaise: 0,
      walletAmountPaise: 0, deliveryFeePaise: 0, amountCollectedPaise: 100_000, tax: { placeOfSupplyState: "29", orderDate: "2031-06-01" },
    });
    expectStatus(settled, 201);
    expect(settled.body.deductions.find((d: any) => d.kind === "tds_194o").amountPaise).toBe(100);
    const rule = await api("admin", "POST", "/v1/statutory/rules", {
      kind: "tds_194o", section: "Income-tax Act 1961, s.194-O", payeeTypes: ["seller"], pan: "present", gstin: "any", base: "gross_sale",
      rateBasisPoints: 20, from: "2031-01-01", annualThreshold: null, source: "a test's imagined amendment", supersedes: "tds-194o-2024",
    });
    expectStatus(rule, 201);
    const batch = await api("maker", "POST", "/v1/batches", { cycleId });
    const item = batch.body.items[0];
    expect(item.status).toBe("blocked");
    expect(item.reconciliation.find((c: any) => c.check === "components_match").reasons[0]).toMatch(/statutory deductions .* are not what the rules in force give/);
  });
});

describe("depositing withheld tax", () => {
  it("records each deposit once against the month's dues, refuses more than is due, and tickets what is overdue", async () => {
    const seller = await newSeller({ legalName: "Asha Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" });
    const settled = await api("system", "POST", "/v1/settlements", {
      orderId: unique("ORD"), cycleId: unique("cyc"), sellerPayeeId: seller.body.id, grossAmountPaise: 1_00_000, platformFeePaise: 12_000, discountPaise: 0,
      voucherPaise: 0, walletAmountPaise: 0, deliveryFeePaise: 0, amountCollectedPaise: 1_00_000, tax: { placeOfSupplyState: "27", orderDate: "2026-11-26" },
    });
    expectStatus(settled, 201);
    const period = settled.body.createdAt.slice(0, 7);
    const dues = async () => (await api("auditor", "GET", `/v1/statutory/dues?period=${period}`)).body.data as any[];
    const tds = (await dues()).find((d) => d.kind === "tds_194o");
    expect(tds.withheldPaise).toBeGreaterThanOrEqual(100);
    expect(tds).toMatchObject({ head: "TDS", depositedPaise: 0, duePaise: tds.withheldPaise, overdue: false });

    const reference = unique("CHALLAN");
    const deposit = { kind: "tds_194o", head: "TDS", period, amountPaise: tds.duePaise, reference, depositedOn: new Date().toISOString().slice(0, 10) };
    expectError(await api("admin", "POST", "/v1/statutory/remittances", { ...deposit, amountPaise: tds.duePaise + 1, reference: unique("CHALLAN") }), 422, "deposit_exceeds_due");
    expectError(await api("admin", "POST", "/v1/statutory/remittances", { ...deposit, head: "IGST" }), 422, "invalid_tax_head");
    const first = await api("admin", "POST", "/v1/statutory/remittances", deposit);
    expectStatus(first, 201);
    expectStatus(await api("admin", "POST", "/v1/statutory/remittances", deposit), 200);
    expectError(await api("admin", "POST", "/v1/statutory/remittances", { ...deposit, amountPaise: 1 }), 409, "remittance_conflict");
    expect((await dues()).find((d) => d.kind === "tds_194o")).toMatchObject({ depositedPaise: tds.withheldPaise, duePaise: 0 });
    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${first.body.transactionId}`);
    expect(tx.body.entries.map((e: any) => `${e.direction} ${e.accountId}`).sort()).toEqual(["credit platform:bank", "debit platform:tds_194o_payable"]);

    // GST TCS for the month is still undeposited: after the 10th of the next month it is a ticket.
    const { raiseOverdueDeposits } = await import("../../src/store/statutory");
    const { database } = await import("../../src/store/client");
    const { env } = await import("cloudflare:test");
    const [y, m] = period.split("-").map(Number);
    await raiseOverdueDeposits(database(env.DB), `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, "0")}-11`);
    // The daily audit of a day past the TCS due date reports what was due by then, and raises the tickets itself.
    const afterDue = `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, "0")}-12`;
    const report = await api("auditor", "POST", "/v1/audit-reports", { date: afterDue });
    expectStatus(report, 200);
    const owed = (report.body.report.statutory as any[]).filter((d) => d.period === period);
    expect(owed.find((d) => d.kind === "tds_194o")).toMatchObject({ duePaise: 0, dueDate: `${afterDue.slice(0, 8)}07` });
    expect(owed.find((d) => d.kind === "gst_tcs" && d.head === "CGST").duePaise).toBeGreaterThan(0);
    expect(owed.some((d) => d.kind === "gst_on_fee")).toBe(false); // due on the 20th
    const tickets = (await api("auditor", "GET", "/v1/exceptions?cause=statutory_deposit_overdue")).body.data as any[];
    expect(tickets.map((t) => t.details.head).sort()).toEqual(expect.arrayContaining(["CGST", "SGST"]));
    expect(tickets.some((t) => t.details.kind === "tds_194o" && t.details.period === period)).toBe(false);
    // The month's TCS return: one line per supplier GSTIN, and a total.
    const filing = await api("auditor", "GET", `/v1/statutory/filings/tcs/${period}`);
    expect(filing.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = String(filing.body).trim().split("\r\n");
    expect(lines[0]).toBe("supplier_gstin,supplier_name,gross_supplies_paise,returns_paise,net_taxable_value_paise,igst_paise,cgst_paise,sgst_paise");
    expect(lines.some((l) => l.startsWith("27AAPFU0939F1ZV,Asha Traders LLP,"))).toBe(true);
    expect(lines.at(-1)).toMatch(/^total,/);
    expectError(await api("auditor", "GET", "/v1/statutory/filings/tcs/2026-13"), 400, "validation_failed");
    expectError(await api("auditor", "GET", "/v1/statutory/filings/tds/2026-28-Q1"), 422, "invalid_period");
    // GST on the fee is due with the monthly return, on the 20th: not overdue on the 11th.
    expect(tickets.some((t) => t.details.kind === "gst_on_fee" && t.details.period === period)).toBe(false);
  });
});

describe("a refund of a taxed order", () => {
  it("gives back the deductions on the refunded part: TDS and TCS on the goods, GST on the returned fee", async () => {
    const seller = await newSeller({ legalName: "Asha Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" });
    const settled = await api("system", "POST", "/v1/settlements", {
      orderId: unique("ORD"), cycleId: unique("cyc"), sellerPayeeId: seller.body.id, grossAmountPaise: 1_00_000, platformFeePaise: 12_000, discountPaise: 0,
      voucherPaise: 0, walletAmountPaise: 0, deliveryFeePaise: 0, amountCollectedPaise: 1_00_000, tax: { placeOfSupplyState: "27", orderDate: "2026-11-26" },
    });
    const refund = (goodsPaise: number, feeReturnedPaise: number) =>
      api("system", "POST", `/v1/settlements/${settled.body.orderId}/adjustments`, { adjustmentId: unique("RET"), kind: "refund", cycleId: unique("cyc"), reason: "returned", goodsPaise, sellerBearsPaise: goodsPaise, feeReturnedPaise });
    const half = await refund(50_000, 6_000);
    expectStatus(half, 201);
    expect(half.body.effect.deductionReversals.map((r: any) => `${r.kind} ${r.head} ${r.amountPaise}`).sort()).toEqual(["gst_on_fee IGST 1080", "gst_tcs CGST 125", "gst_tcs SGST 125", "tds_194o TDS 50"]);
    expect(half.body.effect.sellerPayablePaise).toBe(-(50_000 - 6_000) + 50 + 125 + 125 + 1_080);
    const tx = await api("auditor", "GET", `/v1/ledger/transactions/${half.body.transactionId}`);
    expect(tx.body.entries.find((e: any) => e.accountId === "platform:tds_194o_payable")).toMatchObject({ direction: "debit", amountPaise: 50 });

    // The rest, in two parts: the reversals never add up past what was withheld.
    await refund(33_333, 0);
    const last = await refund(16_667, 6_000);
    expectStatus(last, 201);
    const all = (await api("auditor", "GET", `/v1/settlements/${settled.body.orderId}/adjustments`)).body.data as any[];
    const given = (kind: string, head: string) => all.flatMap((a) => a.effect.deductionReversals).filter((r: any) => r.kind === kind && r.head === head).reduce((s: number, r: any) => s + r.amountPaise, 0);
    expect([given("tds_194o", "TDS"), given("gst_tcs", "CGST"), given("gst_tcs", "SGST"), given("gst_on_fee", "IGST")]).toEqual([100, 250, 250, 2_160]);
  });
});

describe("filing exports", () => {
  it("add up to the ledger's liability accounts to the paisa, and list each deductee with PAN or the no-PAN marker", async () => {
    // Runs after every other test of this file: the month's taxed settlements and refunds are all in.
    const { env } = await import("cloudflare:test");
    const month = new Date().toISOString().slice(0, 7);
    const [y, m] = month.split("-").map(Number) as [number, number];
    const quarter = `${m >= 4 ? y : y - 1}-${String(((m >= 4 ? y : y - 1) + 1) % 100).padStart(2, "0")}-Q${m >= 4 ? Math.floor((m - 4) / 3) + 1 : 4}`;
    const csv = async (path: string) => String((await api("auditor", "GET", path)).body).trim().split("\r\n").map((l) => l.split(","));
    const ledger = async (accountId: string) => {
      const row = await env.DB.prepare(
        `SELECT COALESCE(SUM(CASE WHEN e.direction = 'credit' THEN e.amount_paise ELSE -e.amount_paise END), 0) AS net FROM journal_entries e JOIN journal_transactions t ON t.id = e.transaction_id
         WHERE e.account_id = ? AND t.kind <> 'statutory_remittance' AND e.created_at >= ? AND e.created_at < ?`,
      ).bind(accountId, `${month}-01`, `${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, "0")}-01`).first<{ net: number }>();
      return row!.net;
    };

    const tcs = await csv(`/v1/statutory/filings/tcs/${month}`);
    const tcsTotal = tcs.at(-1)!;
    expect([Number(tcsTotal[5]), Number(tcsTotal[6]), Number(tcsTotal[7])]).toEqual([
      await ledger("platform:gst_tcs_igst_payable"),
      await ledger("platform:gst_tcs_cgst_payable"),
      await ledger("platform:gst_tcs_sgst_payable"),
    ]);

    const tds = await csv(`/v1/statutory/filings/tds/${month}`);
    expect(tds[0]).toEqual(["order_id", "deductee_pan", "deductee_name", "payee_id", "section", "amount_credited_paise", "credited_on", "rate", "tds_paise"]);
    expect(tds.some((l) => l[1] === "PANNOTAVBL" && l[7] === "5%")).toBe(false); // no settlement without a PAN was taken (the 5 % one was refused)
    const tdsReversed = await env.DB.prepare(
      "SELECT COALESCE(SUM(json_extract(value, '$.amountPaise')), 0) AS n FROM order_adjustments, json_each(order_adjustments.deduction_reversals) WHERE json_extract(value, '$.kind') = 'tds_194o' AND created_at >= ?",
    ).bind(`${month}-01`).first<{ n: number }>();
    expect(Number(tds.at(-1)![8]) - tdsReversed!.n).toBe(await ledger("platform:tds_194o_payable"));

    // The quarter's certificates sum to the quarter's TDS lines.
    const quarterly = await csv(`/v1/statutory/filings/tds/${quarter}`);
    const certificates = await csv(`/v1/statutory/filings/tds-certificates/${quarter}`);
    expect(certificates.at(-1)![5]).toBe(quarterly.at(-1)![8]);
    expect(Number(certificates.at(-1)![3])).toBe(quarterly.length - 2);
  });
});
