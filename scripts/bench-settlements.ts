// Benchmark: settlement ingestion in bulk against one order at a time, through the real local
// stack. It posts N orders in calls of 1,000 to POST /v1/settlements/bulk and N other orders one by
// one to POST /v1/settlements (8 at a time), and reports orders per second for each, the ratio,
// and D1 queries and rows per order from the usage counters. Results go to bench/results/;
// benchmarks report, they never fail.
//
//   npm run bench:settlements                      # 10,000 orders each way
//   npm run bench:settlements -- --orders 2000

import { execFileSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { TEST_ACTORS } from "../test/support/actors.ts";
import { startLocalStack } from "./local-stack.ts";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_DIR = join(PROJECT_DIR, "bench", "results");
const ORDERS_PER_CALL = 1000;
const SINGLE_CONCURRENCY = 8;
const SETUP_CONCURRENCY = 8;
/** Orders are spread over this many sellers, half of them with one of the delivery partners. */
const SELLERS = 200;
const PARTNERS = 50;
const TARGET_RATIO = 20;

const TOKENS = Object.fromEntries(Object.values(TEST_ACTORS).map((a) => [a.actorId, a.token]));

async function call(base: string, actorId: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKENS[actorId]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(300_000),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

async function pool<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

type Usage = { d1Queries: number; d1RowsRead: number; d1RowsWritten: number; workerInvocations: number };

async function payees(base: string, type: "seller" | "delivery_partner", n: number): Promise<string[]> {
  const ids: string[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    SETUP_CONCURRENCY,
    async (i) => {
      const payee = await call(base, "admin-ada", "POST", "/v1/payees", {
        type,
        displayName: `Bench ${type} ${i}`,
        bankDetails: { accountNumber: `${type === "seller" ? 5 : 6}${String(100_000_000_000 + i)}`, ifsc: "HDFC0001234", accountHolderName: `Bench ${i}` },
      });
      ids.push(payee.id);
    },
  );
  return ids;
}

/** Order i of a run: a seller by turns, a delivery partner for every other order, amounts that vary and add up. */
function orderOf(run: string, i: number, sellers: readonly string[], partners: readonly string[]) {
  const gross = 10_000 + ((i * 7919) % 1_000_000);
  const partner = i % 2 === 0 ? partners[(i / 2) % partners.length]! : null;
  const deliveryFeePaise = partner ? 4_000 : 0;
  const discountPaise = i % 3 === 0 ? Math.floor(gross / 20) : 0;
  return {
    orderId: `${run}-o${i}`,
    cycleId: `bench-${run}`,
    sellerPayeeId: sellers[i % sellers.length]!,
    deliveryPartnerPayeeId: partner,
    grossAmountPaise: gross,
    platformFeePaise: Math.floor(gross / 10),
    discountPaise,
    voucherPaise: 0,
    walletAmountPaise: 0,
    deliveryFeePaise,
    amountCollectedPaise: gross + deliveryFeePaise - discountPaise,
  };
}

interface Phase {
  orders: number;
  seconds: number;
  ordersPerSecond: number;
  usage: Usage;
  perOrder: { d1Queries: number; d1RowsRead: number; d1RowsWritten: number; workerInvocations: number };
  statementsPerOrder: Array<{ sql: string; queries: number; rowsRead: number; rowsWritten: number }>;
}

/** Resets the counters, runs the work, and reads the counters before anything checks the result. */
async function measure(base: string, orders: number, work: () => Promise<void>): Promise<Phase> {
  await call(base, "admin-ada", "POST", "/v1/usage/reset");
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  const usage = (await call(base, "admin-ada", "GET", "/v1/usage")) as Usage;
  const statements = (await call(base, "admin-ada", "GET", "/v1/usage/statements")).data as Phase["statementsPerOrder"];
  const per = (v: number) => Math.round((v / orders) * 1000) / 1000;
  return {
    orders,
    seconds: Math.round(seconds * 100) / 100,
    ordersPerSecond: Math.round((orders / seconds) * 10) / 10,
    usage,
    perOrder: { d1Queries: per(usage.d1Queries), d1RowsRead: per(usage.d1RowsRead), d1RowsWritten: per(usage.d1RowsWritten), workerInvocations: per(usage.workerInvocations) },
    statementsPerOrder: statements.map((s) => ({ sql: s.sql.replace(/\s+/g, " ").slice(0, 200), queries: per(s.queries), rowsRead: per(s.rowsRead), rowsWritten: per(s.rowsWritten) })),
  };
}

async function main() {
  const { values } = parseArgs({ options: { orders: { type: "string", default: "10000" } } });
  const n = Number(values.orders);
  if (!Number.isInteger(n) || n < ORDERS_PER_CALL || n % ORDERS_PER_CALL !== 0) throw new Error(`--orders must be a multiple of ${ORDERS_PER_CALL}`);
  const startedAt = new Date().toISOString();
  const git = (...args: string[]) => execFileSync("git", args, { cwd: PROJECT_DIR, encoding: "utf8" }).trim();
  const commit = git("rev-parse", "--short", "HEAD");
  const dirty = git("status", "--porcelain", "--", "src", "scripts", "wrangler.toml", "migrations") !== "";

  const stack = await startLocalStack({ logName: "bench-settlements-wrangler.log", vars: { USAGE_METERING: "exact" } });
  let single: Phase;
  let bulk: Phase;
  try {
    const base = stack.baseUrl;
    console.log(`setting up ${SELLERS} sellers and ${PARTNERS} delivery partners…`);
    const sellers = await payees(base, "seller", SELLERS);
    const partners = await payees(base, "delivery_partner", PARTNERS);
    // Warm both paths up (not measured): the first calls compile and open everything.
    await pool(Array.from({ length: 40 }, (_, i) => orderOf("warm", i, sellers, partners)), SINGLE_CONCURRENCY, async (o) => void (await call(base, "marketplace", "POST", "/v1/settlements", o)));
    await call(base, "marketplace", "POST", "/v1/settlements/bulk", { orders: Array.from({ length: 200 }, (_, i) => orderOf("warm", 40 + i, sellers, partners)) });

    // One by one first, so the bulk run meets the larger database.
    console.log(`${n} orders one by one, ${SINGLE_CONCURRENCY} at a time…`);
    const singles = Array.from({ length: n }, (_, i) => orderOf("single", i, sellers, partners));
    single = await measure(base, n, () => pool(singles, SINGLE_CONCURRENCY, async (o) => void (await call(base, "marketplace", "POST", "/v1/settlements", o))));
    console.log(`  ${single.ordersPerSecond} orders/s; per order ${JSON.stringify(single.perOrder)}`);

    console.log(`${n} orders in ${n / ORDERS_PER_CALL} calls of ${ORDERS_PER_CALL}…`);
    bulk = await measure(base, n, async () => {
      for (let c = 0; c < n / ORDERS_PER_CALL; c++) {
        const orders = Array.from({ length: ORDERS_PER_CALL }, (_, i) => orderOf("bulk", c * ORDERS_PER_CALL + i, sellers, partners));
        const answer = await call(base, "marketplace", "POST", "/v1/settlements/bulk", { orders });
        if (answer.counts.created !== ORDERS_PER_CALL) throw new Error(`call ${c}: ${JSON.stringify(answer.counts)}`);
      }
    });
    console.log(`  ${bulk.ordersPerSecond} orders/s; per order ${JSON.stringify(bulk.perOrder)}`);
    for (const st of bulk.statementsPerOrder.slice(0, 12)) console.log(`    ${String(st.queries).padStart(6)} q ${String(st.rowsWritten).padStart(6)} written ${String(st.rowsRead).padStart(6)} read  ${st.sql.slice(0, 100)}`);
  } finally {
    await stack.stop();
  }

  const ratio = Math.round((bulk.ordersPerSecond / single.ordersPerSecond) * 10) / 10;
  const result = {
    startedAt,
    commit,
    dirty,
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30) },
    setup: { sellers: SELLERS, deliveryPartners: PARTNERS, ordersPerCall: ORDERS_PER_CALL, singleConcurrency: SINGLE_CONCURRENCY },
    single,
    bulk,
    ratio,
    target: { ratio: TARGET_RATIO, met: ratio >= TARGET_RATIO },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `settlements-${startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(RESULTS_DIR, "settlements-latest.json"), `${JSON.stringify(result, null, 2)}\n`);
  console.log(`bulk ${bulk.ordersPerSecond} orders/s, one by one ${single.ordersPerSecond} orders/s: ${ratio}× (target ${TARGET_RATIO}×), at ${commit}${dirty ? " with uncommitted changes" : ""}`);
  console.log(`results written to ${file}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
