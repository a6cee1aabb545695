// Many rows in one statement. D1 binds at most 100 parameters per statement, so a long IN list or
// a write of many rows goes as one JSON parameter that SQLite's json_each unpacks.

import { getTableColumns, getTableName, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { assertInvariant } from "../domain/errors";
import type { Db, Statements } from "./client";

/** JSON text bound to one statement: far under D1's 2 MB value limit, so no row set is refused for size. */
export const MAX_JSON_BYTES = 256 * 1024;

type Scalar = string | number | null;

/** `column IN (values)` for any number of values, bound as one parameter. */
export const inJson = (column: SQLiteColumn, values: readonly Scalar[]): SQL => sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;

/**
 * Tuples as JSON arrays of at most MAX_JSON_BYTES each, for statements that read them with
 * `json_each(?)` and `json_extract(value, '$[i]')`.
 */
export function jsonChunks(tuples: readonly (readonly Scalar[])[]): string[] {
  const chunks: string[] = [];
  let parts: string[] = [];
  let bytes = 2;
  for (const tuple of tuples) {
    const text = JSON.stringify(tuple);
    const size = new TextEncoder().encode(text).byteLength + 1;
    if (parts.length > 0 && bytes + size > MAX_JSON_BYTES) {
      chunks.push(`[${parts.join(",")}]`);
      parts = [];
      bytes = 2;
    }
    parts.push(text);
    bytes += size;
  }
  if (parts.length > 0) chunks.push(`[${parts.join(",")}]`);
  return chunks;
}

/** `json_extract(value, '$[0]') AS a, …`: each tuple's fields under the names given, for a `FROM json_each(?)`. */
export const tupleFields = (names: readonly string[]): SQL => sql.raw(names.map((name, i) => `json_extract(value, '$[${i}]') AS ${name}`).join(", "));

/**
 * `INSERT … SELECT … FROM json_each(?)` for many rows of `table`, as few statements as
 * MAX_JSON_BYTES allows (add an ON CONFLICT clause to each as needed). The rows are what drizzle's
 * insert takes; all name the same columns, and a column none names is NULL (a nullable column,
 * or a rowid id that SQLite numbers).
 */
export function insertManySelects<T extends SQLiteTable>(db: Db, table: T, rows: readonly T["$inferInsert"][]) {
  if (rows.length === 0) return [];
  // drizzle's INSERT … SELECT lists every column of the table in this order; the SELECT must match it.
  const columns = Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>).filter(([, c]) => c.generated === undefined || c.generated.type === "byDefault");
  const first = rows[0] as Record<string, unknown>;
  const keys = columns.map(([key]) => key).filter((key) => first[key] !== undefined);
  for (const [key, c] of columns) assertInvariant(keys.includes(key) || !c.notNull || c.primary, `a row names ${getTableName(table)}.${c.name}`);
  const tuples = rows.map((row) => {
    const values = row as Record<string, unknown>;
    assertInvariant(Object.keys(values).filter((key) => values[key] !== undefined).length === keys.length, "every row names the same columns");
    return keys.map((key) => toScalar(columns.find(([k]) => k === key)![1].mapToDriverValue(values[key])));
  });
  const fields = sql.raw(columns.map(([key]) => (keys.includes(key) ? `json_extract(value, '$[${keys.indexOf(key)}]')` : "NULL")).join(", "));
  return jsonChunks(tuples).map((json) => db.insert(table).select(sql`SELECT ${fields} FROM json_each(${json}) WHERE true`));
}

/** insertManySelects, as statements to commit. */
export const insertManyStatements = <T extends SQLiteTable>(db: Db, table: T, rows: readonly T["$inferInsert"][]): Statements => insertManySelects(db, table, rows);

function toScalar(value: unknown): Scalar {
  assertInvariant(value === null || typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value)), `a column value is a string, a safe integer or null, not ${typeof value}`);
  return value as Scalar;
}
