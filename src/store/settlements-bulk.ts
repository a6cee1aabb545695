// Many orders' settlements in one call (POST /v1/settlements/bulk). Each order is checked and
// posted as ingestSettlement posts it, with the same transactions and rows, and is idempotent by
// its order id in the same way; what changes is the cost. Everything the checks need is read
// first, one query per kind for the whole call; each order is then decided in memory, in the
// order given (so a later order of a seller sees the earlier ones' sales, as one by one); and
// every order accepted is written in one D1 batch of set-based statements.

import { eq, sql } from "drizzle-orm";
import { DEDUCTION_KINDS, type DeductionRule, financialYear, TAX_HEADS } from "../domain/statutory";
import { deductionAccountId, payableAccountId, reserveAccountId } from "../domain/accounts";
import type { ReserveTerms } from "../domain/balances";
import { assertInvariant, DomainError } from "../domain/errors";
import type { PayeeType } from "../domain/payees";
import { assertSettlementAddsUp, type SettlementBreakdown, type SettlementDeduction, sellerPayablePaise, settlementEntries, settlementTransaction } from "../domain/settlement";
import { type AuditInput, auditStatements } from "./audit";
import { reserveHoldOf, reserveTermsFrom, type ReservePolicyRow } from "./balances";
import { commit, type Db, isUniqueViolation, nowIso, type Statements } from "./client";
import { accountRefs, type CheckedPosting, checkPosting, postingsStatements } from "./ledger";
import { inJson, insertManySelects, insertManyStatements } from "./many-rows";
import { accounts, payees, payeeYearGross, reserveHolds, reservePolicies, settlements } from "./schema";
import {
  assertTaxable,
  breakdownOf,
  checkedPayee,
  deductionsFor,
  reserveShares,
  sameOrConflict,
  settlementAudit,
  settlementContentHash,
  type SettlementInput,
  type SettlementRow,
  settlementRow,
  type StatutorySettings,
  taxOrderDate,
} from "./settlements";
import { listDeductionRules, withheldStatements } from "./statutory";
import type { PayeeRow } from "./payees";

/** Orders one call may carry: its reads, its batch and its answer stay small. */
export const MAX_BULK_SETTLEMENTS = 1_000;
/** A concurrent call can post one of the orders between the reads and the write; the call then reads and decides again. */
const WRITE_ATTEMPTS = 3;

export type BulkOutcome =
  | { outcome: "created" | "replayed"; orderId: string; transactionId: string; sellerPayablePaise: number }
  | { outcome: "conflict" | "invalid"; error: DomainError };

/**
 * Settles each order as ingestSettlement would, answering one outcome per order, in order: its
 * refusal (a rule it breaks: `invalid`; a different breakdown already settled: `conflict`) or its
 * settlement, new or as already posted. Errors that are not the order's (a missing setting, a
 * failure of the database) fail the whole call, and then nothing is written.
 */
