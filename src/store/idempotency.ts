// The idempotency-key table: one row per (actor, key), claimed while its request runs and
// finished with the response to replay. The HTTP rules around it live in http/middleware.

import { and, eq } from "drizzle-orm";
import { type Db, isUniqueViolation, nowIso } from "./client";
import { idempotencyKeys } from "./schema";

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

/** Which request a key belongs to: keys are per actor, so two actors never share one. */
export interface KeyOwner {
  actorId: string;
  key: string;
}

export interface KeyClaim extends KeyOwner {
  method: string;
  path: string;
  requestHash: string;
}

const ownedBy = ({ actorId, key }: KeyOwner) => and(eq(idempotencyKeys.actorId, actorId), eq(idempotencyKeys.key, key));

export async function findKey(db: Db, owner: KeyOwner): Promise<IdempotencyKeyRow | undefined> {
  return db.select().from(idempotencyKeys).where(ownedBy(owner)).get();
}

/** Marks the key in progress for this request; false when another request claimed it first. */
export async function claimKey(db: Db, claim: KeyClaim): Promise<boolean> {
  try {
    await db.insert(idempotencyKeys).values({ ...claim, state: "in_progress", createdAt: nowIso() });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Takes over a claim left in progress since `claimedAt`; false when someone else took it first. */
export async function takeOverKey(db: Db, owner: KeyOwner, claimedAt: string): Promise<boolean> {
  const result = await db
    .update(idempotencyKeys)
    .set({ createdAt: nowIso() })
    .where(and(ownedBy(owner), eq(idempotencyKeys.createdAt, claimedAt)))
    .run();
  return result.meta.changes === 1;
}

/** Records the response a repeat of the request will be answered with. */
export async function finishKey(db: Db, owner: KeyOwner, response: { status: number; body: string }): Promise<void> {
  await db.update(idempotencyKeys).set({ state: "done", responseStatus: response.status, responseBody: response.body }).where(ownedBy(owner));
}

/** Forgets the key, so the refused request can be corrected and retried under it. */
export async function releaseKey(db: Db, owner: KeyOwner): Promise<void> {
  await db.delete(idempotencyKeys).where(ownedBy(owner));
}
