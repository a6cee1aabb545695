// Post-payout reconciliation's storage: bank statement imports, the three sources a run reads
// (our payouts, the bank's lines, the ledger's postings), and the runs with their tickets.
// The run itself is services/reconciliation.ts.

import { rowEventStatement } from "./events";
import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import { notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import { newId } from "../domain/ids";
import { type CsvColumnMapping, statementParser, type STATEMENT_FORMATS } from "../domain/statement";
import type { BankLine, LedgerPosting, SystemPayout, ThreeWayResult } from "../domain/three-way";
import { auditStatement } from "./audit";
import { commit, type Db, inChunks, isUniqueViolation, nowIso, type Statements } from "./client";
import type { ExceptionInput } from "../domain/exception-state";
import { raiseExceptionStatements } from "./exceptions";
import { inCycle } from "./payouts";
import { bankStatementLines, bankStatements, exceptions, journalEntries, journalTransactions, payouts, reconciliationRuns } from "./schema";
import { allOf } from "./page";

export const DAY_MS = 86_400_000;
const STATEMENT_ROWS_PER_INSERT = 10;

export type ReconciliationScope = { scope: "day"; date: string } | { scope: "cycle"; cycleId: string };

export const dayStartMs = (date: string) => Date.parse(`${date}T00:00:00.000Z`);

// ---- bank statements ----

export async function importStatement(
  db: Db,
  input: { format: (typeof STATEMENT_FORMATS)[number]; content: string; mapping?: CsvColumnMapping | undefined },
  actorId: string,
) {
  const lines = statementParser(input.format, input.mapping).parse(input.content);
  const fileSha256 = await sha256Hex(input.content);
  const existing = await db.select().from(bankStatements).where(eq(bankStatements.fileSha256, fileSha256)).get();
  if (existing) return { statement: existing, replayed: true };
  const id = newId("stm");
  const times = lines.map((l) => l.at).sort();
  const statement = {
    id,
    format: input.format,
    fileSha256,
    lineCount: lines.length,
    fromAt: times[0] ?? null,
    toAt: times[times.length - 1] ?? null,
    actorId,
    createdAt: nowIso(),
  };
  const statements: Statements = [
    db.insert(bankStatements).values(statement),
    auditStatement(db, { actorId, action: "bank_statement.imported", subjectType: "bank_statement", subjectId: id, details: { format: input.format, lineCount: lines.length, fileSha256 } }),
  ];
  for (let i = 0; i < lines.length; i += STATEMENT_ROWS_PER_INSERT) {
    statements.push(
      db
        .insert(bankStatementLines)
        .values(lines.slice(i, i + STATEMENT_ROWS_PER_INSERT).map((l) => ({ statementId: id, ...l })))
        .onConflictDoNothing(),
    );
  }
  try {
    await commit(db, statements);
  } catch (error) {
    if (isUniqueViolation(error, "file_sha256")) {
      return { statement: (await db.select().from(bankStatements).where(eq(bankStatements.fileSha256, fileSha256)).get())!, replayed: true };
    }
    throw error;
  }
  return { statement, replayed: false };
}

export async function listStatements(db: Db, limit: number) {
  return db.select().from(bankStatements).orderBy(desc(bankStatements.id)).limit(limit);
}

// ---- gathering the three sources ----

export async function systemPayouts(db: Db, s: ReconciliationScope): Promise<Array<SystemPayout & { createdAt: string }>> {
  const where =
    s.scope === "day"
      ? and(gte(payouts.createdAt, new Date(dayStartMs(s.date)).toISOString()), lt(payouts.createdAt, new Date(dayStartMs(s.date) + DAY_MS).toISOString()))
      : inCycle(db, s.cycleId);
  const rows = await db
    .select({ id: payouts.id, key: payouts.idempotencyKey, amountPaise: payouts.amountPaise, status: payouts.status, bankReference: payouts.bankReference, createdAt: payouts.createdAt })
    .from(payouts)
    .where(where);
  return rows.map((r) => ({ payoutId: r.id, reference: r.key, amountPaise: r.amountPaise, status: r.status, bankReference: r.bankReference, createdAt: r.createdAt }));
}

/** Lines of an imported statement in [from, to), when a statement covers `from`; else null (ask the bank). */
export async function statementLinesCovering(db: Db, fromIso: string, toIso: string): Promise<Array<BankLine & { at: string }> | null> {
  // A statement is the bank's record only if one covers the start of the window; a partial one
  // (lines of the next day, say) would make the whole day look missing at the bank.
  const covering = await db
    .select({ id: bankStatements.id })
    .from(bankStatements)
    .where(and(lte(bankStatements.fromAt, fromIso), gte(bankStatements.toAt, fromIso)))
    .limit(1)
    .get();
  if (!covering) return null;
  const rows = await db
    .select()
    .from(bankStatementLines)
    .where(and(gte(bankStatementLines.at, fromIso), lt(bankStatementLines.at, toIso)))
    .orderBy(asc(bankStatementLines.id));
  return rows.length === 0 ? null : rows.map((l) => ({ bankReference: l.bankReference, reference: l.reference, direction: l.direction, amountPaise: l.amountPaise, kind: l.kind, at: l.at }));
}

/** Which of these idempotency keys belong to some payout (of any day). */
export async function knownPayoutKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  return new Set((await inChunks(keys, (chunk) => db.select({ key: payouts.idempotencyKey }).from(payouts).where(inArray(payouts.idempotencyKey, chunk)))).map((r) => r.key));
}

