// Order settlement ingestion: one order's breakdown, stored as received and posted as one
// balanced transaction in the same batch. Idempotent by order id.

import { and, eq, sql } from "drizzle-orm";
import { conflict, DomainError, invalid, notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import type { PayeeType } from "../domain/payees";
import { computeDeductions, type DeductionInput, type DeductionRule, financialYear } from "../domain/statutory";
import { GST_STATE_CODES } from "../domain/tax-ids";
import { listDeductionRules, withheldStatements } from "./statutory";
import type { PayeeRow } from "./payees";
import {
  assertSettlementAddsUp,
  type SettlementBreakdown,
  type SettlementDeduction,
  sellerPayablePaise,
  settlementTransaction,
} from "../domain/settlement";
import type { Currency } from "../domain/money";
import { type AuditInput, auditStatement } from "./audit";
import { type Db, nowIso, type Statements } from "./client";
import { NO_RESERVE, type ReserveTerms } from "../domain/balances";
import { reserveHoldStatements, reserveTermsOf } from "./balances";
import { postTransaction } from "./ledger";
import { accounts, payeeYearGross, settlements } from "./schema";

export type SettlementRow = typeof settlements.$inferSelect;

export function breakdownOf(row: SettlementRow): SettlementBreakdown {
  return {
    orderId: row.orderId,
    cycleId: row.cycleId,
    sellerPayeeId: row.sellerPayeeId,
    deliveryPartnerPayeeId: row.deliveryPartnerPayeeId,
    currency: row.currency as Currency,
    grossAmountPaise: row.grossAmountPaise,
    platformFeePaise: row.platformFeePaise,
    discountPaise: row.discountPaise,
    voucherPaise: row.voucherPaise,
    walletAmountPaise: row.walletAmountPaise,
    deliveryFeePaise: row.deliveryFeePaise,
    amountCollectedPaise: row.amountCollectedPaise,
    deductions: JSON.parse(row.deductions) as SettlementDeduction[],
    taxInputs: row.taxInputs ? (JSON.parse(row.taxInputs) as DeductionInput) : undefined,
  };
}

/** The tax details a settlement may carry: with them, its statutory deductions are computed and posted. */
export interface SettlementTax {
  /** GST state code of the place of supply (the customer's state for goods delivered). */
  placeOfSupplyState: string;
  /** The order's date, which picks the rules in force (default: the day it is ingested). */
  orderDate?: string | undefined;
  /** The supply's taxable value net of returns, the GST TCS base (default: the gross amount). */
  netTaxableValuePaise?: number | undefined;
  /** The marketplace's own figures: each must match Disburse's to the paisa. */
  deductions?: { tdsPaise?: number | undefined; tcsPaise?: number | undefined; gstOnFeePaise?: number | undefined } | undefined;
}

export type SettlementInput = Omit<SettlementBreakdown, "deductions" | "taxInputs"> & { tax?: SettlementTax | undefined };

export interface StatutorySettings {
  /** The platform's own GST state code, for GST on its fee; null when not configured. */
  platformGstState: string | null;
}

const canonical = (s: SettlementInput) =>
  JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1)));

/** What tells a replay of an order's settlement from a different breakdown under the same order id. */
export const settlementContentHash = (input: SettlementInput) => sha256Hex(canonical(input));

/**
 * Ingests one order. Each party's share is held back in its rolling reserve per its terms, in the
 * same batch as the settlement (see store/balances.ts).
 */
export async function ingestSettlement(
  db: Db,
  input: SettlementInput,
  actorId: string,
  reserveDefaults: Readonly<Record<PayeeType, ReserveTerms>> = NO_RESERVES,
  statutory: StatutorySettings = { platformGstState: null },
) {
  const { tax, ...plain } = input;
  assertSettlementAddsUp(plain);
  const contentHash = await settlementContentHash(input);

  const existing = await db.select().from(settlements).where(eq(settlements.orderId, input.orderId)).get();
  if (existing) return { settlement: sameOrConflict(existing, contentHash), replayed: true };

  const seller = await assertPayee(db, plain.sellerPayeeId, "seller", "sellerPayeeId", plain.currency);
  if (plain.deliveryPartnerPayeeId !== null) {
    await assertPayee(db, plain.deliveryPartnerPayeeId, "delivery_partner", "deliveryPartnerPayeeId", plain.currency);
  }
  const withTax = tax ? await withDeductions(db, plain, tax, seller, statutory) : null;
  const s: SettlementBreakdown = withTax ? { ...plain, deductions: withTax.deductions, taxInputs: withTax.inputs } : plain;
  assertSettlementAddsUp(s);

  const createdAt = nowIso();
  const reserveStatements = await reservesFor(db, s, actorId, reserveDefaults, createdAt);
  const posted = await postTransaction(db, settlementTransaction(s), actorId, (transactionId) => [
    db.insert(settlements).values(settlementRow({ input, settled: s, transactionId, contentHash, actorId, createdAt })),
    ...(withTax ? [yearGrossStatement(db, s.sellerPayeeId, withTax.inputs.orderDate, s.grossAmountPaise), ...withheldStatements(db, withTax.deductions, createdAt.slice(0, 7))] : []),
    auditStatement(db, settlementAudit(s, transactionId, actorId)),
    ...reserveStatements,
  ]).catch(async (error: unknown) => {
    // A different breakdown for this order won a race with this one: that is a settlement conflict.
    if (error instanceof DomainError && error.code === "external_ref_conflict") {
      const winner = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
      if (winner) sameOrConflict(winner, contentHash);
    }
    throw error;
  });
  if (posted.replayed) {
    // An identical settlement won a race with this one; both callers see the same result.
    const winner = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
    if (!winner) throw conflict("external_ref_conflict", `order:${s.orderId}:settlement was posted without a settlement record.`);
    return { settlement: sameOrConflict(winner, contentHash), replayed: true };
  }
  const row = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
  return { settlement: row!, replayed: false };
}

