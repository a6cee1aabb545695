// Payee holds: placing and releasing one (each with its audit event, in one write), and which
// payees are held now.

import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { isHoldActive } from "../domain/holds";
import { auditStatement, conditionalAuditStatement } from "./audit";
import { commit, type Db, inChunks } from "./client";
import { payeeHolds } from "./schema";

export type HoldRow = typeof payeeHolds.$inferSelect;

export async function insertHold(db: Db, hold: HoldRow) {
  await commit(db, [
    db.insert(payeeHolds).values(hold),
    auditStatement(db, {
      actorId: hold.placedBy,
      action: "payee.hold_placed",
      subjectType: "payee",
      subjectId: hold.payeeId,
      details: { holdId: hold.id, reason: hold.reason, endsAt: hold.endsAt },
    }),
  ]);
}

export const holdsOfPayee = (db: Db, payeeId: string) => db.select().from(payeeHolds).where(eq(payeeHolds.payeeId, payeeId)).orderBy(desc(payeeHolds.placedAt));

export const getHold = (db: Db, payeeId: string, holdId: string) =>
  db.select().from(payeeHolds).where(and(eq(payeeHolds.id, holdId), eq(payeeHolds.payeeId, payeeId))).get();

/** Releases a hold still in force; false when it was released meanwhile (nothing written). */
export async function markHoldReleased(db: Db, hold: HoldRow, release: { actorId: string; at: string; note: string }): Promise<boolean> {
  const [updated] = await commit(db, [
    db
      .update(payeeHolds)
      .set({ releasedBy: release.actorId, releasedAt: release.at, releaseNote: release.note })
      .where(and(eq(payeeHolds.id, hold.id), isNull(payeeHolds.releasedAt))),
    // Audited only if this call released it (not a concurrent release).
    conditionalAuditStatement(
      db,
      { actorId: release.actorId, action: "payee.hold_released", subjectType: "payee", subjectId: hold.payeeId, details: { holdId: hold.id, placedBy: hold.placedBy, note: release.note } },
      sql`EXISTS (SELECT 1 FROM ${payeeHolds} WHERE ${payeeHolds.id} = ${hold.id} AND ${payeeHolds.releasedAt} = ${release.at} AND ${payeeHolds.releasedBy} = ${release.actorId})`,
    ),
  ]);
  return (updated as { meta: { changes: number } }).meta.changes === 1;
}

/**
 * The oldest hold in force at `now` for each of these payees (payees with none are absent). The
 * index finds the unreleased ones; whether one has ended is the domain's rule (isHoldActive).
 */
export async function activeHolds(db: Db, payeeIds: readonly string[], now: string): Promise<Map<string, HoldRow>> {
  const unreleased = await inChunks(payeeIds, (chunk) =>
    db.select().from(payeeHolds).where(and(inArray(payeeHolds.payeeId, chunk), isNull(payeeHolds.releasedAt))),
  );
  const byPayee = new Map<string, HoldRow>();
  for (const h of unreleased.filter((h) => isHoldActive(h, now)).sort((a, b) => (a.placedAt < b.placedAt ? -1 : 1))) {
    if (!byPayee.has(h.payeeId)) byPayee.set(h.payeeId, h);
  }
  return byPayee;
}
