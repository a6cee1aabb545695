// Statutory deduction rules in SQL: read them as the domain's rules, and record a change of law as
// a new rule that ends the one it replaces on the day before it starts (one batch, audited).

import { and, asc, eq, gte, isNull, lt, sql } from "drizzle-orm";
import { conflict, invalid, notFound } from "../domain/errors";
import { deductionAccountId } from "../domain/accounts";
import { canonicalJson } from "../domain/canonical";
import { sha256Hex } from "../domain/hash";
import { raiseException } from "./exceptions";
import { postTransaction } from "./ledger";
import { newId } from "../domain/ids";
import type { PayeeType } from "../domain/payees";
import { type DeductionKind, type DeductionRule, depositDueDate, periodRange, type TaxHead } from "../domain/statutory";
import type { FilingLine, FilingReversal } from "../domain/statutory-filings";
import type { SettlementDeduction } from "../domain/settlement";
import type { DeductionReversal } from "../domain/adjustments";
import { auditStatement, conditionalAuditStatement } from "./audit";
import { commit, type Db, isCheckViolation, nowIso, type Statements } from "./client";
import { deductionRules, orderAdjustments, payees, settlements, statutoryDues, statutoryRemittances } from "./schema";

type RuleRow = typeof deductionRules.$inferSelect;

export function ruleOf(row: RuleRow): DeductionRule {
  return {
    id: row.id,
    kind: row.kind,
    section: row.section,
    payeeTypes: JSON.parse(row.payeeTypes) as PayeeType[],
    pan: row.pan,
    gstin: row.gstin,
    base: row.base,
    rateBasisPoints: row.rateBasisPoints,
    from: row.validFrom,
    to: row.validTo,
    annualThreshold: row.annualThreshold ? (JSON.parse(row.annualThreshold) as DeductionRule["annualThreshold"]) : null,
    source: row.source,
  };
}

export async function listDeductionRules(db: Db): Promise<DeductionRule[]> {
  const rows = await db.select().from(deductionRules).orderBy(asc(deductionRules.kind), asc(deductionRules.validFrom), asc(deductionRules.id));
  return rows.map(ruleOf);
}

/**
 * A new rule in force from `rule.from`. With `supersedes`, that rule (still open-ended) ends where
 * this one starts, so the two never overlap and orders before the change keep the old rate.
 */
export async function addDeductionRule(db: Db, rule: Omit<DeductionRule, "id" | "to">, supersedes: string | null, actorId: string): Promise<DeductionRule> {
  const id = newId("dr");
  const now = nowIso();
  const statements = [];
  if (supersedes !== null) {
    const old = await db.select().from(deductionRules).where(eq(deductionRules.id, supersedes)).get();
    if (!old) throw notFound("rule_not_found", `No deduction rule ${supersedes}.`);
    if (old.validTo !== null) throw conflict("rule_already_ended", `Rule ${supersedes} already ended on ${old.validTo}.`, { validTo: old.validTo });
    if (old.kind !== rule.kind) throw invalid("rule_kind_mismatch", `Rule ${supersedes} is ${old.kind}, not ${rule.kind}.`, { field: "kind" });
    if (rule.from <= old.validFrom) throw invalid("rule_starts_too_early", `A rule replacing ${supersedes} must start after ${old.validFrom}.`, { field: "from" });
    statements.push(db.update(deductionRules).set({ validTo: rule.from }).where(and(eq(deductionRules.id, supersedes), isNull(deductionRules.validTo))));
  }
  const row = {
    id,
    kind: rule.kind,
    section: rule.section,
    payeeTypes: JSON.stringify(rule.payeeTypes),
    pan: rule.pan,
    gstin: rule.gstin,
    base: rule.base,
    rateBasisPoints: rule.rateBasisPoints,
    validFrom: rule.from,
    validTo: null,
    annualThreshold: rule.annualThreshold ? JSON.stringify(rule.annualThreshold) : null,
    source: rule.source,
    createdBy: actorId,
    createdAt: now,
  };
  // The new rule (and its audit event) is written only if this batch ended the old one: two
  // changes racing to replace one rule cannot both take effect.
  const endedHere = supersedes === null ? sql`1 = 1` : sql`EXISTS (SELECT 1 FROM ${deductionRules} WHERE ${deductionRules.id} = ${supersedes} AND ${deductionRules.validTo} = ${rule.from})`;
  statements.push(
    db.insert(deductionRules).select(
      db
        .select({
          id: sql`${row.id}`.as("id"),
          kind: sql`${row.kind}`.as("kind"),
          section: sql`${row.section}`.as("section"),
          payeeTypes: sql`${row.payeeTypes}`.as("payee_types"),
          pan: sql`${row.pan}`.as("pan"),
          gstin: sql`${row.gstin}`.as("gstin"),
          base: sql`${row.base}`.as("base"),
          rateBasisPoints: sql`${row.rateBasisPoints}`.as("rate_basis_points"),
          validFrom: sql`${row.validFrom}`.as("valid_from"),
          validTo: sql`NULL`.as("valid_to"),
          annualThreshold: sql`${row.annualThreshold}`.as("annual_threshold"),
          source: sql`${row.source}`.as("source"),
          createdBy: sql`${row.createdBy}`.as("created_by"),
          createdAt: sql`${row.createdAt}`.as("created_at"),
        })
        .from(sql`(SELECT 1)`)
        .where(endedHere),
    ),
    conditionalAuditStatement(db, { actorId, action: "statutory.rule_added", subjectType: "deduction_rule", subjectId: id, details: { ...rule, supersedes } }, endedHere),
  );
  await commit(db, statements);
  const written = await db.select().from(deductionRules).where(eq(deductionRules.id, id)).get();
  if (!written) throw conflict("rule_already_ended", `Rule ${supersedes} was ended by another change at the same time.`);
  return { ...rule, id, to: null };
}

