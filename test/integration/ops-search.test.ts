// The ops console's finders, read as a signed-in operator reads them: the search box (payees by
// name, external id, id and account's last four; payouts by id and UTR), the filtered payout list
// and its keyset pages, and the dashboard's 30-day chart. The database is shared with every other
// test file, so each test makes its own payees and payouts and never counts the whole table.

import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { formatPaise } from "../../src/domain/money";
import { database } from "../../src/store/client";
import { cursorOf, filteredPayouts } from "../../src/store/console-payouts";
import { api, approveBankChange, settlementFor, unique } from "../support/api";
import { payeeLinks, payoutLinks, signedIn, textOf, Browser } from "../support/console-browser";
import { configureBank, consume, releaseByHand } from "../support/execution";
import { setCreatedAt } from "../support/recon";

const DAY_MS = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const dayOffset = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);

/** Four digits no test payee is likely to share (never 0000: the simulated bank refuses those accounts). */
const randomLastFour = () => String(1000 + Math.floor(Math.random() * 9000));

async function payeeWith(opts: { displayName: string; externalId?: string; lastFour?: string }) {
  const lastFour = opts.lastFour ?? randomLastFour();
  const accountNumber = `55${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}${lastFour}`;
  const created = await api("admin", "POST", "/v1/payees", {
    type: "seller",
    displayName: opts.displayName,
    ...(opts.externalId ? { externalId: opts.externalId } : {}),
    bankDetails: { accountNumber, ifsc: "HDFC0001234", accountHolderName: opts.displayName },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await approveBankChange(created.body.id, created.body.pendingBankDetailsChangeId, { verifyAs: opts.displayName });
  return { id: created.body.id as string, displayName: opts.displayName, accountNumber, lastFour };
}

/**
 * One order each in a fresh cycle, a batch approved and released; each payout is then taken to
 * the simulated bank (processed, or failed for an account ending 0000) unless `pay` is false.
 */
async function payoutsFor(payees: ReadonlyArray<{ id: string }>, opts: { grossAmountPaise?: number[]; pay?: boolean } = {}) {
  const cycleId = unique("cyc-find");
  for (const [i, p] of payees.entries()) {
    const gross = opts.grossAmountPaise?.[i];
    const body = settlementFor(p.id, cycleId, gross ? { grossAmountPaise: gross } : {});
    expect((await api("system", "POST", "/v1/settlements", body)).status).toBe(201);
  }
  const draft = await api("maker", "POST", "/v1/batches", { cycleId });
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
  const submitted = await api("maker", "POST", `/v1/batches/${draft.body.id}/submit`);
  const approved = await api("checker", "POST", `/v1/batches/${draft.body.id}/approve`, { fingerprint: submitted.body.fingerprint });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const released = await releaseByHand(approved.body);
  expect(released).toHaveLength(payees.length);
  if (opts.pay ?? true) for (const p of released) await consume({ type: "transfer", payoutId: p.id });
  const list = await api("auditor", "GET", `/v1/payouts?batchId=${draft.body.id}&limit=100`);
  const byPayee = new Map((list.body.data as any[]).map((p) => [p.payeeId, p]));
  return { batchId: draft.body.id as string, payouts: payees.map((p) => byPayee.get(p.id)) };
}

beforeAll(async () => {
  await configureBank({ autoRun: false, rates: {}, processingDelayMs: 0 });
});

describe("the console's search", () => {
  it("finds a payee by the start of its name in any case, by external id, by id and by the last four digits of its account", async () => {
    const tag = unique("Zephyr Looms");
    const payee = await payeeWith({ displayName: tag, externalId: unique("seller-ext") });
    const other = await payeeWith({ displayName: unique("Quill Traders") });
    const abe = await signedIn("auditor");

    for (const [q, matchedBy] of [
      [tag.slice(0, -3).toLowerCase(), "name"],
      [tag.toUpperCase(), "name"],
      [payee.id, "id"],
      [(await api("admin", "GET", `/v1/payees/${payee.id}`)).body.externalId, "external id"],
      [payee.lastFour, "account number"],
      [`XXXXXXXX${payee.lastFour}`, "account number"],
    ] as const) {
      const page = await abe.get(`/ops/search?q=${encodeURIComponent(q)}`);
      expect(page.status, q).toBe(200);
      expect(payeeLinks(page.html), q).toContain(payee.id);
      expect(payeeLinks(page.html), q).not.toContain(other.id);
      const row = new RegExp(`href="/ops/payees/${payee.id}"[\\s\\S]*?</tr>`).exec(page.html)![0];
      expect(textOf(row), q).toContain(matchedBy);
      expect(textOf(row), q).toContain(`XXXXXXXX${payee.lastFour}`);
      expect(page.html, q).not.toContain(payee.accountNumber); // only ever masked
    }
    // The search page fills the bar's box with what was searched.
    expect((await abe.get(`/ops/search?q=${encodeURIComponent(payee.id)}`)).html).toContain(`name="q" value="${payee.id}"`);
  });

  it("finds a payout by its id and by its UTR, pasted in any case, linking to the payout's page", async () => {
    const payee = await payeeWith({ displayName: unique("Utr Seller") });
    const { payouts } = await payoutsFor([payee]);
    const payout = payouts[0]!;
    expect(payout.status).toBe("processed");
    expect(payout.bankReference).toMatch(/^SIMUTR\d+$/);
    const chen = await signedIn("checker");

    for (const [q, matchedBy] of [
      [payout.bankReference, "bank reference"],
      [payout.bankReference.toLowerCase(), "bank reference"],
      [payout.id, "id"],
    ] as const) {
      const page = await chen.get(`/ops/search?q=${encodeURIComponent(q)}`);
      expect(page.status, q).toBe(200);
      expect(payoutLinks(page.html), q).toEqual([payout.id]);
      const row = textOf(/data-testid="payout-hits"[\s\S]*?<\/table>/.exec(page.html)![0]);
      expect(row, q).toContain(formatPaise(payout.amountPaise));
      expect(row, q).toContain(payout.bankReference);
      expect(row, q).toContain(matchedBy);
      expect(payeeLinks(page.html), q).toContain(payee.id); // the payout's payee, by name
      expect(textOf(page.html), q).toContain(payee.displayName);
    }
  });

  it("says nothing matches for an unknown UTR, id or name, and treats quotes and SQL in the text as text", async () => {
    const payee = await payeeWith({ displayName: unique("Orchid Mills") });
    const mira = await signedIn("maker");
    for (const q of ["SIMUTR9999999999999", "po_0000000000nothing", `${payee.displayName}x`, "' OR '1'='1", "%", "_", "Orchid Mills'; DROP TABLE payees; --"]) {
      const page = await mira.get(`/ops/search?q=${encodeURIComponent(q)}`);
      expect(page.status, q).toBe(200);
      expect(payeeLinks(page.html), q).not.toContain(payee.id);
      expect(payoutLinks(page.html), q).toEqual([]);
    }
    const none = await mira.get("/ops/search?q=SIMUTR9999999999999");
    expect(textOf(none.html)).toContain("Nothing matches “SIMUTR9999999999999”.");
    expect((await api("admin", "GET", `/v1/payees/${payee.id}`)).status).toBe(200); // still there
  });

  it("refuses a text over 100 characters or with control characters with 400 and the reason, and explains itself when empty", async () => {
    const abe = await signedIn("auditor");
    const long = await abe.get(`/ops/search?q=${"a".repeat(101)}`);
    expect(long.status).toBe(400);
    expect(textOf(long.html)).toContain("Search for at most 100 characters.");
    const control = await abe.get(`/ops/search?q=${encodeURIComponent("SIMUTR\n1")}`);
    expect(control.status).toBe(400);
    expect(textOf(control.html)).toContain("must not contain control characters");
    const empty = await abe.get("/ops/search?q=");
    expect(empty.status).toBe(200);
    expect(textOf(empty.html)).toContain("the last four digits of its account");
    expect((await abe.get(`/ops/search?q=${"a".repeat(100)}`)).status).toBe(200);
  });

  it("is on every console page, and only for signed-in people", async () => {
    const abe = await signedIn("auditor");
    for (const path of ["/ops", "/ops/batches", "/ops/payouts", "/ops/exceptions"]) {
      expect((await abe.get(path)).html, path).toContain('<form role="search" method="get" action="/ops/search"');
    }
    const stranger = await new Browser().get("/ops/search?q=SIMUTR1");
    expect(stranger.status).toBe(303);
    expect(stranger.location).toBe(`/ops/login?next=${encodeURIComponent("/ops/search?q=SIMUTR1")}`);
  });
});

describe("the payout list", () => {
  it("filters by batch, payee, status, the days created and settled, and amount, each row linking to its payout", async () => {
    const good = await payeeWith({ displayName: unique("List Good") });
    const bad = await payeeWith({ displayName: unique("List Bad"), lastFour: "0000" });
    const { batchId, payouts } = await payoutsFor([good, bad], { grossAmountPaise: [200_000, 100_000] });
    const [paid, failed] = payouts as [any, any];
    expect([paid.status, failed.status]).toEqual(["processed", "failed"]);
    const ada = await signedIn("admin");
    const listed = async (qs: string) => {
      const page = await ada.get(`/ops/payouts?${qs}`);
      expect(page.status, `${qs}: ${textOf(page.html).slice(0, 400)}`).toBe(200);
      return payoutLinks(page.html).filter((id) => id === paid.id || id === failed.id);
    };
    const both = [failed.id, paid.id].sort();
    const b = `batch=${batchId}`;

    expect((await listed(b)).sort()).toEqual(both);
    expect(await listed(`${b}&status=failed`)).toEqual([failed.id]);
    expect(await listed(`${b}&status=processed`)).toEqual([paid.id]);
    expect(await listed(`${b}&status=queued`)).toEqual([]);
    expect(await listed(`payee=${good.id}`)).toEqual([paid.id]);
    expect(await listed(`payee=${bad.id}&status=failed`)).toEqual([failed.id]);
    expect((await listed(`${b}&created_from=${today()}&created_to=${today()}`)).sort()).toEqual(both);
    expect(await listed(`${b}&created_to=${dayOffset(-1)}`)).toEqual([]);
    expect(await listed(`${b}&created_from=${dayOffset(1)}`)).toEqual([]);
    expect(await listed(`${b}&settled_from=${today()}&settled_to=${today()}`)).toEqual([paid.id]); // a failed payout is never settled
    expect(await listed(`${b}&settled_from=${dayOffset(1)}`)).toEqual([]);
    const [low, high] = [Math.min(paid.amountPaise, failed.amountPaise), Math.max(paid.amountPaise, failed.amountPaise)];
    const rupees = (paise: number) => (paise / 100).toFixed(2);
    expect((await listed(`${b}&min=${rupees(low)}&max=${rupees(high)}`)).sort()).toEqual(both);
    expect(await listed(`${b}&min=${rupees(low + 1)}`)).toEqual([high === paid.amountPaise ? paid.id : failed.id]);
    expect(await listed(`${b}&max=${rupees(high - 1)}`)).toEqual([low === paid.amountPaise ? paid.id : failed.id]);

    // A row names its payee, batch, amount, status and bank reference, and the form keeps the choices.
    const page = await ada.get(`/ops/payouts?${b}&status=processed`);
    const row = textOf(new RegExp(`<tr data-payout="${paid.id}">[\\s\\S]*?</tr>`).exec(page.html)![0]);
    for (const part of [good.displayName, formatPaise(paid.amountPaise), "processed", paid.bankReference, paid.cycleId]) expect(row).toContain(part);
    expect(page.html).toContain(`href="/ops/batches/${batchId}"`);
    expect(page.html).toContain(`href="/ops/payees/${good.id}"`);
    expect(page.html).toContain(`name="batch" type="text" value="${batchId}"`);
    expect(page.html).toMatch(/<option value="processed" selected="">processed<\/option>|<option value="processed" selected>processed<\/option>/);
  });

  it("pages newest first by (created at, id), ties broken by id, without repeats or gaps", async () => {
    const payees = [];
    for (let i = 0; i < 5; i++) payees.push(await payeeWith({ displayName: unique("Pager") }));
    const { batchId, payouts } = await payoutsFor(payees, { pay: false });
    const ids = payouts.map((p: any) => p.id as string);
    // Three of them in the same millisecond, so only the id orders them.
    await setCreatedAt(ids.slice(1, 4), "2001-02-03T04:05:06.789Z");
    const db = database(env.DB);
    const all = (await filteredPayouts(db, { batchId }, undefined, 10)).data;
    expect(all.map((p) => p.id).sort()).toEqual([...ids].sort());
    const expected = [...all].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1)).map((p) => p.id);
    expect(all.map((p) => p.id)).toEqual(expected);

    const seen: string[] = [];
    let before: { createdAt: string; id: string } | undefined;
    for (let pages = 0; pages < 5; pages++) {
      const page = await filteredPayouts(db, { batchId }, before, 2);
      seen.push(...page.data.map((p) => p.id));
      if (!page.nextCursor) break;
      const [createdAt, id] = page.nextCursor.split("~") as [string, string];
      before = { createdAt, id };
    }
    expect(seen).toEqual(expected);

    // The page's own "older" link carries the same cursor.
    const ada = await signedIn("admin");
    const second = await ada.get(`/ops/payouts?batch=${batchId}&before=${encodeURIComponent(cursorOf(all[1]!))}`);
    expect(second.status).toBe(200);
    expect(payoutLinks(second.html)).toEqual(expected.slice(2));
  });

  it("refuses filters that are not filters with 400, naming each, and lists nothing", async () => {
    const ada = await signedIn("admin");
    const page = await ada.get("/ops/payouts?status=paid&created_from=2026-13-01&min=abc&before=2026-01-01~x;drop");
    expect(page.status).toBe(400);
    const problems = textOf(/data-testid="filter-problems">[\s\S]*?<\/ul>/.exec(page.html)![0]);
    expect(problems).toContain("Status must be one of");
    expect(problems).toContain("Created dates must be dates such as 2026-11-26.");
    expect(problems).toContain("Amounts must be rupees");
    expect(problems).toContain("The page link is damaged");
    expect(payoutLinks(page.html)).toEqual([]);
    expect(page.html).toContain('value="abc"'); // what was typed stays in the form
  });
});

