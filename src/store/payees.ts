// Payees and their bank details. A payee and its payable account are created together.

import { rowEventStatement } from "./events";
import { and, asc, eq, gt, inArray, type SQL } from "drizzle-orm";
import { payableAccountId, reserveAccountId } from "../domain/accounts";
import { conflict, notFound } from "../domain/errors";
import { newId } from "../domain/ids";
import type { Currency } from "../domain/money";
import {
  type BankDetails,
  bankDetailsEqual,
  maskAccountNumber,
  maskedBankDetails,
  type PayeeType,
  type VerificationStatus,
} from "../domain/payees";
import { assertTaxIdentity } from "../domain/tax-ids";
import { type PayableBank, payableBank, type PayeeBankState } from "../domain/bank-detail-changes";
import { auditStatement } from "./audit";
import { commit, type Db, inChunks, isUniqueViolation, nowIso } from "./client";
import { accounts, payees } from "./schema";
import { newChangeRow, requestChangeStatements } from "./bank-detail-changes";
import { allOf, keysetPage } from "./page";

export type PayeeRow = typeof payees.$inferSelect;

export function bankDetailsOf(row: PayeeRow): BankDetails | null {
  if (row.bankAccountNumber === null || row.bankIfsc === null || row.bankAccountHolderName === null) return null;
  return { accountNumber: row.bankAccountNumber, ifsc: row.bankIfsc, accountHolderName: row.bankAccountHolderName };
}

/** What the row says about its bank details, for the domain's rule on which may be paid now. */
export const bankStateOf = (row: PayeeRow): PayeeBankState => ({
  bank: bankDetailsOf(row),
  verificationStatus: row.bankVerificationStatus,
  payableFrom: row.bankDetailsPayableFrom,
  pendingChangeId: row.pendingBankChangeId,
  paysOldDetails: row.bankChangePaysOld,
  previous: row.previousBankDetails === null ? null : (JSON.parse(row.previousBankDetails) as PayeeBankState["previous"]),
});

/** The details a payout to this payee may be sent to at `now`, or why its payouts are held (four eyes). */
export const payableBankOf = (row: PayeeRow, now: string): PayableBank => payableBank(bankStateOf(row), now);

const auditBank = maskedBankDetails;

export interface NewPayee {
  type: PayeeType;
  displayName: string;
  email?: string | undefined;
  externalId?: string | undefined;
  currency: Currency;
  bankDetails?: BankDetails | undefined;
  legalName?: string | undefined;
  pan?: string | undefined;
  gstin?: string | undefined;
}

/**
 * Creates a payee. Its bank details, if given, are not yet its own: they are a pending change
 * (store/bank-detail-changes.ts) that someone other than `actorId` must approve.
 */
export async function createPayee(db: Db, input: NewPayee, actorId: string): Promise<PayeeRow> {
  assertTaxIdentity({ legalName: input.legalName ?? null, pan: input.pan ?? null, gstin: input.gstin ?? null });
  const id = newId("pe");
  const now = nowIso();
  const changeId = input.bankDetails ? newId("bdc") : null;
  const row: PayeeRow = {
    id,
    type: input.type,
    displayName: input.displayName,
    email: input.email ?? null,
    externalId: input.externalId ?? null,
    bankAccountNumber: null,
    bankIfsc: null,
    bankAccountHolderName: null,
    bankVerificationStatus: "unverified",
    bankDetailsUpdatedAt: null,
    bankDetailsChangeId: null,
    bankDetailsPayableFrom: null,
    pendingBankChangeId: changeId,
    bankChangePaysOld: false,
    previousBankDetails: null,
    bankVerification: null,
    legalName: input.legalName ?? null,
    pan: input.pan ?? null,
    gstin: input.gstin ?? null,
    payableAccountId: payableAccountId(id),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await commit(db, [
      db.insert(payees).values(row),
      db.insert(accounts).values({
        id: row.payableAccountId,
        name: `Payable to ${input.displayName}`,
        type: "liability",
        currency: input.currency,
        payeeId: id,
        createdAt: now,
      }),
      db.insert(accounts).values({
        id: reserveAccountId(id),
        name: `Rolling reserve of ${input.displayName}`,
        type: "liability",
        currency: input.currency,
        payeeId: id,
        createdAt: now,
      }),
      auditStatement(db, {
        actorId,
        action: "payee.created",
        subjectType: "payee",
        subjectId: id,
        details: { type: input.type, displayName: input.displayName, bankDetailsRequested: auditBank(input.bankDetails ?? null), changeId },
      }),
      ...(changeId ? requestChangeStatements(db, newChangeRow(changeId, row, input.bankDetails!, actorId, now), row.version, now) : []),
    ]);
  } catch (error) {
    if (isUniqueViolation(error, "external_id")) {
      throw conflict("external_id_taken", `A payee with externalId ${input.externalId} already exists.`);
    }
    throw error;
  }
  return row;
}

/** Display names by payee id, for pages that list payees. */
export async function payeeNames(db: Db, ids: readonly string[]): Promise<Record<string, string>> {
  const rows = await inChunks([...new Set(ids)], (chunk) => db.select({ id: payees.id, name: payees.displayName }).from(payees).where(inArray(payees.id, chunk)));
  return Object.fromEntries(rows.map((p) => [p.id, p.name]));
}

