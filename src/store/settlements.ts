// Order settlement ingestion: one order's breakdown, stored as received and posted as one
// balanced transaction in the same batch. Idempotent by order id.

import { eq } from "drizzle-orm";
import { conflict, DomainError, invalid, notFound } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import type { PayeeType } from "../domain/payees";
import {
  assertSettlementAddsUp,
  type SettlementBreakdown,
  sellerPayablePaise,
  settlementTransaction,
} from "../domain/settlement";
import type { Currency } from "../domain/money";
import { auditStatement } from "./audit";
import { type Db, nowIso, type Statements } from "./client";
import { NO_RESERVE, type ReserveTerms } from "../domain/balances";
import { reserveHoldStatements, reserveTermsOf } from "./balances";
import { postTransaction } from "./ledger";
import { accounts, settlements } from "./schema";

export type SettlementRow = typeof settlements.$inferSelect;

export function breakdownOf(row: SettlementRow): SettlementBreakdown {
  return {
    orderId: row.orderId,
    cycleId: row.cycleId,
    sellerPayeeId: row.sellerPayeeId,
    deliveryPartnerPayeeId: row.deliveryPartnerPayeeId,
    currency: row.currency as Currency,
    grossAmountPaise: row.grossAmountPaise,
    platformFeePaise: row.platformFeePaise,
    discountPaise: row.discountPaise,
    voucherPaise: row.voucherPaise,
    walletAmountPaise: row.walletAmountPaise,
    deliveryFeePaise: row.deliveryFeePaise,
    amountCollectedPaise: row.amountCollectedPaise,
  };
}

const canonical = (s: SettlementBreakdown) =>
  JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Ingests one order. Each party's share is held back in its rolling reserve per its terms, in the
 * same batch as the settlement (see store/balances.ts).
 */
export async function ingestSettlement(db: Db, s: SettlementBreakdown, actorId: string, reserveDefaults: Readonly<Record<PayeeType, ReserveTerms>> = NO_RESERVES) {
  assertSettlementAddsUp(s);
  const contentHash = await sha256Hex(canonical(s));

  const existing = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
  if (existing) return { settlement: sameOrConflict(existing, contentHash), replayed: true };

  await assertPayee(db, s.sellerPayeeId, "seller", "sellerPayeeId", s.currency);
  if (s.deliveryPartnerPayeeId !== null) {
    await assertPayee(db, s.deliveryPartnerPayeeId, "delivery_partner", "deliveryPartnerPayeeId", s.currency);
  }

  const createdAt = nowIso();
  const reserveStatements = await reservesFor(db, s, actorId, reserveDefaults, createdAt);
  const posted = await postTransaction(db, settlementTransaction(s), actorId, (transactionId) => [
    db.insert(settlements).values({ ...s, transactionId, contentHash, actorId, createdAt }),
    auditStatement(db, {
      actorId,
      action: "settlement.ingested",
      subjectType: "order",
      subjectId: s.orderId,
      details: { cycleId: s.cycleId, transactionId, sellerPayablePaise: sellerPayablePaise(s), deliveryFeePaise: s.deliveryFeePaise },
    }),
    ...reserveStatements,
  ]).catch(async (error: unknown) => {
    // A different breakdown for this order won a race with this one: that is a settlement conflict.
    if (error instanceof DomainError && error.code === "external_ref_conflict") {
      const winner = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
      if (winner) sameOrConflict(winner, contentHash);
    }
    throw error;
  });
  if (posted.replayed) {
    // An identical settlement won a race with this one; both callers see the same result.
    const winner = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
    if (!winner) throw conflict("external_ref_conflict", `order:${s.orderId}:settlement was posted without a settlement record.`);
    return { settlement: sameOrConflict(winner, contentHash), replayed: true };
  }
  const row = await db.select().from(settlements).where(eq(settlements.orderId, s.orderId)).get();
  return { settlement: row!, replayed: false };
}

const NO_RESERVES: Record<PayeeType, ReserveTerms> = { seller: NO_RESERVE, delivery_partner: NO_RESERVE };

async function reservesFor(db: Db, s: SettlementBreakdown, actorId: string, defaults: Readonly<Record<PayeeType, ReserveTerms>>, settledAt: string): Promise<Statements> {
  const parties: Array<[string, PayeeType, number]> = [[s.sellerPayeeId, "seller", sellerPayablePaise(s)]];
  if (s.deliveryPartnerPayeeId !== null) parties.push([s.deliveryPartnerPayeeId, "delivery_partner", s.deliveryFeePaise]);
  const statements: Statements = [];
  for (const [payeeId, type, sharePaise] of parties) {
    if (sharePaise <= 0) continue;
    const terms = await reserveTermsOf(db, payeeId, type, defaults);
    if (terms.basisPoints === 0) continue;
    statements.push(...(await reserveHoldStatements(db, { orderId: s.orderId, payeeId, cycleId: s.cycleId, sharePaise, currency: s.currency, terms, settledAt }, actorId)));
  }
  return statements;
}

function sameOrConflict(row: SettlementRow, contentHash: string): SettlementRow {
  if (row.contentHash !== contentHash) {
    throw conflict("settlement_conflict", `Order ${row.orderId} was already settled with a different breakdown.`, {
      orderId: row.orderId,
      transactionId: row.transactionId,
    });
  }
  return row;
}

async function assertPayee(db: Db, payeeId: string, type: PayeeType, field: string, currency: Currency) {
  const payee = await db.query.payees.findFirst({ where: (p, { eq }) => eq(p.id, payeeId) });
  if (!payee) throw invalid("payee_not_found", `Payee ${payeeId} does not exist.`, { field });
  if (payee.type !== type) {
    throw invalid("payee_type_mismatch", `Payee ${payeeId} is a ${payee.type}, not a ${type}.`, { field });
  }
  const account = await db.select().from(accounts).where(eq(accounts.id, payee.payableAccountId)).get();
  if (account?.currency !== currency) {
    throw invalid("currency_mismatch", `Payee ${payeeId} is paid in ${account?.currency}, not ${currency}.`, { field: "currency" });
  }
}

export async function getSettlement(db: Db, orderId: string) {
  const row = await db.select().from(settlements).where(eq(settlements.orderId, orderId)).get();
  if (!row) throw notFound("settlement_not_found", `No settlement for order ${orderId}.`);
  return row;
}
