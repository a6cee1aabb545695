// The simulated bank: a Durable Object with its own SQLite storage that behaves like a payouts
// API. It keeps its own record of money actually moved (the truth the tests and the simulation
// check against), sends signed webhooks back to Disburse, and injects faults on request:
// latency, 5xx, timeouts after the money moved, rate limits, invalid accounts, webhooks that
// are delayed, duplicated, reordered or lost, and payouts reversed after success.
//
// Accounts ending in 0000 are rejected at once (invalid_account); accounts ending in 9999 are
// accepted and then fail (account_closed). Faults come from a script (consumed one per call,
// for exact tests) or from seeded random rates (for the simulation).

import { DurableObject } from "cloudflare:workers";
import { type Context, Hono } from "hono";
import { hmacSha256Hex } from "../domain/hash";
import { hashRoll } from "../domain/random";
import { z } from "zod";
import type { Env } from "../env";
import { errorBody, validationDetails } from "../domain/errors";

export const CALL_FAULTS = ["none", "server_error", "timeout_after_commit", "server_error_after_commit", "rate_limit", "invalid_account", "latency"] as const;
export type CallFault = (typeof CALL_FAULTS)[number];
export const WEBHOOK_FAULTS = ["none", "lost", "duplicate", "delay"] as const;
export type WebhookFault = (typeof WEBHOOK_FAULTS)[number];

export interface FaultRates {
  serverError?: number;
  timeoutAfterCommit?: number;
  serverErrorAfterCommit?: number;
  rateLimit?: number;
  invalidAccount?: number;
  webhookLost?: number;
  webhookDuplicate?: number;
  /** Share of webhooks delivered late, which also reorders them. */
  webhookDelay?: number;
  reversal?: number;
}

export interface BankConfig {
  seed: number;
  rates: FaultRates;
  /**
   * Faults for the next create calls on a transfer, by idempotency key, in order; when a key has
   * none left, rates decide. Keyed so that tests sharing the bank never take each other's faults.
   */
  script: Record<string, CallFault[]>;
  /** Faults for the next webhooks of a transfer, by idempotency key. */
  webhookScript: Record<string, WebhookFault[]>;
  /** Idempotency keys to reverse after they are processed. */
  reverseKeys: string[];
  latencyMs: number;
  /** How long a transfer stays pending before the bank settles it. 0 settles at once. */
  processingDelayMs: number;
  maxWebhookDelayMs: number;
  reversalDelayMs: number;
  /** Deliver webhooks and settle transfers on an alarm by itself; tests turn it off and `tick`. */
  autoRun: boolean;
  clockOffsetMs: number;
  webhookUrl: string;
}

const DEFAULT_CONFIG: BankConfig = {
  seed: 1,
  rates: {},
  script: {},
  webhookScript: {},
  reverseKeys: [],
  latencyMs: 0,
  processingDelayMs: 0,
  maxWebhookDelayMs: 30_000,
  reversalDelayMs: 60_000,
  autoRun: true,
  clockOffsetMs: 0,
  webhookUrl: "https://disburse.internal/v1/webhooks/bank/simulated",
};

// What an operator may change, and within what bounds: a bad patch is refused whole, so a
// typo can never leave the bank with a config it then trips over on every transfer.
const YEAR_MS = 366 * 86_400_000;
const rate = z.number().min(0).max(1);
const delayMs = z.number().int().min(0).max(YEAR_MS);
const keyed = <T extends z.ZodType>(item: T) => z.record(z.string().min(1).max(200), z.array(item).max(100));
const configPatchSchema = z
  .object({
    seed: z.number().int(),
    rates: z
      .object({
        serverError: rate,
        timeoutAfterCommit: rate,
        serverErrorAfterCommit: rate,
        rateLimit: rate,
        invalidAccount: rate,
        webhookLost: rate,
        webhookDuplicate: rate,
        webhookDelay: rate,
        reversal: rate,
      })
      .partial()
      .strict(),
    script: keyed(z.enum(CALL_FAULTS)),
    webhookScript: keyed(z.enum(WEBHOOK_FAULTS)),
    reverseKeys: z.array(z.string().min(1).max(200)).max(1000),
    latencyMs: z.number().int().min(0).max(60_000),
    processingDelayMs: delayMs,
    maxWebhookDelayMs: delayMs,
    reversalDelayMs: delayMs,
    autoRun: z.boolean(),
    clockOffsetMs: z.number().int().min(-YEAR_MS).max(10 * YEAR_MS),
    webhookUrl: z.url(),
  })
  .partial()
  .strict() satisfies z.ZodType<Partial<BankConfig>>;