export async function getPayeeRow(db: Db, id: string): Promise<PayeeRow> {
  const row = await db.select().from(payees).where(eq(payees.id, id)).get();
  if (!row) throw notFound("payee_not_found", `Payee ${id} does not exist.`);
  return row;
}

export async function listPayees(db: Db, filter: { after?: string; externalId?: string; type?: PayeeType; limit: number }) {
  const conditions: SQL[] = [];
  if (filter.after) conditions.push(gt(payees.id, filter.after));
  if (filter.externalId) conditions.push(eq(payees.externalId, filter.externalId));
  if (filter.type) conditions.push(eq(payees.type, filter.type));
  return keysetPage(filter.limit, (n) => db.select().from(payees).where(allOf(conditions)).orderBy(asc(payees.id)).limit(n));
}

export interface PayeeChanges {
  displayName?: string | undefined;
  email?: string | null | undefined;
  bankDetails?: BankDetails | null | undefined;
  legalName?: string | null | undefined;
  pan?: string | null | undefined;
  gstin?: string | null | undefined;
}

/**
 * Applies changes with optimistic concurrency on `version`. New bank details do not change the
 * payee's details: they become a pending change that someone else must approve (four eyes), and
 * `paysOldDetails` says whether the details in force are still paid until the change is payable.
 */
export async function updatePayee(db: Db, id: string, changes: PayeeChanges, actorId: string, paysOldDetails = false): Promise<PayeeRow> {
  const before = await getPayeeRow(db, id);
  const now = nowIso();
  const oldBank = bankDetailsOf(before);
  const bankChanged = changes.bankDetails !== undefined && !(bankDetailsEqual(oldBank, changes.bankDetails) && before.pendingBankChangeId === null);
  const changeId = bankChanged ? newId("bdc") : null;
  const after: PayeeRow = {
    ...before,
    displayName: changes.displayName ?? before.displayName,
    email: changes.email === undefined ? before.email : changes.email,
    legalName: changes.legalName === undefined ? before.legalName : changes.legalName,
    pan: changes.pan === undefined ? before.pan : changes.pan,
    gstin: changes.gstin === undefined ? before.gstin : changes.gstin,
    ...(changeId ? { pendingBankChangeId: changeId, bankChangePaysOld: paysOldDetails } : {}),
    version: before.version + 1,
    updatedAt: now,
  };
  const changed: Record<string, unknown> = {};
  if (after.displayName !== before.displayName) changed.displayName = { from: before.displayName, to: after.displayName };
  if (after.email !== before.email) changed.email = { from: before.email, to: after.email };
  for (const field of ["legalName", "pan", "gstin"] as const) {
    if (after[field] !== before[field]) changed[field] = { from: before[field], to: after[field] };
  }
  if (changed.legalName || changed.pan || changed.gstin) assertTaxIdentity({ legalName: after.legalName, pan: after.pan, gstin: after.gstin });
  const bankRequest = changeId ? newChangeRow(changeId, before, changes.bankDetails ?? null, actorId, now) : null;
  if (Object.keys(changed).length === 0 && bankRequest === null) return before;

  const [result] = await commit(db, [
    db
      .update(payees)
      .set(after)
      .where(and(eq(payees.id, id), eq(payees.version, before.version))),
    ...(Object.keys(changed).length > 0 ? [auditStatement(db, { actorId, action: "payee.updated", subjectType: "payee", subjectId: id, details: changed })] : []),
    ...(bankRequest ? requestChangeStatements(db, bankRequest, after.version, now) : []),
  ]);
  if (result.meta.changes !== 1) {
    throw conflict("concurrent_update", "The payee changed while this update was being applied; read it again and retry.");
  }
  return after;
}

/** What a verification found: the name the bank returned, its match score, and any override. */
export interface VerificationEvidence {
  bankAccountName: string | null;
  nameMatchScore: number | null;
  threshold: number;
  override: { by: string; reason: string } | null;
}

export async function setVerification(
  db: Db,
  before: PayeeRow,
  status: Exclude<VerificationStatus, "unverified">,
  note: string | undefined,
  evidence: VerificationEvidence,
  actorId: string,
): Promise<PayeeRow> {
  const id = before.id;
  const now = nowIso();
  const bankVerification = JSON.stringify({ ...evidence, status, by: actorId, at: now });
  const after: PayeeRow = { ...before, bankVerificationStatus: status, bankVerification, version: before.version + 1, updatedAt: now };
  const [result] = await commit(db, [
    db
      .update(payees)
      .set({ bankVerificationStatus: status, bankVerification, version: after.version, updatedAt: now })
      .where(and(eq(payees.id, id), eq(payees.version, before.version))),
    auditStatement(db, {
      actorId,
      action: "payee.verification_set",
      subjectType: "payee",
      subjectId: id,
      details: { from: before.bankVerificationStatus, to: status, note: note ?? null, accountNumberMasked: maskAccountNumber(before.bankAccountNumber!), ...evidence },
    }),
    rowEventStatement(db, { type: "payee.bank_details_verification_set", subject: "payee", table: payees, id: payees.id, where: and(eq(payees.id, id), eq(payees.version, after.version)), now }),
  ]);
  if (result.meta.changes !== 1) {
    throw conflict("concurrent_update", "The payee changed while this update was being applied; read it again and retry.");
  }
  return after;
}
