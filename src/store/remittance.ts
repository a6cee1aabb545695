// Reads behind a payout's remittance advice (its batch item's lines, frozen when the batch was
// reconciled) and a payee's statement (its payable account's movements in a date range).

import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import { payableAccountId, reserveAccountId } from "../domain/accounts";
import { invalid, notFound } from "../domain/errors";
import type { OrderShare, RemittanceLine } from "../domain/pre-payout";
import { type PayeeStatement, payeeStatement, type RemittanceAdvice, remittanceAdvice } from "../domain/remittance";
import type { Db } from "./client";
import { getPayout } from "./payouts";
import { accounts, batchItems, journalEntries, journalTransactions, payees } from "./schema";

export async function remittanceFor(db: Db, payoutId: string): Promise<RemittanceAdvice> {
  const payout = await getPayout(db, payoutId);
  const item = await db.select().from(batchItems).where(eq(batchItems.id, payout.itemId)).get();
  const payee = await db.select().from(payees).where(eq(payees.id, payout.payeeId)).get();
  if (!item || !payee) throw notFound("payout_not_found", `Payout ${payoutId} has no batch item.`);
  let lines = JSON.parse(item.lines) as RemittanceLine[];
  // Items reconciled before remittance lines were kept carry only their orders.
  if (lines.length === 0) {
    lines = (JSON.parse(item.orders) as OrderShare[]).map((o) => ({ type: "order", description: `Order ${o.orderId}`, orderId: o.orderId, reference: null, transactionId: null, amountPaise: o.amountPaise }));
  }
  return remittanceAdvice(
    {
      payoutId: payout.id,
      payeeId: payout.payeeId,
      payeeName: payee.displayName,
      cycleId: payout.cycleId,
      currency: payout.currency,
      amountPaise: payout.amountPaise,
      status: payout.status,
      bankReference: payout.bankReference,
      processedAt: payout.processedAt,
    },
    lines,
  );
}

export const MAX_STATEMENT_MOVEMENTS = 5000;

/** A payee's statement for [from, to): opening balance, each movement of its payable, closing balance. */
export async function statementFor(db: Db, payeeId: string, from: string, to: string): Promise<PayeeStatement> {
  const payee = await db.select().from(payees).where(eq(payees.id, payeeId)).get();
  if (!payee) throw notFound("payee_not_found", `Payee ${payeeId} does not exist.`);
  const accountId = payableAccountId(payeeId);
  const account = await db.select().from(accounts).where(eq(accounts.id, accountId)).get();
  const reserve = await db.select().from(accounts).where(eq(accounts.id, reserveAccountId(payeeId))).get();
  const signed = sql<number>`COALESCE(SUM(CASE WHEN ${journalEntries.direction} = 'credit' THEN ${journalEntries.amountPaise} ELSE -${journalEntries.amountPaise} END), 0)`;
  const opening = await db
    .select({ balance: signed })
    .from(journalEntries)
    .where(and(eq(journalEntries.accountId, accountId), lt(journalEntries.createdAt, from)))
    .get();
  const rows = await db
    .select({
      at: journalEntries.createdAt,
      transactionId: journalEntries.transactionId,
      direction: journalEntries.direction,
      amountPaise: journalEntries.amountPaise,
      kind: journalTransactions.kind,
      description: journalTransactions.description,
      cycleId: journalTransactions.cycleId,
      orderId: journalTransactions.orderId,
    })
    .from(journalEntries)
    .innerJoin(journalTransactions, eq(journalTransactions.id, journalEntries.transactionId))
    .where(and(eq(journalEntries.accountId, accountId), gte(journalEntries.createdAt, from), lt(journalEntries.createdAt, to)))
    .orderBy(asc(journalEntries.id))
    .limit(MAX_STATEMENT_MOVEMENTS + 1);
  if (rows.length > MAX_STATEMENT_MOVEMENTS) {
    throw invalid("statement_too_long", `More than ${MAX_STATEMENT_MOVEMENTS} movements in this range; ask for a shorter one.`);
  }
  return payeeStatement(
    {
      payeeId,
      payeeName: payee.displayName,
      currency: account?.currency ?? "INR",
      from,
      to,
      openingBalancePaise: Number(opening?.balance ?? 0),
      reserveBalancePaise: reserve ? reserve.creditsPostedPaise - reserve.debitsPostedPaise : 0,
    },
    rows.map((r) => ({
      at: r.at,
      transactionId: r.transactionId,
      kind: r.kind,
      description: r.description,
      cycleId: r.cycleId,
      orderId: r.orderId,
      amountPaise: r.direction === "credit" ? r.amountPaise : -r.amountPaise,
    })),
  );
}
