// Property: whatever mix of valid postings, replays, conflicting reuses and invalid postings
// reaches the API, the ledger stays balanced, every balance is the sum of its entries, each
// reference is posted at most once and nothing refused leaves a trace.

import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { allEntries, api, balanceFromEntries, createPayee, type Direction, entry, snapshotAccounts, unique } from "../support/api";

const PLATFORM = ["platform:bank", "platform:fee_revenue", "platform:owner_equity", "platform:customer_wallet"];
let accountIds: string[] = [];

beforeAll(async () => {
  const payables: string[] = [];
  for (let i = 0; i < 3; i++) payables.push((await createPayee(i === 2 ? "delivery_partner" : "seller")).payableAccountId);
  accountIds = [...PLATFORM, ...payables];
});

interface Entry {
  accountId: string;
  direction: Direction;
  amountPaise: number;
  currency: string;
}

/** Entries refer to accounts by index so that the generator does not depend on run-time ids. */
interface EntrySpec {
  account: number;
  direction: Direction;
  amountPaise: number;
}

type Command =
  | { kind: "post"; entries: EntrySpec[] }
  | { kind: "replay"; pick: number }
  | { kind: "retry_refused"; pick: number; entries: EntrySpec[] }
  | { kind: "conflict"; pick: number; change: "amount" | "description" }
  | { kind: "unbalanced"; entries: EntrySpec[] }
  | { kind: "malformed"; entries: EntrySpec[]; defect: Defect };

const DEFECTS = ["zero", "negative", "fraction", "string", "huge", "single_entry", "unknown_field", "unknown_account", "bad_currency"] as const;
type Defect = (typeof DEFECTS)[number];

/** Splits `total` into `parts` positive integers. */
const split = (total: number, parts: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: total - 1 }), { minLength: parts - 1, maxLength: parts - 1 })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), total];
      return points.slice(1).map((p, i) => p - points[i]!);
    });

const balancedSpec: fc.Arbitrary<EntrySpec[]> = fc
  .record({
    debits: fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 1, maxLength: 3 }),
    creditParts: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ debits, creditParts }) => {
    const total = debits.reduce((a, b) => a + b, 0);
    const parts = Math.min(creditParts, total);
    return fc.record({
      debits: fc.constant(debits),
      credits: parts === 1 ? fc.constant<number[]>([total]) : split(total, parts),
      accounts: fc.array(fc.nat({ max: 6 }), { minLength: debits.length + parts, maxLength: debits.length + parts }),
    });
  })
  .map(({ debits, credits, accounts }) => [
    ...debits.map((amountPaise, i) => ({ account: accounts[i]!, direction: "debit" as const, amountPaise })),
    ...credits.map((amountPaise, i) => ({ account: accounts[debits.length + i]!, direction: "credit" as const, amountPaise })),
  ]);

const unbalancedSpec: fc.Arbitrary<EntrySpec[]> = fc
  .tuple(balancedSpec, fc.nat(), fc.integer({ min: 1, max: 1_000_000 }))
  .map(([entries, pick, delta]) => entries.map((e, i) => (i === pick % entries.length ? { ...e, amountPaise: e.amountPaise + delta } : e)));

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: balancedSpec.map((entries) => ({ kind: "post" as const, entries })) },
  { weight: 3, arbitrary: fc.nat().map((pick) => ({ kind: "replay" as const, pick })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("retry_refused" as const), pick: fc.nat(), entries: balancedSpec }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant("conflict" as const), pick: fc.nat(), change: fc.constantFrom("amount" as const, "description" as const) }),
  },
  { weight: 1, arbitrary: unbalancedSpec.map((entries) => ({ kind: "unbalanced" as const, entries })) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("malformed" as const), entries: balancedSpec, defect: fc.constantFrom(...DEFECTS) }),
  },
);

const toEntries = (specs: EntrySpec[]): Entry[] => specs.map((s) => entry(accountIds[s.account]!, s.direction, s.amountPaise));

function malformedBody(ref: string, specs: EntrySpec[], defect: Defect): { body: unknown; status: number; code: string } {
  const entries: Array<Record<string, unknown>> = toEntries(specs).map((e) => ({ ...e }));
  const body: Record<string, unknown> = { externalRef: ref, description: "malformed", entries };
  switch (defect) {
    case "zero":
      entries[0]!.amountPaise = 0;
      break;
    case "negative":
      entries[0]!.amountPaise = -Number(entries[0]!.amountPaise);
      break;
    case "fraction":
      entries[0]!.amountPaise = Number(entries[0]!.amountPaise) + 0.5;
      break;
    case "string":
      entries[0]!.amountPaise = String(entries[0]!.amountPaise);
      break;
    case "huge":
      entries[0]!.amountPaise = 10_000_000_000_001;
      break;
    case "single_entry":
      body.entries = entries.slice(0, 1);
      break;
    case "unknown_field":
      body.kind = "order_settlement";
      break;
    case "unknown_account":
      entries[0]!.accountId = `payee:${unique("ghost")}:payable`;
      return { body, status: 422, code: "account_not_found" };
    case "bad_currency":
      entries[0]!.currency = "USD";
      break;
  }
  return { body, status: 400, code: "validation_failed" };
}

