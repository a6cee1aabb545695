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
import { auditStatement } from "./audit";
import { commit, type Db, inChunks, isUniqueViolation, nowIso } from "./client";
import { accounts, payees } from "./schema";
import { allOf, keysetPage } from "./page";

export type PayeeRow = typeof payees.$inferSelect;

export function bankDetailsOf(row: PayeeRow): BankDetails | null {
  if (row.bankAccountNumber === null || row.bankIfsc === null || row.bankAccountHolderName === null) return null;
  return { accountNumber: row.bankAccountNumber, ifsc: row.bankIfsc, accountHolderName: row.bankAccountHolderName };
}

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

export async function createPayee(db: Db, input: NewPayee, actorId: string): Promise<PayeeRow> {
  assertTaxIdentity({ legalName: input.legalName ?? null, pan: input.pan ?? null, gstin: input.gstin ?? null });
  const id = newId("pe");
  const now = nowIso();
  const row: PayeeRow = {
    id,
    type: input.type,
    displayName: input.displayName,
    email: input.email ?? null,
    externalId: input.externalId ?? null,
    bankAccountNumber: input.bankDetails?.accountNumber ?? null,
    bankIfsc: input.bankDetails?.ifsc ?? null,
    bankAccountHolderName: input.bankDetails?.accountHolderName ?? null,
    bankVerificationStatus: "unverified",
    bankDetailsUpdatedAt: input.bankDetails ? now : null,
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
        details: { type: input.type, displayName: input.displayName, bankDetails: auditBank(bankDetailsOf(row)) },
      }),
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
 * Applies changes with optimistic concurrency on `version`. New bank details reset verification,
 * because money must never go to an account nobody has checked.
 */
export async function updatePayee(db: Db, id: string, changes: PayeeChanges, actorId: string): Promise<PayeeRow> {
  const before = await getPayeeRow(db, id);
  const now = nowIso();
  const oldBank = bankDetailsOf(before);
  const bankChanged = changes.bankDetails !== undefined && !bankDetailsEqual(oldBank, changes.bankDetails);
  const after: PayeeRow = {
    ...before,
    displayName: changes.displayName ?? before.displayName,
    email: changes.email === undefined ? before.email : changes.email,
    legalName: changes.legalName === undefined ? before.legalName : changes.legalName,
    pan: changes.pan === undefined ? before.pan : changes.pan,
    gstin: changes.gstin === undefined ? before.gstin : changes.gstin,
    ...(bankChanged
      ? {
          bankAccountNumber: changes.bankDetails?.accountNumber ?? null,
          bankIfsc: changes.bankDetails?.ifsc ?? null,
          bankAccountHolderName: changes.bankDetails?.accountHolderName ?? null,
          bankVerificationStatus: "unverified" as const,
          bankDetailsUpdatedAt: now,
        }
      : {}),
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
  if (bankChanged) {
    changed.bankDetails = { from: auditBank(oldBank), to: auditBank(bankDetailsOf(after)) };
    changed.verificationStatus = { from: before.bankVerificationStatus, to: "unverified" };
  }
  if (Object.keys(changed).length === 0) return before;

  const [result] = await commit(db, [
    db
      .update(payees)
      .set(after)
      .where(and(eq(payees.id, id), eq(payees.version, before.version))),
    auditStatement(db, { actorId, action: bankChanged ? "payee.bank_details_changed" : "payee.updated", subjectType: "payee", subjectId: id, details: changed }),
    ...(bankChanged
      ? [rowEventStatement(db, { type: "payee.bank_details_changed", subject: "payee", table: payees, id: payees.id, where: and(eq(payees.id, id), eq(payees.version, after.version)), now })]
      : []),
  ]);
  if (result.meta.changes !== 1) {
    throw conflict("concurrent_update", "The payee changed while this update was being applied; read it again and retry.");
  }
  return after;
}

export async function setVerification(
  db: Db,
  id: string,
  status: Exclude<VerificationStatus, "unverified">,
  note: string | undefined,
  actorId: string,
): Promise<PayeeRow> {
  const before = await getPayeeRow(db, id);
  if (bankDetailsOf(before) === null) {
    throw conflict("bank_details_missing", "The payee has no bank details to verify.");
  }
  const now = nowIso();
  const after: PayeeRow = { ...before, bankVerificationStatus: status, version: before.version + 1, updatedAt: now };
  const [result] = await commit(db, [
    db
      .update(payees)
      .set({ bankVerificationStatus: status, version: after.version, updatedAt: now })
      .where(and(eq(payees.id, id), eq(payees.version, before.version))),
    auditStatement(db, {
      actorId,
      action: "payee.verification_set",
      subjectType: "payee",
      subjectId: id,
      details: { from: before.bankVerificationStatus, to: status, note: note ?? null, accountNumberMasked: maskAccountNumber(before.bankAccountNumber!) },
    }),
  ]);
  if (result.meta.changes !== 1) {
    throw conflict("concurrent_update", "The payee changed while this update was being applied; read it again and retry.");
  }
  return after;
}
