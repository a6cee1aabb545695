import { describe, expect, it } from "vitest";
import { api, approveBankChange, bank, getAccount, unique } from "../support/api";

function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
}

const newPayee = (over: Record<string, unknown> = {}): Record<string, unknown> & { displayName: string } => ({
  type: "seller",
  displayName: unique("Asha Traders"),
  bankDetails: bank(Math.floor(Math.random() * 1e9)),
  ...over,
});

async function create(over: Record<string, unknown> = {}) {
  const res = await api("admin", "POST", "/v1/payees", newPayee(over));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function auditEventsOf(payeeId: string) {
  const res = await api("auditor", "GET", `/v1/audit-events?subjectType=payee&subjectId=${payeeId}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as Array<{ action: string; actorId: string; subjectId: string; details: any }>;
}

const payeesWithExternalId = async (externalId: string) =>
  (await api("auditor", "GET", `/v1/payees?externalId=${externalId}`)).body.data as unknown[];

describe("creating payees", () => {
  it("creates a payee (201) with its own payable account, its bank details a change awaiting a second person", async () => {
    const input = newPayee({ email: "asha@example.com", externalId: unique("seller") });
    const res = await api("admin", "POST", "/v1/payees", input);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const payee = res.body;
    expect(payee.id).toMatch(/^pe_/);
    expect(payee).toMatchObject({
      type: "seller",
      displayName: input.displayName,
      email: "asha@example.com",
      externalId: input.externalId,
      verificationStatus: "unverified",
      bankDetails: null,
      pendingBankDetailsChangeId: expect.stringMatching(/^bdc_/),
      payableAccountId: `payee:${payee.id}:payable`,
      version: 1,
    });

    const account = await getAccount(payee.payableAccountId);
    expect(account).toMatchObject({ id: `payee:${payee.id}:payable`, type: "liability", payeeId: payee.id, balancePaise: 0, entryCount: 0 });

    const read = await api("auditor", "GET", `/v1/payees/${payee.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(payee);

    const events = await auditEventsOf(payee.id);
    expect(events.map((e) => e.action)).toEqual(["payee.bank_details_change_requested", "payee.created"]);
    expect(events[0]!.actorId).toBe("admin-ada");
  });

  it("never returns the full bank account number, only its last four digits", async () => {
    const details = { accountNumber: "987654321012", ifsc: "SBIN0ABC123", accountHolderName: "Ravi Kumar" };
    const created = await create({ bankDetails: details });
    const changes = await api("admin", "GET", `/v1/payees/${created.id}/bank-detail-changes`);
    expect(changes.body.data[0].bankDetails).toEqual({ accountNumberMasked: "XXXXXXXX1012", ifsc: "SBIN0ABC123", accountHolderName: "Ravi Kumar" });
    expect(JSON.stringify(changes.body)).not.toContain(details.accountNumber);
    const payee = await approveBankChange(created.id, created.pendingBankDetailsChangeId);
    expect(payee.bankDetails).toEqual({ accountNumberMasked: "XXXXXXXX1012", ifsc: "SBIN0ABC123", accountHolderName: "Ravi Kumar" });
    const read = await api("admin", "GET", `/v1/payees/${payee.id}`);
    expect(JSON.stringify(read.body)).not.toContain(details.accountNumber);
    expect(JSON.stringify(await auditEventsOf(payee.id))).not.toContain(details.accountNumber);
  });

  it("creates a payee without bank details, and a delivery partner", async () => {
    const partner = await create({ type: "delivery_partner", bankDetails: undefined });
    expect(partner).toMatchObject({ type: "delivery_partner", bankDetails: null, verificationStatus: "unverified" });
  });

  it("lets the system role create payees", async () => {
    const res = await api("system", "POST", "/v1/payees", newPayee());
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("refuses makers (403 forbidden_role) and creates nothing", async () => {
    const externalId = unique("by-maker");
    expectError(await api("maker", "POST", "/v1/payees", newPayee({ externalId })), 403, "forbidden_role");
    expect(await payeesWithExternalId(externalId)).toEqual([]);
  });

  const badIfscs = ["HDFC1001234", "HDF00001234", "hdfc0001234", "HDFC000123", "HDFC00012345", "HDFC0-01234", "1234O001234", " HDFC0001234"];
  for (const ifsc of badIfscs) {
    it(`rejects IFSC ${JSON.stringify(ifsc)}: four letters, a 0, then six letters or digits (400 validation_failed)`, async () => {
      const externalId = unique("bad-ifsc");
      const res = await api("admin", "POST", "/v1/payees", newPayee({ externalId, bankDetails: { ...bank(1), ifsc } }));
      expectError(res, 400, "validation_failed");
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "bankDetails.ifsc" })]));
      expect(await payeesWithExternalId(externalId)).toEqual([]);
    });
  }

  const badAccountNumbers = ["12345678", "1234567890123456789", "12345678a9", "", "1234 5678 9012", "-123456789"];
  for (const accountNumber of badAccountNumbers) {
    it(`rejects account number ${JSON.stringify(accountNumber)}: it must be 9 to 18 digits (400 validation_failed)`, async () => {
      const res = await api("admin", "POST", "/v1/payees", newPayee({ bankDetails: { ...bank(1), accountNumber } }));
      expectError(res, 400, "validation_failed");
      expect(res.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "bankDetails.accountNumber" })]));
    });
  }

  it("accepts account numbers of exactly 9 and 18 digits and IFSC branch codes with letters", async () => {
    for (const [accountNumber, ifsc] of [
      ["123456789", "ICIC0000001"],
      ["123456789012345678", "SBIN0ABC12Z"],
    ]) {
      const created = await create({ bankDetails: { accountNumber, ifsc, accountHolderName: "Edge Case" } });
      expect((await approveBankChange(created.id, created.pendingBankDetailsChangeId)).bankDetails.ifsc).toBe(ifsc);
    }
  });

  it("rejects bank details with an unknown field or a missing holder name (400 validation_failed)", async () => {
    expectError(await api("admin", "POST", "/v1/payees", newPayee({ bankDetails: { ...bank(1), upi: "x@y" } })), 400, "validation_failed");
    const { accountHolderName: _, ...noHolder } = bank(1);
    expectError(await api("admin", "POST", "/v1/payees", newPayee({ bankDetails: noHolder })), 400, "validation_failed");
    expectError(await api("admin", "POST", "/v1/payees", newPayee({ type: "buyer" })), 400, "validation_failed");
  });

  it("keeps externalId unique (409 external_id_taken) without creating a second payee or account", async () => {
    const externalId = unique("ext");
    const first = await create({ externalId });
    const res = await api("admin", "POST", "/v1/payees", newPayee({ externalId }));
    expectError(res, 409, "external_id_taken");
    const found = await payeesWithExternalId(externalId);
    expect(found).toEqual([expect.objectContaining({ id: first.id })]);
  });
});

