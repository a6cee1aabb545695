// Usage counters for cost observability: D1 queries and rows, Durable Object requests, queue
// messages and Worker invocations, as the Cloudflare bill counts them. Counts are kept per
// isolate and read through GET /v1/usage (admin); the benchmark uses them to price a payout.

export interface Usage {
  workerInvocations: number;
  d1Queries: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  durableObjectRequests: number;
  queueMessagesSent: number;
  queueMessagesDelivered: number;
  /** Payouts that reached processed in this isolate: lets a benchmark watch progress without reading D1. */
  payoutsProcessed: number;
}

const zero = (): Usage => ({
  workerInvocations: 0,
  d1Queries: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  durableObjectRequests: 0,
  queueMessagesSent: 0,
  queueMessagesDelivered: 0,
  payoutsProcessed: 0,
});

/** What one SQL statement (by its text) cost since the last reset: how the benchmark finds where rows go. */
export interface StatementUsage {
  sql: string;
  queries: number;
  rowsRead: number;
  rowsWritten: number;
}

let usage = zero();
let byStatement = new Map<string, StatementUsage>();
/** When on, `raw()` reads are run through `run()` so their rows-read meta is counted too, and costs are kept per statement. */
let exactReads = false;

export const currentUsage = (): Usage => ({ ...usage });
/** Per-statement costs, costliest writes first; empty unless `USAGE_METERING=exact`. */
export const usageByStatement = (): StatementUsage[] =>
  [...byStatement.values()].sort((a, b) => b.rowsWritten - a.rowsWritten || b.rowsRead - a.rowsRead).map((s) => ({ ...s }));
export const resetUsage = () => {
  usage = zero();
  byStatement = new Map();
};
export function countUsage(key: keyof Usage, n = 1) {
  usage[key] += n;
}
export function configureUsage(env: { USAGE_METERING?: string }) {
  exactReads = env.USAGE_METERING === "exact";
}

function record(meta: D1Meta | undefined, sql: string) {
  usage.d1Queries++;
  const rowsRead = meta?.rows_read ?? 0;
  const rowsWritten = meta?.rows_written ?? 0;
  usage.d1RowsRead += rowsRead;
  usage.d1RowsWritten += rowsWritten;
  if (!exactReads) return;
  const entry = byStatement.get(sql) ?? { sql, queries: 0, rowsRead: 0, rowsWritten: 0 };
  entry.queries++;
  entry.rowsRead += rowsRead;
  entry.rowsWritten += rowsWritten;
  byStatement.set(sql, entry);
}

const ORIGINAL = Symbol("original statement");
const SQL = Symbol("statement text");

function meterStatement(stmt: D1PreparedStatement, sql: string): D1PreparedStatement {
  return new Proxy(stmt, {
    get(target, prop) {
      if (prop === ORIGINAL) return target;
      if (prop === SQL) return sql;
      if (prop === "bind") return (...values: unknown[]) => meterStatement(target.bind(...values), sql);
      if (prop === "run" || prop === "all") {
        return async () => {
          const result = await target.all();
          record(result.meta, sql);
          return result;
        };
      }
      if (prop === "first") {
        return async (column?: string) => {
          const result = await target.all<Record<string, unknown>>();
          record(result.meta, sql);
          const row = result.results[0];
          return row === undefined ? null : column === undefined ? row : row[column];
        };
      }
      if (prop === "raw") {
        return async (options?: { columnNames?: boolean }) => {
          if (!exactReads || options?.columnNames) {
            usage.d1Queries++;
            return options?.columnNames ? target.raw({ columnNames: true }) : target.raw();
          }
          // Same mapping drizzle applies to batch results: one array per row, in column order.
          const result = await target.all<Record<string, unknown>>();
          record(result.meta, sql);
          return result.results.map((row) => Object.values(row));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Wraps a D1 binding so every statement's meta is counted. Behaviour is otherwise unchanged. */
export function meteredD1(d1: D1Database): D1Database {
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => meterStatement(target.prepare(query), query);
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const tagged = statements as unknown as Array<Record<symbol, unknown>>;
          const originals = tagged.map((s) => (s[ORIGINAL] as D1PreparedStatement | undefined) ?? (s as unknown as D1PreparedStatement));
          const results = await target.batch(originals);
          results.forEach((r, i) => record(r.meta, (tagged[i]![SQL] as string | undefined) ?? "(unmetered statement)"));
          return results;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
