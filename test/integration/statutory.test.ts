// Statutory foundations through the API: payees' tax identity (PAN, GSTIN, legal name) with clear
// 422s, and the deduction rules as data, seeded from the code and changed by adding a rule.

import { describe, expect, it } from "vitest";
import { DEFAULT_DEDUCTION_RULES } from "../../src/domain/statutory";
import { api, bank, unique } from "../support/api";
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