/** Which of these bank references (UTRs) belong to some payout (of any day). */
export async function knownBankReferences(db: Db, refs: readonly string[]): Promise<Set<string | null>> {
  return new Set(
    (await inChunks(refs, (chunk) => db.select({ bankReference: payouts.bankReference }).from(payouts).where(inArray(payouts.bankReference, chunk)))).map((r) => r.bankReference),
  );
}

export async function ledgerPostings(db: Db, payoutIds: readonly string[]): Promise<LedgerPosting[]> {
  const refs = payoutIds.flatMap((id) => [`payout:${id}:settle`, `payout:${id}:return`]);
  const rows = await inChunks(refs, (chunk) =>
    db
      .select({ ref: journalTransactions.externalRef, amountPaise: journalEntries.amountPaise, direction: journalEntries.direction })
      .from(journalTransactions)
      .innerJoin(journalEntries, eq(journalEntries.transactionId, journalTransactions.id))
      .where(and(inArray(journalTransactions.externalRef, chunk), eq(journalEntries.accountId, "platform:bank"))),
  );
  return rows.map((r) => {
    const [, payoutId, posting] = r.ref.split(":") as [string, string, "settle" | "return"];
    return { payoutId, posting, amountPaise: r.amountPaise };
  });
}

// ---- running ----

export function runView(row: typeof reconciliationRuns.$inferSelect) {
  return {
    id: row.id,
    scope: row.scope,
    scopeKey: row.scopeKey,
    bankSource: row.bankSource,
    totals: JSON.parse(row.totals) as ThreeWayResult["totals"] & { balanced: boolean },
    mismatches: JSON.parse(row.mismatches) as ThreeWayResult["mismatches"],
    mismatchCount: row.mismatchCount,
    runCount: row.runCount,
    actorId: row.actorId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type RunView = ReturnType<typeof runView>;

/** Stores a run's result under (scope, key), with one ticket per mismatch, in one atomic write; returns the run. */
export async function saveRun(
  db: Db,
  run: { scope: ReconciliationScope["scope"]; scopeKey: string; bankSource: string; result: ThreeWayResult; tickets: ExceptionInput[] },
  actorId: string,
) {
  const now = nowIso();
  const totals = JSON.stringify({ ...run.result.totals, balanced: run.result.balanced });
  const mismatches = JSON.stringify(run.result.mismatches);
  const mismatchCount = run.result.mismatches.length;
  await commit(db, [
    db
      .insert(reconciliationRuns)
      .values({ id: newId("rec"), scope: run.scope, scopeKey: run.scopeKey, bankSource: run.bankSource, totals, mismatches, mismatchCount, actorId, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [reconciliationRuns.scope, reconciliationRuns.scopeKey],
        set: { bankSource: run.bankSource, totals, mismatches, mismatchCount, actorId, updatedAt: now, runCount: sql`${reconciliationRuns.runCount} + 1` },
      }),
    ...run.tickets.flatMap((ticket) => raiseExceptionStatements(db, ticket)),
    // A run that found mismatches says so once per run (a re-run that finds them again says it again).
    rowEventStatement(db, {
      type: "reconciliation.mismatch",
      subject: "reconciliation_run",
      table: reconciliationRuns,
      id: reconciliationRuns.id,
      where: and(eq(reconciliationRuns.scope, run.scope), eq(reconciliationRuns.scopeKey, run.scopeKey), eq(reconciliationRuns.updatedAt, now), sql`${reconciliationRuns.mismatchCount} > 0`),
      now,
    }),
  ]);
  const row = await db.select().from(reconciliationRuns).where(and(eq(reconciliationRuns.scope, run.scope), eq(reconciliationRuns.scopeKey, run.scopeKey))).get();
  return runView(row!);
}

/** Open tickets raised by runs of this scope from this bank source. */
export const openTicketsOfScope = (db: Db, run: { scope: string; scopeKey: string; bankSource: string }) =>
  db
    .select({ id: exceptions.id, openKey: exceptions.openKey, cause: exceptions.cause })
    .from(exceptions)
    .where(
      and(
        eq(exceptions.status, "open"),
        sql`json_extract(${exceptions.details}, '$.scope') = ${run.scope}`,
        sql`json_extract(${exceptions.details}, '$.scopeKey') = ${run.scopeKey}`,
        sql`json_extract(${exceptions.details}, '$.bankSource') = ${run.bankSource}`,
      ),
    );

export async function getRun(db: Db, id: string) {
  const row = await db.select().from(reconciliationRuns).where(eq(reconciliationRuns.id, id)).get();
  if (!row) throw notFound("reconciliation_run_not_found", `Reconciliation run ${id} does not exist.`);
  return runView(row);
}

export async function getRunFor(db: Db, scope: "day" | "cycle", scopeKey: string) {
  const row = await db.select().from(reconciliationRuns).where(and(eq(reconciliationRuns.scope, scope), eq(reconciliationRuns.scopeKey, scopeKey))).get();
  return row ? runView(row) : null;
}

export async function listRuns(db: Db, filter: { scope?: "day" | "cycle" | undefined; limit: number; before?: string | undefined }) {
  const conditions: SQL[] = [];
  if (filter.scope) conditions.push(eq(reconciliationRuns.scope, filter.scope));
  if (filter.before) conditions.push(lt(reconciliationRuns.id, filter.before));
  const rows = await db
    .select()
    .from(reconciliationRuns)
    .where(allOf(conditions))
    .orderBy(desc(reconciliationRuns.updatedAt))
    .limit(filter.limit);
  return rows.map(runView);
}
