// The fault-injection simulation: drives complete payout cycles through the real service
// (wrangler dev: Worker, D1, Durable Objects, Queues, crons, the simulated bank), with bank and
// platform faults decided by a seed, then checks that every payable was paid exactly once.
//
//   npm run simulate -- --seed 7 --payees 20 --orders 60 --faults heavy [--cycles 2] [--seeds 1,2,3] [--kills 3]
//
// With --kills N it also crashes the whole local stack for real N times (SIGKILL to wrangler's
// process group, at moments decided by the seed) and starts it again on the same state.
//
// Exits non-zero on any violation, printing the seed and the first violating payout's timeline.

import { parseArgs } from "node:util";
import { hashRoll, seededRandom } from "../src/domain/random.ts";
import type { AdjustmentEffect } from "../src/domain/adjustments.ts";
import type { SettlementBreakdown } from "../src/domain/settlement.ts";
import type { FaultRates } from "../src/sim/simulated-bank.ts";
import { TEST_ACTORS } from "../test/support/actors.ts";
import { startLocalStack, type LocalStack } from "./local-stack.ts";

interface Profile {
  bank: FaultRates;
  /** Share of payees whose account the bank rejects (…0000) or closes (…9999). */
  badAccountShare: number;
  chaos: { consumerCrashRate: number; duplicateRate: number; redeliverRate: number };
  processingDelayMs: number;
}

export const PROFILES: Record<string, Profile> = {
  none: { bank: {}, badAccountShare: 0, chaos: { consumerCrashRate: 0, duplicateRate: 0, redeliverRate: 0 }, processingDelayMs: 0 },
  light: {
    bank: { serverError: 0.03, timeoutAfterCommit: 0.03, serverErrorAfterCommit: 0.02, rateLimit: 0.02, webhookLost: 0.05, webhookDuplicate: 0.05, webhookDelay: 0.1, reversal: 0.02 },
    badAccountShare: 0.05,
    chaos: { consumerCrashRate: 0.05, duplicateRate: 0.05, redeliverRate: 0.05 },
    processingDelayMs: 200,
  },
  // 30 % of bank calls faulty, as in the issue's large-run target.
  heavy: {
    bank: { serverError: 0.08, timeoutAfterCommit: 0.08, serverErrorAfterCommit: 0.06, rateLimit: 0.08, webhookLost: 0.15, webhookDuplicate: 0.15, webhookDelay: 0.3, reversal: 0.05 },
    badAccountShare: 0.1,
    chaos: { consumerCrashRate: 0.15, duplicateRate: 0.1, redeliverRate: 0.1 },
    processingDelayMs: 300,
  },
};

const TOKENS = Object.fromEntries(Object.entries(TEST_ACTORS).map(([k, a]) => [k, a.token])) as Record<keyof typeof TEST_ACTORS, string>;
type Actor = keyof typeof TEST_ACTORS;
const MINUTE_MS = 60_000;
/** How long to wait for payouts to settle after each step: more payouts, more time. */
const QUIESCE_BASE_MS = 240_000;
const QUIESCE_PER_PAYEE_MS = 300;
const MAX_RESOLUTION_ROUNDS = 3;