describe("reading payees", () => {
  it("answers 404 payee_not_found for an unknown payee, on read, update and verification", async () => {
    expectError(await api("auditor", "GET", "/v1/payees/pe_nope"), 404, "payee_not_found");
    expectError(await api("admin", "PATCH", "/v1/payees/pe_nope", { displayName: "x" }), 404, "payee_not_found");
    expectError(await api("admin", "POST", "/v1/payees/pe_nope/verification", { status: "verified" }), 404, "payee_not_found");
  });

  it("lists payees in pages that a cursor walks without skipping or repeating", async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push((await create({ type: "delivery_partner" })).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/v1/payees?type=delivery_partner&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await api("auditor", "GET", query);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      for (const p of res.body.data) expect(p.type).toBe("delivery_partner");
      seen.push(...res.body.data.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);

    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    for (const id of created) expect(seen).toContain(id);
    expect(pages).toBe(Math.ceil(seen.length / 2));
  });

  it("rejects a page size above 200 (400 validation_failed)", async () => {
    expectError(await api("auditor", "GET", "/v1/payees?limit=201"), 400, "validation_failed");
  });
});

describe("bank details verification", () => {
  it("records a verification result with the bank's name and its match score, and audits it", async () => {
    const created = await create({ bankDetails: { accountNumber: "123123123123", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" } });
    const payee = await approveBankChange(created.id, created.pendingBankDetailsChangeId);
    const res = await api("admin", "POST", `/v1/payees/${payee.id}/verification`, { status: "verified", note: "penny drop ok", bankAccountName: "ASHA TRADERS" });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: payee.id, verificationStatus: "verified", version: payee.version + 1, verification: { bankAccountName: "ASHA TRADERS", nameMatchScore: 1, threshold: 0.8, override: null, by: "admin-ada" } });
    expect((await api("auditor", "GET", `/v1/payees/${payee.id}`)).body.verificationStatus).toBe("verified");
    const events = await auditEventsOf(payee.id);
    expect(events[0]).toMatchObject({ action: "payee.verification_set", details: { from: "unverified", to: "verified", note: "penny drop ok", nameMatchScore: 1 } });
  });

  it("cannot mark a payee without bank details as verified (409 bank_details_missing)", async () => {
    const payee = await create({ bankDetails: undefined });
    expectError(await api("admin", "POST", `/v1/payees/${payee.id}/verification`, { status: "verified" }), 409, "bank_details_missing");
  });

  it("only accepts verified or invalid as a result (400 validation_failed)", async () => {
    const payee = await create();
    expectError(await api("admin", "POST", `/v1/payees/${payee.id}/verification`, { status: "unverified" }), 400, "validation_failed");
  });

  it("refuses verification from makers (403 forbidden_role)", async () => {
    const payee = await create();
    expectError(await api("maker", "POST", `/v1/payees/${payee.id}/verification`, { status: "verified" }), 403, "forbidden_role");
    expect((await api("auditor", "GET", `/v1/payees/${payee.id}`)).body.verificationStatus).toBe("unverified");
  });

  it("changes bank details only when a second person approves, then unverified, auditing only the masked numbers", async () => {
    const oldBank = { accountNumber: "111122223333", ifsc: "HDFC0001234", accountHolderName: "Old Holder" };
    const newBank = { accountNumber: "444455556666777", ifsc: "ICIC0009876", accountHolderName: "New Holder" };
    const created = await create({ bankDetails: oldBank });
    await approveBankChange(created.id, created.pendingBankDetailsChangeId, { verifyAs: "Old Holder" });

    const res = await api("admin", "PATCH", `/v1/payees/${created.id}`, { bankDetails: newBank });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // Requested, not applied: the approved details and their verification stand until someone else approves.
    expect(res.body).toMatchObject({
      verificationStatus: "verified",
      bankDetails: { accountNumberMasked: "XXXXXXXX3333", ifsc: "HDFC0001234", accountHolderName: "Old Holder" },
      pendingBankDetailsChangeId: expect.stringMatching(/^bdc_/),
    });
    const payee = await approveBankChange(created.id, res.body.pendingBankDetailsChangeId);
    expect(payee).toMatchObject({
      verificationStatus: "unverified",
      bankDetails: { accountNumberMasked: "XXXXXXXXXXX6777", ifsc: "ICIC0009876", accountHolderName: "New Holder" },
      pendingBankDetailsChangeId: null,
    });

    const events = await auditEventsOf(payee.id);
    const changed = events.find((e) => e.action === "payee.bank_details_changed");
    expect(changed).toBeDefined();
    expect(changed!.actorId).toBe("checker-chen");
    expect(changed!.details).toMatchObject({
      changeId: res.body.pendingBankDetailsChangeId,
      from: { accountNumberMasked: "XXXXXXXX3333", ifsc: "HDFC0001234", accountHolderName: "Old Holder" },
      to: { accountNumberMasked: "XXXXXXXXXXX6777", ifsc: "ICIC0009876", accountHolderName: "New Holder" },
    });
    expect(events.find((e) => e.action === "payee.bank_details_change_requested" && e.actorId === "admin-ada")).toBeDefined();
    const trail = JSON.stringify(events);
    expect(trail).not.toContain(oldBank.accountNumber);
    expect(trail).not.toContain(newBank.accountNumber);
  });

  it("keeps verification when the same bank details are sent again or only the name changes", async () => {
    const details = bank(424242);
    const created = await create({ bankDetails: details });
    const payee = await approveBankChange(created.id, created.pendingBankDetailsChangeId, { verifyAs: details.accountHolderName });

    const same = await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: details });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ verificationStatus: "verified", pendingBankDetailsChangeId: null });

    const renamed = await api("admin", "PATCH", `/v1/payees/${payee.id}`, { displayName: "Renamed Traders" });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ displayName: "Renamed Traders", verificationStatus: "verified" });

    const actions = (await auditEventsOf(payee.id)).map((e) => e.action);
    expect(actions.filter((a) => a === "payee.bank_details_change_requested")).toHaveLength(1);
    expect(actions).toContain("payee.updated");
  });

  it("removes bank details only when a second person approves, leaving them unverified", async () => {
    const created = await create();
    const payee = await approveBankChange(created.id, created.pendingBankDetailsChangeId);
    const res = await api("admin", "PATCH", `/v1/payees/${payee.id}`, { bankDetails: null });
    expect(res.status).toBe(200);
    expect(res.body.bankDetails).not.toBeNull();
    expect(await approveBankChange(payee.id, res.body.pendingBankDetailsChangeId)).toMatchObject({ bankDetails: null, verificationStatus: "unverified" });
  });

  it("refuses an empty update and unknown fields (400 validation_failed)", async () => {
    const payee = await create();
    expectError(await api("admin", "PATCH", `/v1/payees/${payee.id}`, {}), 400, "validation_failed");
    expectError(await api("admin", "PATCH", `/v1/payees/${payee.id}`, { verificationStatus: "verified" }), 400, "validation_failed");
    expect((await api("auditor", "GET", `/v1/payees/${payee.id}`)).body.verificationStatus).toBe("unverified");
  });

  it("keeps the audit trail from makers (403 forbidden_role)", async () => {
    expectError(await api("maker", "GET", "/v1/audit-events?subjectType=payee"), 403, "forbidden_role");
  });
});
