// Three-way reconciliation as a pure function: every mismatch class from a small, exact example,
// no false alarms on clean data, and, by property, that one injected fault yields exactly its
// class for exactly its payout.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BankLine, type LedgerPosting, MISMATCH_CLASSES, type MismatchClass, reconcileThreeWay, type SystemPayout, type ThreeWayResult } from "../../src/domain/three-way";

const PENDING_STATUSES = ["created", "queued", "processing", "unknown"] as const;
const ALL_STATUSES = ["processed", "reversed", "failed", "cancelled", ...PENDING_STATUSES] as const;
type Status = (typeof ALL_STATUSES)[number];

interface Spec {
  status: Status;
  amountPaise: number;
  /** Whether the bank's lines echo our reference, or only carry its own UTR. */
  echoesReference: boolean;
}

interface World {
  system: SystemPayout[];
  bank: BankLine[];
  ledger: LedgerPosting[];
}

const utrOf = (i: number) => `UTR${String(i).padStart(10, "0")}`;

/** What a correct run leaves behind: the bank and the ledger agree with every payout's status. */
function cleanWorld(specs: readonly Spec[]): World {
  const world: World = { system: [], bank: [], ledger: [] };
  specs.forEach((s, i) => {
    const payoutId = `po_${i}`;
    const paid = s.status === "processed" || s.status === "reversed";
    // A transfer the bank accepted has its UTR even if it later failed or is still moving.
    const bankReference = paid || s.status === "processing" || s.status === "failed" ? utrOf(i) : null;
    world.system.push({ payoutId, reference: payoutId, amountPaise: s.amountPaise, status: s.status, bankReference });
    const reference = s.echoesReference ? payoutId : null;
    if (paid) {
      world.bank.push({ bankReference: utrOf(i), reference, direction: "debit", amountPaise: s.amountPaise, kind: "payout" });
      world.ledger.push({ payoutId, posting: "settle", amountPaise: s.amountPaise });
    }
    if (s.status === "reversed") {
      world.bank.push({ bankReference: utrOf(i), reference, direction: "credit", amountPaise: s.amountPaise, kind: "return" });
      world.ledger.push({ payoutId, posting: "return", amountPaise: s.amountPaise });
    }
  });
  return world;
}

const run = (w: World) => reconcileThreeWay(w.system, w.bank, w.ledger);
const classesFor = (r: ThreeWayResult, payoutId: string | null) => r.mismatches.filter((m) => m.payoutId === payoutId).map((m) => m.class);
const spec = (status: Status, amountPaise = 95_000_00, echoesReference = true): Spec => ({ status, amountPaise, echoesReference });

describe("clean data", () => {
  it("finds nothing wrong with a day holding a payout in every status", () => {
    const amounts = [101_00, 202_00, 303_00, 404_00, 505_00, 606_00, 707_00, 808_00];
    const result = run(cleanWorld(ALL_STATUSES.map((s, i) => spec(s, amounts[i]))));
    expect(result.mismatches).toEqual([]);
    expect(result.balanced).toBe(true);
    // Only processed (101) and reversed (202) were paid; the reversed one came back.
    expect(result.totals).toEqual({
      payoutCount: 8,
      systemInitiatedPaise: 303_00,
      bankDebitedPaise: 303_00,
      ledgerCreditedPaise: 303_00,
      bankReturnedPaise: 202_00,
      ledgerReturnedPaise: 202_00,
      pendingCount: 4,
      matchedCount: 4,
    });
  });

  it("matches by the bank's own reference when the bank does not echo ours", () => {
    const result = run(cleanWorld([spec("processed", 50_00, false), spec("reversed", 70_00, false)]));
    expect(result.mismatches).toEqual([]);
    expect(result.balanced).toBe(true);
    expect(result.totals.matchedCount).toBe(2);
  });

  it("ignores money coming into the account that is not a payout's return", () => {
    const world = cleanWorld([spec("processed")]);
    world.bank.push({ bankReference: "NEFTIN0001", reference: null, direction: "credit", amountPaise: 10_000_000_00, kind: "other" });
    const result = run(world);
    expect(result.mismatches).toEqual([]);
    expect(result.totals.bankReturnedPaise).toBe(0);
    expect(result.balanced).toBe(true);
  });

  it("is balanced with nothing at all", () => {
    const result = run({ system: [], bank: [], ledger: [] });
    expect(result.mismatches).toEqual([]);
    expect(result.balanced).toBe(true);
    expect(result.totals.payoutCount).toBe(0);
  });

  it("counts a payout still moving with no trace yet as pending, not missing", () => {
    for (const status of PENDING_STATUSES) {
      const world = cleanWorld([spec(status)]);
      const result = run(world);
      expect(result.mismatches, status).toEqual([]);
      expect(result.totals.pendingCount, status).toBe(1);
      expect(result.totals.systemInitiatedPaise, status).toBe(0);
    }
  });
});