const tickSchema = z.object({ advanceMs: delayMs.optional() }).strict();

/** Parses a JSON body against a schema; an empty body counts as `emptyAs`. */
function parseBody<T>(schema: z.ZodType<T>, text: string, emptyAs?: unknown): { ok: true; value: T } | { ok: false; body: ReturnType<typeof errorBody> } {
  let json: unknown = emptyAs;
  if (text.length > 0 || emptyAs === undefined) {
    try {
      json = JSON.parse(text);
    } catch {
      return { ok: false, body: errorBody("validation_failed", "The body is not JSON.") };
    }
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, body: errorBody("validation_failed", "The body is not valid.", validationDetails(parsed.error)) };
}

const MAX_WEBHOOK_ATTEMPTS = 12;

/** The bank's look for due work, run on every call and alarm; test/integration/query-plans.test.ts checks each uses an index. */
export const DUE_QUERIES = {
  settle: "SELECT * FROM transfers WHERE status = 'pending' AND process_at <= ? ORDER BY process_at",
  return: "SELECT * FROM transfers WHERE status = 'processed' AND reverse_at IS NOT NULL AND reverse_at <= ?",
  webhooks: "SELECT id, body, attempts FROM webhooks WHERE delivered_at IS NULL AND attempts < ? AND deliver_at <= ? ORDER BY deliver_at, id LIMIT 200",
  next: `SELECT MIN(at) AS at FROM (
           SELECT MIN(process_at) AS at FROM transfers WHERE status = 'pending'
           UNION ALL SELECT MIN(reverse_at) FROM transfers WHERE status = 'processed' AND reverse_at IS NOT NULL
           UNION ALL SELECT MIN(deliver_at) FROM webhooks WHERE delivered_at IS NULL AND attempts < ?)`,
} as const;
export const SIMBANK_SIGNATURE_HEADER = "x-simbank-signature";

interface TransferRow {
  key: string;
  bank_ref: string;
  amount_paise: number;
  currency: string;
  account_number: string;
  ifsc: string;
  holder: string;
  reference: string;
  status: string;
  failure_code: string | null;
  process_at: number;
  reverse_at: number | null;
  created_at: number;
  [k: string]: SqlStorageValue;
}