/** The settlement's row as stored: the breakdown as received, with its deductions and what they were computed from. */
export function settlementRow(r: { input: SettlementInput; settled: SettlementBreakdown; transactionId: string; contentHash: string; actorId: string; createdAt: string }): SettlementRow {
  const { tax: _tax, ...plain } = r.input;
  return {
    ...plain,
    deductions: JSON.stringify(r.settled.deductions ?? []),
    taxInputs: r.settled.taxInputs ? JSON.stringify(r.settled.taxInputs) : null,
    transactionId: r.transactionId,
    contentHash: r.contentHash,
    actorId: r.actorId,
    createdAt: r.createdAt,
  };
}

export function settlementAudit(s: SettlementBreakdown, transactionId: string, actorId: string): AuditInput {
  return {
    actorId,
    action: "settlement.ingested",
    subjectType: "order",
    subjectId: s.orderId,
    details: { cycleId: s.cycleId, transactionId, sellerPayablePaise: sellerPayablePaise(s), deliveryFeePaise: s.deliveryFeePaise },
  };
}

const NO_RESERVES: Record<PayeeType, ReserveTerms> = { seller: NO_RESERVE, delivery_partner: NO_RESERVE };

async function reservesFor(db: Db, s: SettlementBreakdown, actorId: string, defaults: Readonly<Record<PayeeType, ReserveTerms>>, settledAt: string): Promise<Statements> {
  const statements: Statements = [];
  for (const { payeeId, type, sharePaise } of reserveShares(s)) {
    const terms = await reserveTermsOf(db, payeeId, type, defaults);
    if (terms.basisPoints === 0) continue;
    statements.push(...(await reserveHoldStatements(db, { orderId: s.orderId, payeeId, cycleId: s.cycleId, sharePaise, currency: s.currency, terms, settledAt }, actorId)));
  }
  return statements;
}

/** Each party's share of a settlement that its rolling reserve may hold part of. */
export function reserveShares(s: SettlementBreakdown): Array<{ payeeId: string; type: PayeeType; sharePaise: number }> {
  const parties: Array<{ payeeId: string; type: PayeeType; sharePaise: number }> = [{ payeeId: s.sellerPayeeId, type: "seller", sharePaise: sellerPayablePaise(s) }];
  if (s.deliveryPartnerPayeeId !== null) parties.push({ payeeId: s.deliveryPartnerPayeeId, type: "delivery_partner", sharePaise: s.deliveryFeePaise });
  return parties.filter((p) => p.sharePaise > 0);
}

export function sameOrConflict(row: SettlementRow, contentHash: string): SettlementRow {
  if (row.contentHash !== contentHash) {
    throw conflict("settlement_conflict", `Order ${row.orderId} was already settled with a different breakdown.`, {
      orderId: row.orderId,
      transactionId: row.transactionId,
    });
  }
  return row;
}

/**
 * The settlement's statutory deductions under the rules in force on its date (docs/statutory.md).
 * The caller's own figures, when sent, must match to the paisa.
 */
async function withDeductions(db: Db, s: SettlementBreakdown, tax: SettlementTax, seller: PayeeRow, statutory: StatutorySettings) {
  assertTaxable(tax, statutory);
  const orderDate = taxOrderDate(tax);
  const year = await db
    .select()
    .from(payeeYearGross)
    .where(and(eq(payeeYearGross.payeeId, seller.id), eq(payeeYearGross.financialYear, financialYear(orderDate))))
    .get();
  return deductionsFor({ rules: await listDeductionRules(db), s, tax, orderDate, seller, platformGstState: statutory.platformGstState, yearGrossBeforePaise: year?.grossPaise ?? 0 });
}

/** The day whose rules apply to a taxed settlement: its order date, or the day it is ingested. */
export const taxOrderDate = (tax: SettlementTax) => tax.orderDate ?? nowIso().slice(0, 10);