const count = async (table: string) => (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

describe("ledger under random postings, replays and invalid requests", () => {
  it("stays balanced, posts each reference once and lets nothing refused change a balance", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
        const before = await snapshotAccounts(accountIds);
        const entriesBefore = await count("journal_entries");
        const transactionsBefore = await count("journal_transactions");

        const posted: Array<{ ref: string; body: { externalRef: string; description: string; entries: Entry[] }; id: string }> = [];
        const expected = new Map(accountIds.map((id) => [id, { debitsPaise: 0, creditsPaise: 0, entryCount: 0 }]));
        let expectedEntries = 0;
        const refused: string[] = [];
        const runId = unique("prop");

        const postValid = async (ref: string, specs: EntrySpec[], description: string) => {
          const body = { externalRef: ref, description, entries: toEntries(specs) };
          const res = await api("admin", "POST", "/v1/ledger/transactions", body);
          expect(res.status, JSON.stringify(res.body)).toBe(201);
          posted.push({ ref, body, id: res.body.id });
          for (const e of body.entries) {
            const t = expected.get(e.accountId)!;
            if (e.direction === "debit") t.debitsPaise += e.amountPaise;
            else t.creditsPaise += e.amountPaise;
            t.entryCount += 1;
          }
          expectedEntries += body.entries.length;
        };

        for (const [index, cmd] of commands.entries()) {
          const ref = `${runId}:${index}`;
          if (cmd.kind === "post") {
            await postValid(ref, cmd.entries, `posting ${index}`);
          } else if (cmd.kind === "retry_refused") {
            // A refused posting must not have claimed its reference: a corrected one takes it.
            if (refused.length === 0) continue;
            const [retryRef] = refused.splice(cmd.pick % refused.length, 1);
            await postValid(retryRef!, cmd.entries, `corrected ${index}`);
          } else if (cmd.kind === "replay") {
            if (posted.length === 0) continue;
            const original = posted[cmd.pick % posted.length]!;
            const res = await api("admin", "POST", "/v1/ledger/transactions", original.body);
            expect(res.status, JSON.stringify(res.body)).toBe(200);
            expect(res.body.id).toBe(original.id);
          } else if (cmd.kind === "conflict") {
            if (posted.length === 0) continue;
            const original = posted[cmd.pick % posted.length]!;
            const body =
              cmd.change === "description"
                ? { ...original.body, description: `${original.body.description} (edited)` }
                : { ...original.body, entries: original.body.entries.map((e) => ({ ...e, amountPaise: e.amountPaise * 2 })) };
            const res = await api("admin", "POST", "/v1/ledger/transactions", body);
            expect(res.status, JSON.stringify(res.body)).toBe(409);
            expect(res.body.error.code).toBe("external_ref_conflict");
          } else if (cmd.kind === "unbalanced") {
            const res = await api("admin", "POST", "/v1/ledger/transactions", { externalRef: ref, description: "unbalanced", entries: toEntries(cmd.entries) });
            expect(res.status, JSON.stringify(res.body)).toBe(422);
            expect(res.body.error.code).toBe("unbalanced_transaction");
            refused.push(ref);
          } else {
            const { body, status, code } = malformedBody(ref, cmd.entries, cmd.defect);
            const res = await api("admin", "POST", "/v1/ledger/transactions", body);
            expect(res.status, `${cmd.defect}: ${JSON.stringify(res.body)}`).toBe(status);
            expect(res.body.error.code).toBe(code);
            refused.push(ref);
          }
        }

        // Only the distinct valid postings reached the journal.
        expect(await count("journal_entries")).toBe(entriesBefore + expectedEntries);
        expect(await count("journal_transactions")).toBe(transactionsBefore + posted.length);
        const after = await snapshotAccounts(accountIds);
        for (const id of accountIds) {
          const delta = expected.get(id)!;
          expect(after[id]!.debitsPostedPaise - before[id]!.debitsPostedPaise, id).toBe(delta.debitsPaise);
          expect(after[id]!.creditsPostedPaise - before[id]!.creditsPostedPaise, id).toBe(delta.creditsPaise);
          expect(after[id]!.entryCount - before[id]!.entryCount, id).toBe(delta.entryCount);
        }

        // Every balance is the sum of the account's entries.
        for (const id of accountIds) {
          const { rows } = await allEntries(id, 100);
          expect(rows).toHaveLength(after[id]!.entryCount);
          expect(balanceFromEntries(after[id]!.type, rows), id).toBe(after[id]!.balancePaise);
        }

        const trial = await api("auditor", "GET", "/v1/ledger/trial-balance");
        expect(trial.body.balanced).toBe(true);
        for (const t of trial.body.totals) expect(t.debitsPaise).toBe(t.creditsPaise);
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
