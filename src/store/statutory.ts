// Statutory deduction rules in SQL: read them as the domain's rules, and record a change of law as
// a new rule that ends the one it replaces on the day before it starts (one batch, audited).

import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { conflict, invalid, notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { PayeeType } from "../domain/payees";
import type { DeductionRule } from "../domain/statutory";
import { conditionalAuditStatement } from "./audit";
import { commit, type Db, nowIso } from "./client";
import { deductionRules } from "./schema";

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