// ---- what is withheld, deposited and due ----


/** Adds a settlement's deductions to the month's dues (committed with the settlement). */
export function withheldStatements(db: Db, deductions: ReadonlyArray<{ kind: DeductionKind; head: TaxHead; amountPaise: number }>, period: string): Statements {
  const totals = new Map<string, { kind: DeductionKind; head: TaxHead; amountPaise: number }>();
  for (const d of deductions) {
    const key = `${d.kind}|${d.head}`;
    const t = totals.get(key) ?? { kind: d.kind, head: d.head, amountPaise: 0 };
    t.amountPaise += d.amountPaise;
    totals.set(key, t);
  }
  return [...totals.values()].map((t) =>
    db
      .insert(statutoryDues)
      .values({ kind: t.kind, head: t.head, period, withheldPaise: t.amountPaise, depositedPaise: 0 })
      .onConflictDoUpdate({ target: [statutoryDues.kind, statutoryDues.head, statutoryDues.period], set: { withheldPaise: sql`${statutoryDues.withheldPaise} + ${t.amountPaise}` } }),
  );
}

/** Adds an adjustment's deduction reversals to the month's dues (committed with the adjustment). */
export function reversedStatements(db: Db, reversals: ReadonlyArray<{ kind: DeductionKind; head: TaxHead; amountPaise: number }>, period: string): Statements {
  return reversals.map((r) =>
    db
      .insert(statutoryDues)
      .values({ kind: r.kind, head: r.head, period, withheldPaise: 0, reversedPaise: r.amountPaise, depositedPaise: 0 })
      .onConflictDoUpdate({ target: [statutoryDues.kind, statutoryDues.head, statutoryDues.period], set: { reversedPaise: sql`${statutoryDues.reversedPaise} + ${r.amountPaise}` } }),
  );
}

export interface DueView {
  kind: DeductionKind;
  head: TaxHead;
  period: string;
  withheldPaise: number;
  reversedPaise: number;
  depositedPaise: number;
  /** Withheld − reversed − deposited; below zero is a credit to set against later months. */
  duePaise: number;
  dueDate: string;
  overdue: boolean;
}