class Api {
  private readonly baseUrl: string;
  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }
  async call<T = any>(actor: Actor | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: { ...(actor ? { authorization: `Bearer ${TOKENS[actor]}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
      } catch (error) {
        if (attempt >= 3) throw error;
        await sleep(500);
      }
    }
  }
  /** A GET whose answer is not JSON (a CSV export). */
  async text(actor: Actor, path: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: { authorization: `Bearer ${TOKENS[actor]}` }, signal: AbortSignal.timeout(60_000) });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.text();
  }
  async ok<T = any>(actor: Actor | null, method: string, path: string, body?: unknown, expected: number[] = [200, 201]): Promise<T> {
    const res = await this.call<T>(actor, method, path, body);
    if (!expected.includes(res.status)) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  /** Fires a cron trigger as wrangler's --test-scheduled endpoint does, at a chosen time. */
  async cron(cron: string, atMs: number) {
    const res = await fetch(`${this.baseUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}&time=${atMs}`);
    if (!res.ok) throw new Error(`cron ${cron} → ${res.status}: ${await res.text()}`);
  }
  async all<T>(actor: Actor, path: string): Promise<T[]> {
    const out: T[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes("?") ? "&" : "?";
      const page: { data: T[]; nextCursor: string | null } = await this.ok(actor, "GET", `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      out.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface SimulationOptions {
  seed: number;
  payees: number;
  orders: number;
  faults: string;
  cycles: number;
  /** Real process kills (SIGKILL, then a restart on the same state); 0 for none. */
  kills?: number;
  log?: (line: string) => void;
}

export interface SimulationResult {
  seed: number;
  ok: boolean;
  violations: string[];
  summary: Record<string, unknown>;
}

/**
 * Where a kill lands: while a batch is being released (right after its approval), while its
 * transfers are at the bank (the consumer and a polling cron calling it), or while the bank's
 * clock moves and its webhooks arrive.
 */
export const KILL_PHASES = ["release", "bank", "webhooks"] as const;
type KillPhase = (typeof KILL_PHASES)[number];
const KILL_MAX_DELAY_MS: Record<KillPhase, number> = { release: 2_000, bank: 2_000, webhooks: 600 };
const KILL_WAIT_FOR_MOTION_MS = 30_000;

interface PlannedKill {
  phase: KillPhase;
  cycle: number;
  /** How long after the phase starts the process group is killed. */
  delayMs: number;
}

/** The kills a seed decides: the phases in turn from a seeded start, each in a seeded cycle at a seeded moment. */
export function planKills(seed: number, kills: number, cycles: number): PlannedKill[] {
  const offset = Math.floor(hashRoll(seed, "kill-phase") * KILL_PHASES.length);
  return Array.from({ length: kills }, (_, i) => {
    const phase = KILL_PHASES[(offset + i) % KILL_PHASES.length]!;
    return {
      phase,
      cycle: 1 + Math.floor(hashRoll(seed, `kill-cycle|${i}`) * cycles),
      delayMs: Math.floor(hashRoll(seed, `kill-delay|${i}`) * KILL_MAX_DELAY_MS[phase]),
    };
  });
}

export async function simulate(options: SimulationOptions): Promise<SimulationResult> {
  const profile = PROFILES[options.faults];
  if (!profile) throw new Error(`unknown fault profile ${options.faults}; choose ${Object.keys(PROFILES).join(", ")}`);
  const log = options.log ?? ((line: string) => console.log(line));
  const rng = seededRandom(options.seed);
  const int = (min: number, max: number) => min + Math.floor(rng.next() * (max - min + 1));
  const started = Date.now();
  const stack: LocalStack = await startLocalStack({
    logName: `simulate-seed-${options.seed}.log`,
    sinkCapacity: 200,
    vars: {
      CHAOS: JSON.stringify({ seed: options.seed, ...profile.chaos }),
      POLL_AFTER_SECONDS: "60",
      POLL_HORIZON_SECONDS: "3600",
      TWO_CHECKER_THRESHOLD_PAISE: "50000000",
      PLATFORM_GST_STATE: "29",
    },
  });
  try {
    const api = new Api(stack.baseUrl);
    // Simulated time runs ahead of the wall clock: the crons and the bank are told it is later.
    let clockMs = Date.now();
    const plannedKills = planKills(options.seed, options.kills ?? 0, options.cycles);
    const killsDone: Array<Record<string, unknown>> = [];
    /** Waits for some payout to be in flight, letting simulated time pass as quiesce does (an earlier kill may have cut a release short, which only the cron re-drives). */
    const untilInFlight = async () => {
      const deadline = Date.now() + KILL_WAIT_FOR_MOTION_MS;
      while (Date.now() < deadline && (await movingPayouts(api)) === 0) {
        await sleep(1_500);
        clockMs += 2 * MINUTE_MS;
        await api.ok("admin", "POST", "/v1/simbank/admin/tick", { advanceMs: 2 * MINUTE_MS });
        await api.cron("*/5 * * * *", clockMs);
      }
    };
    /**
     * The seed's kills of this phase and cycle, each while `during` (started, not awaited) is under
     * way; at the bank and for webhooks, only once some payout is in flight.
     */
    const killsAt = async (phase: KillPhase, cycle: number, during: () => Promise<unknown> = async () => {}) => {
      for (const kill of plannedKills.filter((k) => k.phase === phase && k.cycle === cycle)) {
        if (phase !== "release") await untilInFlight();
        const inMotion = during().catch(() => "cut off by the kill");
        await sleep(kill.delayMs);
        const moving = await movingPayouts(api).catch(() => null);
        const { killedPid, restartMs } = await stack.killAndRestart();
        await inMotion;
        killsDone.push({ ...kill, movingAtKill: moving, restartSeconds: Math.round(restartMs / 100) / 10 });
        log(`  killed the stack (pid ${killedPid}, SIGKILL) in cycle ${cycle} ${phase} after ${kill.delayMs} ms with ${moving ?? "?"} payouts moving; restarted on the same state in ${(restartMs / 1000).toFixed(1)} s`);
      }
    };
    await api.ok("admin", "POST", "/v1/simbank/admin/config", {
      seed: options.seed,
      rates: profile.bank,
      processingDelayMs: profile.processingDelayMs,
      maxWebhookDelayMs: 5 * MINUTE_MS,
      reversalDelayMs: 10 * MINUTE_MS,
      autoRun: true,
    });

    // Payees: sellers and delivery partners, some with accounts the bank will refuse.
    // Decided in order from the seed, then created side by side.
    const specs = Array.from({ length: options.payees }, (_, i) => {
      const type = i % 5 === 4 ? "delivery_partner" : "seller";
      // Sellers' tax identities: a registered firm or company (PAN + GSTIN), an individual with a PAN, or none.
      const identity = type === "seller" ? SIM_IDENTITIES[int(0, SIM_IDENTITIES.length - 1)]! : {};
      const bad = rng.next() < profile.badAccountShare;
      const accountNumber = `${String(int(10_000_000, 99_999_999))}${bad ? (rng.next() < 0.5 ? "0000" : "9999") : String(int(1000, 8999))}`;
      return { i, type, bad, accountNumber, identity };
    });
    const payees: Array<{ id: string; type: string; bad: boolean }> = new Array(specs.length);
    await pool(specs, 8, async ({ i, type, bad, accountNumber, identity }) => {
      const payee = await api.ok("admin", "POST", "/v1/payees", {
        type,
        displayName: `Sim ${type} ${i}`,
        ...identity,
        bankDetails: { accountNumber, ifsc: "HDFC0001234", accountHolderName: `Sim payee ${i}` },
      });
      await api.ok("checker", "POST", `/v1/payees/${payee.id}/bank-detail-changes/${payee.pendingBankDetailsChangeId}/approve`, { note: "simulated review" });
      await api.ok("admin", "POST", `/v1/payees/${payee.id}/verification`, { status: "verified", bankAccountName: `Sim payee ${i}` });
      payees[i] = { id: payee.id, type, bad };
    });
    const sellers = payees.filter((p) => p.type === "seller");
    const partners = payees.filter((p) => p.type === "delivery_partner");
    // Net earnings to date per payee: what it earned less what adjustments took back.
    const owedPaise = new Map<string, number>();
    const owe = (payeeId: string, paise: number) => owedPaise.set(payeeId, (owedPaise.get(payeeId) ?? 0) + paise);
    // Every fourth seller has a rolling reserve: part of each settlement held back for 1–3 days.
    for (const seller of sellers.filter((_, k) => k % 4 === 1)) {
      await api.ok("risk", "PUT", `/v1/payees/${seller.id}/reserve`, { basisPoints: int(500, 2000), days: int(1, 3) });
    }
    const posted: SimSettlement[] = [];
    // Statutory deductions withheld less given back, per kind and head, as the API reported them.
    const withheld = new Map<string, number>();
    const withhold = (kind: string, head: string, paise: number) => withheld.set(`${kind}|${head}`, (withheld.get(`${kind}|${head}`) ?? 0) + paise);
    const refunded = new Set<string>();
    const adjustedPayees = new Set<string>();
    let adjustmentsPosted = 0;
    let holdsPlaced = 0;

    let ordersPosted = 0;
    for (let cycle = 1; cycle <= options.cycles; cycle++) {
      const cycleId = `sim-${options.seed}-c${cycle}`;
      const count = Math.floor(options.orders / options.cycles) + (cycle === 1 ? options.orders % options.cycles : 0);
      const settlements: SimSettlement[] = [];
      for (let o = 0; o < count; o++) {
        const seller = sellers[int(0, sellers.length - 1)]!;
        const partner = partners.length > 0 && rng.next() < 0.6 ? partners[int(0, partners.length - 1)]! : null;
        const gross = int(10_000, 5_000_000);
        const fee = Math.floor((gross * int(0, 20)) / 100);
        const discount = rng.next() < 0.3 ? int(0, Math.floor(gross / 10)) : 0;
        const voucher = rng.next() < 0.2 ? int(0, Math.floor(gross / 20)) : 0;
        const wallet = rng.next() < 0.2 ? int(0, Math.floor(gross / 20)) : 0;
        const delivery = partner ? int(2_000, 15_000) : 0;
        settlements.push({
          orderId: `${cycleId}-o${o}`,
          cycleId,
          sellerPayeeId: seller.id,
          deliveryPartnerPayeeId: partner?.id ?? null,
          grossAmountPaise: gross,
          platformFeePaise: fee,
          discountPaise: discount,
          voucherPaise: voucher,
          walletAmountPaise: wallet,
          deliveryFeePaise: delivery,
          amountCollectedPaise: gross + delivery - discount - voucher - wallet,
          // Half the orders carry tax details, so their statutory deductions are withheld.
          ...(rng.next() < 0.5 ? { tax: { placeOfSupplyState: rng.next() < 0.5 ? "27" : "29" } } : {}),
        });
        if (partner && delivery > 0) owe(partner.id, delivery);
      }
      await pool(settlements, 4, async (s) => {
        const settled = await api.ok("system", "POST", "/v1/settlements", s);
        // The seller earns its share net of any deductions (what Disburse computed, checked below against the ledger).
        owe(s.sellerPayeeId, settled.sellerPayablePaise);
        for (const d of settled.deductions) withhold(d.kind, d.head, d.amountPaise);
        // The marketplace retries some deliveries: replays must not double-post.
        if (rng.next() < 0.1) await api.ok("system", "POST", "/v1/settlements", s, [200]);
      });
      ordersPosted += settlements.length;
      posted.push(...settlements);

      // Refunds and chargebacks land in this cycle: on earlier cycles' orders (after their payout)
      // and on this cycle's (before it).
      adjustmentsPosted += await adjustSomeOrders(api, rng, int, posted.filter((o) => !refunded.has(o.orderId)), cycleId, (orderId, effect, order) => {
        refunded.add(orderId);
        adjustedPayees.add(order.sellerPayeeId);
        owe(order.sellerPayeeId, effect.sellerPayablePaise - effect.sellerReservePaise);
        for (const r of effect.deductionReversals) withhold(r.kind, r.head, -r.amountPaise);
      });
      // From the second cycle on, the risk team holds a seller while its batch is made.
      const earning = sellers.filter((p) => settlements.some((o) => o.sellerPayeeId === p.id));
      const held = cycle >= 2 && earning.length > 0 && rng.next() < 0.8 ? earning[int(0, earning.length - 1)]! : null;
      const hold = held ? await api.ok("risk", "POST", `/v1/payees/${held.id}/holds`, { reason: "simulated investigation" }) : null;
      if (hold) holdsPlaced++;

      // One batch holds at most 1,000 payees: larger cycles go in batches of named payees.
      const owedThisCycle = [...new Set(settlements.flatMap((s) => [s.sellerPayeeId, ...(s.deliveryPartnerPayeeId && s.deliveryFeePaise > 0 ? [s.deliveryPartnerPayeeId] : [])]))].sort();
      const scopes: Array<string[] | null> = owedThisCycle.length <= 1000 ? [null] : Array.from({ length: Math.ceil(owedThisCycle.length / 1000) }, (_, k) => owedThisCycle.slice(k * 1000, (k + 1) * 1000));
      for (const payeeIds of scopes) {
        const body = payeeIds ? { cycleId, payeeIds } : { cycleId };
        // Concurrent duplicate batch creation must give one batch.
        const created = await Promise.all([0, 1, 2].map(() => api.call("maker", "POST", "/v1/batches", body)));
        const ids = new Set(created.map((c) => c.body?.id));
        if (ids.size !== 1 || created.some((c) => c.status !== 200 && c.status !== 201)) {
          throw new Error(`duplicate batch creation gave ${JSON.stringify(created.map((c) => [c.status, c.body?.id ?? c.body]))}`);
        }
        const batchId = [...ids][0] as string;
        const submitted = await api.ok("maker", "POST", `/v1/batches/${batchId}/submit`);
        // Concurrent and repeated approvals must give one state change.
        const approvers: Actor[] = submitted.requiredApprovals === 2 ? ["checker", "checker2", "checker", "checker2"] : ["checker", "checker", "checker2"];
        const decisions = await Promise.all(approvers.map((a) => api.call(a, "POST", `/v1/batches/${batchId}/approve`, { fingerprint: submitted.fingerprint })));
        const refused = decisions.filter((d) => d.status !== 200 && !(d.status === 409 && d.body?.error?.code === "batch_not_pending"));
        if (refused.length > 0) throw new Error(`approval refused: ${JSON.stringify(refused.map((r) => r.body))}`);
        log(`  cycle ${cycle}: ${settlements.length} orders, batch ${batchId} with ${submitted.itemCount} payees approved`);
      }
      await killsAt("release", cycle);
      if (held && hold) {
        // A second person releases the hold; the maker pays the held seller's cycle in its own batch.
        await api.ok("risk2", "POST", `/v1/payees/${held.id}/holds/${hold.id}/release`, { note: "simulation: cleared" });
        await payScoped(api, { cycleId, payeeIds: [held.id] }, log, `held seller's batch for cycle ${cycle}`);
      }
      await killsAt("bank", cycle, () => api.cron("*/5 * * * *", clockMs));
      await killsAt("webhooks", cycle, async () => {
        clockMs += 3 * MINUTE_MS;
        await api.ok("admin", "POST", "/v1/simbank/admin/tick", { advanceMs: 3 * MINUTE_MS });
      });
      clockMs = await quiesce(api, clockMs, options.payees, log);
    }


    // Operators work the tickets: fix bad bank details, then resolve; resolutions retry payouts.
    clockMs = await workTickets(api, int, clockMs, options.payees, log);

    // Past the polling horizon: everything the bank knows is delivered, the poller resolves the
    // rest; then past the return re-check interval, so a late return whose webhook was lost is seen.
    clockMs = await pastTheHorizon(api, clockMs, options.payees, log);

    // Every reserve is due four days on: the cron, fired once at that time (twice at once, as a
    // double-firing cron would), releases each exactly once, and one more batch pays them out.
    // Only that firing is told it is later: the bank's clock, and the rest, stay where they are.
    const reservesDueMs = clockMs + 4 * 24 * 3_600_000;
    await Promise.all([api.cron("*/5 * * * *", reservesDueMs), api.cron("*/5 * * * *", reservesDueMs)]);
    await payScoped(api, { cycleId: `sim-${options.seed}-reserves` }, log, "released reserves' batch");
    clockMs = await quiesce(api, clockMs, options.payees, log);
    // The simulated clock is hours ahead of the service's by now, so these young payouts look
    // stuck to the poller: the operators resolve those tickets like any other.
    clockMs = await workTickets(api, int, clockMs, options.payees, log);
    clockMs = await pastTheHorizon(api, clockMs, options.payees, log);

    const today = new Date().toISOString().slice(0, 10);
    const run = await api.ok("auditor", "POST", "/v1/reconciliation/runs", { date: today });
    // The daily cron, fired twice at once for the same day, must not disturb the run.
    const tomorrow = Date.parse(`${today}T00:30:00.000Z`) + 86_400_000;
    await Promise.all([api.cron("30 0 * * *", tomorrow), api.cron("30 0 * * *", tomorrow)]);
    const rerun = await api.ok("auditor", "POST", "/v1/reconciliation/runs", { date: today });

    const violations = await check(api, { run, rerun });
    violations.push(...(await checkMoneyAfterOrder(api, owedPaise, adjustedPayees)));
    violations.push(...(await checkStatutory(api, withheld)));
    const payouts = await api.all<any>("auditor", "/v1/payouts");
    const exceptions = await api.all<any>("admin", "/v1/exceptions");
    const bankState = await api.ok("admin", "GET", "/v1/simbank/admin/state");
    const summary = {
      seed: options.seed,
      faults: options.faults,
      payees: options.payees,
      orders: ordersPosted,
      adjustments: adjustmentsPosted,
      withheldPaise: Object.fromEntries(withheld),
      holds: holdsPlaced,
      payouts: payouts.length,
      payoutsByStatus: countBy(payouts, (p) => p.status),
      bankCalls: bankState.calls.length,
      bankFaults: countBy(bankState.calls.filter((c: any) => !["none", "replay"].includes(c.fault)), (c: any) => c.fault),
      webhooksQueued: bankState.webhooks.length,
      exceptionsByCause: countBy(exceptions, (e) => `${e.cause}:${e.status}`),
      refusalsByReason: countBy(exceptions.filter((e) => e.cause === "payout_refused"), (e) => String(e.details?.reason)),
      reconciliation: run.totals,
      ...(killsDone.length > 0 ? { kills: killsDone } : {}),
      seconds: Math.round((Date.now() - started) / 1000),
    };
    if (violations.length > 0) {
      const payoutId = /payout (po_[0-9a-z]+)/.exec(violations[0]!)?.[1];
      if (payoutId) {
        const timeline = await api.ok("auditor", "GET", `/v1/payouts/${payoutId}/timeline`);
        log(`first violating payout's timeline:\n${JSON.stringify(timeline, null, 2)}`);
      }
    }
    return { seed: options.seed, ok: violations.length === 0, violations, summary };
  } finally {
    await stack.stop();
  }
}

/** Operators work the tickets: fix bad bank details, then resolve; resolutions retry payouts. */
async function workTickets(api: Api, int: (min: number, max: number) => number, clockMs: number, payees: number, log: (line: string) => void): Promise<number> {
  let clock = clockMs;
  for (let round = 0; round < MAX_RESOLUTION_ROUNDS; round++) {
    const open = (await api.all<any>("admin", "/v1/exceptions?status=open")).filter((e) => ["invalid_bank_details", "bank_failure", "payout_reversed", "payout_refused", "transfer_dead_lettered", "payout_stuck"].includes(e.cause));
    if (open.length === 0) break;
    for (const e of open) {
      if (e.cause === "invalid_bank_details" && e.payeeId) {
        const corrected = await api.ok("admin", "PATCH", `/v1/payees/${e.payeeId}`, {
          bankDetails: { accountNumber: `7${String(int(10_000_000_000, 99_999_999_999))}`, ifsc: "ICIC0004321", accountHolderName: "Corrected holder" },
        });
        await api.ok("checker", "POST", `/v1/payees/${e.payeeId}/bank-detail-changes/${corrected.pendingBankDetailsChangeId}/approve`, { note: "simulated review" });
        await api.ok("admin", "POST", `/v1/payees/${e.payeeId}/verification`, { status: "verified", note: "penny drop passed", bankAccountName: "Corrected holder" });
      }
      if (e.cause === "payout_refused" && e.details?.reason === "insufficient_payable") {
        // The payee is owed less than was approved (a refund came meanwhile): pay what is owed now.
        await api.ok("admin", "POST", `/v1/exceptions/${e.id}/status`, { status: "dismissed", note: "paid in a new batch for the cycle" });
        await payScoped(api, { cycleId: e.details.cycleId, payeeIds: [e.payeeId] }, log, `re-batch of payee ${e.payeeId}`);
        continue;
      }
      await api.ok("admin", "POST", `/v1/exceptions/${e.id}/status`, { status: "resolved", note: `simulation round ${round + 1}` });
    }
    log(`  resolved ${open.length} tickets (round ${round + 1})`);
    clock = await quiesce(api, clock, payees, log);
  }
  return clock;
}

/** Moves time past the polling horizon, then past a return re-check, running the crons after each. */
async function pastTheHorizon(api: Api, clockMs: number, payees: number, log: (line: string) => void): Promise<number> {
  let clock = clockMs;
  for (const advanceMs of [2 * 3_600_000, 7 * 3_600_000]) {
    await api.ok("admin", "POST", "/v1/simbank/admin/tick", { advanceMs });
    clock += advanceMs;
    await Promise.all([api.cron("*/5 * * * *", clock), api.cron("*/5 * * * *", clock)]);
    clock = await quiesce(api, clock, payees, log);
  }
  return clock;
}

/** Payouts not yet final. Counts, not lists: a large run has too many payouts to page through every second. */
async function movingPayouts(api: Api): Promise<number> {
  const summary = await api.ok("auditor", "GET", "/v1/payouts/summary");
  return ["created", "queued", "processing", "unknown"].reduce((n, status) => n + (summary.byStatus[status]?.count ?? 0), 0);
}

/** Runs crons and bank ticks until no payout is still moving, or the time budget runs out. */
async function quiesce(api: Api, clockMs: number, payees: number, log: (line: string) => void): Promise<number> {
  const deadline = Date.now() + QUIESCE_BASE_MS + payees * QUIESCE_PER_PAYEE_MS;
  let clock = clockMs;
  while (Date.now() < deadline) {
    await sleep(1_500);
    const moving = await movingPayouts(api);
    const approved = await api.ok("auditor", "GET", "/v1/batches?status=approved&limit=1");
    const executing = await api.ok("auditor", "GET", "/v1/batches?status=executing&limit=1");
    if (moving === 0 && approved.data.length === 0 && executing.data.length === 0) return clock;
    // Let simulated time pass: the bank settles and delivers late webhooks; the poller (fired
    // twice at once, as a double-firing cron would) resolves what webhooks did not.
    clock += 2 * MINUTE_MS;
    await api.ok("admin", "POST", "/v1/simbank/admin/tick", { advanceMs: 2 * MINUTE_MS });
    await Promise.all([api.cron("*/5 * * * *", clock), api.cron("*/5 * * * *", clock)]);
  }
  log("  (quiesce time budget spent; checking as things stand)");
  return clock;
}

async function check(api: Api, ctx: { run: any; rerun: any }): Promise<string[]> {
  const violations: string[] = [];
  const payouts = await api.all<any>("auditor", "/v1/payouts");
  const exceptions = await api.all<any>("admin", "/v1/exceptions");
  const bankState = await api.ok("admin", "GET", "/v1/simbank/admin/state");
  const trial = await api.ok("auditor", "GET", "/v1/ledger/trial-balance");
  const openTickets = exceptions.filter((e) => e.status === "open" || e.status === "in_progress");
  const covered = (p: any) => openTickets.some((e) => e.payoutId === p.id || e.itemId === p.itemId || e.payeeId === p.payeeId);

  const debits = new Map<string, number>();
  const credits = new Map<string, number>();
  const debitCount = new Map<string, number>();
  for (const m of bankState.movements) {
    const into = m.direction === "debit" ? debits : credits;
    into.set(m.key, (into.get(m.key) ?? 0) + m.amount_paise);
    if (m.direction === "debit") debitCount.set(m.key, (debitCount.get(m.key) ?? 0) + 1);
  }
  const byId = new Map(payouts.map((p) => [p.id, p]));
  for (const [key, n] of debitCount) if (n > 1) violations.push(`payout ${key} was debited ${n} times at the bank`);
  for (const key of debits.keys()) if (!byId.has(key)) violations.push(`the bank moved money for ${key}, which Disburse does not know`);

  for (const p of payouts) {
    const bankDebit = debits.get(p.id) ?? 0;
    const bankCredit = credits.get(p.id) ?? 0;
    if (p.status === "processed" && (bankDebit !== p.amountPaise || bankCredit !== 0)) violations.push(`payout ${p.id} is processed but the bank moved ${bankDebit - bankCredit} of ${p.amountPaise}`);
    if (p.status === "reversed" && (bankDebit !== p.amountPaise || bankCredit !== p.amountPaise)) violations.push(`payout ${p.id} is reversed but the bank shows debit ${bankDebit}, credit ${bankCredit}`);
    if ((p.status === "failed" || p.status === "cancelled") && bankDebit - bankCredit !== 0) violations.push(`payout ${p.id} is ${p.status} but the bank kept ${bankDebit - bankCredit}`);
    if (["created", "queued", "processing", "unknown"].includes(p.status) && !covered(p)) violations.push(`payout ${p.id} is still ${p.status} and no exception covers it`);
  }
  violations.push(...(await checkPayoutEvents(api, payouts)));
  // What each payee is owed against what it was paid: checkMoneyAfterOrder.
  if (!trial.balanced) violations.push(`the trial balance is off: ${JSON.stringify(trial.totals)}`);
  const t = ctx.run.totals;
  if (ctx.run.mismatchCount !== 0) violations.push(`reconciliation found ${ctx.run.mismatchCount} mismatches: ${JSON.stringify(ctx.run.mismatches.slice(0, 3))}`);
  if (!(t.systemInitiatedPaise === t.bankDebitedPaise && t.bankDebitedPaise === t.ledgerCreditedPaise)) {
    violations.push(`System Initiated ${t.systemInitiatedPaise} ≠ Bank Debited ${t.bankDebitedPaise} ≠ Ledger Credited ${t.ledgerCreditedPaise}`);
  }
  if (t.bankReturnedPaise !== t.ledgerReturnedPaise) violations.push(`bank returned ${t.bankReturnedPaise} but the ledger shows ${t.ledgerReturnedPaise} returned`);
  if (JSON.stringify(ctx.run.totals) !== JSON.stringify(ctx.rerun.totals) || ctx.rerun.mismatchCount !== ctx.run.mismatchCount) {
    violations.push("re-running reconciliation for the same day gave a different result");
  }
  return violations;
}

/**
 * Whatever crashed, each payout's events tell its story exactly: one per version, numbered
 * 1..version, each the payout in the status its type names, the last one its status now.
 */
async function checkPayoutEvents(api: Api, payouts: readonly any[]): Promise<string[]> {
  const violations: string[] = [];
  for (const p of payouts) {
    const events = (await api.all<any>("auditor", `/v1/events?subjectId=${p.id}`)).sort((a, b) => a.sequence - b.sequence);
    const sequences = events.map((e) => e.sequence).join(",");
    const expected = Array.from({ length: p.version }, (_, i) => i + 1).join(",");
    if (sequences !== expected) violations.push(`payout ${p.id} at version ${p.version} has events numbered [${sequences}]`);
    for (const e of events) if (e.type !== `payout.${e.data.status}` || e.data.version !== e.sequence) violations.push(`payout ${p.id}'s event ${e.id} (${e.type}, #${e.sequence}) shows status ${e.data.status} at version ${e.data.version}`);
    if (events.length > 0 && events.at(-1).type !== `payout.${p.status}`) violations.push(`payout ${p.id} is ${p.status} but its last event is ${events.at(-1).type}`);
  }
  return violations;
}

/** An order as the simulated marketplace posts it: the settlement input (currency left to its default). */
type SimSettlement = Omit<SettlementBreakdown, "currency" | "deductions" | "taxInputs"> & { tax?: { placeOfSupplyState: string } };

/** Identities with valid check characters (published examples), an individual with a PAN, and none. */
const SIM_IDENTITIES: Array<Record<string, string>> = [
  { legalName: "Sim Traders LLP", pan: "AAPFU0939F", gstin: "27AAPFU0939F1ZV" },
  { legalName: "Sim Retail Pvt Ltd", pan: "AAGCB7383J", gstin: "29AAGCB7383J1Z4" },
  { legalName: "Sim Proprietor", pan: "ABCPE1234F" },
  {},
];

const TAX_ACCOUNTS: Record<string, string> = {
  "tds_194o|TDS": "platform:tds_194o_payable",
  "gst_tcs|CGST": "platform:gst_tcs_cgst_payable",
  "gst_tcs|SGST": "platform:gst_tcs_sgst_payable",
  "gst_tcs|IGST": "platform:gst_tcs_igst_payable",
  "gst_on_fee|CGST": "platform:gst_output_cgst",
  "gst_on_fee|SGST": "platform:gst_output_sgst",
  "gst_on_fee|IGST": "platform:gst_output_igst",
};

/**
 * Withheld (less given back), per kind and head, equals the ledger's liability account and what
 * the month's exports say: the TCS return per head, the TDS return less what refunds gave back.
 */
async function checkStatutory(api: Api, withheld: ReadonlyMap<string, number>): Promise<string[]> {
  const violations: string[] = [];
  for (const [key, accountId] of Object.entries(TAX_ACCOUNTS)) {
    const account = await api.ok("auditor", "GET", `/v1/ledger/accounts/${accountId}`);
    if (account.balancePaise !== (withheld.get(key) ?? 0)) violations.push(`${key}: withheld ${withheld.get(key) ?? 0}, but ${accountId} holds ${account.balancePaise}`);
  }
  const month = new Date().toISOString().slice(0, 7);
  const csv = async (path: string) => (await api.text("auditor", path)).trim().split("\r\n").map((l) => l.split(","));
  const tcs = (await csv(`/v1/statutory/filings/tcs/${month}`)).at(-1)!;
  for (const [i, head] of [[5, "IGST"], [6, "CGST"], [7, "SGST"]] as const) {
    if (Number(tcs[i]) !== (withheld.get(`gst_tcs|${head}`) ?? 0)) violations.push(`the TCS export says ${tcs[i]} ${head}, but ${withheld.get(`gst_tcs|${head}`) ?? 0} was withheld`);
  }
  return violations;
}

/**
 * Refunds (partial, split between seller and platform, some with the fee returned, some drawn on
 * the reserve) and chargebacks on about one order in six, each order at most once; some are sent
 * twice, as a retrying marketplace would, and must replay.
 */
async function adjustSomeOrders(
  api: Api,
  rng: { next(): number },
  int: (min: number, max: number) => number,
  candidates: SimSettlement[],
  cycleId: string,
  recorded: (orderId: string, effect: AdjustmentEffect, order: SimSettlement) => void,
): Promise<number> {
  let count = 0;
  for (const order of candidates) {
    if (rng.next() >= 0.17) continue;
    const chargeback = rng.next() < 0.2;
    const customerPaid = Math.min(order.grossAmountPaise, order.amountCollectedPaise + (chargeback ? 0 : order.walletAmountPaise));
    if (customerPaid <= 0) continue;
    const goods = chargeback ? customerPaid : int(1, customerPaid);
    const sellerBears = rng.next() < 0.6 ? goods : Math.floor((goods * int(0, 100)) / 100);
    const feeBack = rng.next() < 0.5 ? Math.min(Math.floor((order.platformFeePaise * goods) / order.grossAmountPaise), sellerBears) : 0;
    const body = {
      adjustmentId: `${order.orderId}-adj`,
      kind: chargeback ? "chargeback" : "refund",
      cycleId,
      reason: chargeback ? "simulated chargeback" : "simulated return",
      goodsPaise: goods,
      sellerBearsPaise: sellerBears,
      feeReturnedPaise: feeBack,
      chargebackFeePaise: chargeback ? int(100, 1_000) : 0,
      chargebackFeeBorneBy: rng.next() < 0.5 ? "seller" : "platform",
      drawOnReserve: rng.next() < 0.5,
    };
    const adjustment = await api.ok("system", "POST", `/v1/settlements/${order.orderId}/adjustments`, body, [201]);
    if (rng.next() < 0.1) await api.ok("system", "POST", `/v1/settlements/${order.orderId}/adjustments`, body, [200]);
    recorded(order.orderId, adjustment.effect, order);
    count++;
  }
  return count;
}

/** Makes, submits and approves one batch; nothing to pay (everything held, in deficit or paid) is fine. */
async function payScoped(api: Api, body: { cycleId: string; payeeIds?: string[] }, log: (line: string) => void, what: string) {
  const created = await api.call("maker", "POST", "/v1/batches", body);
  if (created.status === 422) return log(`  ${what}: ${created.body?.error?.code}`);
  if (created.status !== 201 && created.status !== 200) throw new Error(`${what}: ${created.status} ${JSON.stringify(created.body)}`);
  const submitted = await api.call("maker", "POST", `/v1/batches/${created.body.id}/submit`);
  const onlyNothingOwed = submitted.status === 409 && submitted.body?.error?.details?.blocked?.every((b: any) => b.failed.every((f: any) => f.reasons.every((r: string) => r.startsWith("nothing is outstanding"))));
  if (submitted.status === 422 || onlyNothingOwed) {
    await api.ok("maker", "POST", `/v1/batches/${created.body.id}/cancel`, { reason: "nothing payable" });
    return log(`  ${what}: ${submitted.body?.error?.code}`);
  }
  if (submitted.status !== 200) throw new Error(`${what}: submit ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approvers: Actor[] = submitted.body.requiredApprovals === 2 ? ["checker", "checker2"] : ["checker"];
  for (const a of approvers) await api.ok(a, "POST", `/v1/batches/${created.body.id}/approve`, { fingerprint: submitted.body.fingerprint });
  log(`  ${what}: batch ${created.body.id} with ${submitted.body.itemCount} payees approved`);
}

/**
 * Per payee: never paid more than its net earnings; what it earned less what was taken back and
 * paid is exactly what its balances hold (payable + reserve); nothing payable is left without a
 * ticket saying why. Per payout: the remittance advice's lines add up to the amount.
 */
async function checkMoneyAfterOrder(api: Api, owedPaise: Map<string, number>, adjustedPayees: ReadonlySet<string>): Promise<string[]> {
  const violations: string[] = [];
  const payouts = await api.all<any>("auditor", "/v1/payouts");
  const exceptions = await api.all<any>("admin", "/v1/exceptions");
  const bankState = await api.ok("admin", "GET", "/v1/simbank/admin/state");
  const moved = new Map<string, number>();
  for (const m of bankState.movements) moved.set(m.key, (moved.get(m.key) ?? 0) + (m.direction === "debit" ? m.amount_paise : -m.amount_paise));
  const openTickets = exceptions.filter((e) => e.status === "open" || e.status === "in_progress");
  for (const [payeeId, owed] of owedPaise) {
    const mine = payouts.filter((p) => p.payeeId === payeeId);
    const ticketed = openTickets.some((e) => e.payeeId === payeeId || mine.some((p) => e.payoutId === p.id || e.itemId === p.itemId));
    if (mine.some((p) => ["created", "queued", "processing", "unknown"].includes(p.status))) continue; // covered by check()
    const paid = mine.reduce((s, p) => s + (moved.get(p.id) ?? 0), 0);
    const b = await api.ok("auditor", "GET", `/v1/payees/${payeeId}/balances`);
    if (owed - paid !== b.availablePaise + b.reservedPaise) {
      violations.push(`payee ${payeeId}: earned net ${owed}, paid ${paid}, but its balances hold ${b.availablePaise} + ${b.reservedPaise} reserved`);
    }
    if (b.availablePaise > 0 && !ticketed) violations.push(`payee ${payeeId} is owed ${b.availablePaise} that no batch paid and no open exception explains`);
    // Paid more than it nets only when a refund came after its payout: a deficit it owes back.
    if (b.availablePaise < 0 && !adjustedPayees.has(payeeId)) violations.push(`payee ${payeeId} was paid ${-b.availablePaise} more than it earned, with no refund to explain it`);
  }
  for (const p of payouts.filter((p) => p.status === "processed").slice(0, 60)) {
    const advice = await api.call("auditor", "GET", `/v1/payouts/${p.id}/remittance`);
    const total = advice.status === 200 ? advice.body.lines.reduce((s: number, l: any) => s + l.amountPaise, 0) : null;
    if (total !== p.amountPaise) violations.push(`payout ${p.id}: remittance lines sum to ${total} (status ${advice.status}), not ${p.amountPaise}`);
  }
  return violations;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

async function main() {
  const { values } = parseArgs({
    options: {
      seed: { type: "string", default: "1" },
      seeds: { type: "string" },
      payees: { type: "string", default: "20" },
      orders: { type: "string", default: "60" },
      faults: { type: "string", default: "heavy" },
      cycles: { type: "string", default: "2" },
      kills: { type: "string", default: "0" },
    },
  });
  const seeds = (values.seeds ?? values.seed!).split(",").map((s) => Number(s.trim()));
  let failed = 0;
  for (const seed of seeds) {
    console.log(`simulation seed ${seed}: ${values.payees} payees, ${values.orders} orders, faults ${values.faults}, ${values.kills} kills`);
    const result = await simulate({ seed, payees: Number(values.payees), orders: Number(values.orders), faults: values.faults!, cycles: Number(values.cycles), kills: Number(values.kills) });
    console.log(JSON.stringify(result.summary));
    if (result.ok) console.log(`seed ${seed}: all invariants hold`);
    else {
      failed++;
      console.log(`seed ${seed}: ${result.violations.length} violation(s):`);
      for (const v of result.violations.slice(0, 20)) console.log(`  - ${v}`);
    }
  }
  console.log(`simulation: ${seeds.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error) => {
    console.error(error);
    process.exit(2);
  });
}