describe("each mismatch class", () => {
  const AMOUNT = 1_234_56;
  const one = (status: Status = "processed") => cleanWorld([spec(status, AMOUNT)]);

  it("missing_at_bank: paid in Disburse, no debit at the bank", () => {
    const world = one();
    world.bank = [];
    const result = run(world);
    expect(result.mismatches).toEqual([
      { class: "missing_at_bank", payoutId: "po_0", bankReference: utrOf(0), message: expect.stringContaining("po_0"), systemPaise: AMOUNT, bankPaise: 0, ledgerPaise: AMOUNT },
    ]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: AMOUNT, bankDebitedPaise: 0, ledgerCreditedPaise: AMOUNT, matchedCount: 0 });
    expect(result.balanced).toBe(false);
  });

  it("missing_in_ledger: debited at the bank, no settlement posting", () => {
    const world = one();
    world.ledger = [];
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "missing_in_ledger", payoutId: "po_0", systemPaise: AMOUNT, bankPaise: AMOUNT, ledgerPaise: 0 })]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: AMOUNT, bankDebitedPaise: AMOUNT, ledgerCreditedPaise: 0 });
    expect(result.balanced).toBe(false);
  });

  it("missing_in_ledger only, for a payout still processing whose bank debit arrived before its webhook", () => {
    // The webhook was lost and the poller has not asked yet: Disburse and the ledger lag the bank.
    const world = cleanWorld([spec("processing", AMOUNT)]);
    world.bank.push({ bankReference: utrOf(0), reference: "po_0", direction: "debit", amountPaise: AMOUNT, kind: "payout" });
    const result = run(world);
    expect(classesFor(result, "po_0")).toEqual(["missing_in_ledger"]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: 0, bankDebitedPaise: AMOUNT, ledgerCreditedPaise: 0, pendingCount: 0 });
    expect(result.balanced).toBe(false);
  });

  it("bank_amount_differs: the bank debited a different amount", () => {
    const world = one();
    world.bank[0]!.amountPaise = AMOUNT + 1;
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "bank_amount_differs", payoutId: "po_0", systemPaise: AMOUNT, bankPaise: AMOUNT + 1, ledgerPaise: AMOUNT })]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: AMOUNT, bankDebitedPaise: AMOUNT + 1, ledgerCreditedPaise: AMOUNT });
  });

  it("ledger_amount_differs: the ledger credited the bank a different amount", () => {
    const world = one();
    world.ledger[0]!.amountPaise = AMOUNT - 100;
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "ledger_amount_differs", payoutId: "po_0", systemPaise: AMOUNT, bankPaise: AMOUNT, ledgerPaise: AMOUNT - 100 })]);
    expect(result.totals.ledgerCreditedPaise).toBe(AMOUNT - 100);
  });

  it("duplicate_bank_debit: the bank debited one payout twice", () => {
    const world = one();
    world.bank.push({ bankReference: "UTRDUPLICATE", reference: "po_0", direction: "debit", amountPaise: AMOUNT, kind: "payout" });
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "duplicate_bank_debit", payoutId: "po_0", bankPaise: 2 * AMOUNT })]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: AMOUNT, bankDebitedPaise: 2 * AMOUNT, ledgerCreditedPaise: AMOUNT });
  });

  it("unknown_bank_debit: a debit Disburse never initiated, counted in the bank's total", () => {
    const world = one();
    world.bank.push({ bankReference: "UTRSTRANGER", reference: null, direction: "debit", amountPaise: 999_00, kind: "other" });
    const result = run(world);
    expect(result.mismatches).toEqual([
      { class: "unknown_bank_debit", payoutId: null, bankReference: "UTRSTRANGER", message: expect.stringContaining("UTRSTRANGER"), systemPaise: 0, bankPaise: 999_00, ledgerPaise: 0 },
    ]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: AMOUNT, bankDebitedPaise: AMOUNT + 999_00, ledgerCreditedPaise: AMOUNT, matchedCount: 1 });
  });

  it("unknown_bank_debit: a debit naming a reference that is not one of these payouts", () => {
    const world = one();
    world.bank.push({ bankReference: "UTROTHER", reference: "po_not_ours", direction: "debit", amountPaise: 5_00, kind: "payout" });
    expect(classesFor(run(world), null)).toEqual(["unknown_bank_debit"]);
  });

  it("debited_but_not_paid: Disburse has it failed while the bank and the ledger have it paid", () => {
    const world = one();
    world.system[0]!.status = "failed";
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "debited_but_not_paid", payoutId: "po_0", message: expect.stringContaining("failed") })]);
    expect(result.totals).toMatchObject({ systemInitiatedPaise: 0, bankDebitedPaise: AMOUNT });
  });

  it("debited_but_not_paid: a cancelled payout the bank debited anyway", () => {
    const world = one();
    world.system[0]!.status = "cancelled";
    expect(classesFor(run(world), "po_0")).toEqual(["debited_but_not_paid"]);
  });

  it("no debited_but_not_paid when the bank debited and then returned a failed payout", () => {
    const world = one();
    world.system[0]!.status = "failed";
    world.ledger = [];
    world.bank.push({ bankReference: utrOf(0), reference: "po_0", direction: "credit", amountPaise: AMOUNT, kind: "return" });
    expect(classesFor(run(world), "po_0")).not.toContain("debited_but_not_paid");
  });

  it("reversed_at_bank_not_in_ledger: the bank returned the money, the ledger does not know", () => {
    const world = one();
    world.bank.push({ bankReference: utrOf(0), reference: "po_0", direction: "credit", amountPaise: AMOUNT, kind: "return" });
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "reversed_at_bank_not_in_ledger", payoutId: "po_0" })]);
    expect(result.totals).toMatchObject({ bankReturnedPaise: AMOUNT, ledgerReturnedPaise: 0 });
  });

  it("reversed_in_ledger_not_at_bank: the ledger shows a return the bank never made", () => {
    const world = one();
    world.ledger.push({ payoutId: "po_0", posting: "return", amountPaise: AMOUNT });
    const result = run(world);
    expect(result.mismatches).toEqual([expect.objectContaining({ class: "reversed_in_ledger_not_at_bank", payoutId: "po_0" })]);
    expect(result.totals).toMatchObject({ bankReturnedPaise: 0, ledgerReturnedPaise: AMOUNT });
  });

  it("leaves the other payouts of the day matched when one is wrong", () => {
    const world = cleanWorld([spec("processed", 100_00), spec("processed", 200_00), spec("reversed", 300_00)]);
    world.bank = world.bank.filter((l) => l.bankReference !== utrOf(1));
    const result = run(world);
    expect(result.mismatches.map((m) => [m.class, m.payoutId])).toEqual([["missing_at_bank", "po_1"]]);
    expect(result.totals.matchedCount).toBe(2);
  });
});

