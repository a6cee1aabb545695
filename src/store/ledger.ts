// Posting to and reading from the journal. A posting is one D1 batch (one SQLite transaction):
// the transaction row, its entries, the accounts' running totals and the per-cycle totals, plus
// whatever the caller must record atomically with it. Either all of it is written or none.

import { and, asc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import { type AccountRef, type AccountType } from "../domain/accounts";
import { conflict, notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import { newId } from "../domain/ids";
import {
  assertAccountsMatch,
  assertPostable,
  canonicalTransaction,
  type EntryInput,
  reversingEntries,
  type TransactionInput,
} from "../domain/ledger";
import type { Currency } from "../domain/money";
import { commit, type Db, isUniqueViolation, nowIso, type Statements } from "./client";
import { inJson, insertManySelects, insertManyStatements, jsonChunks, tupleFields } from "./many-rows";
import { accountCycleTotals, accounts, journalEntries, journalTransactions } from "./schema";
import { allOf, keysetPage } from "./page";

/** D1 binds at most 100 parameters per statement; entries have 7 columns. */
const ENTRY_ROWS_PER_STATEMENT = 14;

export interface PostedTransaction {
  id: string;
  externalRef: string;
  kind: string;
  description: string;
  cycleId: string | null;
  orderId: string | null;
  payeeId: string | null;
  reversesTransactionId: string | null;
  metadata: Record<string, string>;
  actorId: string;
  createdAt: string;
  entries: EntryInput[];
}

export interface PostResult {
  transaction: PostedTransaction;
  /** True when the reference had already been posted with the same content: nothing new was written. */
  replayed: boolean;
}

/**
 * Posts a balanced transaction exactly once per external reference. `extra` adds statements
 * (e.g. a settlement row, an audit event) that must commit or fail together with the posting.
 */
export async function postTransaction(
  db: Db,
  input: TransactionInput,
  actorId: string,
  extra: (transactionId: string) => Statements = () => [],
): Promise<PostResult> {
  assertPostable(input);
  const contentHash = await sha256Hex(canonicalTransaction(input));

  const existing = await replayOrConflict(db, input.externalRef, contentHash);
  if (existing) return { transaction: existing, replayed: true };

  const prepared = await checkedPosting(db, input, actorId, contentHash);
  const { transaction } = prepared;
  const statements = [...prepared.statements, ...extra(transaction.id)];
  try {
    await commit(db, statements);
  } catch (error) {
    // Lost a race with an identical posting: the batch rolled back whole; answer as a replay.
    if (isUniqueViolation(error, "external_ref")) {
      const winner = await replayOrConflict(db, input.externalRef, contentHash);
      if (winner) return { transaction: winner, replayed: true };
    }
    if (isUniqueViolation(error, "reverses_transaction_id")) {
      throw conflict("already_reversed", `Transaction ${input.reversesTransactionId} has already been reversed.`);
    }
    throw error;
  }
  return { transaction, replayed: false };
}

/**
 * A checked posting's statements, for a caller that commits several transactions together (a
 * settlement and its reserve hold; the two legs of a balance carried between cycles). Nothing is
 * replayed here: the unique external reference still refuses a second posting.
 */
export async function preparePosting(db: Db, input: TransactionInput, actorId: string): Promise<{ transaction: PostedTransaction; statements: Statements }> {
  assertPostable(input);
  return checkedPosting(db, input, actorId, await sha256Hex(canonicalTransaction(input)));
}

/** The statements of a transaction already checked with assertPostable, with its content hash. */
async function checkedPosting(db: Db, input: TransactionInput, actorId: string, contentHash: string) {
  const accountIds = [...new Set(input.entries.map((e) => e.accountId))];
  const found = await db
    .select({ id: accounts.id, type: accounts.type, currency: accounts.currency })
    .from(accounts)
    .where(inArray(accounts.id, accountIds));
  assertAccountsMatch(input.entries, new Map(found.map((a) => [a.id, a as AccountRef])));
  const transaction = newPosted(input, actorId);
  return { transaction, statements: postingStatements(db, transaction, contentHash) };
}

function newPosted(input: TransactionInput, actorId: string): PostedTransaction {
  return {
    id: newId("txn"),
    externalRef: input.externalRef,
    kind: input.kind,
    description: input.description,
    cycleId: input.cycleId ?? null,
    orderId: input.orderId ?? null,
    payeeId: input.payeeId ?? null,
    reversesTransactionId: input.reversesTransactionId ?? null,
    metadata: input.metadata ?? {},
    actorId,
    createdAt: nowIso(),
    entries: input.entries,
  };
}

/** The rows a posting writes: the transaction, its entries, the running balances and the per-cycle totals. */
function postingStatements(db: Db, t: PostedTransaction, contentHash: string): Statements {
  const statements: Statements = [db.insert(journalTransactions).values(transactionRow(t, contentHash))];
  const entries = entryRows(t);
  for (let i = 0; i < entries.length; i += ENTRY_ROWS_PER_STATEMENT) statements.push(db.insert(journalEntries).values(entries.slice(i, i + ENTRY_ROWS_PER_STATEMENT)));
  for (const [accountId, totals] of totalsByAccount(t.entries)) statements.push(...balanceStatements(db, accountId, t.cycleId, totals));
  return statements;
}

function transactionRow(t: PostedTransaction, contentHash: string): typeof journalTransactions.$inferInsert {
  const { entries: _entries, ...row } = t;
  return { ...row, metadata: JSON.stringify(t.metadata), contentHash };
}

/** A transaction's entries as rows, in the order it lists them. */
function entryRows(t: PostedTransaction): Array<typeof journalEntries.$inferInsert> {
  return t.entries.map((e) => ({
    transactionId: t.id,
    accountId: e.accountId,
    direction: e.direction,
    amountPaise: e.amountPaise,
    currency: e.currency,
    cycleId: t.cycleId,
    createdAt: t.createdAt,
  }));
}

/** Per-cycle totals are read only for payee payables (what a cycle owes each payee). */
const keepsCycleTotals = (accountId: string, cycleId: string | null) => !!cycleId && accountId.startsWith("payee:") && accountId.endsWith(":payable");

type Totals = { debitsPaise: number; creditsPaise: number; count: number };

function balanceStatements(db: Db, accountId: string, cycleId: string | null, t: Totals): Statements {
  const statements: Statements = [
    db
      .update(accounts)
      .set({
        debitsPostedPaise: sql`${accounts.debitsPostedPaise} + ${t.debitsPaise}`,
        creditsPostedPaise: sql`${accounts.creditsPostedPaise} + ${t.creditsPaise}`,
        entryCount: sql`${accounts.entryCount} + ${t.count}`,
      })
      .where(eq(accounts.id, accountId)),
  ];
  if (keepsCycleTotals(accountId, cycleId)) {
    statements.push(
      db
        .insert(accountCycleTotals)
        .values({ accountId, cycleId: cycleId!, debitsPaise: t.debitsPaise, creditsPaise: t.creditsPaise })
        .onConflictDoUpdate({
          target: [accountCycleTotals.accountId, accountCycleTotals.cycleId],
          set: {
            debitsPaise: sql`${accountCycleTotals.debitsPaise} + ${t.debitsPaise}`,
            creditsPaise: sql`${accountCycleTotals.creditsPaise} + ${t.creditsPaise}`,
          },
        }),
    );
  }
  return statements;
}

// ---- many postings at once (bulk settlement) ----

/** A posting checked as postTransaction checks it, not yet written: one of many for postingsStatements. */
export interface CheckedPosting {
  transaction: PostedTransaction;
  contentHash: string;
}

/** The accounts checkPosting compares entries with (type and currency), read in one query. */
export async function accountRefs(db: Db, ids: readonly string[]): Promise<Map<string, AccountRef>> {
  if (ids.length === 0) return new Map();
  const found = await db
    .select({ id: accounts.id, type: accounts.type, currency: accounts.currency })
    .from(accounts)
    .where(inJson(accounts.id, [...new Set(ids)]));
  return new Map(found.map((a) => [a.id, a as AccountRef]));
}

/** postTransaction's checks, against accounts read beforehand with accountRefs. */
export async function checkPosting(input: TransactionInput, actorId: string, refs: ReadonlyMap<string, AccountRef>): Promise<CheckedPosting> {
  assertPostable(input);
  assertAccountsMatch(input.entries, refs);
  return { transaction: newPosted(input, actorId), contentHash: await sha256Hex(canonicalTransaction(input)) };
}

/**
 * Many checked postings in a handful of statements, to commit in one batch: each posting's
 * transaction and entry rows exactly as postTransaction writes them, and the running balances and
 * per-cycle totals summed per account, so a thousand postings to one account update it once.
 * The unique external reference still refuses a second posting of any of them.
 */
export function postingsStatements(db: Db, postings: readonly CheckedPosting[]): Statements {
  const balances = new Map<string, Totals>();
  const cycles = new Map<string, { accountId: string; cycleId: string; totals: Totals }>();
  for (const { transaction: t } of postings) {
    for (const [accountId, totals] of totalsByAccount(t.entries)) {
      const balance = balances.get(accountId) ?? noTotals();
      balances.set(accountId, addTotals(balance, totals));
      if (!keepsCycleTotals(accountId, t.cycleId)) continue;
      const key = JSON.stringify([accountId, t.cycleId]);
      const cycle = cycles.get(key) ?? { accountId, cycleId: t.cycleId!, totals: noTotals() };
      cycles.set(key, { ...cycle, totals: addTotals(cycle.totals, totals) });
    }
  }
  const balanceTuples = [...balances].map(([accountId, t]) => [accountId, t.debitsPaise, t.creditsPaise, t.count]);
  const cycleRows = [...cycles.values()].map((c) => ({ accountId: c.accountId, cycleId: c.cycleId, debitsPaise: c.totals.debitsPaise, creditsPaise: c.totals.creditsPaise }));
  return [
    ...insertManyStatements(db, journalTransactions, postings.map((p) => transactionRow(p.transaction, p.contentHash))),
    ...insertManyStatements(db, journalEntries, postings.flatMap((p) => entryRows(p.transaction))),
    ...jsonChunks(balanceTuples).map((json) =>
      db
        .update(accounts)
        .set({
          debitsPostedPaise: sql`${accounts.debitsPostedPaise} + d.debits`,
          creditsPostedPaise: sql`${accounts.creditsPostedPaise} + d.credits`,
          entryCount: sql`${accounts.entryCount} + d.entries`,
        })
        .from(sql`(SELECT ${tupleFields(["id", "debits", "credits", "entries"])} FROM json_each(${json})) AS d`)
        .where(sql`${accounts.id} = d.id`),
    ),
    ...insertManySelects(db, accountCycleTotals, cycleRows).map((insert) =>
      insert.onConflictDoUpdate({
        target: [accountCycleTotals.accountId, accountCycleTotals.cycleId],
        set: { debitsPaise: sql`${accountCycleTotals.debitsPaise} + excluded.debits_paise`, creditsPaise: sql`${accountCycleTotals.creditsPaise} + excluded.credits_paise` },
      }),
    ),
  ];
}

async function replayOrConflict(db: Db, externalRef: string, contentHash: string) {
  const row = await db.select().from(journalTransactions).where(eq(journalTransactions.externalRef, externalRef)).get();
  if (!row) return null;
  if (row.contentHash !== contentHash) {
    throw conflict(
      "external_ref_conflict",
      `External reference ${externalRef} was already posted with different content.`,
      { externalRef, transactionId: row.id },
    );
  }
  return withEntries(db, row);
}

const noTotals = (): Totals => ({ debitsPaise: 0, creditsPaise: 0, count: 0 });
const addTotals = (a: Totals, b: Totals): Totals => ({ debitsPaise: a.debitsPaise + b.debitsPaise, creditsPaise: a.creditsPaise + b.creditsPaise, count: a.count + b.count });

function totalsByAccount(entries: readonly EntryInput[]) {
  const totals = new Map<string, Totals>();
  for (const e of entries) {
    const t = totals.get(e.accountId) ?? noTotals();
    if (e.direction === "debit") t.debitsPaise += e.amountPaise;
    else t.creditsPaise += e.amountPaise;
    t.count += 1;
    totals.set(e.accountId, t);
  }
  return totals;
}

type TransactionRow = typeof journalTransactions.$inferSelect;

async function withEntries(db: Db, row: TransactionRow): Promise<PostedTransaction> {
  const entries = await db
    .select()
    .from(journalEntries)
    .where(eq(journalEntries.transactionId, row.id))
    .orderBy(asc(journalEntries.id));
  return {
    id: row.id,
    externalRef: row.externalRef,
    kind: row.kind,
    description: row.description,
    cycleId: row.cycleId,
    orderId: row.orderId,
    payeeId: row.payeeId,
    reversesTransactionId: row.reversesTransactionId,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    actorId: row.actorId,
    createdAt: row.createdAt,
    entries: entries.map((e) => ({
      accountId: e.accountId,
      direction: e.direction,
      amountPaise: e.amountPaise,
      currency: e.currency as Currency,
    })),
  };
}

export async function getTransaction(db: Db, id: string): Promise<PostedTransaction> {
  const row = await db.select().from(journalTransactions).where(eq(journalTransactions.id, id)).get();
  if (!row) throw notFound("transaction_not_found", `Transaction ${id} does not exist.`);
  return withEntries(db, row);
}

export async function getTransactionByRef(db: Db, externalRef: string): Promise<PostedTransaction | null> {
  const row = await db.select().from(journalTransactions).where(eq(journalTransactions.externalRef, externalRef)).get();
  return row ? withEntries(db, row) : null;
}

/** Posts the mirror image of a transaction, linked to it. A transaction is reversed at most once. */
export async function reverseTransaction(db: Db, originalId: string, reason: string, actorId: string, extra?: (id: string) => Statements) {
  const original = await getTransaction(db, originalId);
  const earlier = await db.select().from(journalTransactions).where(eq(journalTransactions.reversesTransactionId, originalId)).get();
  if (earlier && earlier.description !== `Reversal of ${original.id}: ${reason}`) {
    throw conflict("already_reversed", `Transaction ${originalId} has already been reversed by ${earlier.id}.`, { reversalId: earlier.id });
  }
  return postTransaction(
    db,
    {
      externalRef: `reversal:${original.id}`,
      kind: "reversal",
      description: `Reversal of ${original.id}: ${reason}`,
      entries: reversingEntries(original.entries),
      cycleId: original.cycleId,
      orderId: original.orderId,
      payeeId: original.payeeId,
      reversesTransactionId: original.id,
    },
    actorId,
    extra,
  );
}

export type AccountRow = typeof accounts.$inferSelect;

export async function getAccount(db: Db, id: string): Promise<AccountRow> {
  const row = await db.select().from(accounts).where(eq(accounts.id, id)).get();
  if (!row) throw notFound("account_not_found", `Account ${id} does not exist.`);
  return row;
}

export async function listAccounts(db: Db, filter: { after?: string; type?: AccountType; limit: number }) {
  const conditions: SQL[] = [];
  if (filter.after) conditions.push(gt(accounts.id, filter.after));
  if (filter.type) conditions.push(eq(accounts.type, filter.type));
  return keysetPage(filter.limit, (n) => db.select().from(accounts).where(allOf(conditions)).orderBy(asc(accounts.id)).limit(n));
}

export async function listEntries(db: Db, accountId: string, filter: { after?: number; limit: number }) {
  await getAccount(db, accountId);
  const conditions: SQL[] = [eq(journalEntries.accountId, accountId)];
  if (filter.after !== undefined) conditions.push(gt(journalEntries.id, filter.after));
  const read = (n: number) =>
    db
    .select({
      id: journalEntries.id,
      transactionId: journalEntries.transactionId,
      externalRef: journalTransactions.externalRef,
      kind: journalTransactions.kind,
      direction: journalEntries.direction,
      amountPaise: journalEntries.amountPaise,
      currency: journalEntries.currency,
      cycleId: journalEntries.cycleId,
      createdAt: journalEntries.createdAt,
    })
    .from(journalEntries)
    .innerJoin(journalTransactions, eq(journalTransactions.id, journalEntries.transactionId))
    .where(and(...conditions))
    .orderBy(asc(journalEntries.id))
    .limit(n);
  return keysetPage(filter.limit, read);
}

/** Every account's posted totals; debits and credits over all accounts must be equal. */
export async function trialBalance(db: Db) {
  const rows = await db.select().from(accounts).orderBy(asc(accounts.id));
  const byCurrency = new Map<string, { debitsPaise: number; creditsPaise: number }>();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { debitsPaise: 0, creditsPaise: 0 };
    t.debitsPaise += r.debitsPostedPaise;
    t.creditsPaise += r.creditsPostedPaise;
    byCurrency.set(r.currency, t);
  }
  const totals = [...byCurrency].map(([currency, t]) => ({
    currency,
    ...t,
    differencePaise: t.debitsPaise - t.creditsPaise,
  }));
  return {
    balanced: totals.every((t) => t.differencePaise === 0),
    totals,
    accounts: rows.filter((r) => r.entryCount > 0),
  };
}

/** A payee payable account's net credit for one cycle: what the cycle still owes that payee. */
export async function cycleBalancePaise(db: Db, accountId: string, cycleId: string): Promise<number> {
  const row = await db
    .select()
    .from(accountCycleTotals)
    .where(and(eq(accountCycleTotals.accountId, accountId), eq(accountCycleTotals.cycleId, cycleId)))
    .get();
  return row ? row.creditsPaise - row.debitsPaise : 0;
}