export class SimulatedBank extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly app = new Hono();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS transfers (
        key TEXT PRIMARY KEY, bank_ref TEXT NOT NULL UNIQUE, amount_paise INTEGER NOT NULL, currency TEXT NOT NULL,
        account_number TEXT NOT NULL, ifsc TEXT NOT NULL, holder TEXT NOT NULL, reference TEXT NOT NULL,
        status TEXT NOT NULL, failure_code TEXT, process_at INTEGER NOT NULL, reverse_at INTEGER, created_at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS movements (
        id INTEGER PRIMARY KEY AUTOINCREMENT, bank_ref TEXT NOT NULL, key TEXT NOT NULL, direction TEXT NOT NULL,
        amount_paise INTEGER NOT NULL, currency TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS webhooks (
        id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, body TEXT NOT NULL, deliver_at INTEGER NOT NULL,
        delivered_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, last_status INTEGER);
      CREATE TABLE IF NOT EXISTS calls (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, op TEXT NOT NULL, key TEXT, fault TEXT NOT NULL, status INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS calls_key ON calls (key, op);
      CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      -- What is due is looked for on every call and alarm: index only the rows still waiting, so
      -- the bank does not slow down as its history grows.
      CREATE INDEX IF NOT EXISTS transfers_pending_due ON transfers (process_at) WHERE status = 'pending';
      CREATE INDEX IF NOT EXISTS transfers_return_due ON transfers (reverse_at) WHERE status = 'processed' AND reverse_at IS NOT NULL;
      CREATE INDEX IF NOT EXISTS webhooks_undelivered_due ON webhooks (deliver_at, id) WHERE delivered_at IS NULL;
      CREATE INDEX IF NOT EXISTS movements_at ON movements (at);
    `);
    this.routes();
  }

  override fetch(request: Request): Promise<Response> {
    return Promise.resolve(this.app.fetch(request));
  }

  override async alarm(): Promise<void> {
    await this.runDue();
  }

  // ---- configuration and clock ----

  private config(): BankConfig {
    const row = this.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = 'config'").toArray()[0];
    return row ? { ...DEFAULT_CONFIG, ...(JSON.parse(row.v) as Partial<BankConfig>) } : DEFAULT_CONFIG;
  }

  private saveConfig(config: BankConfig) {
    this.sql.exec("INSERT INTO kv (k, v) VALUES ('config', ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v", JSON.stringify(config));
  }

  private now(): number {
    return Date.now() + this.config().clockOffsetMs;
  }

  /** A seeded roll keyed by what it decides, so the same seed gives the same faults in any order. */
  private roll(key: string): number {
    return hashRoll(this.config().seed, key);
  }

  private nextCallFault(key: string): CallFault {
    const config = this.config();
    const scripted = config.script[key];
    if (scripted && scripted.length > 0) {
      const [fault, ...rest] = scripted;
      this.saveConfig({ ...config, script: { ...config.script, [key]: rest } });
      return fault!;
    }
    const r = config.rates;
    const callNo = this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM calls WHERE op = 'create' AND key = ?", key).one().n;
    const roll = this.roll(`call|${key}|${callNo}`);
    let edge = 0;
    for (const [fault, rate] of [
      ["server_error", r.serverError],
      ["timeout_after_commit", r.timeoutAfterCommit],
      ["server_error_after_commit", r.serverErrorAfterCommit],
      ["rate_limit", r.rateLimit],
      ["invalid_account", r.invalidAccount],
    ] as const) {
      edge += rate ?? 0;
      if (roll < edge) return fault;
    }
    return "none";
  }

  private nextWebhookFault(key: string, status: string): WebhookFault {
    const config = this.config();
    const scripted = config.webhookScript[key];
    if (scripted && scripted.length > 0) {
      const [fault, ...rest] = scripted;
      this.saveConfig({ ...config, webhookScript: { ...config.webhookScript, [key]: rest } });
      return fault!;
    }
    const r = config.rates;
    const roll = this.roll(`webhook|${key}|${status}`);
    if (roll < (r.webhookLost ?? 0)) return "lost";
    if (roll < (r.webhookLost ?? 0) + (r.webhookDuplicate ?? 0)) return "duplicate";
    if (roll < (r.webhookLost ?? 0) + (r.webhookDuplicate ?? 0) + (r.webhookDelay ?? 0)) return "delay";
    return "none";
  }

  // ---- the bank's behaviour ----

  private transfer(key: string): TransferRow | undefined {
    return this.sql.exec<TransferRow>("SELECT * FROM transfers WHERE key = ?", key).toArray()[0];
  }

  private view(t: TransferRow) {
    return {
      bankReference: t.bank_ref,
      idempotencyKey: t.key,
      reference: t.reference,
      status: t.status,
      amountPaise: t.amount_paise,
      currency: t.currency,
      failureCode: t.failure_code,
    };
  }

  private create(key: string, body: { amountPaise: number; currency: string; accountNumber: string; ifsc: string; holder: string; reference: string }) {
    const now = this.now();
    const config = this.config();
    const seq = (this.sql.exec<{ n: number | null }>("SELECT MAX(rowid) AS n FROM transfers").one().n ?? 0) + 1;
    const bankRef = `SIMUTR${String(seq).padStart(10, "0")}`;
    this.sql.exec(
      `INSERT INTO transfers (key, bank_ref, amount_paise, currency, account_number, ifsc, holder, reference, status, failure_code, process_at, reverse_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, ?, NULL, ?)`,
      key, bankRef, body.amountPaise, body.currency, body.accountNumber, body.ifsc, body.holder, body.reference, now + config.processingDelayMs, now,
    );
    if (config.processingDelayMs === 0) this.settle(this.transfer(key)!);
    this.scheduleAlarm();
    return this.transfer(key)!;
  }

  /** Moves a pending transfer to its outcome: money debited, or failed for a closed account. */
  private settle(t: TransferRow) {
    const now = this.now();
    if (t.account_number.endsWith("9999")) {
      this.sql.exec("UPDATE transfers SET status = 'failed', failure_code = 'account_closed' WHERE key = ?", t.key);
    } else {
      const config = this.config();
      const reverse = config.reverseKeys.includes(t.key) || this.roll(`reverse|${t.key}`) < (config.rates.reversal ?? 0);
      this.sql.exec(
        "UPDATE transfers SET status = 'processed', reverse_at = ? WHERE key = ?",
        reverse ? now + config.reversalDelayMs : null,
        t.key,
      );
      this.sql.exec(
        "INSERT INTO movements (bank_ref, key, direction, amount_paise, currency, kind, at) VALUES (?, ?, 'debit', ?, ?, 'payout', ?)",
        t.bank_ref, t.key, t.amount_paise, t.currency, now,
      );
    }
    this.emit(this.transfer(t.key)!);
  }

  private reverse(t: TransferRow) {
    const now = this.now();
    this.sql.exec("UPDATE transfers SET status = 'reversed', reverse_at = NULL WHERE key = ?", t.key);
    this.sql.exec(
      "INSERT INTO movements (bank_ref, key, direction, amount_paise, currency, kind, at) VALUES (?, ?, 'credit', ?, ?, 'return', ?)",
      t.bank_ref, t.key, t.amount_paise, t.currency, now,
    );
    this.emit(this.transfer(t.key)!);
  }

  /** Queues the webhook for a status change, subject to webhook faults. */
  private emit(t: TransferRow) {
    const fault = this.nextWebhookFault(t.key, t.status);
    if (fault === "lost") return;
    const eventId = `evt_${t.bank_ref}_${t.status}`;
    const body = JSON.stringify({ eventId, type: `transfer.${t.status}`, transfer: this.view(t) });
    const now = this.now();
    const delay = fault === "delay" ? Math.floor(this.roll(`delay|${t.key}|${t.status}`) * this.config().maxWebhookDelayMs) + 1 : 0;
    const copies = fault === "duplicate" ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      this.sql.exec("INSERT INTO webhooks (event_id, body, deliver_at) VALUES (?, ?, ?)", eventId, body, now + delay + i);
    }
  }

  private async runDue(): Promise<{ settled: number; reversed: number; delivered: number }> {
    const now = this.now();
    let settled = 0;
    let reversed = 0;
    for (const t of this.sql.exec<TransferRow>(DUE_QUERIES.settle, now).toArray()) {
      this.settle(t);
      settled++;
    }
    for (const t of this.sql.exec<TransferRow>(DUE_QUERIES.return, now).toArray()) {
      this.reverse(t);
      reversed++;
    }
    const delivered = await this.deliverDue();
    this.scheduleAlarm();
    return { settled, reversed, delivered };
  }

  private async deliverDue(): Promise<number> {
    const secret = this.env.SIMBANK_WEBHOOK_SECRET;
    const config = this.config();
    const due = this.sql
      .exec<{ id: number; body: string; attempts: number }>(DUE_QUERIES.webhooks, MAX_WEBHOOK_ATTEMPTS, this.now())
      .toArray();
    let delivered = 0;
    for (const w of due) {
      let status = 0;
      try {
        const timestamp = Math.floor(this.now() / 1000);
        const signature = `t=${timestamp},v1=${await hmacSha256Hex(secret, `${timestamp}.${w.body}`)}`;
        const request = new Request(config.webhookUrl, {
          method: "POST",
          headers: { "content-type": "application/json", [SIMBANK_SIGNATURE_HEADER]: signature },
          body: w.body,
        });
        const response = await (this.env.SELF_SERVICE ? this.env.SELF_SERVICE.fetch(request) : fetch(request));
        status = response.status;
        await response.body?.cancel();
      } catch {
        status = 0;
      }
      if (status >= 200 && status < 300) {
        this.sql.exec("UPDATE webhooks SET delivered_at = ?, attempts = attempts + 1, last_status = ? WHERE id = ?", this.now(), status, w.id);
        delivered++;
      } else {
        const backoffMs = Math.min(3_600_000, 2_000 * 2 ** w.attempts);
        this.sql.exec("UPDATE webhooks SET attempts = attempts + 1, last_status = ?, deliver_at = ? WHERE id = ?", status, this.now() + backoffMs, w.id);
      }
    }
    return delivered;
  }

  private scheduleAlarm() {
    if (!this.config().autoRun) return;
    const next = this.sql.exec<{ at: number | null }>(DUE_QUERIES.next, MAX_WEBHOOK_ATTEMPTS).one().at;
    if (next !== null) void this.ctx.storage.setAlarm(Math.max(Date.now(), next - this.config().clockOffsetMs));
  }

  private record(op: string, key: string | null, fault: string, status: number) {
    this.sql.exec("INSERT INTO calls (at, op, key, fault, status) VALUES (?, ?, ?, ?, ?)", this.now(), op, key, fault, status);
  }

  // ---- HTTP, shaped like a payouts API ----

  /** POST /transfers: each call meets its scripted fault (if any), then is idempotent by key. */
  private async createTransferCall(c: Context) {
    const key = c.req.header("idempotency-key");
    const body = (await c.req.json()) as { amountPaise: number; currency: string; accountNumber: string; ifsc: string; holder: string; reference: string };
    if (!key) return c.json({ error: { code: "missing_idempotency_key" } }, 400);
    const fault = this.nextCallFault(key);
    // Every call waits latencyMs; a scripted "latency" fault makes this one call slow (1 s at least).
    const latencyMs = fault === "latency" ? Math.max(1_000, this.config().latencyMs) : this.config().latencyMs;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (fault === "rate_limit") {
      this.record("create", key, fault, 429);
      return c.json({ error: { code: "rate_limited" } }, 429, { "retry-after": "2" });
    }
    if (fault === "server_error") {
      this.record("create", key, fault, 503);
      return c.json({ error: { code: "unavailable" } }, 503);
    }
    const existing = this.transfer(key);
    if (existing) {
      if (existing.amount_paise !== body.amountPaise || existing.account_number !== body.accountNumber) {
        this.record("create", key, "idempotency_mismatch", 422);
        return c.json({ error: { code: "idempotency_key_mismatch" } }, 422);
      }
      this.record("create", key, "replay", 200);
      return c.json(this.view(existing), 200);
    }
    if (fault === "invalid_account" || body.accountNumber.endsWith("0000")) {
      this.record("create", key, "invalid_account", 422);
      return c.json({ error: { code: "invalid_account", message: "Beneficiary account does not exist." } }, 422);
    }
    const created = this.create(key, body);
    if (fault === "timeout_after_commit") {
      this.record("create", key, fault, 0);
      // The money moved but the caller never hears back: its adapter turns this into a timeout.
      return c.body(null, 504, { "x-simulated-fault": "timeout" });
    }
    if (fault === "server_error_after_commit") {
      this.record("create", key, fault, 500);
      return c.json({ error: { code: "internal_error" } }, 500);
    }
    this.record("create", key, "none", 201);
    return c.json(this.view(created), 201);
  }

  private routes() {
    const app = this.app;
    app.post("/transfers", (c) => this.createTransferCall(c));

    app.get("/transfers/:key", (c) => {
      const t = this.transfer(c.req.param("key"));
      this.record("status", c.req.param("key"), "none", t ? 200 : 404);
      return t ? c.json(this.view(t)) : c.json({ error: { code: "not_found" } }, 404);
    });

    app.get("/transactions", (c) => {
      const from = Date.parse(c.req.query("from") ?? "1970-01-01T00:00:00Z");
      const to = Date.parse(c.req.query("to") ?? "2999-01-01T00:00:00Z");
      if (Number.isNaN(from) || Number.isNaN(to)) return c.json(errorBody("validation_failed", "from and to must be ISO 8601 times."), 400);
      const rows = this.sql
        .exec<{ bank_ref: string; key: string; direction: string; amount_paise: number; currency: string; kind: string; at: number }>(
          "SELECT * FROM movements WHERE at >= ? AND at < ? ORDER BY id",
          from,
          to,
        )
        .toArray();
      return c.json({
        data: rows.map((m) => ({
          bankReference: m.bank_ref,
          reference: m.key,
          direction: m.direction,
          amountPaise: m.amount_paise,
          currency: m.currency,
          kind: m.kind,
          at: new Date(m.at).toISOString(),
        })),
      });
    });

    this.adminRoutes();
  }

  /** Test and simulation controls: read the whole state, change the faults, move the clock, settle or reverse now. */
  private adminRoutes() {
    const app = this.app;
    app.get("/admin/state", (c) =>
      c.json({
        config: this.config(),
        transfers: this.sql.exec<TransferRow>("SELECT * FROM transfers ORDER BY created_at").toArray().map((t) => this.view(t)),
        movements: this.sql.exec("SELECT * FROM movements ORDER BY id").toArray(),
        webhooks: this.sql.exec("SELECT id, event_id, deliver_at, delivered_at, attempts, last_status FROM webhooks ORDER BY id").toArray(),
        calls: this.sql.exec("SELECT * FROM calls ORDER BY id").toArray(),
      }),
    );

    app.post("/admin/config", async (c) => {
      const parsed = parseBody(configPatchSchema, await c.req.text());
      if (!parsed.ok) return c.json(parsed.body, 400);
      const patch = parsed.value;
      const current = this.config();
      // Scripts merge by key, so one test scripting its transfer leaves the others' alone.
      const config = {
        ...current,
        ...patch,
        script: { ...current.script, ...patch.script },
        webhookScript: { ...current.webhookScript, ...patch.webhookScript },
      };
      this.saveConfig(config);
      this.scheduleAlarm();
      return c.json(config);
    });

    /** Runs what is due now; `advanceMs` first moves the bank's clock forward. */
    app.post("/admin/tick", async (c) => {
      const parsed = parseBody(tickSchema, await c.req.text(), {});
      if (!parsed.ok) return c.json(parsed.body, 400);
      const { advanceMs = 0 } = parsed.value;
      if (advanceMs > 0) this.saveConfig({ ...this.config(), clockOffsetMs: this.config().clockOffsetMs + advanceMs });
      return c.json(await this.runDue());
    });

    /** Settles a pending transfer now, or reverses a processed one (for exact tests). */
    app.post("/admin/transfers/:key/:action", (c) => {
      const t = this.transfer(c.req.param("key"));
      if (!t) return c.json(errorBody("not_found", "The bank has no transfer with this key."), 404);
      if (c.req.param("action") === "settle" && t.status === "pending") this.settle(t);
      else if (c.req.param("action") === "reverse" && t.status === "processed") this.reverse(t);
      else return c.json(errorBody("not_applicable", `Cannot ${c.req.param("action")} a ${t.status} transfer.`, { status: t.status }), 409);
      this.scheduleAlarm();
      return c.json(this.view(this.transfer(t.key)!));
    });
  }
}
