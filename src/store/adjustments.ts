// Order adjustments in SQL: one balanced posting per adjustment id, written in the same batch as
// the adjustment row, the order's running refund totals (whose CHECKs refuse a refund beyond
// what the customer paid, even under a race) and the audit event.

import { and, eq, inArray, or, sql } from "drizzle-orm";
import { reserveAccountId } from "../domain/accounts";
import {
  type AdjustmentInput,
  adjustmentEffect,
  adjustmentTransaction,
  deductionReversals,
  assertAdjustmentFits,
  NOTHING_REFUNDED,
  type RefundedSoFar,
  refundCaps,
  refundedAfter,
} from "../domain/adjustments";
import { canonicalJson } from "../domain/canonical";
import { conflict, DomainError } from "../domain/errors";
import { sha256Hex } from "../domain/hash";
import { auditStatement } from "./audit";
import { type Db, IN_CHUNK, inChunks, isCheckViolation, nowIso } from "./client";
import { postTransaction } from "./ledger";
import { reversedStatements } from "./statutory";
import { accounts, orderAdjustments, orderRefundTotals } from "./schema";
import { breakdownOf, getSettlement } from "./settlements";

export type AdjustmentRow = typeof orderAdjustments.$inferSelect;

async function refundedSoFar(db: Db, orderId: string): Promise<RefundedSoFar> {
  const row = await db.select().from(orderRefundTotals).where(eq(orderRefundTotals.orderId, orderId)).get();
  return row ? { goodsPaise: row.goodsPaise, deliveryPaise: row.deliveryPaise, feeReturnedPaise: row.feeReturnedPaise, customerPaise: row.customerPaise } : NOTHING_REFUNDED;
}

const getAdjustmentRow = (db: Db, id: string) => db.select().from(orderAdjustments).where(eq(orderAdjustments.id, id)).get();

function sameOrConflict(row: AdjustmentRow, contentHash: string): AdjustmentRow {
  if (row.contentHash !== contentHash) {
    throw conflict("adjustment_conflict", `Adjustment ${row.id} was already recorded with different content.`, { adjustmentId: row.id, transactionId: row.transactionId });
  }
  return row;
}