describe("the dashboard's 30-day chart", () => {
  /** What the payouts table holds for one UTC day, counted independently of the console's query. */
  async function dayFromTable(day: string) {
    const row = await env.DB.prepare(
      "SELECT COUNT(*) AS n, COALESCE(SUM(amount_paise), 0) AS total, COALESCE(SUM(CASE WHEN status IN ('failed', 'reversed') THEN 1 ELSE 0 END), 0) AS failed FROM payouts WHERE created_at >= ? AND created_at < ?",
    )
      .bind(`${day}T00:00:00.000Z`, new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString())
      .first<{ n: number; total: number; failed: number }>();
    return row!;
  }

  it("shows each of the last 30 UTC days with the totals and failure rate the payouts table holds", async () => {
    const good = await payeeWith({ displayName: unique("Chart Good") });
    const bad = await payeeWith({ displayName: unique("Chart Bad"), lastFour: "0000" });
    const { payouts } = await payoutsFor([good, bad]);
    // Moved to a day three weeks back at a time no other test uses, so that day has them for sure.
    const day = dayOffset(-21);
    await setCreatedAt(
      payouts.map((p: any) => p.id),
      `${day}T07:${String(Math.floor(Math.random() * 60)).padStart(2, "0")}:00.000Z`,
    );

    const abe = await signedIn("auditor");
    const expected = await dayFromTable(day);
    const page = await abe.get("/ops");
    expect(await dayFromTable(day)).toEqual(expected); // nothing else moved payouts meanwhile
    expect(page.status).toBe(200);
    expect(page.html).toContain('data-testid="payout-chart"');
    expect(page.html).toContain('role="img" aria-labelledby="payout-chart-title" aria-describedby="payout-chart-desc"');
    const days = [...page.html.matchAll(/<tr data-day="(\d{4}-\d{2}-\d{2})">([\s\S]*?)<\/tr>/g)];
    expect(days.map((d) => d[1])).toEqual(Array.from({ length: 30 }, (_, i) => dayOffset(i - 29)));

    const cells = [...days.find((d) => d[1] === day)![2]!.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    const rate = `${((Math.round((expected.failed * 10_000) / expected.n)) / 100).toFixed(1)} %`;
    expect(cells.slice(1)).toEqual([String(expected.n), formatPaise(expected.total), String(expected.failed), rate]);
    expect(expected.n).toBeGreaterThanOrEqual(2);
    expect(expected.failed).toBeGreaterThanOrEqual(1);
    // The drawing names the same totals in words, for screen readers.
    expect(/<desc id="payout-chart-desc">([^<]*)<\/desc>/.exec(page.html)![1]).toMatch(/\d+ payouts? created for ₹[\d,]+\.\d\d, \d+ failed or returned/);
  });
});