// ---- properties ----

const specArb: fc.Arbitrary<Spec> = fc.record({
  status: fc.constantFrom(...ALL_STATUSES),
  amountPaise: fc.integer({ min: 100, max: 10_000_000_00 }),
  echoesReference: fc.boolean(),
});

/** A clean world whose bank lines arrive in any order, with unrelated deposits mixed in. */
const cleanWorldArb = fc.array(specArb, { minLength: 0, maxLength: 25 }).chain((specs) => {
  const world = cleanWorld(specs);
  const deposits = fc.array(fc.integer({ min: 1, max: 1_000_000_00 }), { maxLength: 3 });
  return fc.tuple(fc.constant(specs), fc.constant(world), fc.shuffledSubarray(world.bank, { minLength: world.bank.length, maxLength: world.bank.length }), deposits).map(
    ([s, w, shuffled, dep]) => ({
      specs: s,
      world: {
        ...w,
        bank: [...shuffled, ...dep.map((amountPaise, i): BankLine => ({ bankReference: `DEP${i}`, reference: null, direction: "credit", amountPaise, kind: "other" }))],
      },
    }),
  );
});

describe("properties", () => {
  it("random clean data is always balanced with zero mismatches: System Initiated = Bank Debited = Ledger Credited", () => {
    fc.assert(
      fc.property(cleanWorldArb, ({ specs, world }) => {
        const result = run(world);
        const paidPaise = specs.filter((s) => s.status === "processed" || s.status === "reversed").reduce((sum, s) => sum + s.amountPaise, 0);
        const returnedPaise = specs.filter((s) => s.status === "reversed").reduce((sum, s) => sum + s.amountPaise, 0);
        const pending = specs.filter((s) => (PENDING_STATUSES as readonly string[]).includes(s.status)).length;
        expect(result.mismatches).toEqual([]);
        expect(result.balanced).toBe(true);
        expect(result.totals).toEqual({
          payoutCount: specs.length,
          systemInitiatedPaise: paidPaise,
          bankDebitedPaise: paidPaise,
          ledgerCreditedPaise: paidPaise,
          bankReturnedPaise: returnedPaise,
          ledgerReturnedPaise: returnedPaise,
          pendingCount: pending,
          matchedCount: specs.length - pending,
        });
      }),
      { numRuns: 300 },
    );
  });

  it("injecting exactly one fault of a kind yields exactly that class, for that payout only", () => {
    const arb = fc.record({
      specs: fc.array(specArb, { minLength: 0, maxLength: 15 }),
      targetAt: fc.nat(),
      targetEchoes: fc.boolean(),
      targetAmountPaise: fc.integer({ min: 100, max: 10_000_000_00 }),
      kind: fc.constantFrom(...MISMATCH_CLASSES),
      deltaPaise: fc.integer({ min: 1, max: 1_000_00 }),
    });
    fc.assert(
      fc.property(arb, ({ specs, targetAt, targetEchoes, targetAmountPaise, kind, deltaPaise }) => {
        const index = targetAt % (specs.length + 1);
        const all = [...specs.slice(0, index), spec("processed", targetAmountPaise, targetEchoes), ...specs.slice(index)];
        const world = inject(cleanWorld(all), kind, `po_${index}`, deltaPaise);
        const result = run(world);
        expect(result.balanced).toBe(false);
        if (kind === "unknown_bank_debit") {
          expect(result.mismatches.map((m) => [m.class, m.payoutId])).toEqual([["unknown_bank_debit", null]]);
        } else {
          expect(result.mismatches.map((m) => [m.class, m.payoutId])).toEqual([[kind, `po_${index}`]]);
        }
        expect(result.totals.matchedCount).toBe(all.length - result.totals.pendingCount - (kind === "unknown_bank_debit" ? 0 : 1));
      }),
      { numRuns: 500 },
    );
  });
});

