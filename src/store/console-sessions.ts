// The ops console's server-side sessions: made at sign-in, read on every console request, and
// revoked by signing out (one or all of an actor's), or when the token behind one is removed.

import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "./client";
import { consoleSessions, type SESSION_END_REASONS } from "./schema";

export type ConsoleSessionRow = typeof consoleSessions.$inferSelect;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export async function insertSession(db: Db, row: Omit<ConsoleSessionRow, "revokedAt" | "revokedReason">): Promise<void> {
  await db.insert(consoleSessions).values(row);
}

export async function getSession(db: Db, id: string): Promise<ConsoleSessionRow | null> {
  return (await db.select().from(consoleSessions).where(eq(consoleSessions.id, id)).get()) ?? null;
}

/** Records use at `nowIso`, only if the last record is older than `staleBeforeIso`: one write a minute, not one a page. */
export async function touchSession(db: Db, id: string, nowIso: string, staleBeforeIso: string): Promise<void> {
  await db
    .update(consoleSessions)
    .set({ lastSeenAt: nowIso })
    .where(and(eq(consoleSessions.id, id), isNull(consoleSessions.revokedAt), lt(consoleSessions.lastSeenAt, staleBeforeIso)));
}

export async function revokeSession(db: Db, id: string, reason: SessionEndReason, atIso: string): Promise<void> {
  await db.update(consoleSessions).set({ revokedAt: atIso, revokedReason: reason }).where(and(eq(consoleSessions.id, id), isNull(consoleSessions.revokedAt)));
}

/** Ends every live session of the actor, on every browser; returns how many there were. */
export async function revokeActorSessions(db: Db, actorId: string, reason: SessionEndReason, atIso: string): Promise<number> {
  const ended = await db
    .update(consoleSessions)
    .set({ revokedAt: atIso, revokedReason: reason })
    .where(and(eq(consoleSessions.actorId, actorId), isNull(consoleSessions.revokedAt)))
    .returning({ id: consoleSessions.id });
  return ended.length;
}
