// The reads and small writes behind a payee gate's decision: the item, its batch, the payee, the
// payee's payouts, and the payable balances (overall and for the item's cycle).

import { and, eq } from "drizzle-orm";
import { commit, type Db } from "./client";
import { accountCycleTotals, accounts, batches, batchItems, payees, payouts } from "./schema";

export type BatchItemRow = typeof batchItems.$inferSelect;
export type PayeeRow = typeof payees.$inferSelect;

export const getBatchItem = (db: Db, itemId: string) => db.select().from(batchItems).where(eq(batchItems.id, itemId)).get();

export const getBatchStatus = (db: Db, batchId: string) => db.select({ status: batches.status }).from(batches).where(eq(batches.id, batchId)).get();

export const findPayee = (db: Db, payeeId: string) => db.select().from(payees).where(eq(payees.id, payeeId)).get();

/** Every payout of a payee (status and cycle only): read through the payee index, never a scan. */
export const payoutsOfPayee = (db: Db, payeeId: string) =>
  db.select({ status: payouts.status, cycleId: payouts.cycleId }).from(payouts).where(eq(payouts.payeeId, payeeId));

/** What the payee's payable account holds, overall and for one cycle (credits minus debits). */
export async function outstandingPayable(db: Db, accountId: string, cycleId: string) {
  const account = await db.select().from(accounts).where(eq(accounts.id, accountId)).get();
  const cycle = await db
    .select()
    .from(accountCycleTotals)
    .where(and(eq(accountCycleTotals.accountId, accountId), eq(accountCycleTotals.cycleId, cycleId)))
    .get();
  return {
    totalPaise: account ? account.creditsPostedPaise - account.debitsPostedPaise : 0,
    cyclePaise: cycle ? cycle.creditsPaise - cycle.debitsPaise : 0,
  };
}

/**
 * Records (or clears) why the gate would not create the item's payout. With `freeItem`, the payee
 * is also let go from the batch, and the batch no longer answers for its scope, so the same
 * request for a batch makes a new one that can pay the payee.
 */
export async function setReleaseRefusal(db: Db, itemId: string, refusal: string | null, options: { freeItem?: boolean } = {}) {
  if (!options.freeItem) {
    await db.update(batchItems).set({ releaseRefusal: refusal }).where(eq(batchItems.id, itemId));
    return;
  }
  const item = await getBatchItem(db, itemId);
  if (!item) return;
  await commit(db, [
    db.update(batchItems).set({ releaseRefusal: refusal, liveKey: null }).where(eq(batchItems.id, itemId)),
    db.update(batches).set({ liveScopeKey: null }).where(eq(batches.id, item.batchId)),
  ]);
}
