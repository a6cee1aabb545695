import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { meteredD1 } from "../observability/usage";
import * as schema from "./schema";

export type Db = ReturnType<typeof database>;

export function database(d1: D1Database) {
  return drizzle(meteredD1(d1), { schema });
}

export const nowIso = () => new Date().toISOString();

/** SQL statements that must commit together or not at all (one D1 batch). */
export type Statements = BatchItem<"sqlite">[];

/** Commits statements atomically, as one D1 batch; returns each statement's result. */
export async function commit(db: Db, statements: Statements) {
  if (statements.length === 0) return [];
  return db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
}

/** D1 binds at most 100 parameters per statement: IN lists go in chunks of this many. */
export const IN_CHUNK = 90;

/** Runs `query` once per chunk of `ids` and concatenates the rows. */
export async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>, size = IN_CHUNK): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += size) out.push(...(await query(ids.slice(i, i + size))));
  return out;
}

/** D1 reports constraint failures only through the message text. */
export function isUniqueViolation(error: unknown, indexOrColumn?: string): boolean {
  const message = errorMessage(error);
  return /UNIQUE constraint failed|PRIMARY KEY/i.test(message) && (!indexOrColumn || message.includes(indexOrColumn));
}

/** A CHECK constraint refused the write (e.g. a running total went past its cap). */
export const isCheckViolation = (error: unknown, name?: string) => {
  const message = errorMessage(error);
  return /CHECK constraint failed/i.test(message) && (!name || message.includes(name));
};

function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return `${error.message} ${cause instanceof Error ? cause.message : ""}`;
}
