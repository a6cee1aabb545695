// The journal export checked by an independent tool: hledger reads the file the running Worker
// serves, in strict mode, and its balances must equal the ones Disburse reports. hledger is a
// separate program, so this runs in Node beside `wrangler dev` (see global-setup.ts), not in workerd.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountType } from "../../src/domain/accounts.ts";
import { accountIdFromHledgerName, exportJournal, HLEDGER_TYPE_TAG, hledgerAccountName } from "../../src/domain/journal-export.ts";
import { dayArbitrary, journalInput, netOfEntries, splitAt } from "../support/journal-arbitrary.ts";
import { api, settleOrder, unique, verifiedSeller } from "./support.ts";

const RESULTS_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));
const HLEDGER_TIMEOUT_MS = 30_000;
const EXPORT_ATTEMPTS = 5;

interface Account {
  id: string;
  type: AccountType;
  balancePaise: number;
}

/** hledger's version line, or null when it is not installed. */
function hledgerVersion(): string | null {
  const run = spawnSync("hledger", ["--version"], { encoding: "utf8" });
  return run.status === 0 ? run.stdout.trim() : null;
}

const version = hledgerVersion();
if (version === null) {
  console.warn("SKIPPING the hledger check of the ledger export: hledger is not installed. Install it with `bash scripts/ensure-hledger.sh`.");
}

let workDir: string;

/** Runs hledger on a journal file and returns its output; fails with what hledger said otherwise. */
function hledger(file: string, args: string[]): string {
  // GHC programs read files in the locale's encoding; the export is UTF-8.
  const run = spawnSync("hledger", ["-f", file, ...args], {
    encoding: "utf8",
    timeout: HLEDGER_TIMEOUT_MS,
    env: { ...process.env, LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
  });
  if (run.status !== 0) throw new Error(`hledger ${args.join(" ")} exited with ${run.status ?? run.signal}:\n${run.stderr}${run.error ?? ""}`);
  return run.stdout;
}

/** Strict parse (every account and commodity declared), every transaction balanced, dates in order. */
const hledgerCheck = (file: string) => hledger(file, ["check", "--strict", "ordereddates"]);

/** `hledger balance` as CSV: each account's sum in paise (debits positive), by hledger name. */
function hledgerBalances(file: string, query: string[] = []): Map<string, number> {
  const csv = hledger(file, ["balance", "--flat", "--no-total", "-O", "csv", ...query]);
  const [header, ...rows] = csv.trim().split("\n");
  expect(header).toBe('"account","balance"');
  const balances = new Map<string, number>();
  for (const row of rows) {
    const m = /^"([^"]*)","([^"]*)"$/.exec(row);
    if (!m) throw new Error(`unexpected hledger CSV row: ${row}`);
    balances.set(m[1]!, paiseOf(m[2]!));
  }
  return balances;
}

/** "INR -1,234.50" (hledger's display, with the declared digit groups) → -123450. */
function paiseOf(amount: string): number {
  if (amount === "0") return 0;
  const m = /^INR (-?)([\d,]+)\.(\d{2})$/.exec(amount);
  if (!m) throw new Error(`unexpected hledger amount: ${amount}`);
  const magnitude = Number(`${m[2]!.replaceAll(",", "")}${m[3]}`);
  return m[1] === "-" ? -magnitude : magnitude;
}

/** hledger's balances re-keyed by Disburse account id, through the documented inverse mapping. */
function byDisburseId(balances: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, paise] of balances) {
    const id = accountIdFromHledgerName(name);
    if (id === null) throw new Error(`hledger reports an account no Disburse account maps to: ${name}`);
    out.set(id, paise);
  }
  return out;
}

const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, v]) => v !== 0));

