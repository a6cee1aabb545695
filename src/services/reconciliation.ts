// Post-payout reconciliation: a run gathers the three sources for a day or a cycle, classifies
// the differences (src/domain/three-way.ts), stores the result under (scope, key) and raises one
// exception per mismatch. Re-running gives the same result and, because tickets are deduplicated
// while open, no second ticket; a ticket whose mismatch the re-run no longer finds (same scope,
// same bank source) is resolved with a note naming the run.

import type { BankGateway } from "../bank/gateway";
import { DomainError } from "../domain/errors";
import { openKeyOf } from "../domain/exception-state";
import { type BankLine, reconcileThreeWay, type SystemPayout } from "../domain/three-way";
import type { Db } from "../store/client";
import { transitionException } from "../store/exceptions";
import {
  DAY_MS,
  dayStartMs,
  knownBankReferences,
  knownPayoutKeys,
  ledgerPostings,
  openTicketsOfScope,
  type ReconciliationScope,
  type RunView,
  saveRun,
  statementLinesCovering,
  systemPayouts,
} from "../store/reconciliation";

/** Bank lines for a day's payouts may be dated up to this long after the payout was created. */
const SETTLEMENT_LAG_MS = 3 * DAY_MS;

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
  const known = await knownPayoutKeys(db, foreignRefs);
  // So does a line that carries only the bank's reference (UTR) of another day's payout.
  const foreignBankRefs = relevant.filter((l) => l.reference === null && !references.has(l.bankReference)).map((l) => l.bankReference);
  const knownBank = await knownBankReferences(db, foreignBankRefs);
  const lines = relevant.filter((l) => !(l.reference && known.has(l.reference)) && !(l.reference === null && knownBank.has(l.bankReference)));
  const result = reconcileThreeWay(system, lines, await ledgerPostings(db, system.map((p) => p.payoutId)));

  const scopeKey = s.scope === "day" ? s.date : s.cycleId;
  const tickets = result.mismatches.map((m) => ({
    cause: `reconciliation_${m.class}`,
    summary: m.message,
    payoutId: m.payoutId,
    subjectKey: m.payoutId ?? `bank:${m.bankReference}`,
    details: { scope: s.scope, scopeKey, bankReference: m.bankReference, systemPaise: m.systemPaise, bankPaise: m.bankPaise, ledgerPaise: m.ledgerPaise, bankSource: bank.source },
  }));
  const saved = await saveRun(db, { scope: s.scope, scopeKey, bankSource: bank.source, result, tickets }, actorId);
  await resolveClearedTickets(db, { ...s, scopeKey, bankSource: bank.source, runId: saved.id }, new Set(tickets.map(openKeyOf)), actorId);
  return saved;
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

/** The bank's side: an imported statement when one covers the window, else the bank's API. */
async function bankLines(db: Db, gateway: BankGateway, fromMs: number, toMs: number): Promise<{ source: string; lines: Array<BankLine & { at: string }> }> {
  const fromIso = new Date(fromMs).toISOString();
  const toIso = new Date(toMs).toISOString();
  const fromStatement = await statementLinesCovering(db, fromIso, toIso);
  if (fromStatement) return { source: "statement", lines: fromStatement };
  const fromApi = await gateway.listTransactions(fromIso, toIso);
  return {
    source: `gateway:${gateway.provider}`,
    lines: fromApi.map((t) => ({ bankReference: t.bankReference, reference: t.reference, direction: t.direction, amountPaise: t.amountPaise, kind: t.kind, at: t.at })),
  };
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
  for (const ticket of await openTicketsOfScope(db, run)) {
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

