// Benchmarks: end-to-end payout throughput through the real local stack, the raw D1 insert
// ceiling of this machine, the cost of a payout in billable units (and in dollars), growth with
// history, and peak memory. Results go to bench/results/; benchmarks report, they never fail.
//
//   npm run bench                          # 1,000 and 10,000 payouts, then 1,000 again on top
//   npm run bench -- --sizes 1000,10000,100000

import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { TEST_ACTORS } from "../test/support/actors.ts";
import { startLocalStack, type LocalStack } from "./local-stack.ts";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_DIR = join(PROJECT_DIR, "bench", "results");
const BATCH_SIZE = 1000;
const SETUP_CONCURRENCY = 12;
const APPROVE_CONCURRENCY = 4;
const RUN_TIMEOUT_MS = 3 * 3_600_000;

/**
 * Cloudflare's published list prices (USD), as read on 2026-11-26 from the Workers, D1, Durable
 * Objects and Queues pricing pages. Marginal prices beyond the monthly allowances of the Workers
 * Paid plan; check the pages before relying on them.
 */
export const PRICES = {
  asOf: "2026-11-26",
  workersPerMillionRequests: 0.3,
  d1PerMillionRowsRead: 0.001,
  d1PerMillionRowsWritten: 1.0,
  durableObjectsPerMillionRequests: 0.15,
  queuesPerMillionOperations: 0.4,
  /** Queues bills a write, a read and a delete per 64 KB message delivered once. */
  queueOperationsPerMessage: 3,
};

type Usage = {
  workerInvocations: number;
  d1Queries: number;
  d1RowsRead: number;
  d1RowsWritten: number;
  durableObjectRequests: number;
  queueMessagesSent: number;
  queueMessagesDelivered: number;
  payoutsProcessed: number;
};

const TOKENS = Object.fromEntries(Object.values(TEST_ACTORS).map((a) => [a.actorId, a.token]));
const token = (actorId: string) => TOKENS[actorId]!;

async function call(base: string, actorId: string, method: string, path: string, body?: unknown): Promise<any> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token(actorId)}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(300_000),
      });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : null;
    } catch (error) {
      if (attempt >= 3 || (error instanceof Error && / → 4\d\d:/.test(error.message))) throw error;
      await new Promise((done) => setTimeout(done, 1000 * (attempt + 1)));
    }
  }
}