export async function ingestSettlements(
  db: Db,
  inputs: readonly SettlementInput[],
  actorId: string,
  reserveDefaults: Readonly<Record<PayeeType, ReserveTerms>>,
  statutory: StatutorySettings,
): Promise<BulkOutcome[]> {
  assertInvariant(inputs.length <= MAX_BULK_SETTLEMENTS, `at most ${MAX_BULK_SETTLEMENTS} settlements per call`);
  for (let attempt = 1; ; attempt++) {
    const known = await readKnown(db, inputs);
    const plan = await planSettlements(inputs, known, { actorId, reserveDefaults, statutory, now: nowIso() });
    try {
      await commit(db, writeStatements(db, plan));
      return plan.outcomes;
    } catch (error) {
      // The batch rolled back whole: read again, and the orders another call posted are replays or conflicts now.
      if (attempt < WRITE_ATTEMPTS && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** Everything the checks read, for all the orders at once. */
interface Known {
  settlements: Map<string, SettlementRow>;
  payees: Map<string, { payee: PayeeRow; payableCurrency: string | undefined }>;
  reservePolicies: Map<string, ReservePolicyRow>;
  accounts: Awaited<ReturnType<typeof accountRefs>>;
  /** Gross sales per seller and financial year, for sellers with taxed orders here. */
  yearGross: Map<string, number>;
  rules: readonly DeductionRule[];
}

const yearKey = (payeeId: string, year: string) => JSON.stringify([payeeId, year]);

async function readKnown(db: Db, inputs: readonly SettlementInput[]): Promise<Known> {
  const payeeIds = distinct(inputs.flatMap((i) => (i.deliveryPartnerPayeeId === null ? [i.sellerPayeeId] : [i.sellerPayeeId, i.deliveryPartnerPayeeId])));
  const taxedSellers = distinct(inputs.filter((i) => i.tax).map((i) => i.sellerPayeeId));
  const [existing, payeeRows, policies, refs, years, rules] = await Promise.all([
    db.select().from(settlements).where(inJson(settlements.orderId, distinct(inputs.map((i) => i.orderId)))),
    db.select({ payee: payees, payableCurrency: accounts.currency }).from(payees).leftJoin(accounts, eq(accounts.id, payees.payableAccountId)).where(inJson(payees.id, payeeIds)),
    db.select().from(reservePolicies).where(inJson(reservePolicies.payeeId, payeeIds)),
    accountRefs(db, accountsNamed(inputs, payeeIds)),
    taxedSellers.length === 0 ? [] : db.select().from(payeeYearGross).where(inJson(payeeYearGross.payeeId, taxedSellers)),
    taxedSellers.length === 0 ? [] : listDeductionRules(db),
  ]);
  return {
    settlements: new Map(existing.map((r) => [r.orderId, r])),
    payees: new Map(payeeRows.map((r) => [r.payee.id, { payee: r.payee, payableCurrency: r.payableCurrency ?? undefined }])),
    reservePolicies: new Map(policies.map((p) => [p.payeeId, p])),
    accounts: refs,
    yearGross: new Map(years.map((y) => [yearKey(y.payeeId, y.financialYear), y.grossPaise])),
    rules,
  };
}

/** Every account the orders' postings can name: their own entries', the payees' reserves, and each deduction's. */
function accountsNamed(inputs: readonly SettlementInput[], payeeIds: readonly string[]): string[] {
  const deductionAccounts = DEDUCTION_KINDS.flatMap((kind) => TAX_HEADS.map((head) => deductionAccountId(kind, head)));
  const entryAccounts = inputs.flatMap(({ tax: _tax, ...plain }) => settlementEntries(plain).map((e) => e.accountId));
  return distinct([...entryAccounts, ...payeeIds.flatMap((id) => [payableAccountId(id), reserveAccountId(id)]), ...deductionAccounts]);
}

/** What the accepted orders write, and every order's outcome. */
interface Plan {
  outcomes: BulkOutcome[];
  postings: CheckedPosting[];
  settlementRows: SettlementRow[];
  audits: AuditInput[];
  holdRows: Array<typeof reserveHolds.$inferInsert>;
  deductions: SettlementDeduction[];
  /** Gross sales added per seller and financial year by the taxed orders accepted. */
  yearGrossAdded: Map<string, { payeeId: string; financialYear: string; grossPaise: number }>;
  period: string;
}

interface Context {
  actorId: string;
  reserveDefaults: Readonly<Record<PayeeType, ReserveTerms>>;
  statutory: StatutorySettings;
  now: string;
}

async function planSettlements(inputs: readonly SettlementInput[], known: Known, ctx: Context): Promise<Plan> {
  const plan: Plan = { outcomes: [], postings: [], settlementRows: [], audits: [], holdRows: [], deductions: [], yearGrossAdded: new Map(), period: ctx.now.slice(0, 7) };
  // Orders accepted so far in this call: a repeat of one later in the call is a replay or a conflict, as it would be one by one.
  const accepted = new Map<string, SettlementRow>();
  for (const input of inputs) {
    try {
      plan.outcomes.push(await planOne(input, known, accepted, plan, ctx));
    } catch (error) {
      if (!(error instanceof DomainError) || (error.kind !== "invalid" && error.kind !== "conflict")) throw error;
      plan.outcomes.push({ outcome: error.kind, error });
    }
  }
  return plan;
}

/** One order, decided as ingestSettlement decides it, in the same order of checks; adds what it writes to the plan. */
async function planOne(input: SettlementInput, known: Known, accepted: Map<string, SettlementRow>, plan: Plan, ctx: Context): Promise<BulkOutcome> {
  const { tax, ...plain } = input;
  assertSettlementAddsUp(plain);
  const contentHash = await settlementContentHash(input);
  const earlier = accepted.get(input.orderId) ?? known.settlements.get(input.orderId);
  if (earlier) return settled("replayed", sameOrConflict(earlier, contentHash));

  const seller = payeeFor(known, plain.sellerPayeeId, "seller", "sellerPayeeId", plain.currency);
  if (plain.deliveryPartnerPayeeId !== null) payeeFor(known, plain.deliveryPartnerPayeeId, "delivery_partner", "deliveryPartnerPayeeId", plain.currency);
  let s: SettlementBreakdown = plain;
  let year: { payeeId: string; financialYear: string } | null = null;
  if (tax) {
    assertTaxable(tax, ctx.statutory);
    const orderDate = taxOrderDate(tax);
    year = { payeeId: seller.id, financialYear: financialYear(orderDate) };
    const key = yearKey(year.payeeId, year.financialYear);
    const yearGrossBeforePaise = (known.yearGross.get(key) ?? 0) + (plan.yearGrossAdded.get(key)?.grossPaise ?? 0);
    const withTax = deductionsFor({ rules: known.rules, s: plain, tax, orderDate, seller, platformGstState: ctx.statutory.platformGstState, yearGrossBeforePaise });
    s = { ...plain, deductions: withTax.deductions, taxInputs: withTax.inputs };
  }
  assertSettlementAddsUp(s);

  const holds = holdsFor(s, known, ctx);
  const holdPostings = await Promise.all(holds.map((h) => checkPosting(h.transaction, ctx.actorId, known.accounts)));
  const posting = await checkPosting(settlementTransaction(s), ctx.actorId, known.accounts);
  const transactionId = posting.transaction.id;
  const row = settlementRow({ input, settled: s, transactionId, contentHash, actorId: ctx.actorId, createdAt: ctx.now });

  accepted.set(input.orderId, row);
  plan.postings.push(posting, ...holdPostings);
  plan.settlementRows.push(row);
  plan.audits.push(settlementAudit(s, transactionId, ctx.actorId));
  plan.holdRows.push(...holds.map((h, i) => h.row(holdPostings[i]!.transaction.id)));
  plan.deductions.push(...(s.deductions ?? []));
  if (year) {
    const key = yearKey(year.payeeId, year.financialYear);
    plan.yearGrossAdded.set(key, { ...year, grossPaise: (plan.yearGrossAdded.get(key)?.grossPaise ?? 0) + s.grossAmountPaise });
  }
  return settled("created", row);
}

function settled(outcome: "created" | "replayed", row: SettlementRow): BulkOutcome {
  return { outcome, orderId: row.orderId, transactionId: row.transactionId, sellerPayablePaise: sellerPayablePaise(breakdownOf(row)) };
}

function payeeFor(known: Known, payeeId: string, type: PayeeType, field: string, currency: SettlementInput["currency"]): PayeeRow {
  const found = known.payees.get(payeeId);
  return checkedPayee(found?.payee, found?.payableCurrency, { payeeId, type, field, currency });
}

/** The reserve holds of the order's parties, under each payee's terms as read. */
function holdsFor(s: SettlementBreakdown, known: Known, ctx: Context) {
  return reserveShares(s).flatMap(({ payeeId, type, sharePaise }) => {
    const terms = reserveTermsFrom(known.reservePolicies.get(payeeId), type, ctx.reserveDefaults);
    const hold = terms.basisPoints === 0 ? null : reserveHoldOf({ orderId: s.orderId, payeeId, cycleId: s.cycleId, sharePaise, currency: s.currency, terms, settledAt: ctx.now });
    return hold ? [hold] : [];
  });
}

/** The accepted orders' writes, in the order one order's batch has them: postings, settlement rows, tax records, audit, holds. */
function writeStatements(db: Db, plan: Plan): Statements {
  if (plan.settlementRows.length === 0) return [];
  return [
    ...postingsStatements(db, plan.postings),
    ...insertManyStatements(db, settlements, plan.settlementRows),
    ...yearGrossStatements(db, [...plan.yearGrossAdded.values()]),
    ...withheldStatements(db, plan.deductions, plan.period),
    ...auditStatements(db, plan.audits),
    ...insertManyStatements(db, reserveHolds, plan.holdRows),
  ];
}

/** Adds each seller's new sales to its financial year's gross, one upsert for all of them. */
function yearGrossStatements(db: Db, added: ReadonlyArray<typeof payeeYearGross.$inferInsert>): Statements {
  return insertManySelects(db, payeeYearGross, added).map((insert) =>
    insert.onConflictDoUpdate({ target: [payeeYearGross.payeeId, payeeYearGross.financialYear], set: { grossPaise: sql`${payeeYearGross.grossPaise} + excluded.gross_paise` } }),
  );
}

const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];
