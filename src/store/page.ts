// Keyset pagination, written once: read one row more than the page holds, so whether a next
// page exists is known without counting, and the cursor is the key of the page's last row.

import { and, type SQL } from "drizzle-orm";

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * Reads a page through `read(rowsToRead)`, which must apply that limit to a query ordered by the
 * key; the key is the row's id unless `keyOf` says otherwise.
 */
export async function keysetPage<T extends { id: string | number }>(
  limit: number,
  read: (rowsToRead: number) => PromiseLike<T[]>,
  keyOf: (row: T) => string = (row) => String(row.id),
): Promise<Page<T>> {
  const rows = await read(limit + 1);
  const data = rows.slice(0, limit);
  return { data, nextCursor: rows.length > limit ? keyOf(data[data.length - 1]!) : null };
}

/** The same page with each row turned into what the caller shows. */
export const mapPage = <T, U>(page: Page<T>, view: (row: T) => U): Page<U> => ({ data: page.data.map(view), nextCursor: page.nextCursor });

/** A filter's conditions ANDed, or no WHERE at all when there are none. */
export const allOf = (conditions: SQL[]): SQL | undefined => (conditions.length ? and(...conditions) : undefined);