/** One fault of one kind, in one source, for a processed payout. */
function inject(world: World, kind: MismatchClass, payoutId: string, deltaPaise: number): World {
  const payout = world.system.find((p) => p.payoutId === payoutId)!;
  const isItsDebit = (l: BankLine) => l.direction === "debit" && (l.reference === payoutId || l.bankReference === payout.bankReference);
  const w: World = { system: world.system.map((p) => ({ ...p })), bank: world.bank.map((l) => ({ ...l })), ledger: world.ledger.map((p) => ({ ...p })) };
  switch (kind) {
    case "missing_at_bank":
      w.bank = w.bank.filter((l) => !isItsDebit(l));
      break;
    case "missing_in_ledger":
      w.ledger = w.ledger.filter((p) => !(p.payoutId === payoutId && p.posting === "settle"));
      break;
    case "bank_amount_differs":
      w.bank.find(isItsDebit)!.amountPaise += deltaPaise;
      break;
    case "ledger_amount_differs":
      w.ledger.find((p) => p.payoutId === payoutId && p.posting === "settle")!.amountPaise += deltaPaise;
      break;
    case "duplicate_bank_debit":
      w.bank.push({ bankReference: `UTRDUP-${payoutId}`, reference: payoutId, direction: "debit", amountPaise: payout.amountPaise, kind: "payout" });
      break;
    case "unknown_bank_debit":
      w.bank.push({ bankReference: "UTRSTRANGER", reference: null, direction: "debit", amountPaise: deltaPaise, kind: "other" });
      break;
    case "debited_but_not_paid":
      w.system.find((p) => p.payoutId === payoutId)!.status = "failed";
      break;
    case "reversed_at_bank_not_in_ledger":
      w.bank.push({ bankReference: payout.bankReference!, reference: payoutId, direction: "credit", amountPaise: payout.amountPaise, kind: "return" });
      break;
    case "reversed_in_ledger_not_at_bank":
      w.ledger.push({ payoutId, posting: "return", amountPaise: payout.amountPaise });
      break;
  }
  return w;
}
