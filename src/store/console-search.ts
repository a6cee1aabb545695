// The ops console's search: payees by id, external id, the start of their name or the last four
// digits of their bank account, and payouts by id or bank reference (UTR). Every lookup is an
// equality or a range on an index (test/integration/query-plans.test.ts), and every value is a
// bound parameter: the search text never becomes SQL.

import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "./client";
import { payees, payouts } from "./schema";

/** The expressions payees_name_idx and payees_account_last_four_idx index: queries must use them as written. */
export const payeeNameKey = sql`lower(${payees.displayName})`;
export const payeeAccountLastFour = sql`substr(${payees.bankAccountNumber}, -4)`;

const payeeHit = {
  id: payees.id,
  type: payees.type,
  displayName: payees.displayName,
  externalId: payees.externalId,
  bankAccountNumber: payees.bankAccountNumber,
  bankVerificationStatus: payees.bankVerificationStatus,
};

export type PayeeHitRow = { [K in keyof typeof payeeHit]: (typeof payees.$inferSelect)[K] };

const payoutHit = {
  id: payouts.id,
  payeeId: payouts.payeeId,
  batchId: payouts.batchId,
  amountPaise: payouts.amountPaise,
  currency: payouts.currency,
  status: payouts.status,
  bankReference: payouts.bankReference,
  createdAt: payouts.createdAt,
};

export type PayoutHitRow = { [K in keyof typeof payoutHit]: (typeof payouts.$inferSelect)[K] };

const payeesWhere = (db: Db, where: SQL, limit: number) => db.select(payeeHit).from(payees).where(where).orderBy(asc(payees.id)).limit(limit);

export const payeesById = (db: Db, id: string) => payeesWhere(db, eq(payees.id, id), 1);

export const payeesByExternalId = (db: Db, externalId: string) => payeesWhere(db, eq(payees.externalId, externalId), 1);

export const payeesByAccountLastFour = (db: Db, digits: string, limit: number) => payeesWhere(db, sql`${payeeAccountLastFour} = ${digits}`, limit);

/**
 * Payees whose name starts with `prefix`, ignoring the case of ASCII letters (SQLite's lower()),
 * in name order: a range on payees_name_idx from the prefix up to the prefix followed by the
 * highest code point, so the index is read only where the matches are.
 */
export function payeesByNamePrefix(db: Db, prefix: string, limit: number) {
  return db
    .select(payeeHit)
    .from(payees)
    .where(and(sql`${payeeNameKey} >= lower(${prefix})`, sql`${payeeNameKey} < lower(${prefix}) || char(1114111)`))
    .orderBy(payeeNameKey, asc(payees.id))
    .limit(limit);
}

const payoutsWhere = (db: Db, where: SQL, limit: number) => db.select(payoutHit).from(payouts).where(where).orderBy(asc(payouts.id)).limit(limit);

export const payoutsById = (db: Db, id: string) => payoutsWhere(db, eq(payouts.id, id), 1);

/** Payouts with one of these bank references (the UTR, or the bank's own id where it gives no UTR). */
export const payoutsByBankReference = (db: Db, references: readonly string[], limit: number) =>
  payoutsWhere(db, inArray(payouts.bankReference, [...references]), limit);