/** Throws unless the tax details can be computed at all: a known place of supply, and the platform's own GST state configured. */
export function assertTaxable(tax: SettlementTax, statutory: StatutorySettings): asserts statutory is { platformGstState: string } {
  if (!(tax.placeOfSupplyState in GST_STATE_CODES)) {
    throw invalid("invalid_state_code", `${tax.placeOfSupplyState} is not a GST state or union-territory code.`, { field: "tax.placeOfSupplyState" });
  }
  if (statutory.platformGstState === null) {
    throw new DomainError("unavailable", "platform_gst_state_not_configured", "PLATFORM_GST_STATE is not configured, so GST on the platform's fee cannot be computed.");
  }
}

/**
 * The deductions under `rules` for a seller whose financial year so far (before this order) has
 * `yearGrossBeforePaise` of sales, checked against the caller's own figures (after assertTaxable).
 */
export function deductionsFor(d: {
  rules: readonly DeductionRule[];
  s: SettlementBreakdown;
  tax: SettlementTax;
  /** taxOrderDate(tax), read once by the caller. */
  orderDate: string;
  seller: Pick<PayeeRow, "legalName" | "pan" | "gstin">;
  platformGstState: string;
  yearGrossBeforePaise: number;
}) {
  const { s, tax, orderDate } = d;
  const inputs: DeductionInput = {
    orderDate,
    payeeType: "seller",
    identity: { legalName: d.seller.legalName, pan: d.seller.pan, gstin: d.seller.gstin },
    grossSalePaise: s.grossAmountPaise,
    netTaxableValuePaise: tax.netTaxableValuePaise ?? s.grossAmountPaise,
    platformFeePaise: s.platformFeePaise,
    placeOfSupplyState: tax.placeOfSupplyState,
    platformState: d.platformGstState,
    yearGrossBeforePaise: d.yearGrossBeforePaise,
  };
  const deductions: SettlementDeduction[] = computeDeductions(d.rules, inputs).map((x) => ({
    ruleId: x.ruleId,
    kind: x.kind,
    head: x.head,
    basePaise: x.basePaise,
    rateBasisPoints: x.rateBasisPoints,
    amountPaise: x.amountPaise,
  }));
  const theirs = tax.deductions ?? {};
  const ours = (kind: SettlementDeduction["kind"]) => deductions.filter((x) => x.kind === kind).reduce((sum, x) => sum + x.amountPaise, 0);
  for (const [field, kind] of [["tdsPaise", "tds_194o"], ["tcsPaise", "gst_tcs"], ["gstOnFeePaise", "gst_on_fee"]] as const) {
    const received = theirs[field];
    if (received !== undefined && received !== ours(kind)) {
      throw invalid("deduction_mismatch", `tax.deductions.${field} is ${received}, but the rules in force on ${orderDate} give ${ours(kind)}.`, {
        field: `tax.deductions.${field}`,
        expectedPaise: ours(kind),
        receivedPaise: received,
      });
    }
  }
  return { deductions, inputs };
}

function yearGrossStatement(db: Db, payeeId: string, orderDate: string, grossPaise: number) {
  return db
    .insert(payeeYearGross)
    .values({ payeeId, financialYear: financialYear(orderDate), grossPaise })
    .onConflictDoUpdate({ target: [payeeYearGross.payeeId, payeeYearGross.financialYear], set: { grossPaise: sql`${payeeYearGross.grossPaise} + ${grossPaise}` } });
}

async function assertPayee(db: Db, payeeId: string, type: PayeeType, field: string, currency: Currency) {
  const payee = await db.query.payees.findFirst({ where: (p, { eq }) => eq(p.id, payeeId) });
  const account = payee ? await db.select().from(accounts).where(eq(accounts.id, payee.payableAccountId)).get() : undefined;
  return checkedPayee(payee, account?.currency, { payeeId, type, field, currency });
}

/** Throws unless the payee exists, is of the type its share is for, and is paid in the settlement's currency. */
export function checkedPayee<P extends { type: PayeeType }>(payee: P | undefined, payableCurrency: string | undefined, want: { payeeId: string; type: PayeeType; field: string; currency: Currency }): P {
  const { payeeId, type, field, currency } = want;
  if (!payee) throw invalid("payee_not_found", `Payee ${payeeId} does not exist.`, { field });
  if (payee.type !== type) {
    throw invalid("payee_type_mismatch", `Payee ${payeeId} is a ${payee.type}, not a ${type}.`, { field });
  }
  if (payableCurrency !== currency) {
    throw invalid("currency_mismatch", `Payee ${payeeId} is paid in ${payableCurrency}, not ${currency}.`, { field: "currency" });
  }
  return payee;
}

export async function getSettlement(db: Db, orderId: string) {
  const row = await db.select().from(settlements).where(eq(settlements.orderId, orderId)).get();
  if (!row) throw notFound("settlement_not_found", `No settlement for order ${orderId}.`);
  return row;
}
