// Payee holds: the risk team freezes a payee's payouts, with a reason and an optional end. A hold
// is released by a different person than the one who placed it; an ended or released hold no
// longer holds anything.

import { forbidden } from "./errors";

export interface Hold {
  id: string;
  placedBy: string;
  endsAt: string | null;
  releasedAt: string | null;
}

/** Whether a hold still holds the payee at `now` (ISO 8601). */
export const isHoldActive = (hold: Hold, now: string) => hold.releasedAt === null && (hold.endsAt === null || hold.endsAt > now);

/** Four eyes: the person who placed a hold may not release it. */
export function assertMayRelease(hold: Hold, actorId: string) {
  if (hold.placedBy === actorId) {
    throw forbidden("hold_release_by_placer", "A hold must be released by a different person than the one who placed it.", { placedBy: hold.placedBy });
  }
}

/** What a held batch item says about why it is not paid. */
export const heldReason = (reason: string) => `On hold: ${reason}`;