export async function recordAdjustment(db: Db, a: AdjustmentInput, actorId: string): Promise<{ adjustment: AdjustmentRow; replayed: boolean }> {
  const contentHash = await sha256Hex(canonicalJson(a));
  const existing = await getAdjustmentRow(db, a.adjustmentId);
  if (existing) return { adjustment: sameOrConflict(existing, contentHash), replayed: true };

  const settlementRow = await getSettlement(db, a.orderId);
  const settlement = breakdownOf(settlementRow);
  const before = await refundedSoFar(db, a.orderId);
  assertAdjustmentFits(a, settlement, before);
  const reserve = await db.select().from(accounts).where(eq(accounts.id, reserveAccountId(settlement.sellerPayeeId))).get();
  const effect = adjustmentEffect(a, reserve ? reserve.creditsPostedPaise - reserve.debitsPostedPaise : 0, deductionReversals(settlement, before, a));
  const caps = refundCaps(settlement);
  const after = refundedAfter(NOTHING_REFUNDED, a);
  const createdAt = nowIso();

  try {
    const posted = await postTransaction(db, adjustmentTransaction(a, settlement, effect), actorId, (transactionId) => [
      db.insert(orderAdjustments).values({
        id: a.adjustmentId,
        orderId: a.orderId,
        cycleId: a.cycleId,
        kind: a.kind,
        currency: a.currency,
        reason: a.reason,
        goodsPaise: a.goodsPaise,
        deliveryPaise: a.deliveryPaise,
        goodwillPaise: a.goodwillPaise,
        sellerBearsPaise: a.sellerBearsPaise,
        deliveryPartnerBearsPaise: a.deliveryPartnerBearsPaise,
        feeReturnedPaise: a.feeReturnedPaise,
        chargebackFeePaise: a.chargebackFeePaise,
        chargebackFeeBorneBy: a.chargebackFeeBorneBy,
        drawOnReserve: a.drawOnReserve,
        sellerPayablePaise: effect.sellerPayablePaise,
        sellerReservePaise: effect.sellerReservePaise,
        deliveryPartnerPayablePaise: effect.deliveryPartnerPayablePaise,
        deductionReversals: JSON.stringify(effect.deductionReversals),
        sellerPayeeId: settlement.sellerPayeeId,
        deliveryPartnerPayeeId: settlement.deliveryPartnerPayeeId,
        transactionId,
        contentHash,
        actorId,
        createdAt,
      }),
      db
        .insert(orderRefundTotals)
        .values({
          orderId: a.orderId,
          goodsCapPaise: caps.goodsPaise,
          deliveryCapPaise: caps.deliveryPaise,
          feeCapPaise: caps.feeReturnedPaise,
          customerCapPaise: caps.customerPaise,
          ...after,
        })
        .onConflictDoUpdate({
          target: orderRefundTotals.orderId,
          set: {
            goodsPaise: sql`${orderRefundTotals.goodsPaise} + ${after.goodsPaise}`,
            deliveryPaise: sql`${orderRefundTotals.deliveryPaise} + ${after.deliveryPaise}`,
            feeReturnedPaise: sql`${orderRefundTotals.feeReturnedPaise} + ${after.feeReturnedPaise}`,
            customerPaise: sql`${orderRefundTotals.customerPaise} + ${after.customerPaise}`,
          },
        }),
      ...reversedStatements(db, effect.deductionReversals, createdAt.slice(0, 7)),
      auditStatement(db, {
        actorId,
        action: `adjustment.${a.kind}`,
        subjectType: "order",
        subjectId: a.orderId,
        details: { adjustmentId: a.adjustmentId, cycleId: a.cycleId, transactionId, ...effect },
      }),
    ]);
    const row = await getAdjustmentRow(db, a.adjustmentId);
    if (!row) throw conflict("external_ref_conflict", `adjustment:${a.adjustmentId} was posted without an adjustment record.`);
    return { adjustment: sameOrConflict(row, contentHash), replayed: posted.replayed };
  } catch (error) {
    // Another adjustment of the same order won a race and used up what this one needed.
    if (isCheckViolation(error, "order_refund_totals")) {
      assertAdjustmentFits(a, settlement, await refundedSoFar(db, a.orderId));
    }
    if (error instanceof DomainError && error.code === "external_ref_conflict") {
      const winner = await getAdjustmentRow(db, a.adjustmentId);
      if (winner) sameOrConflict(winner, contentHash);
    }
    throw error;
  }
}

export async function getAdjustment(db: Db, id: string) {
  return getAdjustmentRow(db, id);
}

export const adjustmentsOfOrder = (db: Db, orderId: string) => db.select().from(orderAdjustments).where(eq(orderAdjustments.orderId, orderId));

/** The adjustments landing in a cycle that touch any of these payees (as seller or delivery partner). */
export function cycleAdjustments(db: Db, cycleId: string, payeeIds: readonly string[]) {
  return inChunks(
    payeeIds,
    (chunk) =>
      db
        .select()
        .from(orderAdjustments)
        .where(and(eq(orderAdjustments.cycleId, cycleId), or(inArray(orderAdjustments.sellerPayeeId, chunk), inArray(orderAdjustments.deliveryPartnerPayeeId, chunk)))),
    IN_CHUNK / 2,
  );
}

/** An adjustment's signed effect on one payee's payable. */
export function payableEffectFor(row: AdjustmentRow, payeeId: string): number {
  return (row.sellerPayeeId === payeeId ? row.sellerPayablePaise : 0) + (row.deliveryPartnerPayeeId === payeeId ? row.deliveryPartnerPayablePaise : 0);
}