export async function listDues(db: Db, today: string, period?: string): Promise<DueView[]> {
  const rows = await db
    .select()
    .from(statutoryDues)
    .where(period ? eq(statutoryDues.period, period) : undefined)
    .orderBy(asc(statutoryDues.period), asc(statutoryDues.kind), asc(statutoryDues.head));
  return rows.map((r) => {
    const dueDate = depositDueDate(r.kind, r.period);
    const duePaise = r.withheldPaise - r.reversedPaise - r.depositedPaise;
    return { kind: r.kind, head: r.head, period: r.period, withheldPaise: r.withheldPaise, reversedPaise: r.reversedPaise, depositedPaise: r.depositedPaise, duePaise, dueDate, overdue: duePaise > 0 && today > dueDate };
  });
}

export interface RemittanceInput {
  kind: DeductionKind;
  head: TaxHead;
  period: string;
  amountPaise: number;
  reference: string;
  depositedOn: string;
}

/**
 * A deposit of withheld tax, posted once (liability → bank) with its remittance row and the
 * month's deposited total, whose CHECK refuses depositing more than was withheld.
 */
export async function recordRemittance(db: Db, r: RemittanceInput, actorId: string) {
  if ((r.kind === "tds_194o") !== (r.head === "TDS")) throw invalid("invalid_tax_head", "TDS is deposited under head TDS; GST under CGST, SGST or IGST.", { field: "head" });
  const contentHash = await sha256Hex(canonicalJson(r));
  const existing = await db.select().from(statutoryRemittances).where(and(eq(statutoryRemittances.kind, r.kind), eq(statutoryRemittances.reference, r.reference))).get();
  if (existing) {
    if (existing.contentHash !== contentHash) throw conflict("remittance_conflict", `Reference ${r.reference} was already recorded with different content.`, { remittanceId: existing.id });
    return { remittance: existing, replayed: true };
  }
  const due = (await listDues(db, r.depositedOn, r.period)).find((d) => d.kind === r.kind && d.head === r.head);
  if (!due || r.amountPaise > due.duePaise) {
    throw invalid("deposit_exceeds_due", `Only ${due?.duePaise ?? 0} paise of ${r.kind} ${r.head} for ${r.period} is still due.`, { field: "amountPaise", duePaise: due?.duePaise ?? 0 });
  }
  const id = newId("srm");
  const account = deductionAccountId(r.kind, r.head);
  try {
    const posted = await postTransaction(
      db,
      {
        externalRef: `statutory:${r.kind}:${r.reference}`,
        kind: "statutory_remittance",
        description: `${r.kind} ${r.head} for ${r.period} deposited (${r.reference})`,
        metadata: { period: r.period, reference: r.reference, depositedOn: r.depositedOn },
        entries: [
          { accountId: account, direction: "debit", amountPaise: r.amountPaise, currency: "INR" },
          { accountId: "platform:bank", direction: "credit", amountPaise: r.amountPaise, currency: "INR" },
        ],
      },
      actorId,
      (transactionId) => [
        db.insert(statutoryRemittances).values({ id, ...r, transactionId, contentHash, actorId, createdAt: nowIso() }),
        db
          .update(statutoryDues)
          .set({ depositedPaise: sql`${statutoryDues.depositedPaise} + ${r.amountPaise}` })
          .where(and(eq(statutoryDues.kind, r.kind), eq(statutoryDues.head, r.head), eq(statutoryDues.period, r.period))),
        auditStatement(db, { actorId, action: "statutory.remittance_recorded", subjectType: "statutory_due", subjectId: `${r.kind}|${r.head}|${r.period}`, details: { ...r } }),
      ],
    );
    const row = await db.select().from(statutoryRemittances).where(eq(statutoryRemittances.id, id)).get();
    return { remittance: row ?? (await db.select().from(statutoryRemittances).where(eq(statutoryRemittances.transactionId, posted.transaction.id)).get())!, replayed: posted.replayed };
  } catch (error) {
    if (isCheckViolation(error, "statutory_dues")) throw invalid("deposit_exceeds_due", `More ${r.kind} ${r.head} was deposited for ${r.period} than was withheld.`, { field: "amountPaise" });
    throw error;
  }
}