async function pool<T>(items: T[], size: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

/** Resident memory of every process in the stack's process group (wrangler, workerd, esbuild). */
function groupRssBytes(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"));
      if (rss) total += Number(rss[1]) * 1024;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

async function rawCeiling(): Promise<{ rowsPerSecond: number; rows: number; elapsedMs: number }> {
  const stack = await startLocalStack({ config: "bench/raw-d1/wrangler.toml", migrate: false, logName: "bench-raw-d1.log" });
  try {
    await fetch(`${stack.baseUrl}/insert?rows=2000`, { method: "POST" }); // warm up
    const res = await fetch(`${stack.baseUrl}/insert?rows=100000`, { method: "POST" });
    return (await res.json()) as { rowsPerSecond: number; rows: number; elapsedMs: number };
  } finally {
    await stack.stop();
  }
}

interface RunResult {
  payouts: number;
  historyPayoutsBefore: number;
  setupSeconds: number;
  seconds: number;
  payoutsPerSecond: number;
  msPerPayout: number;
  usage: Usage;
  perPayout: Record<string, number>;
  /** Where the rows go: each SQL statement's queries and rows per payout, costliest writes first. */
  statementsPerPayout: Array<{ sql: string; queries: number; rowsRead: number; rowsWritten: number }>;
}

/** Settles one order for each of N new payees, approves their batches, and times approval → processed. */
async function runSize(stack: LocalStack, n: number, label: string, historyPayoutsBefore: number): Promise<RunResult> {
  const base = stack.baseUrl;
  const cycleId = `bench-${label}`;
  const setupStarted = Date.now();
  const payeeIds: string[] = new Array(n);
  await pool(Array.from({ length: n }, (_, i) => i), SETUP_CONCURRENCY, async (i) => {
    const payee = await call(base, "admin-ada", "POST", "/v1/payees", {
      type: "seller",
      displayName: `Bench ${label} ${i}`,
      bankDetails: { accountNumber: `${String(100_000_000 + i)}${String(1000 + (i % 8000))}`, ifsc: "HDFC0001234", accountHolderName: `Bench ${i}` },
    });
    await call(base, "checker-chen", "POST", `/v1/payees/${payee.id}/bank-detail-changes/${payee.pendingBankDetailsChangeId}/approve`, { note: "bench" });
    await call(base, "admin-ada", "POST", `/v1/payees/${payee.id}/verification`, { status: "verified", bankAccountName: `Bench ${i}` });
    const gross = 10_000 + ((i * 7919) % 1_000_000);
    await call(base, "marketplace", "POST", "/v1/settlements", {
      orderId: `${cycleId}-o${i}`,
      cycleId,
      sellerPayeeId: payee.id,
      grossAmountPaise: gross,
      platformFeePaise: Math.floor(gross / 10),
      discountPaise: 0,
      voucherPaise: 0,
      walletAmountPaise: 0,
      deliveryFeePaise: 0,
      amountCollectedPaise: gross,
    });
    payeeIds[i] = payee.id;
  });
  const batches: Array<{ id: string; fingerprint: string }> = [];
  for (let i = 0; i < n; i += BATCH_SIZE) {
    const batch = await call(base, "maker-mira", "POST", "/v1/batches", { cycleId, payeeIds: payeeIds.slice(i, i + BATCH_SIZE) });
    const submitted = await call(base, "maker-mira", "POST", `/v1/batches/${batch.id}/submit`);
    batches.push({ id: submitted.id, fingerprint: submitted.fingerprint });
  }
  const setupSeconds = (Date.now() - setupStarted) / 1000;

  await call(base, "admin-ada", "POST", "/v1/usage/reset");
  const started = Date.now();
  await pool(batches, APPROVE_CONCURRENCY, async (b) => {
    await call(base, "checker-chen", "POST", `/v1/batches/${b.id}/approve`, { fingerprint: b.fingerprint });
  });
  const deadline = started + RUN_TIMEOUT_MS;
  // Progress comes from the usage counters, which read nothing from D1, so watching the run
  // does not add to the rows it is measured by.
  let processed = 0;
  while (Date.now() < deadline) {
    processed = ((await call(base, "admin-ada", "GET", "/v1/usage")) as Usage).payoutsProcessed;
    if (processed >= n) break;
    await new Promise((done) => setTimeout(done, 250));
  }
  const seconds = (Date.now() - started) / 1000;
  // Read the counters before checking the result, so the check is not counted as the payouts' cost.
  const usage = (await call(base, "admin-ada", "GET", "/v1/usage")) as Usage;
  const statements = (await call(base, "admin-ada", "GET", "/v1/usage/statements")).data as RunResult["statementsPerPayout"];
  const summary = await call(base, "auditor-abe", "GET", `/v1/payouts/summary?cycleId=${encodeURIComponent(cycleId)}`);
  if ((summary.byStatus.processed?.count ?? 0) !== n) console.error(`  the database shows ${summary.byStatus.processed?.count ?? 0} of ${n} processed`);
  if (processed < n) console.error(`  only ${processed} of ${n} payouts processed before the time limit`);
  const per = (v: number) => Math.round((v / n) * 100) / 100;
  return {
    payouts: n,
    historyPayoutsBefore,
    setupSeconds: Math.round(setupSeconds),
    seconds: Math.round(seconds * 10) / 10,
    payoutsPerSecond: Math.round((processed / seconds) * 10) / 10,
    msPerPayout: Math.round((seconds * 1000) / n * 10) / 10,
    usage,
    perPayout: {
      d1RowsRead: per(usage.d1RowsRead),
      d1RowsWritten: per(usage.d1RowsWritten),
      d1Queries: per(usage.d1Queries),
      durableObjectRequests: per(usage.durableObjectRequests),
      queueMessages: per(usage.queueMessagesSent),
      queueDeliveries: per(usage.queueMessagesDelivered),
      workerInvocations: per(usage.workerInvocations),
    },
    statementsPerPayout: statements.map((st) => ({
      sql: st.sql.replace(/\s+/g, " "),
      queries: per(st.queries),
      rowsRead: per(st.rowsRead),
      rowsWritten: per(st.rowsWritten),
    })),
  };
}

function billPerMillion(perPayout: Record<string, number>) {
  const m = 1_000_000;
  const lines = {
    workerRequests: ((perPayout.workerInvocations! * m) / 1e6) * PRICES.workersPerMillionRequests,
    d1RowsRead: ((perPayout.d1RowsRead! * m) / 1e6) * PRICES.d1PerMillionRowsRead,
    d1RowsWritten: ((perPayout.d1RowsWritten! * m) / 1e6) * PRICES.d1PerMillionRowsWritten,
    durableObjectRequests: ((perPayout.durableObjectRequests! * m) / 1e6) * PRICES.durableObjectsPerMillionRequests,
    queueOperations: ((perPayout.queueMessages! * PRICES.queueOperationsPerMessage * m) / 1e6) * PRICES.queuesPerMillionOperations,
  };
  const total = Object.values(lines).reduce((s, v) => s + v, 0);
  return { ...Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, Math.round(v * 100) / 100])), totalUsd: Math.round(total * 100) / 100 };
}

