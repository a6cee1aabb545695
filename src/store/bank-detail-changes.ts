// Bank details changes in SQL: requesting one (superseding any still pending), approving it
// (its details become the payee's, payable from the end of the cooling-off) and rejecting it.
// Each write carries its audit event and its outbound event in the same atomic batch, and is
// conditioned on the payee's version, so two concurrent decisions cannot both take effect.

import { and, desc, eq, ne, sql, type SQL } from "drizzle-orm";
import type { BankDetails } from "../domain/payees";
import { maskedBankDetails } from "../domain/payees";
import type { EventType } from "../domain/events";
import { conditionalAuditStatement } from "./audit";
import { conditionalEventStatement, rowEventStatement } from "./events";
import { commit, type Db, type Statements } from "./client";
import { bankDetailChanges, payees } from "./schema";

export type BankChangeRow = typeof bankDetailChanges.$inferSelect;
type PayeeRow = typeof payees.$inferSelect;

export const changeDetailsOf = (row: BankChangeRow): BankDetails | null =>
  row.accountNumber === null || row.ifsc === null || row.accountHolderName === null
    ? null
    : { accountNumber: row.accountNumber, ifsc: row.ifsc, accountHolderName: row.accountHolderName };

const bankOf = (p: PayeeRow): BankDetails | null =>
  p.bankAccountNumber === null || p.bankIfsc === null || p.bankAccountHolderName === null ? null : { accountNumber: p.bankAccountNumber, ifsc: p.bankIfsc, accountHolderName: p.bankAccountHolderName };

/** A change as people and receivers may see it: accounts masked, with the contact on file before it. */
export function bankChangeView(row: BankChangeRow) {
  return {
    id: row.id,
    payeeId: row.payeeId,
    status: row.status,
    bankDetails: maskedBankDetails(changeDetailsOf(row)),
    previousBankDetails: row.previousDetails === null ? null : (JSON.parse(row.previousDetails) as ReturnType<typeof maskedBankDetails>),
    contactOnFile: { email: row.previousEmail },
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
    decisionNote: row.decisionNote,
    payableFrom: row.payableFrom,
  };
}
export type BankChangeView = ReturnType<typeof bankChangeView>;

/** A new pending change for a payee whose row (before the request) is `before`. */
export function newChangeRow(id: string, before: PayeeRow, details: BankDetails | null, actorId: string, now: string): BankChangeRow {
  const current = bankOf(before);
  return {
    id,
    payeeId: before.id,
    status: "pending",
    accountNumber: details?.accountNumber ?? null,
    ifsc: details?.ifsc ?? null,
    accountHolderName: details?.accountHolderName ?? null,
    previousDetails: current === null ? null : JSON.stringify(maskedBankDetails(current)),
    previousEmail: before.email,
    requestedBy: actorId,
    requestedAt: now,
    decidedBy: null,
    decidedAt: null,
    decisionNote: null,
    payableFrom: null,
  };
}

const payeeIsAt = (payeeId: string, version: number, pendingChangeId: string | null): SQL =>
  sql`EXISTS (SELECT 1 FROM ${payees} WHERE ${payees.id} = ${payeeId} AND ${payees.version} = ${version} AND ${pendingChangeId === null ? sql`${payees.pendingBankChangeId} IS NULL` : sql`${payees.pendingBankChangeId} = ${pendingChangeId}`})`;

const changeIs = (changeId: string, status: string, decidedAt: string): SQL =>
  sql`EXISTS (SELECT 1 FROM ${bankDetailChanges} WHERE ${bankDetailChanges.id} = ${changeId} AND ${bankDetailChanges.status} = ${status} AND ${bankDetailChanges.decidedAt} = ${decidedAt})`;

function trail(db: Db, type: EventType, action: string, change: BankChangeRow, actorId: string, condition: SQL, now: string): Statements {
  const data = bankChangeView(change);
  return [
    conditionalAuditStatement(db, { actorId, action, subjectType: "payee", subjectId: change.payeeId, details: { change: data } }, condition),
    conditionalEventStatement(db, { type, subject: "payee", subjectId: change.payeeId, data, now }, condition),
  ];
}

/**
 * What a request writes after the statement that moves the payee to `payeeVersion` and points it
 * at the change: the earlier pending change superseded, the change, its audit and its event, all
 * only if that payee update happened.
 */
export function requestChangeStatements(db: Db, change: BankChangeRow, payeeVersion: number, now: string): Statements {
  const applied = payeeIsAt(change.payeeId, payeeVersion, change.id);
  return [
    db
      .update(bankDetailChanges)
      .set({ status: "superseded", decidedAt: now, decisionNote: `Superseded by ${change.id}` })
      .where(and(eq(bankDetailChanges.payeeId, change.payeeId), eq(bankDetailChanges.status, "pending"), ne(bankDetailChanges.id, change.id), applied)),
    db.insert(bankDetailChanges).select(
      db
        .select({
          id: sql`${change.id}`.as("id"),
          payeeId: sql`${change.payeeId}`.as("payee_id"),
          status: sql`${change.status}`.as("status"),
          accountNumber: sql`${change.accountNumber}`.as("account_number"),
          ifsc: sql`${change.ifsc}`.as("ifsc"),
          accountHolderName: sql`${change.accountHolderName}`.as("account_holder_name"),
          previousDetails: sql`${change.previousDetails}`.as("previous_details"),
          previousEmail: sql`${change.previousEmail}`.as("previous_email"),
          requestedBy: sql`${change.requestedBy}`.as("requested_by"),
          requestedAt: sql`${change.requestedAt}`.as("requested_at"),
          decidedBy: sql`NULL`.as("decided_by"),
          decidedAt: sql`NULL`.as("decided_at"),
          decisionNote: sql`NULL`.as("decision_note"),
          payableFrom: sql`NULL`.as("payable_from"),
        })
        .from(sql`(SELECT 1)`)
        .where(applied),
    ),
    ...trail(db, "payee.bank_details_change_requested", "payee.bank_details_change_requested", change, change.requestedBy, applied, now),
  ];
}

