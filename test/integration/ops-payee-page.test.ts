// The ops console's page for one payee, read as a signed-in operator reads it: who the payee is,
// what they have available, reserved and owed, their rolling reserve and holds, and their
// statement as a page and a CSV. Default order (test/support/api.ts settlementFor): gross ₹1,000,
// fee ₹100, so the seller earns ₹900 and a 10 % reserve holds back ₹90.

import { beforeAll, describe, expect, it } from "vitest";
import { formatPaise } from "../../src/domain/money";
import { api, createPayee } from "../support/api";
import { createBatch, expectStatus, newCycle, settle } from "../support/batches";
import { Browser, cardText, signedIn, testIdText, textOf } from "../support/console-browser";



/**
 * A verified seller with 10 % held for 7 days, one order settled in a fresh cycle, a hold placed
 * and released (risk-rhea placed it, risk-ravi released it) and a hold in force.
 */
async function heldSellerWithReserve() {
  const seller = await createPayee("seller");
  expectStatus(await api("risk", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: 1000, days: 7 }), 200);
  const cycleId = newCycle();
  const order = await settle(seller.id, cycleId);
  const old = await api("risk", "POST", `/v1/payees/${seller.id}/holds`, { reason: "Bank name mismatch" });
  expectStatus(old, 201);
  expectStatus(await api("risk2", "POST", `/v1/payees/${seller.id}/holds/${old.body.id}/release`, { note: "Name matches the PAN" }), 200);
  const hold = await api("risk", "POST", `/v1/payees/${seller.id}/holds`, { reason: "KYC re-check" });
  expectStatus(hold, 201);
  return { seller, cycleId, order, hold: hold.body, oldHold: old.body };
}

let fixture: Awaited<ReturnType<typeof heldSellerWithReserve>>;

beforeAll(async () => {
  fixture = await heldSellerWithReserve();
});