async function allAccounts(): Promise<Account[]> {
  const out: Account[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; body: any } = await api("auditor", "GET", `/v1/ledger/accounts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    if (res.status !== 200) throw new Error(`list accounts: ${res.status} ${JSON.stringify(res.body)}`);
    out.push(...res.body.data.map((a: Account) => ({ id: a.id, type: a.type, balancePaise: a.balancePaise })));
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return out;
}

/**
 * Downloads the export into a file, with Disburse's balances read just before and just after it.
 * Payouts from other test files may still be settling, so it tries until the balances did not
 * move while the file was read: then the file and the balances describe the same ledger.
 */
async function exportToFile(query: string, name: string): Promise<{ file: string; accounts: Account[] }> {
  for (let attempt = 1; attempt <= EXPORT_ATTEMPTS; attempt++) {
    const before = await allAccounts();
    const res = await api<string>("auditor", "GET", `/v1/ledger/export${query}`);
    if (res.status !== 200) throw new Error(`export: ${res.status} ${JSON.stringify(res.body)}`);
    const after = await allAccounts();
    if (JSON.stringify(before) === JSON.stringify(after)) {
      const file = join(workDir, name);
      writeFileSync(file, res.body);
      // Kept for people to read: the file hledger checked.
      writeFileSync(join(RESULTS_DIR, name), res.body);
      return { file, accounts: after };
    }
    await new Promise((done) => setTimeout(done, 500));
  }
  throw new Error(`the ledger changed during each of ${EXPORT_ATTEMPTS} exports`);
}

/** Asserts hledger's balance of every Disburse account equals Disburse's, on the account's normal side. */
function expectHledgerAgrees(file: string, accounts: Account[]) {
  const net = byDisburseId(hledgerBalances(file));
  const fromHledger = Object.fromEntries(accounts.map((a) => [a.id, a.type === "asset" || a.type === "expense" ? (net.get(a.id) ?? 0) : 0 - (net.get(a.id) ?? 0)]));
  const fromDisburse = Object.fromEntries(accounts.map((a) => [a.id, a.balancePaise]));
  expect(fromHledger).toEqual(fromDisburse);
  expect([...net.keys()].filter((id) => !(id in fromDisburse))).toEqual([]);
}

const utcDay = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(version === null)(`the ledger export, checked by ${version ?? "hledger (not installed)"}`, () => {
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "disburse-hledger-"));
  });

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    const cycleId = unique("2026-W48");
    const seller = await verifiedSeller(unique("Asha, Stores: Café"));
    await settleOrder(cycleId, seller.id, 123_456, 12_345);
    await settleOrder(cycleId, seller.id, 1, 0);
    const posted = await api("admin", "POST", "/v1/ledger/transactions", {
      externalRef: unique("capital"),
      description: "Capital; from owner\u2028(second tranche)",
      entries: [
        { accountId: "platform:bank", direction: "debit", amountPaise: 9_999_999_999_999, currency: "INR" },
        { accountId: "platform:owner_equity", direction: "credit", amountPaise: 9_999_999_999_999, currency: "INR" },
      ],
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const reversed = await api("admin", "POST", `/v1/ledger/transactions/${posted.body.id}/reversal`, { reason: "posted in error" });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
  });

  it("hledger accepts the whole export in strict mode, and its balances equal Disburse's", async () => {
    const { file, accounts } = await exportToFile("", "ledger-export.journal");
    expect(hledgerCheck(file)).toBe("");
    expectHledgerAgrees(file, accounts);
  });

  it("the check is not vacuous: hledger refuses the export with one paisa moved or an account undeclared", async () => {
    const { file } = await exportToFile("", "ledger-export.journal");
    const text = readFileSync(file, "utf8");
    const firstPosting = /^( {4}\S.*INR -?\d+\.)(\d)(\d)$/m;
    expect(text).toMatch(firstPosting);
    const unbalanced = join(workDir, "unbalanced.journal");
    writeFileSync(unbalanced, text.replace(firstPosting, (_, head: string, tens: string, units: string) => `${head}${tens}${units === "9" ? "8" : "9"}`));
    expect(() => hledgerCheck(unbalanced)).toThrow(/could not balance this transaction/);
    const undeclared = join(workDir, "undeclared.journal");
    writeFileSync(undeclared, text.replace(/^account assets:bank\n {4};.*\n/m, ""));
    expect(() => hledgerCheck(undeclared)).toThrow(/undeclared account "assets:bank"/);
  });

  it("hledger reads each account's type from its account directive", async () => {
    const { file, accounts } = await exportToFile("", "ledger-export.journal");
    const typeByName = new Map<string, string>();
    for (const line of hledger(file, ["accounts", "--types"]).trim().split("\n")) {
      const m = /^(\S(?:\S| (?! ))*) +; type: ([A-Z])$/.exec(line);
      if (!m) throw new Error(`unexpected hledger accounts line: ${line}`);
      typeByName.set(m[1]!, m[2]!);
    }
    const fromHledger = Object.fromEntries([...typeByName].map(([name, tag]) => [accountIdFromHledgerName(name), tag]));
    const fromDisburse = Object.fromEntries(accounts.map((a) => [a.id, HLEDGER_TYPE_TAG[a.type]]));
    expect(fromHledger).toEqual(fromDisburse);
  });

  it("a range from today, opened with the balances carried in, also gives Disburse's balances", async () => {
    const query = `?from=${utcDay(0)}&to=${utcDay(1)}`;
    const { file, accounts } = await exportToFile(query, "ledger-export-range.journal");
    expect(hledgerCheck(file)).toBe("");
    expectHledgerAgrees(file, accounts);
  });

  it("for random journals, hledger's balances equal the entries', whole and from any day on", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(journalInput, dayArbitrary, async ({ accounts, transactions }, fromDate) => {
        const expected = new Map([...nonZero(netOfEntries(transactions))].map(([id, net]) => [hledgerAccountName(id, accounts.find((a) => a.id === id)!.type), net]));

        const whole = join(workDir, `random-${run}.journal`);
        writeFileSync(whole, await exportJournal({ range: { fromDate: null, toDate: null }, accounts, transactions }));
        hledgerCheck(whole);
        expect(hledgerBalances(whole)).toEqual(expected);

        const ranged = join(workDir, `random-${run}-from.journal`);
        writeFileSync(ranged, await exportJournal({ range: { fromDate, toDate: null }, accounts, ...splitAt(transactions, fromDate) }));
        hledgerCheck(ranged);
        expect(hledgerBalances(ranged)).toEqual(expected);
        run += 1;
      }),
      { numRuns: 40 },
    );
  });
});
