// Post-payout reconciliation runs and bank statement imports. A run gathers the three sources
// for a day or a cycle, classifies the differences (src/domain/three-way.ts), stores the result
// under (scope, key) and raises one exception per mismatch. Re-running gives the same result and,
// because tickets are deduplicated while open, no second ticket; a ticket whose mismatch the
// re-run no longer finds (same scope, same bank source) is resolved with a note naming the run.

import { and, asc, desc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { BankGateway } from "../bank/gateway";
import { DomainError, notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import { newId } from "../domain/ids";
import { type CsvColumnMapping, statementParser, type STATEMENT_FORMATS } from "../domain/statement";
import { type BankLine, type LedgerPosting, reconcileThreeWay, type SystemPayout, type ThreeWayResult } from "../domain/three-way";
import { auditStatement } from "./audit";
import { commit, type Db, inChunks, isUniqueViolation, nowIso, type Statements } from "./client";
import { openKeyOf } from "../domain/exception-state";
import { raiseExceptionStatements, transitionException } from "./exceptions";
import { inCycle } from "./payouts";
import { bankStatementLines, bankStatements, exceptions, journalEntries, journalTransactions, payouts, reconciliationRuns } from "./schema";

const DAY_MS = 86_400_000;
/** Bank lines for a day's payouts may be dated up to this long after the payout was created. */
const SETTLEMENT_LAG_MS = 3 * DAY_MS;
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

async function systemPayouts(db: Db, s: ReconciliationScope): Promise<Array<SystemPayout & { createdAt: string }>> {
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

/** The window of bank activity that can belong to these payouts. */
function bankWindow(s: ReconciliationScope, system: Array<SystemPayout & { createdAt?: string }>): { fromMs: number; toMs: number; ownFromMs: number; ownToMs: number } {
  if (s.scope === "day") {
    const start = dayStartMs(s.date);
    return { fromMs: start, toMs: start + DAY_MS + SETTLEMENT_LAG_MS, ownFromMs: start, ownToMs: start + DAY_MS };
  }
  const created = system.map((p) => Date.parse(p.createdAt ?? "")).filter((t) => !Number.isNaN(t));
  // Statements date lines by day (00:00), so a payout's debit can be dated before the moment it
  // was created: start at the beginning of the first payout's day.
  const from = created.length ? Math.floor(Math.min(...created) / DAY_MS) * DAY_MS : Date.now();
  const to = created.length ? Math.max(...created) + SETTLEMENT_LAG_MS : Date.now();
  // A cycle cannot own an unexplained debit: unknown debits are the day run's to report.
  return { fromMs: from, toMs: to, ownFromMs: 0, ownToMs: 0 };
}

async function bankLines(db: Db, gateway: BankGateway, fromMs: number, toMs: number): Promise<{ source: string; lines: Array<BankLine & { at: string }> }> {
  const fromIso = new Date(fromMs).toISOString();
  const toIso = new Date(toMs).toISOString();
  // A statement is the bank's record only if one covers the start of the window; a partial one
  // (lines of the next day, say) would make the whole day look missing at the bank.
  const covering = await db
    .select({ id: bankStatements.id })
    .from(bankStatements)
    .where(and(lte(bankStatements.fromAt, fromIso), gte(bankStatements.toAt, fromIso)))
    .limit(1)
    .get();
  const fromStatements = covering
    ? await db
        .select()
        .from(bankStatementLines)
        .where(and(gte(bankStatementLines.at, fromIso), lt(bankStatementLines.at, toIso)))
        .orderBy(asc(bankStatementLines.id))
    : [];
  if (fromStatements.length > 0) {
    return {
      source: "statement",
      lines: fromStatements.map((l) => ({ bankReference: l.bankReference, reference: l.reference, direction: l.direction, amountPaise: l.amountPaise, kind: l.kind, at: l.at })),
    };
  }
  const fromApi = await gateway.listTransactions(fromIso, toIso);
  return {
    source: `gateway:${gateway.provider}`,
    lines: fromApi.map((t) => ({ bankReference: t.bankReference, reference: t.reference, direction: t.direction, amountPaise: t.amountPaise, kind: t.kind, at: t.at })),
  };
}

async function ledgerPostings(db: Db, payoutIds: readonly string[]): Promise<LedgerPosting[]> {
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

export async function runReconciliation(db: Db, gateway: BankGateway, s: ReconciliationScope, actorId: string): Promise<RunView> {
  const system = await systemPayouts(db, s);
  const window = bankWindow(s, system);
  const bank = await bankLines(db, gateway, window.fromMs, window.toMs);
  const references = new Set(system.flatMap((p) => [p.reference, p.bankReference ?? ""]));
  // Lines outside this scope's own window only count when they belong to one of its payouts.
  const relevant = bank.lines.filter((l) => {
    const t = Date.parse(l.at);
    const own = t >= window.ownFromMs && t < window.ownToMs;
    const ours = (l.reference !== null && references.has(l.reference)) || references.has(l.bankReference);
    return ours || own;
  });
  // A line that names a payout of another day belongs to that day's run, not to "unknown".
  const foreignRefs = relevant.filter((l) => l.reference && !references.has(l.reference)).map((l) => l.reference!);
  const known = new Set(
    (await inChunks(foreignRefs, (chunk) => db.select({ key: payouts.idempotencyKey }).from(payouts).where(inArray(payouts.idempotencyKey, chunk)))).map((r) => r.key),
  );
  // So does a line that carries only the bank's reference (UTR) of another day's payout.
  const foreignBankRefs = relevant.filter((l) => l.reference === null && !references.has(l.bankReference)).map((l) => l.bankReference);
  const knownBank = new Set(
    (await inChunks(foreignBankRefs, (chunk) => db.select({ bankReference: payouts.bankReference }).from(payouts).where(inArray(payouts.bankReference, chunk)))).map(
      (r) => r.bankReference,
    ),
  );
  const lines = relevant.filter((l) => !(l.reference && known.has(l.reference)) && !(l.reference === null && knownBank.has(l.bankReference)));
  const result = reconcileThreeWay(system, lines, await ledgerPostings(db, system.map((p) => p.payoutId)));

  const scopeKey = s.scope === "day" ? s.date : s.cycleId;
  const now = nowIso();
  const totals = JSON.stringify({ ...result.totals, balanced: result.balanced });
  const mismatches = JSON.stringify(result.mismatches);
  const statements: Statements = [
    db
      .insert(reconciliationRuns)
      .values({ id: newId("rec"), scope: s.scope, scopeKey, bankSource: bank.source, totals, mismatches, mismatchCount: result.mismatches.length, actorId, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({
        target: [reconciliationRuns.scope, reconciliationRuns.scopeKey],
        set: { bankSource: bank.source, totals, mismatches, mismatchCount: result.mismatches.length, actorId, updatedAt: now, runCount: sql`${reconciliationRuns.runCount} + 1` },
      }),
  ];
  const found = new Set<string>();
  for (const m of result.mismatches) {
    const ticket = {
      cause: `reconciliation_${m.class}`,
      summary: m.message,
      payoutId: m.payoutId,
      subjectKey: m.payoutId ?? `bank:${m.bankReference}`,
      details: { scope: s.scope, scopeKey, bankReference: m.bankReference, systemPaise: m.systemPaise, bankPaise: m.bankPaise, ledgerPaise: m.ledgerPaise, bankSource: bank.source },
    };
    found.add(openKeyOf(ticket));
    statements.push(...raiseExceptionStatements(db, ticket));
  }
  await commit(db, statements);
  const row = await db.select().from(reconciliationRuns).where(and(eq(reconciliationRuns.scope, s.scope), eq(reconciliationRuns.scopeKey, scopeKey))).get();
  await resolveClearedTickets(db, { ...s, scopeKey, bankSource: bank.source, runId: row!.id }, found, actorId);
  return runView(row!);
}

/**
 * Resolves the open tickets an earlier run of this scope raised for mismatches this run no longer
 * finds: the poller settled the payout, the late statement arrived, someone corrected the record.
 * Only tickets raised from the same bank source (a mismatch seen in a statement is not cleared by
 * the bank API's view), and only open ones: a ticket someone has taken is theirs to close.
 */
async function resolveClearedTickets(
  db: Db,
  run: { scope: string; scopeKey: string; bankSource: string; runId: string },
  stillFound: Set<string>,
  actorId: string,
) {
  const raised = await db
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
  for (const ticket of raised) {
    if (!ticket.cause.startsWith("reconciliation_") || ticket.openKey === null || stillFound.has(ticket.openKey)) continue;
    const note = `Cleared by reconciliation run ${run.runId} (${run.scope} ${run.scopeKey}, bank source: ${run.bankSource}): it no longer finds ${ticket.cause.replace(/^reconciliation_/, "")} here.`;
    try {
      await transitionException(db, ticket.id, "resolved", note, actorId);
    } catch (error) {
      // Someone moved the ticket meanwhile: what they did stands.
      if (!(error instanceof DomainError && error.kind === "conflict")) throw error;
    }
  }
}

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
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(reconciliationRuns.updatedAt))
    .limit(filter.limit);
  return rows.map(runView);
}