describe("the ops console's payee page", () => {
  it("shows the payee, their balances, reserve terms and holds to any signed-in role, matching the balances API", async () => {
    const { seller, cycleId, order, hold, oldHold } = fixture;
    const balances = (await api("auditor", "GET", `/v1/payees/${seller.id}/balances`)).body;
    expect(balances).toMatchObject({ availablePaise: 81_000, reservedPaise: 9_000, owedPaise: 0, reserveTerms: { basisPoints: 1000, days: 7, source: "payee" } });

    for (const actor of ["maker", "auditor", "risk"] as const) {
      const page = await (await signedIn(actor)).get(`/ops/payees/${seller.id}`);
      expect(page.status, `${actor}: ${page.html.slice(0, 300)}`).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/^text\/html/);
      expect(page.headers.get("cache-control")).toBe("no-store");
      const text = textOf(page.html);

      // Who the payee is, with bank details masked.
      expect(text).toContain(`Payee ${seller.displayName}`);
      expect(text).toContain(seller.id);
      expect(text).toContain("Type seller");
      expect(testIdText(page.html, "payee-bank")).toBe(`${seller.bankDetails.accountNumberMasked} · ${seller.bankDetails.ifsc} · ${seller.bankDetails.accountHolderName}`);
      expect(seller.bankDetails.accountNumberMasked).toMatch(/^X+\d{4}$/);
      expect(page.html).not.toMatch(/\b1\d{11}\b/); // no whole account number (test/support/api.ts bank())
      expect(page.html).toContain('data-status="verified"');

      // Balances: ₹900 earned, ₹90 of it in the reserve.
      expect(testIdText(page.html, "balance-available")).toBe(formatPaise(balances.availablePaise));
      expect(testIdText(page.html, "balance-available")).toBe("₹810.00");
      expect(testIdText(page.html, "balance-reserved")).toBe("₹90.00");
      expect(testIdText(page.html, "balance-owed")).toBe("₹0.00");
      const nets = testIdText(page.html, "cycle-nets");
      expect(balances.byCycle).toEqual([{ cycleId, netPaise: 81_000 }]);
      expect(nets).toContain(`${cycleId} ₹810.00`);

      // The rolling reserve: the payee's own terms, and the share held back from the order.
      expect(testIdText(page.html, "reserve-terms")).toBe("10% of each settlement held back for 7 days (this payee's own terms)");
      const reserveHolds = testIdText(page.html, "reserve-holds")!;
      expect(reserveHolds).toContain(order.orderId);
      expect(reserveHolds).toContain(`${cycleId} ₹90.00`);
      expect(reserveHolds).toContain("held");
      expect(reserveHolds).not.toContain("released");

      // Holds: the one in force first, then the released one with who released it and why.
      const holds = cardText(page.html, "Holds")!;
      expect(holds.indexOf("KYC re-check")).toBeGreaterThan(-1);
      expect(holds.indexOf("KYC re-check")).toBeLessThan(holds.indexOf("Bank name mismatch"));
      expect(holds).toContain(`KYC re-check ${hold.id} active risk-rhea`);
      expect(holds).toContain(`Bank name mismatch ${oldHold.id} released risk-rhea`);
      expect(holds).toContain("risk-ravi");
      expect(holds).toContain("Name matches the PAN");
      expect(text).toContain("On hold : KYC re-check.");

      // The statement card links to the console's own statement routes.
      expect(page.html).toContain(`href="/ops/payees/${seller.id}/statement"`);
      expect(page.html).toContain(`href="/ops/payees/${seller.id}/statement.csv"`);
    }
  });

  it("says when the reserve terms are the default for the payee's type and nothing is held", async () => {
    const partner = await createPayee("delivery_partner", { verified: false });
    const page = await (await signedIn("auditor")).get(`/ops/payees/${partner.id}`);
    expect(page.status).toBe(200);
    expect(testIdText(page.html, "reserve-terms")).toBe("Nothing is held back from settlements (the default for a delivery partner)");
    expect(page.html).toContain('data-status="unverified"');
    const text = textOf(page.html);
    expect(text).toContain("Type delivery partner");
    expect(text).toContain("Nothing has been held back from this payee's settlements.");
    expect(text).toContain("No hold has ever been placed on this payee.");
    expect(text).toContain("Every cycle nets to zero.");
    expect(testIdText(page.html, "balance-available")).toBe("₹0.00");
  });

  it("is linked from the batch page wherever the payee is shown", async () => {
    const { seller, cycleId } = fixture;
    const batch = await createBatch("maker", { cycleId });
    expectStatus(batch, 201);
    const page = await (await signedIn("auditor")).get(`/ops/batches/${batch.body.id}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`<a href="/ops/payees/${seller.id}">${seller.displayName}</a>`);
  });

  it("serves the statement for the last 30 days as a printable page and as CSV", async () => {
    const { seller, order } = fixture;
    const visitor = await signedIn("maker");

    const html = await visitor.get(`/ops/payees/${seller.id}/statement`);
    expect(html.status, html.html.slice(0, 300)).toBe(200);
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html.headers.get("cache-control")).toBe("no-store");
    const text = textOf(html.html);
    expect(text).toContain(`Statement for ${seller.displayName}`);
    expect(testIdText(html.html, "opening")).toBe("₹0.00");
    expect(testIdText(html.html, "closing")).toBe("₹810.00");
    expect(testIdText(html.html, "lines")).toContain("₹900.00");
    expect(testIdText(html.html, "lines")).toContain("-₹90.00");

    const csv = await visitor.get(`/ops/payees/${seller.id}/statement.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="statement-${seller.id}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`));
    const rows = csv.html.trimEnd().split("\r\n").map((r) => r.split(","));
    expect(rows[0]).toEqual(["payee_id", "date", "transaction_id", "kind", "description", "cycle_id", "order_id", "amount_paise", "balance_paise", "currency"]);
    expect(rows[1]!.slice(3)).toEqual(["opening_balance", "Opening balance", "", "", "", "0", "INR"]);
    const settlement = rows.find((r) => r[3] === "order_settlement")!;
    expect(settlement[6]).toBe(order.orderId);
    expect(settlement[7]).toBe("90000");
    expect(rows.find((r) => r[3]?.startsWith("reserve_"))![7]).toBe("-9000");
    expect(rows.at(-1)!.slice(3)).toEqual(["closing_balance", "Closing balance", "", "", "", "81000", "INR"]);

    // The same statement as the API gives for the same period.
    const from = rows[1]![1]!;
    const to = rows.at(-1)![1]!;
    const viaApi = await api("auditor", "GET", `/v1/payees/${seller.id}/statement?from=${from}&to=${to}&format=csv`);
    expect(viaApi.body).toBe(csv.html);
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * 86_400_000);
  });

  it("takes another period from the query, and refuses one that is not a period", async () => {
    const { seller } = fixture;
    const visitor = await signedIn("auditor");
    const past = await visitor.get(`/ops/payees/${seller.id}/statement.csv?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z`);
    expect(past.status).toBe(200);
    expect(past.headers.get("content-disposition")).toBe(`attachment; filename="statement-${seller.id}-2020-01-01.csv"`);
    expect(past.html.trimEnd().split("\r\n").map((r) => r.split(",")[3])).toEqual(["kind", "opening_balance", "closing_balance"]);
    const pastPage = await visitor.get(`/ops/payees/${seller.id}/statement?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z`);
    expect(pastPage.status).toBe(200);
    expect(testIdText(pastPage.html, "closing")).toBe("₹0.00");

    for (const query of ["from=2020-02-01T00:00:00Z&to=2020-01-01T00:00:00Z", "from=yesterday", "to=2020-13-45", "from=2020-01-01T00:00:00Z&to=2020-01-01T00:00:00Z"]) {
      for (const path of [`/ops/payees/${seller.id}/statement?${query}`, `/ops/payees/${seller.id}/statement.csv?${query}`]) {
        const refused = await visitor.get(path);
        expect(refused.status, path).toBe(422);
        expect(refused.headers.get("content-type"), path).toMatch(/^text\/html/);
        expect(textOf(refused.html), path).toContain("Not a statement period");
        expect(textOf(refused.html), path).toContain("with to after from");
      }
    }
  });

  it("answers an unknown payee with the console's not-found page, and a signed-out visitor with the sign-in page", async () => {
    const visitor = await signedIn("auditor");
    for (const path of ["/ops/payees/pe_missing", "/ops/payees/pe_missing/statement", "/ops/payees/pe_missing/statement.csv"]) {
      const page = await visitor.get(path);
      expect(page.status, path).toBe(404);
      expect(page.html, path).toMatch(/^<!DOCTYPE html>|^<html/);
      const text = textOf(page.html);
      expect(text, path).toContain("Not found");
      expect(text, path).toContain("Payee pe_missing does not exist.");
    }

    const anonymous = await new Browser().get(`/ops/payees/${fixture.seller.id}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe(`/ops/login?next=${encodeURIComponent(`/ops/payees/${fixture.seller.id}`)}`);
  });
});