async function main() {
  const { values } = parseArgs({ options: { sizes: { type: "string", default: "1000,10000" } } });
  const sizes = values.sizes!.split(",").map(Number);
  const startedAt = new Date().toISOString();
  console.log("raw D1 insert ceiling…");
  const raw = await rawCeiling();
  console.log(`  ${raw.rowsPerSecond} rows/s (${raw.rows} rows in ${raw.elapsedMs} ms)`);

  const stack = await startLocalStack({
    logName: "bench-wrangler.log",
    sinkCapacity: 10,
    vars: { USAGE_METERING: "exact", TWO_CHECKER_THRESHOLD_PAISE: String(Number.MAX_SAFE_INTEGER) },
  });
  let peakRssBytes = 0;
  const sampler = setInterval(() => {
    if (stack.pid) peakRssBytes = Math.max(peakRssBytes, groupRssBytes(stack.pid));
  }, 500);
  const runs: RunResult[] = [];
  try {
    await call(stack.baseUrl, "admin-ada", "POST", "/v1/simbank/admin/config", { rates: {}, processingDelayMs: 0, latencyMs: 0, autoRun: true });
    let history = 0;
    const plan = [...sizes.map((n) => ({ n, label: `n${n}` })), { n: sizes[0]!, label: `n${sizes[0]}-again` }];
    for (const { n, label } of plan) {
      console.log(`${n} payouts (${history} already in the ledger)…`);
      const result = await runSize(stack, n, label, history);
      runs.push(result);
      history += n;
      console.log(`  ${result.payoutsPerSecond} payouts/s, ${result.msPerPayout} ms each; per payout ${JSON.stringify(result.perPayout)}`);
      for (const st of result.statementsPerPayout.slice(0, 12)) console.log(`    ${String(st.rowsWritten).padStart(6)} written ${String(st.rowsRead).padStart(6)} read  ${st.sql.slice(0, 110)}`);
    }
  } finally {
    clearInterval(sampler);
    await stack.stop();
  }

  const minimalPayoutsPerSecond = raw.rowsPerSecond / 4;
  const first = runs[0]!;
  const again = runs[runs.length - 1]!;
  const largest = runs.reduce((a, b) => (b.payouts > a.payouts ? b : a));
  const result = {
    startedAt,
    machine: { cores: (await import("node:os")).cpus().length, memoryGiB: Math.round((await import("node:os")).totalmem() / 2 ** 30) },
    prices: PRICES,
    raw,
    runs,
    ratioToRawCeiling: runs.map((r) => ({ payouts: r.payouts, historyPayoutsBefore: r.historyPayoutsBefore, ratio: Math.round((r.payoutsPerSecond / minimalPayoutsPerSecond) * 1000) / 1000 })),
    targets: { ratio: 0.25, rowsWrittenPerPayout: 8, rowsReadPerPayout: 20, growthWithin: 0.2 },
    growth: {
      history: again.historyPayoutsBefore,
      msPerPayoutChange: Math.round(((again.msPerPayout - first.msPerPayout) / first.msPerPayout) * 1000) / 1000,
      rowsReadPerPayoutChange: Math.round(((again.perPayout.d1RowsRead! - first.perPayout.d1RowsRead!) / first.perPayout.d1RowsRead!) * 1000) / 1000,
    },
    billFor1MillionPayoutsUsd: billPerMillion(largest.perPayout),
    peakMemoryMiB: Math.round(peakRssBytes / 2 ** 20),
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  console.log(`results written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