/** A ticket for each month whose withheld tax is still not deposited after its due date. */
export async function raiseOverdueDeposits(db: Db, today: string): Promise<number> {
  const overdue = (await listDues(db, today)).filter((d) => d.overdue);
  for (const d of overdue) {
    await raiseException(db, {
      cause: "statutory_deposit_overdue",
      summary: `${d.kind} ${d.head} for ${d.period}: ${d.duePaise} paise withheld and not deposited by ${d.dueDate}`,
      subjectKey: `${d.kind}|${d.head}|${d.period}`,
      details: { ...d },
    });
  }
  return overdue.length;
}

// ---- filing exports ----

/** Every settlement posted in the period with a deduction of `kind`: one line per order, with the seller's identity as it was used. */
export async function filingLines(db: Db, kind: "tds_194o" | "gst_tcs", period: string): Promise<FilingLine[]> {
  const range = periodRange(period);
  if (!range) throw invalid("invalid_period", "A period is a month (YYYY-MM) or a financial-year quarter (e.g. 2026-27-Q3).", { field: "period" });
  const rows = await db
    .select({ orderId: settlements.orderId, createdAt: settlements.createdAt, sellerPayeeId: settlements.sellerPayeeId, deductions: settlements.deductions, taxInputs: settlements.taxInputs })
    .from(settlements)
    .where(and(gte(settlements.createdAt, range.start), lt(settlements.createdAt, range.end), sql`${settlements.deductions} <> '[]'`))
    .orderBy(asc(settlements.createdAt), asc(settlements.orderId));
  const rules = new Map((await listDeductionRules(db)).map((r) => [r.id, r]));
  const lines: FilingLine[] = [];
  for (const r of rows) {
    const mine = (JSON.parse(r.deductions) as SettlementDeduction[]).filter((d) => d.kind === kind);
    if (mine.length === 0) continue;
    const inputs = r.taxInputs ? (JSON.parse(r.taxInputs) as { identity: { legalName: string | null; pan: string | null; gstin: string | null }; placeOfSupplyState: string }) : null;
    const head = (h: TaxHead) => mine.filter((d) => d.head === h).reduce((sum, d) => sum + d.amountPaise, 0);
    lines.push({
      orderId: r.orderId,
      postedAt: r.createdAt,
      payeeId: r.sellerPayeeId,
      legalName: inputs?.identity.legalName ?? null,
      pan: inputs?.identity.pan ?? null,
      gstin: inputs?.identity.gstin ?? null,
      placeOfSupplyState: inputs?.placeOfSupplyState ?? null,
      section: rules.get(mine[0]!.ruleId)?.section ?? "",
      rateBasisPoints: mine.reduce((sum, d) => sum + d.rateBasisPoints, 0),
      basePaise: mine[0]!.basePaise,
      tdsPaise: head("TDS"),
      cgstPaise: head("CGST"),
      sgstPaise: head("SGST"),
      igstPaise: head("IGST"),
    });
  }
  return lines;
}

/**
 * What refunds posted in the period gave back of `kind`, each with its seller's GSTIN now (a refund
 * of an earlier month's order has no line of its own in the period).
 */
export async function reversalsInPeriod(db: Db, kind: "tds_194o" | "gst_tcs", period: string): Promise<FilingReversal[]> {
  const range = periodRange(period);
  if (!range) throw invalid("invalid_period", "A period is a month (YYYY-MM) or a financial-year quarter (e.g. 2026-27-Q3).", { field: "period" });
  const rows = await db
    .select({ sellerPayeeId: orderAdjustments.sellerPayeeId, gstin: payees.gstin, goodsPaise: orderAdjustments.goodsPaise, reversals: orderAdjustments.deductionReversals })
    .from(orderAdjustments)
    .leftJoin(payees, eq(payees.id, orderAdjustments.sellerPayeeId))
    .where(and(gte(orderAdjustments.createdAt, range.start), lt(orderAdjustments.createdAt, range.end), sql`${orderAdjustments.deductionReversals} <> '[]'`));
  return rows
    .map((r) => ({ ...r, reversals: (JSON.parse(r.reversals) as DeductionReversal[]).filter((x) => x.kind === kind) }))
    .filter((r) => r.reversals.length > 0);
}