export interface Decision {
  actorId: string;
  at: string;
  note: string;
}

/**
 * Approves a pending change: its details become the payee's (unverified until checked), payable
 * from `payableFrom`. With `paysOld`, the details in force until now are kept so they can still
 * be paid through the cooling-off. False when the payee or the change moved meanwhile.
 */
export async function approveChange(db: Db, payee: PayeeRow, change: BankChangeRow, decision: Decision, payableFrom: string): Promise<boolean> {
  const details = changeDetailsOf(change);
  const old =
    payee.bankChangePaysOld && payee.bankAccountNumber !== null
      ? JSON.stringify({ accountNumber: payee.bankAccountNumber, ifsc: payee.bankIfsc, accountHolderName: payee.bankAccountHolderName, verificationStatus: payee.bankVerificationStatus })
      : null;
  const approved = changeIs(change.id, "approved", decision.at);
  const [updated] = await commit(db, [
    db
      .update(bankDetailChanges)
      .set({ status: "approved", decidedBy: decision.actorId, decidedAt: decision.at, decisionNote: decision.note, payableFrom })
      .where(and(eq(bankDetailChanges.id, change.id), eq(bankDetailChanges.status, "pending"), payeeIsAt(payee.id, payee.version, change.id))),
    db
      .update(payees)
      .set({
        bankAccountNumber: details?.accountNumber ?? null,
        bankIfsc: details?.ifsc ?? null,
        bankAccountHolderName: details?.accountHolderName ?? null,
        bankVerificationStatus: "unverified",
        bankVerification: null,
        bankDetailsUpdatedAt: decision.at,
        bankDetailsChangeId: change.id,
        bankDetailsPayableFrom: payableFrom,
        pendingBankChangeId: null,
        previousBankDetails: old,
        version: payee.version + 1,
        updatedAt: decision.at,
      })
      .where(and(eq(payees.id, payee.id), eq(payees.version, payee.version), eq(payees.pendingBankChangeId, change.id), approved)),
    ...trail(db, "payee.bank_details_change_approved", "payee.bank_details_change_approved", { ...change, status: "approved", decidedBy: decision.actorId, decidedAt: decision.at, decisionNote: decision.note, payableFrom }, decision.actorId, approved, decision.at),
    // The payee's details in force changed: the audit event and the event receivers already know.
    conditionalAuditStatement(
      db,
      { actorId: decision.actorId, action: "payee.bank_details_changed", subjectType: "payee", subjectId: payee.id, details: { changeId: change.id, from: maskedBankDetails(bankOf(payee)), to: maskedBankDetails(details), payableFrom } },
      approved,
    ),
    rowEventStatement(db, { type: "payee.bank_details_changed", subject: "payee", table: payees, id: payees.id, where: and(eq(payees.id, payee.id), eq(payees.bankDetailsChangeId, change.id), eq(payees.version, payee.version + 1)), now: decision.at }),
  ]);
  return (updated as { meta: { changes: number } }).meta.changes === 1;
}

/** Rejects a pending change: the payee's details stay as they are. False when something moved meanwhile. */
export async function rejectChange(db: Db, payee: PayeeRow, change: BankChangeRow, decision: Decision): Promise<boolean> {
  const rejected = changeIs(change.id, "rejected", decision.at);
  const [updated] = await commit(db, [
    db
      .update(bankDetailChanges)
      .set({ status: "rejected", decidedBy: decision.actorId, decidedAt: decision.at, decisionNote: decision.note })
      .where(and(eq(bankDetailChanges.id, change.id), eq(bankDetailChanges.status, "pending"), payeeIsAt(payee.id, payee.version, change.id))),
    db
      .update(payees)
      .set({ pendingBankChangeId: null, version: payee.version + 1, updatedAt: decision.at })
      .where(and(eq(payees.id, payee.id), eq(payees.version, payee.version), eq(payees.pendingBankChangeId, change.id), rejected)),
    ...trail(db, "payee.bank_details_change_rejected", "payee.bank_details_change_rejected", { ...change, status: "rejected", decidedBy: decision.actorId, decidedAt: decision.at, decisionNote: decision.note }, decision.actorId, rejected, decision.at),
  ]);
  return (updated as { meta: { changes: number } }).meta.changes === 1;
}

export const getChange = (db: Db, payeeId: string, changeId: string) =>
  db.select().from(bankDetailChanges).where(and(eq(bankDetailChanges.id, changeId), eq(bankDetailChanges.payeeId, payeeId))).get();

export const changesOfPayee = (db: Db, payeeId: string, limit: number) =>
  db.select().from(bankDetailChanges).where(eq(bankDetailChanges.payeeId, payeeId)).orderBy(desc(bankDetailChanges.requestedAt), desc(bankDetailChanges.id)).limit(limit);
