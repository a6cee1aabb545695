// Placing and releasing payee holds. A hold stops the payee's items from being paid (they are
// `held` in a batch, outside its total); a payout already at the bank is not affected.

import { conflict, invalid, notFound } from "../domain/errors";
import { assertMayRelease } from "../domain/holds";
import { newId } from "../domain/ids";
import { type Db, nowIso } from "../store/client";
import { getHold, type HoldRow, holdsOfPayee, insertHold, markHoldReleased } from "../store/holds";
import { getPayeeRow } from "../store/payees";

export async function placeHold(db: Db, payeeId: string, input: { reason: string; endsAt?: string | undefined }, actorId: string): Promise<HoldRow> {
  await getPayeeRow(db, payeeId); // 404 payee_not_found
  const now = nowIso();
  if (input.endsAt !== undefined && input.endsAt <= now) {
    throw invalid("hold_end_in_past", "A hold's end must be in the future; omit endsAt for a hold until released.", { field: "endsAt", endsAt: input.endsAt });
  }
  const hold: HoldRow = {
    id: newId("hld"),
    payeeId,
    reason: input.reason,
    placedBy: actorId,
    placedAt: now,
    endsAt: input.endsAt ?? null,
    releasedBy: null,
    releasedAt: null,
    releaseNote: null,
  };
  await insertHold(db, hold);
  return hold;
}

export async function listHolds(db: Db, payeeId: string): Promise<HoldRow[]> {
  await getPayeeRow(db, payeeId); // 404 payee_not_found
  return holdsOfPayee(db, payeeId);
}

/** Releases a hold; only a different person than the one who placed it may. */
export async function releaseHold(db: Db, payeeId: string, holdId: string, note: string, actorId: string): Promise<HoldRow> {
  const hold = await getHold(db, payeeId, holdId);
  if (!hold) throw notFound("hold_not_found", `Payee ${payeeId} has no hold ${holdId}.`);
  if (hold.releasedAt !== null) throw conflict("hold_already_released", `Hold ${holdId} was released by ${hold.releasedBy}.`, { releasedBy: hold.releasedBy, releasedAt: hold.releasedAt });
  assertMayRelease(hold, actorId);
  if (!(await markHoldReleased(db, hold, { actorId, at: nowIso(), note }))) {
    throw conflict("hold_already_released", `Hold ${holdId} was released by someone else meanwhile.`);
  }
  return (await getHold(db, payeeId, holdId))!;
}
