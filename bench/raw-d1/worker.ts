// The benchmark's yardstick: how many rows per second this machine's local D1 accepts in plain
// batched inserts, with nothing of Disburse in the way. POST /insert?rows=N.

interface Env {
  DB: D1Database;
}

const ROWS_PER_STATEMENT = 20; // 4 columns each: 80 bound parameters, under D1's 100
const STATEMENTS_PER_BATCH = 50;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/health") return new Response("ok");
    if (url.pathname !== "/insert" || request.method !== "POST") return new Response("not found", { status: 404 });
    const rows = Math.min(Number(url.searchParams.get("rows") ?? "10000"), 1_000_000);
    await env.DB.exec("CREATE TABLE IF NOT EXISTS bench_rows (id INTEGER PRIMARY KEY, ref TEXT NOT NULL, amount_paise INTEGER NOT NULL, created_at TEXT NOT NULL)");
    const sql = `INSERT INTO bench_rows (ref, amount_paise, created_at, id) VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => "(?, ?, ?, NULL)").join(", ")}`;
    const statement = env.DB.prepare(sql);
    const started = Date.now();
    let written = 0;
    let n = 0;
    while (written < rows) {
      const batch: D1PreparedStatement[] = [];
      for (let s = 0; s < STATEMENTS_PER_BATCH && written < rows; s++) {
        const values: unknown[] = [];
        for (let r = 0; r < ROWS_PER_STATEMENT; r++) values.push(`ref-${n++}`, n * 7, new Date().toISOString());
        batch.push(statement.bind(...values));
        written += ROWS_PER_STATEMENT;
      }
      await env.DB.batch(batch);
    }
    const elapsedMs = Date.now() - started;
    return Response.json({ rows: written, elapsedMs, rowsPerSecond: Math.round((written / elapsedMs) * 1000) });
  },
};
