// Status sets as SQL literals, for partial indexes and hand-written conditions: the lists come
// from domain/statuses.ts, so SQL never retypes a status.

import { type SQL, sql } from "drizzle-orm";

/** `('a', 'b')`: values are the project's own constants (never user input), inlined as literals. */
export function sqlList(values: readonly string[]): SQL {
  if (values.length === 0 || values.some((v) => !/^[a-z_]+$/.test(v))) throw new Error(`not a status list: ${values.join(",")}`);
  return sql.raw(`(${values.map((v) => `'${v}'`).join(", ")})`);
}

