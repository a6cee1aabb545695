// Hostile input for the whole HTTP surface (issue #6): the operations /openapi.json lists, a
// small world of existing ids to aim at, fast-check generators whose every request breaks at
// least one thing, and a digest of all state to prove that a refused request changed nothing.
//
// Generated cases are recipes (plain data, so fast-check can print and shrink them); `build*`
// turns a recipe into the request, signing tokens and webhooks where the recipe says so.

import { env, SELF } from "cloudflare:test";
import fc from "fast-check";
import { simulatedBankStub } from "../../src/bank/simulated-gateway";
import type { ApprovalTokenClaims } from "../../src/domain/approval-token";
import { hmacSha256Hex, toHex } from "../../src/domain/hash";
import { LARGE_BODY_LIMITS, MAX_BODY_BYTES } from "../../src/http/body";
import { TEST_ACTORS, type TestActor } from "./actors";
import { api, createPayee, settlementFor, unique } from "./api";
import { decideByLink, type LinkRow, linkFor, postManual, settle, submittedBatch, TEST_APPROVAL_SECRET, tokenFor } from "./batches";
import { releaseByHand } from "./execution";

export const ORIGIN = "https://disburse.test";
/** SIMBANK_WEBHOOK_SECRET as vitest.config.mts binds it. */
export const TEST_SIMBANK_SECRET = "test-simbank-webhook-secret";
/** Where the approval pages accept form posts from besides ORIGIN (PUBLIC_BASE_URL in wrangler.toml). */
const PUBLIC_ORIGIN = "http://localhost:8787";
const ACTORS = Object.keys(TEST_ACTORS) as TestActor[];
const REAL_TOKENS = new Set<string>(Object.values(TEST_ACTORS).map((a) => a.token));

// ---------------------------------------------------------------------------------------------
// Requests, answers and the refusal check

export interface HostileRequest {
  /** What the generator broke, in words: the first line of a failure message. */
  broken: string[];
  method: string;
  /** Path and query, already percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Approval pages refuse with an HTML page; everything else with the JSON error shape. */
  answers: "json" | "html";
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends exactly what the request says: no header is added, the body goes as bytes. */
export async function send(req: HostileRequest): Promise<Answer> {
  const init: RequestInit = { method: req.method, headers: req.headers, redirect: "manual" };
  if (req.body !== undefined) init.body = new TextEncoder().encode(req.body);
  const res = await SELF.fetch(`${ORIGIN}${req.url}`, init);
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** At most `max` code points, lone surrogates replaced: failure messages must stay valid UTF-8. */
export function clip(text: string, max = 300): string {
  const points = Array.from(text);
  const cut = points.length > max ? `${points.slice(0, max).join("")}… (${text.length} chars)` : text;
  return cut.replace(LONE_SURROGATE, "\ufffd");
}

export function describeExchange(req: HostileRequest, answer?: Answer): string {
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${clip(v, 120)}`);
  return [
    `broken: ${req.broken.join("; ")}`,
    `${req.method} ${clip(req.url, 200)}`,
    ...headers,
    ...(req.body === undefined ? [] : [`body: ${clip(JSON.stringify(req.body))}`]),
    ...(answer ? [`→ ${answer.status} ${answer.contentType}`, `  ${clip(answer.text)}`] : []),
  ].join("\n  ");
}

/** Why the answer is not a proper refusal, or null when it is one. */
export function refusalProblem(req: HostileRequest, answer: Answer): string | null {
  if (answer.status < 400 || answer.status > 499) return `expected a 4xx, got ${answer.status}`;
  if (req.answers === "html") {
    if (!/^text\/html/i.test(answer.contentType)) return `expected an HTML page, got ${answer.contentType}`;
    if (!/<title>[^<]*\S[^<]*<\/title>/.test(answer.text)) return "the page has no title";
    if (!/<h1>[^<]*\S[^<]*<\/h1>/.test(answer.text)) return "the page has no heading saying what happened";
    return null;
  }
  if (!/^application\/json/i.test(answer.contentType)) return `expected JSON, got ${answer.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return "the body is not JSON";
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!isPlainObject(body) || Object.keys(body).join() !== "error" || !isPlainObject(error)) return "the body is not { error: {...} }";
  if (typeof error.code !== "string" || !/^[a-z][a-z0-9_]*$/.test(error.code)) return "error.code is not a machine-readable code";
  if (typeof error.message !== "string" || error.message.trim() === "") return "error.message is missing";
  if (Object.keys(error).some((k) => !["code", "message", "details"].includes(k))) return "error has keys besides code, message, details";
  return null;
}

/** The JSON error code of an answer, for focused assertions. */
export const errorCode = (answer: Answer): string | undefined => {
  try {
    return JSON.parse(answer.text)?.error?.code;
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------
// State digest: every D1 table (bar migrations and Cloudflare's own) and the simulated bank

let tableNames: string[] | undefined;

/** The tables to compare, listed once: migrations have run, and requests never create tables. */
async function tablesList(): Promise<string[]> {
  if (!tableNames) {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
    tableNames = results.map((r) => r.name).filter((name) => name !== "d1_migrations" && !name.startsWith("_cf_") && !name.startsWith("sqlite_"));
  }
  return tableNames;
}

/** One SHA-256 per table, so a failing comparison names the tables that changed. */
export async function stateDigest(): Promise<Record<string, string>> {
  const tables = await tablesList();
  const dumps = await env.DB.batch(tables.map((name) => env.DB.prepare(`SELECT * FROM "${name}" ORDER BY rowid`)));
  const digest: Record<string, string> = {};
  for (const [i, name] of tables.entries()) digest[name] = await sha256(JSON.stringify(dumps[i]!.results));
  const bank = await simulatedBankStub(env).fetch(new Request("https://simulated-bank.internal/admin/state"));
  digest["(simulated bank)"] = await sha256(await bank.text());
  return digest;
}

async function sha256(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

/** Waits until background work (waitUntil after approvals and submissions) has settled. */
export async function settledDigest(timeoutMs = 20_000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let previous = JSON.stringify(await stateDigest());
  let stableRounds = 0;
  while (stableRounds < 5) {
    if (Date.now() > deadline) throw new Error("state kept changing after the fixtures were built");
    // Background work started by the fixtures (waitUntil) can lag on a loaded machine.
    await new Promise((r) => setTimeout(r, 100));
    const next = JSON.stringify(await stateDigest());
    stableRounds = next === previous ? stableRounds + 1 : 0;
    previous = next;
  }
  return JSON.parse(previous);
}

// ---------------------------------------------------------------------------------------------
// Operations from /openapi.json, and a lenient JSON Schema check

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  example?: unknown;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

export interface Param {
  name: string;
  schema: JsonSchema;
}

export interface Operation {
  /** "PATCH /v1/payees/{id}" */
  label: string;
  method: string;
  template: string;
  pathParams: Param[];
  query: Param[];
  /** The JSON body schema, with every $ref resolved, when the operation takes a body. */
  body?: JsonSchema;
}

export async function discoverOperations(): Promise<Operation[]> {
  const res = await SELF.fetch(`${ORIGIN}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  const doc = (await res.json()) as { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, JsonSchema> } };
  const resolve = (node: unknown, depth = 0): any => {
    if (depth > 20) throw new Error("$ref nesting too deep");
    if (Array.isArray(node)) return node.map((n) => resolve(n, depth + 1));
    if (!isPlainObject(node)) return node;
    const { $ref, ...rest } = node as { $ref?: string };
    const target = typeof $ref === "string" ? resolve(doc.components?.schemas?.[$ref.replace("#/components/schemas/", "")], depth + 1) : {};
    const out: Record<string, unknown> = { ...target };
    for (const [k, v] of Object.entries(rest)) out[k] = resolve(v, depth + 1);
    return out;
  };
  const ops: Operation[] = [];
  for (const [template, pathItem] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(pathItem)) {
      const params = (resolve(op.parameters ?? []) as Array<{ in: string; name: string; schema: JsonSchema }>).map((p) => ({ ...p, schema: p.schema ?? {} }));
      const body = op.requestBody?.content?.["application/json"]?.schema;
      ops.push({
        label: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === "path"),
        query: params.filter((p) => p.in === "query"),
        ...(body ? { body: resolve(body) } : {}),
      });
    }
  }
  return ops;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const hasType = (type: string, value: unknown): boolean => {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    default:
      return true;
  }
};

const allowsNull = (schema: JsonSchema) => schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"));

/**
 * Whether a value could pass the schema as /openapi.json states it. Lenient on purpose (unknown
 * keywords and formats pass; lengths are measured the forgiving way), so a value it refuses is
 * certainly refused by the zod schema the document was generated from.
 */
export function conforms(schema: JsonSchema, value: unknown): boolean {
  if (schema.allOf) {
    // zod writes a nullable reference as allOf [ref, { type: [..., "null"] }].
    if (!(value === null && schema.allOf.some(allowsNull)) && !schema.allOf.every((s) => conforms(s, value))) return false;
  }
  if (schema.anyOf && !schema.anyOf.some((s) => conforms(s, value))) return false;
  if (schema.oneOf && !schema.oneOf.some((s) => conforms(s, value))) return false;
  if (schema.enum && !schema.enum.some((e) => e === value)) return false;
  if (schema.type !== undefined && ![schema.type].flat().some((t) => hasType(t, value))) return false;
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return false;
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) return false;
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return false;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return false;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    if (schema.items && !value.every((v) => conforms(schema.items!, v))) return false;
  }
  if (isPlainObject(value)) {
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? []) {
      if (!Object.hasOwn(value, key) && properties[key]?.default === undefined) return false;
    }
    for (const [key, v] of Object.entries(value)) {
      const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
      if (known) {
        if (!conforms(known, v)) return false;
      } else if (schema.additionalProperties === false) {
        return false;
      } else if (isPlainObject(schema.additionalProperties) && !conforms(schema.additionalProperties, v)) {
        return false;
      }
    }
  }
  return true;
}

/** A query value as z.coerce sees it: numbers are Number(text), everything else the text. */
export function queryConforms(schema: JsonSchema, raw: string): boolean {
  const numeric = [schema.type].flat().some((t) => t === "integer" || t === "number");
  return conforms(schema, numeric ? Number(raw) : raw);
}

/** Whether some value of the parameter is refused at all (a bare string accepts everything). */
const constrained = (schema: JsonSchema) =>
  schema.enum !== undefined || schema.pattern !== undefined || schema.maxLength !== undefined || [schema.type].flat().some((t) => t === "integer" || t === "number");

// ---------------------------------------------------------------------------------------------
// The world: existing ids to aim at, approval links in every state, used idempotency keys

export interface UsedKey {
  key: string;
  url: string;
  bodyText: string;
}

export interface World {
  /** Existing ids by the collection segment that precedes a path parameter ("payees", "items"…). */
  ids: Record<string, string[]>;
  /** Every existing id of any kind, so garbage is certainly garbage. */
  allIds: Set<string>;
  payeeId: string;
  cycleId: string;
  /** The pending batch's fingerprint, so approve/reject bodies are otherwise right. */
  fingerprint: string;
  payoutId: string;
  usedKeys: Partial<Record<TestActor, UsedKey>>;
  links: {
    /** checker-chen's link to a batch pending approval: a valid token, as issued. */
    pending: LinkRow;
    /** checker-carla's link to the same batch. */
    pendingOther: LinkRow;
    /** The link checker-chen already used to approve another batch. */
    used: LinkRow;
    /** checker-carla's unused link to that approved batch. */
    settled: LinkRow;
    /** A link to a pending batch whose expiry has passed; `lapsedIssuedExpiresAtMs` was its expiry when issued. */
    lapsed: LinkRow;
  };
  lapsedIssuedExpiresAtMs: number;
}

export async function buildWorld(): Promise<World> {
  const seller = await createPayee("seller");
  const partner = await createPayee("delivery_partner", { verified: false });
  const cycleId = unique("cyc");
  const settlement = await settle(seller.id, cycleId);

  const usedKeys: Partial<Record<TestActor, UsedKey>> = {};
  const remember = async (actor: TestActor, url: string, body: unknown, expected: number) => {
    const key = unique("used-key");
    const res = await api(actor, "POST", url, body, { "idempotency-key": key });
    if (res.status !== expected) throw new Error(`${actor} POST ${url} failed: ${res.status} ${JSON.stringify(res.body)}`);
    usedKeys[actor] = { key, url, bodyText: JSON.stringify(body) };
    return res.body;
  };
  const draft = await remember("maker", "/v1/batches", { cycleId }, 201);
  await remember("admin", "/v1/payees", { type: "seller", displayName: unique("Keyed Traders") }, 201);
  await remember("system", "/v1/settlements", settlementFor(seller.id, unique("cyc")), 201);

  const manual = await postManual(unique("cyc"), [
    { accountId: "platform:bank", direction: "debit", amountPaise: 1_000 },
    { accountId: "platform:owner_equity", direction: "credit", amountPaise: 1_000 },
  ]);

  const pending = await submittedBatch();
  const lapsed = await submittedBatch();
  const settled = await submittedBatch();
  const usedLink = await linkFor(settled.batch.id, "checker-chen");
  const decided = await decideByLink(await tokenFor(usedLink), "approve");
  if (decided.status !== 200) throw new Error(`approval by link failed: ${decided.status}`);
  const approved = (await api("auditor", "GET", `/v1/batches/${settled.batch.id}`)).body;
  const [payout] = await releaseByHand(approved);
  if (!payout) throw new Error("no payout was created");

  // The link's expiry passes: move it an hour into the past, as time would.
  const lapsedLink = await linkFor(lapsed.batch.id, "checker-chen");
  const lapsedExpiresAt = new Date(Date.now() - 3_600_000).toISOString();
  await env.DB.prepare("UPDATE approval_links SET expires_at = ? WHERE id = ?").bind(lapsedExpiresAt, lapsedLink.id).run();

  const accounts: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await api("auditor", "GET", `/v1/ledger/accounts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    accounts.push(...page.body.data.map((a) => a.id));
    cursor = page.body.nextCursor;
  } while (cursor !== null);

  const ids: Record<string, string[]> = {
    payees: [seller.id, partner.id],
    batches: [draft.id, pending.batch.id, settled.batch.id, lapsed.batch.id],
    items: draft.items.map((i: { id: string }) => i.id),
    transactions: [manual.id, settlement.transactionId as string],
    accounts,
    settlements: [settlement.orderId],
    payouts: [payout.id],
  };
  return {
    ids,
    allIds: new Set([...Object.values(ids).flat(), ...[pending, lapsed, settled].flatMap((b) => b.sellerIds)]),
    payeeId: seller.id,
    cycleId,
    fingerprint: pending.batch.fingerprint,
    payoutId: payout.id,
    usedKeys,
    links: {
      pending: await linkFor(pending.batch.id, "checker-chen"),
      pendingOther: await linkFor(pending.batch.id, "checker-carla"),
      used: await linkFor(settled.batch.id, "checker-chen"),
      settled: await linkFor(settled.batch.id, "checker-carla"),
      lapsed: { ...lapsedLink, expires_at: lapsedExpiresAt },
    },
    lapsedIssuedExpiresAtMs: Date.parse(lapsedLink.expires_at),
  };
}

/**
 * The actors each operation refuses with 403 forbidden_role, found by asking: every actor sends
 * the operation with ids that do not exist and an empty object, which no route accepts, so
 * nothing may change.
 */
export async function forbiddenActors(ops: readonly Operation[]): Promise<Map<string, TestActor[]>> {
  const before = JSON.stringify(await stateDigest());
  const out = new Map<string, TestActor[]>();
  for (const op of ops) {
    const url = op.template.replace(/\{[^}]+\}/g, "role-probe-no-such-id");
    const forbidden: TestActor[] = [];
    for (const actor of ACTORS) {
      const req: HostileRequest = {
        broken: ["role probe: ids that do not exist, empty body"],
        method: op.method,
        url,
        headers: { authorization: `Bearer ${TEST_ACTORS[actor].token}`, ...(op.method === "GET" ? {} : { "content-type": "application/json" }) },
        ...(op.method === "GET" ? {} : { body: "{}" }),
        answers: "json",
      };
      // Lists answer 200 to everyone allowed; only a server error is wrong here.
      const answer = await send(req);
      if (answer.status >= 500) throw new Error(`server error\n  ${describeExchange(req, answer)}`);
      if (answer.status === 403 && errorCode(answer) === "forbidden_role") forbidden.push(actor);
    }
    out.set(op.label, forbidden);
  }
  if (JSON.stringify(await stateDigest()) !== before) throw new Error("the role probe changed state");
  return out;
}

// ---------------------------------------------------------------------------------------------
// Values

const CONTROL_CHARS = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\u007f"];
export const controlChar = fc.constantFrom(...CONTROL_CHARS);
export const unicodeText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });
/** Text that trims to nothing, in several scripts' spaces. */
export const blankText = fc.string({ unit: fc.constantFrom(" ", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u2028", "\t"), minLength: 1, maxLength: 6 });

/** Names, reasons and descriptions: humanText in src/http/schemas.ts (no control characters, not blank). */
export const TEXT_FIELDS = new Set(["displayName", "accountHolderName", "note", "reason", "description"]);

/** Text a humanText field must refuse: a control character anywhere, blank, or one character too long. */
export const hostileText = (maxLength: number) =>
  fc.oneof(
    fc.tuple(fc.string({ unit: "grapheme", maxLength: 8 }), controlChar, fc.string({ unit: "grapheme", maxLength: 8 })).map(([a, c, b]) => `${a}${c}${b}`),
    blankText,
    // zod counts code points, so "too long" is counted in code points too.
    unicodeText.map((t) => {
      const points = Array.from(t);
      return Array.from({ length: maxLength + 1 }, (_, i) => points[i % points.length]).join("");
    }),
  );

export const HOSTILE_AMOUNTS: readonly unknown[] = [
  -1, -100_000, 0, 0.5, 99.99, 1e-7, 2 ** 53, 2 ** 53 + 2, 1e21, 1e300, Number.MAX_VALUE, 10_000_000_000_001,
  "100", "1e5", "NaN", "Infinity", "-Infinity", "0x10", "１００", " 100", "100.00", "", "−5", "1_000",
  null, true, [], {}, [100], { amountPaise: 100 },
];
/** Amounts as raw JSON number text, which JSON.stringify could never produce. */
export const RAW_AMOUNTS = ["1e400", "-1e400", "0.1", "-0.0000001", "100000000000000000000000000000"];

export const amountLike = fc.oneof(
  fc.constantFrom(...HOSTILE_AMOUNTS),
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n + 0.25),
  fc.double({ noNaN: true }),
  fc.constantFrom(...RAW_AMOUNTS).map(raw),
);

export const INVALID_IFSC = [
  "hdfc0001234", "HDFC1001234", "HDFC000123", "HDFC00012345", "HDF00001234", "ΗDFC0001234", "ＨＤＦＣ0001234",
  "HDFC0001234\n", " HDFC0001234", "HDFC-001234", "HDFC0001234\u0000", "", "0000HDFC123", "HDFCO001234",
];
const IFSC_PATTERN = /^[A-Z]{4}0[A-Z0-9]{6}$/;
export const invalidIfsc = fc
  .oneof(fc.constantFrom(...INVALID_IFSC), fc.string({ maxLength: 14 }), fc.mixedCase(fc.constant("hdfc0001234")), fc.string({ unit: "grapheme", maxLength: 11 }))
  .filter((s) => !IFSC_PATTERN.test(s));

/** Raw JSON text to splice into a body where a value goes (see toJsonText). */
export interface RawJson {
  raw: string;
}
function raw(text: string): RawJson {
  return { raw: text };
}
const isRaw = (v: unknown): v is RawJson => isPlainObject(v) && Object.keys(v).join() === "raw" && typeof v.raw === "string";

/** JSON.stringify, except that `{ raw }` values are spliced in as written. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (isRaw(v)) {
      raws.push(v.raw);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]!);
}

const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1.5, "", "x", [], {}, ["x"], { x: 1 }];
const CASE_TWISTS = (v: string) => [v.toUpperCase(), ` ${v}`, `${v} `, `${v}\u0000`, `${v}x`, v.normalize("NFD") + "\u0301"];

/** A value the schema certainly refuses. */
export function violating(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = [schema.type].flat();
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...WRONG_TYPES), fc.jsonValue({ maxDepth: 2 })];
  if (types.includes("integer") || types.includes("number")) options.push(amountLike);
  if (types.includes("string")) {
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      options.push(unicodeText.map((t) => t.repeat(max + 1).slice(0, (max + 1) * 2)));
    }
    if (schema.pattern !== undefined) options.push(fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ maxLength: 20 }));
    if (schema.enum) options.push(fc.constantFrom(...(schema.enum as string[]).flatMap(CASE_TWISTS)));
  }
  return fc.oneof(...options).filter((v) => !conforms(schema, isRaw(v) ? JSON.parse(v.raw) : v));
}

// ---------------------------------------------------------------------------------------------
// Bodies as trees: where values go, and how to change one

type Path = Array<string | number>;
interface Slot {
  path: Path;
  name: string;
  schema: JsonSchema;
}

/** The object schema inside a (possibly nullable) schema, if it describes an object. */
function objectSchema(schema: JsonSchema): JsonSchema | undefined {
  if (schema.properties) return schema;
  return schema.allOf?.map(objectSchema).find(Boolean);
}

/** Every place in `value` where the schema says a value goes, present or optional. */
function slots(schema: JsonSchema, value: unknown, path: Path = []): Slot[] {
  const out: Slot[] = [];
  const obj = objectSchema(schema);
  if (obj && isPlainObject(value)) {
    for (const [name, prop] of Object.entries(obj.properties ?? {})) {
      out.push({ path: [...path, name], name, schema: prop });
      if (Object.hasOwn(value, name)) out.push(...slots(prop, value[name], [...path, name]));
    }
  }
  if (schema.items && Array.isArray(value) && value.length > 0) {
    out.push({ path: [...path, 0], name: String(path.at(-1) ?? "item"), schema: schema.items });
    out.push(...slots(schema.items, value[0], [...path, 0]));
  }
  return out;
}

/** Every object in `value` that the schema describes, with its (object) schema. */
function objectNodes(schema: JsonSchema, value: unknown, path: Path = []): Array<{ path: Path; schema: JsonSchema }> {
  const out: Array<{ path: Path; schema: JsonSchema }> = [];
  const obj = objectSchema(schema);
  if (obj && isPlainObject(value)) {
    out.push({ path, schema: obj });
    for (const [name, prop] of Object.entries(obj.properties ?? {})) {
      if (Object.hasOwn(value, name)) out.push(...objectNodes(prop, value[name], [...path, name]));
    }
  }
  if (schema.items && Array.isArray(value) && value.length > 0) out.push(...objectNodes(schema.items, value[0], [...path, 0]));
  return out;
}

const clone = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

/** A copy of `value` with `path` set (or deleted when `next` is undefined); own keys even for "__proto__". */
function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const child = setAt(copy[head], rest, next);
  if (child === undefined) delete copy[head];
  else Object.defineProperty(copy, head, { value: child, enumerable: true, writable: true, configurable: true });
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Generated requests to the OpenAPI operations

/** Values that make a body as close to valid as the world allows, by field name. */
function fieldValue(name: string, world: World): unknown {
  const values: Record<string, unknown> = {
    type: "seller",
    displayName: "Hostile Traders",
    email: "ops@example.com",
    externalId: "ext-hostile-1",
    bankDetails: { accountNumber: "123456789012", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" },
    status: "verified",
    note: "checked by hand",
    orderId: "ORD-hostile-1",
    cycleId: world.cycleId,
    sellerPayeeId: world.payeeId,
    externalRef: "hostile:ref:1",
    description: "A hostile adjustment",
    entries: [
      { accountId: "platform:bank", direction: "debit", amountPaise: 100, currency: "INR" },
      { accountId: "platform:owner_equity", direction: "credit", amountPaise: 100, currency: "INR" },
    ],
    payeeIds: [world.payeeId],
    reason: "made by mistake",
    fingerprint: world.fingerprint,
  };
  return values[name];
}

/** A body from the schema: required fields, filled from the world, examples, enums and defaults. */
export function sampleBody(schema: JsonSchema, world: World, name = ""): unknown {
  const known = fieldValue(name, world);
  if (known !== undefined && conforms(schema, known)) return clone(known);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const obj = objectSchema(schema);
  if (obj) {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(obj.properties ?? {})) {
      const known = fieldValue(key, world);
      if (obj.required?.includes(key) || (known !== undefined && conforms(prop, known))) out[key] = sampleBody(prop, world, key);
    }
    return out;
  }
  const type = [schema.type].flat()[0];
  if (type === "integer" || type === "number") return Math.max(schema.minimum ?? 1, 1);
  if (type === "array") return schema.items ? [sampleBody(schema.items, world, name)] : [];
  if (type === "boolean") return true;
  return "x".repeat(Math.max(schema.minLength ?? 1, 1));
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const BODYLESS = new Set(["GET", "HEAD", "DELETE"]);
const NON_JSON_TYPES = [
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/jsonp",
  "application/json5",
  "application/json-patch+json",
  "text/json",
  "application/octet-stream",
];

const badAuthorization = fc.oneof(
  fc.string({ minLength: 16, maxLength: 80, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_.~!$") }).map((t) => `Bearer ${t}`),
  fc.constantFrom(...REAL_TOKENS).map((t) => `bearer ${t}`),
  fc.constantFrom(...REAL_TOKENS).map((t) => `Bearer ${t}x`),
  fc.constantFrom(...REAL_TOKENS).map((t) => `Bearer  ${t}`),
  fc.constantFrom(...REAL_TOKENS).map((t) => `Basic ${btoa(`admin:${t}`)}`),
  fc.constantFrom(...REAL_TOKENS).map((t) => `Bearer ${t.slice(0, 15)}`),
  fc.constantFrom(...REAL_TOKENS).map((t) => t),
  fc.constantFrom("Bearer", "Bearer ", "Bearer null", "Bearer undefined", "Token abc", "Bearer " + "a".repeat(513)),
).filter((h) => !(h.startsWith("Bearer ") && REAL_TOKENS.has(h.slice("Bearer ".length))));

/**
 * A malformed JSON text: curated classics and random text that fails to parse. The server reads
 * bodies as UTF-8 text, which drops a leading byte order mark (RFC 8259 §8.1 lets a parser ignore
 * it), so the check does the same: "\ufeff{}" is `{}`, not malformed.
 */
export const malformedJson = fc
  .oneof(
    fc.constantFrom("{", "}", "{not json", '{"a":1,}', "{'a':1}", "[1,]", "NaN", "undefined", '{"a":1}garbage', "\u0000", '{"a":"\\x41"}', '{"a":01}', '"unterminated', "{}{}"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
  )
  .filter((text) => {
    try {
      JSON.parse(text.replace(/^\ufeff/, ""));
      return false;
    } catch {
      return true;
    }
  });

/** The body limit of a path: 64 KiB, or the larger one of the few routes that carry files. */
export const maxBodyBytes = (path: string) => LARGE_BODY_LIMITS[path] ?? MAX_BODY_BYTES;

/** A JSON body over the limit, counted in bytes: padding of one- or three-byte characters, or whitespace. */
export const oversizedBody = (limit = MAX_BODY_BYTES) =>
  fc.constantFrom("x", "₹", "ws").map((pad) => {
    if (pad === "ws") return `{${" ".repeat(limit)}}`;
    const count = Math.ceil((limit + 1) / new TextEncoder().encode(pad).length);
    return JSON.stringify({ pad: pad.repeat(count) });
  });

export const badIdempotencyKey = fc.oneof(
  fc.constantFrom("has space", "tab\tinside", "a".repeat(256)),
  fc.string({ minLength: 256, maxLength: 400 }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom(" ", "\t"), fc.string({ minLength: 1, maxLength: 10 })).map(([a, s, b]) => `${a.replace(/\s/g, "a")}${s}${b.replace(/\s/g, "b")}`),
);

/** Path segments no route can find: never-issued ids, ids of another kind, too long, badly encoded. */
function garbageSegment(world: World, collection: string | undefined, maxLength: number | undefined): fc.Arbitrary<string> {
  const own = new Set(collection ? world.ids[collection] ?? [] : []);
  const otherKinds = Object.entries(world.ids)
    .filter(([name]) => name !== collection)
    .flatMap(([, ids]) => ids)
    .filter((id) => !own.has(id));
  const options: fc.Arbitrary<string>[] = [
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).map(encodeURIComponent),
    fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map(encodeURIComponent),
    fc.constantFrom("%FF", "%E0%A4%A", "%", "%zz", "%00", "%2F", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f"),
    fc.constantFrom("null", "undefined", "0", "-1", "NaN", "' OR 1=1 --", "pay_00000000000000000000000000", "<script>alert(1)</script>", "${7*7}").map(encodeURIComponent),
    fc.integer({ min: (maxLength ?? 100) + 1, max: (maxLength ?? 100) + 200 }).map((n) => "a".repeat(n)),
  ];
  if (otherKinds.length > 0) options.push(fc.constantFrom(...otherKinds).map(encodeURIComponent));
  return fc.oneof(...options).filter((segment) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      decoded = segment;
    }
    return decoded !== "" && decoded !== "." && decoded !== ".." && !own.has(decoded) && !world.allIds.has(decoded);
  });
}

/** The collection a path parameter names: the literal segment before it ("payees" for /v1/payees/{id}). */
export function collectionOf(template: string, param: string): string | undefined {
  const segments = template.split("/");
  const at = segments.indexOf(`{${param}}`);
  return at > 0 ? segments[at - 1] : undefined;
}

/** A recipe for one request to an OpenAPI operation. */
export interface OperationCase {
  op: string;
  broken: string[];
  method: string;
  actor: TestActor | null;
  authorization?: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** A JSON value (serialized with toJsonText) or, with `bodyText`, exact text. */
  body?: unknown;
  bodyText?: string;
  contentType?: string | null;
}

function pathOf(op: Operation, c: OperationCase): string {
  let path = op.template;
  for (const [name, segment] of Object.entries(c.params)) path = path.replace(`{${name}}`, () => segment);
  return path;
}

export function buildOperationRequest(c: OperationCase, ops: readonly Operation[], world: World): HostileRequest {
  const op = ops.find((o) => o.label === c.op)!;
  const path = pathOf(op, c);
  const query = Object.entries(c.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  const headers: Record<string, string> = { ...c.headers };
  if (c.authorization !== undefined) headers.authorization = c.authorization;
  else if (c.actor) headers.authorization = `Bearer ${TEST_ACTORS[c.actor].token}`;
  const body = c.bodyText ?? (c.body === undefined ? undefined : toJsonText(c.body));
  if (body !== undefined && c.contentType !== null) headers["content-type"] = c.contentType ?? "application/json";
  const used = c.actor ? world.usedKeys[c.actor] : undefined;
  if (used && headers["idempotency-key"] === used.key && c.method === "POST" && path === used.url && body === used.bodyText) {
    throw new Error("generator bug: an idempotency-key reuse that is an exact replay");
  }
  return { broken: [`${c.op}:`, ...c.broken], method: c.method, url: query ? `${path}?${query}` : path, headers, ...(body === undefined ? {} : { body }), answers: "json" };
}

type Breaker = (c: OperationCase) => fc.Arbitrary<OperationCase>;

const broke = (c: OperationCase, what: string, change: Partial<OperationCase>): OperationCase => ({ ...c, ...change, broken: [...c.broken, what] });

/**
 * Requests to the operations /openapi.json lists, each breaking one to three things: the token or
 * role, a path id, a query value, the method, the body (syntax, type, size, shape, fields) or the
 * Idempotency-Key. Everything left unbroken is as valid as the world allows, so refusals come from
 * deep in the route as well as from the middleware.
 */
export function operationCases(ops: readonly Operation[], world: World, forbidden: Map<string, TestActor[]>): fc.Arbitrary<OperationCase> {
  return fc.constantFrom(...ops).chain((op) => {
    const denied = forbidden.get(op.label) ?? [];
    const allowed = ACTORS.filter((a) => !denied.includes(a));
    const methods = new Set(ops.filter((o) => o.template === op.template).map((o) => o.method));

    const categories: Array<[string, Breaker]> = [];
    const auth: fc.Arbitrary<(c: OperationCase) => OperationCase>[] = [
      fc.constant((c: OperationCase) => broke(c, "no Authorization header", { actor: null })),
      badAuthorization.map((h) => (c: OperationCase) => broke(c, `bad Authorization ${clip(JSON.stringify(h), 60)}`, { actor: null, authorization: h })),
    ];
    if (denied.length > 0) auth.push(fc.constantFrom(...denied).map((a) => (c: OperationCase) => broke(c, `role ${a} may not call this`, { actor: a })));
    categories.push(["auth", (c) => fc.oneof(...auth).map((f) => f(c))]);

    if (op.pathParams.length > 0) {
      categories.push([
        "path",
        (c) =>
          fc.constantFrom(...op.pathParams).chain((p) =>
            garbageSegment(world, collectionOf(op.template, p.name), p.schema.maxLength).map((seg) =>
              broke(c, `path ${p.name} = ${clip(JSON.stringify(seg), 60)} does not exist`, { params: { ...c.params, [p.name]: seg } }),
            ),
          ),
      ]);
    }
    const constrainedQuery = op.query.filter((p) => constrained(p.schema));
    if (constrainedQuery.length > 0) {
      categories.push([
        "query",
        (c) =>
          fc.constantFrom(...constrainedQuery).chain((p) =>
            fc
              .oneof(
                fc.string({ unit: "grapheme", maxLength: 10 }),
                fc.constantFrom("0", "-1", "201", "1.5", "abc", "NaN", "Infinity", "1e3", "", "99999999999999999999", "SELLER", " seller", "1 OR 1=1"),
                fc.integer({ min: (p.schema.maxLength ?? 200) + 1, max: (p.schema.maxLength ?? 200) + 100 }).map((n) => "9".repeat(n)),
              )
              .filter((v) => !queryConforms(p.schema, v))
              .map((v) => broke(c, `query ${p.name}=${clip(JSON.stringify(v), 40)}`, { query: { ...c.query, [p.name]: v } })),
          ),
      ]);
    }
    if (!BODYLESS.has(op.method)) {
      const bodyBreakers: BodyBreaker[] = [
        (c) => malformedJson.map((t) => broke(c, `malformed JSON ${clip(JSON.stringify(t), 40)}`, { bodyText: t, contentType: "application/json" })),
        (c) => fc.constantFrom(...NON_JSON_TYPES).map((t) => broke(c, `content-type ${t}`, { bodyText: toJsonText(c.body ?? {}), contentType: t })),
        (c) => fc.constant(broke(c, "a body with no content-type", { bodyText: toJsonText(c.body ?? {}), contentType: null })),
        (c) => oversizedBody(maxBodyBytes(pathOf(op, c))).map((t) => broke(c, `body of ${new TextEncoder().encode(t).length} bytes`, { bodyText: t, contentType: "application/json" })),
        ...(op.body ? schemaBreakers(op.body) : []),
      ];
      categories.push([
        "body",
        (c) => {
          const applicable = bodyBreakers.map((b) => b(c)).filter((a): a is fc.Arbitrary<OperationCase> => a !== null);
          return fc.oneof(...applicable);
        },
      ]);
    }
    if (op.method === "POST") {
      categories.push([
        "idempotency",
        (c) => {
          const reuse = c.actor ? world.usedKeys[c.actor] : undefined;
          const options = [badIdempotencyKey.map((k) => broke(c, `Idempotency-Key ${clip(JSON.stringify(k), 40)}`, { headers: { ...c.headers, "idempotency-key": k } }))];
          const replay = reuse !== undefined && pathOf(op, c) === reuse.url && (c.bodyText ?? (c.body === undefined ? undefined : toJsonText(c.body))) === reuse.bodyText;
          if (reuse && c.authorization === undefined && !replay) {
            options.push(fc.constant(broke(c, `Idempotency-Key reused from ${reuse.url} with another request`, { headers: { ...c.headers, "idempotency-key": reuse.key } })));
          }
          return fc.oneof(...options);
        },
      ]);
    }
    const wrongMethods = METHODS.filter((m) => !methods.has(m));
    // Last, since it changes which route the request reaches.
    categories.push([
      "method",
      (c) =>
        fc.constantFrom(...wrongMethods).map((m) =>
          broke(c, `method ${m} is not served here`, m === "GET" ? { method: m, body: undefined, bodyText: undefined } : { method: m }),
        ),
    ]);

    const base = fc
      .record({
        actor: allowed.length > 0 ? fc.constantFrom(...allowed) : fc.constant<TestActor>("admin"),
        params: fc.record(
          Object.fromEntries(
            op.pathParams.map((p) => {
              const existing = world.ids[collectionOf(op.template, p.name) ?? ""] ?? [];
              return [p.name, existing.length > 0 ? fc.constantFrom(...existing).map(encodeURIComponent) : fc.constant("no-existing-id")];
            }),
          ),
        ),
        noise: noise(op),
      })
      .map(({ actor, params, noise: n }): OperationCase => {
        const body = op.body ? n.body(sampleBody(op.body, world)) : undefined;
        return { op: op.label, broken: [], method: op.method, actor, params, query: n.query, headers: n.headers, ...(body === undefined ? {} : { body }) };
      });

    return fc.tuple(base, fc.shuffledSubarray(categories, { minLength: 1, maxLength: Math.min(3, categories.length) })).chain(([c, chosen]) => {
      const ordered = categories.filter((cat) => chosen.includes(cat));
      // A path with no existing id to substitute is garbage already: say so.
      const start = Object.values(c.params).includes("no-existing-id") ? broke(c, "path id that does not exist", {}) : c;
      return ordered.reduce<fc.Arbitrary<OperationCase>>((acc, [, breaker]) => acc.chain(breaker), fc.constant(start));
    });
  });
}

/** Changes to a body that keep it JSON but break the operation's schema; null where one does not apply. */
type BodyBreaker = (c: OperationCase) => fc.Arbitrary<OperationCase> | null;

function schemaBreakers(schema: JsonSchema): BodyBreaker[] {
  const json = (c: OperationCase, what: string, body: unknown) => broke(c, what, { body, contentType: "application/json" });
  /** Keeps only bodies the lenient schema check refuses, so each is certainly invalid. */
  const certainly = (c: OperationCase, what: (body: unknown) => string, bodies: fc.Arbitrary<unknown>) =>
    bodies.filter((body) => !conforms(schema, JSON.parse(toJsonText(body)))).map((body) => json(c, what(body), body));
  const pickSlot = (c: OperationCase, keep: (s: Slot) => boolean) => {
    const found = slots(schema, c.body).filter(keep);
    return found.length > 0 ? fc.constantFrom(...found) : null;
  };

  return [
    (c) => fc.constantFrom<unknown>(null, 1, "body", true, [], [c.body ?? {}]).map((v) => json(c, `body is ${clip(toJsonText(v), 40)}, not an object`, v)),
    (c) => {
      const required = objectNodes(schema, c.body).flatMap(({ path, schema: s }) =>
        (s.required ?? []).filter((k) => s.properties?.[k]?.default === undefined && getAt(c.body, [...path, k]) !== undefined).map((k) => [...path, k]),
      );
      if (required.length === 0) return null;
      return fc.constantFrom(...required).chain((path) => certainly(c, () => `required field ${path.join(".")} missing`, fc.constant(setAt(c.body, path, undefined))));
    },
    (c) => {
      const strict = objectNodes(schema, c.body).filter(({ schema: s }) => s.additionalProperties === false);
      if (strict.length === 0) return null;
      const key = fc.oneof(fc.constantFrom("__proto__", "constructor", "id", "actorId", "version", "verificationStatus", "createdAt", "makerId", "approvalCount", "status", "amountPaise"), unicodeText);
      return fc
        .tuple(fc.constantFrom(...strict), key, fc.jsonValue({ maxDepth: 1 }))
        .filter(([node, k]) => !Object.hasOwn(node.schema.properties ?? {}, k))
        .chain(([node, k, value]) => certainly(c, () => `unknown field ${[...node.path, k].join(".")}`, fc.constant(setAt(c.body, [...node.path, k], value ?? 0))));
    },
    (c) =>
      pickSlot(c, (s) => WRONG_TYPES.some((v) => !conforms(s.schema, v)))?.chain((slot) =>
        certainly(c, (body) => `${slot.path.join(".")} = ${clip(toJsonText(getAt(body, slot.path)), 60)}`, violating(slot.schema).map((v) => setAt(c.body, slot.path, v))),
      ) ?? null,
    (c) =>
      pickSlot(c, (s) => /Paise$/.test(s.name))?.chain((slot) =>
        certainly(c, (body) => `amount ${slot.path.join(".")} = ${toJsonText(getAt(body, slot.path))}`, amountLike.map((v) => setAt(c.body, slot.path, v))),
      ) ?? null,
    // Control characters and blank text are refused by humanText's refinements, which a JSON Schema cannot show.
    (c) =>
      pickSlot(c, (s) => TEXT_FIELDS.has(s.name) && getAt(c.body, s.path.slice(0, -1)) != null)?.chain((slot) =>
        hostileText(slot.schema.maxLength ?? 500).map((text) => json(c, `text ${slot.path.join(".")} = ${clip(JSON.stringify(text), 40)}`, setAt(c.body, slot.path, text))),
      ) ?? null,
    (c) =>
      pickSlot(c, (s) => s.name === "ifsc" && getAt(c.body, s.path.slice(0, -1)) != null)?.chain((slot) =>
        certainly(c, (body) => `IFSC ${JSON.stringify(getAt(body, slot.path))}`, invalidIfsc.map((v) => setAt(c.body, slot.path, v))),
      ) ?? null,
  ];
}

/** Harmless variety every request may carry: unicode in text fields, unknown query parameters, extra headers. */
function noise(op: Operation) {
  return fc
    .record({
      texts: fc.array(unicodeText, { maxLength: 3 }),
      query:
        op.method === "GET"
          ? fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).map((k) => `x_${k}`), fc.string({ unit: "grapheme", maxLength: 10 }), { maxKeys: 2 })
          : fc.constant<Record<string, string>>({}),
      headers: fc.record(
        {
          "x-request-id": fc.string({ minLength: 1, maxLength: 40 }).map((s) => s.trim() || "id"),
          "user-agent": fc.constantFrom("curl/8.0", "Mozilla/5.0 (hostile)", "sqlmap/1.7", "' OR 1=1 --"),
          accept: fc.constantFrom("*/*", "text/html", "application/xml", "application/json;q=0"),
          "idempotency-key": fc.string({ minLength: 8, maxLength: 40, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-") }).map((k) => `noise-${k}`),
        },
        { requiredKeys: [] },
      ),
    })
    .map(({ texts, query, headers }) => ({
      query,
      headers: headers as Record<string, string>,
      /** Puts unicode text (emoji, other scripts, combining marks) into the body's text fields. */
      body: (body: unknown) => {
        if (!op.body) return body;
        const fields = slots(op.body, body).filter((s) => TEXT_FIELDS.has(s.name) && typeof getAt(body, s.path) === "string");
        return fields.reduce((out, slot, i) => (texts[i] === undefined ? out : setAt(out, slot.path, texts[i])), body);
      },
    }));
}

// ---------------------------------------------------------------------------------------------
// Approval pages

type TokenRecipe =
  | { kind: "issued"; link: keyof World["links"] }
  | { kind: "signed"; link: keyof World["links"]; claims: Partial<ApprovalTokenClaims>; secret?: string; why: string }
  | { kind: "tampered"; link: keyof World["links"]; at: number; char: string }
  | { kind: "literal"; token: string; why: string };

export interface PageCase {
  broken: string[];
  method: "GET" | "POST";
  token: TokenRecipe;
  csrf: "valid" | "no-cookie" | "no-field" | "garbage" | "other-nonce" | "other-link";
  fields: Record<string, string>;
  origin?: string;
  contentType: "urlencoded" | "multipart" | "json" | "text";
  pad?: number;
}

/**
 * Tokens checkLink certainly refuses, or that name a link it refuses to act on: used, lapsed, or
 * for a batch no longer pending. Everything but "issued pending" is one of these.
 */
const TOKEN_BREAKS = (world: World): fc.Arbitrary<TokenRecipe> => {
  const now = Date.now();
  const issued = (link: keyof World["links"]) => ({
    linkId: world.links[link].id,
    batchId: world.links[link].batch_id,
    checkerId: world.links[link].checker_id,
    fingerprint: world.links[link].fingerprint,
    expiresAtMs: Date.parse(world.links[link].expires_at),
  });
  const secret = fc.string({ minLength: 16, maxLength: 40 }).filter((s) => s !== TEST_APPROVAL_SECRET);
  return fc.oneof(
    fc.constant<TokenRecipe>({ kind: "issued", link: "used" }),
    fc.constant<TokenRecipe>({ kind: "issued", link: "settled" }),
    fc.constant<TokenRecipe>({ kind: "issued", link: "lapsed" }),
    fc.constant<TokenRecipe>({ kind: "signed", link: "lapsed", claims: { expiresAtMs: world.lapsedIssuedExpiresAtMs }, why: "link expired; token re-signed with its original expiry" }),
    secret.map((s): TokenRecipe => ({ kind: "signed", link: "pending", claims: {}, secret: s, why: "signed with another secret" })),
    fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }).map((ago): TokenRecipe => ({ kind: "signed", link: "pending", claims: { expiresAtMs: now - ago }, why: `expired ${ago} ms ago` })),
    fc
      .oneof(fc.integer({ min: 1, max: 365 * 86_400_000 }), fc.constantFrom(8.64e15, 8.64e15 + 1, 2 ** 53, 1e300, Number.MAX_VALUE))
      .map((later): TokenRecipe => ({ kind: "signed", link: "pending", claims: { expiresAtMs: later > 1e12 ? later : issued("pending").expiresAtMs + later }, why: "expiry extended past the issued one" })),
    fc
      .record({
        field: fc.constantFrom("linkId", "batchId", "checkerId", "fingerprint"),
        value: fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), fc.constantFrom(...Object.values(issued("pendingOther")).filter((v) => typeof v === "string"))),
      })
      .filter(({ field, value }) => value !== (issued("pending") as Record<string, unknown>)[field])
      .map(({ field, value }): TokenRecipe => ({ kind: "signed", link: "pending", claims: { [field]: value }, why: `${field} swapped for ${JSON.stringify(value)}` })),
    fc.record({ at: fc.nat(), char: fc.constantFrom(..."0123456789abcdefABCDEF-_.=+/ ") }).map(({ at, char }): TokenRecipe => ({ kind: "tampered", link: "pending", at, char })),
    fc
      .oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
        fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
        fc.constantFrom("v1", "v1..", "v1.x.y", "v2.e30.00", "v1.e30", "v1.!!!!.0000", "undefined", "null", "v1." + "A".repeat(2100) + ".00"),
      )
      .filter((t) => t !== "." && t !== "..")
      .map((token): TokenRecipe => ({ kind: "literal", token, why: "not a token Disburse issued" })),
  );
};

export function pageCases(world: World): fc.Arbitrary<PageCase> {
  const foreignOrigin = fc.oneof(fc.webUrl().map((u) => new URL(u).origin), fc.constantFrom("null", "https://disburse.test.evil.example", "http://disburse.test")).filter((o) => o !== ORIGIN && o !== PUBLIC_ORIGIN);
  const reasonBreak = fc.oneof(
    fc.constant(""),
    blankText.filter((t) => t.trim() === ""),
    fc.tuple(fc.string({ unit: "grapheme", maxLength: 8 }), fc.constantFrom(...CONTROL_CHARS.filter((ch) => ch !== "\t" && ch !== "\n" && ch !== "\r"))).map(([a, ch]) => `${a}${ch}`),
    fc.integer({ min: 501, max: 700 }).map((n) => "r".repeat(n)),
  );
  const fields = fc.record({ action: fc.constantFrom("approve", "reject"), reason: fc.option(unicodeText, { nil: undefined }) }, { requiredKeys: ["action"] }).map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<string, string>);

  const base = fc.record({
    method: fc.constantFrom<"GET" | "POST">("GET", "POST"),
    fields,
    contentType: fc.constantFrom<PageCase["contentType"]>("urlencoded", "multipart"),
  });
  const formBreaks: fc.Arbitrary<(c: PageCase) => PageCase>[] = [
    fc.constantFrom<PageCase["csrf"]>("no-cookie", "no-field", "garbage", "other-nonce", "other-link").map((csrf) => (c: PageCase) => ({ ...c, csrf, broken: [...c.broken, `CSRF ${csrf}`] })),
    foreignOrigin.map((origin) => (c: PageCase) => ({ ...c, origin, broken: [...c.broken, `Origin ${origin}`] })),
    fc.integer({ min: 4097, max: 20_000 }).map((pad) => (c: PageCase) => ({ ...c, pad, broken: [...c.broken, `form of more than ${pad} bytes`] })),
    fc.option(fc.string({ unit: "grapheme", maxLength: 12 }).filter((a) => a !== "approve" && a !== "reject"), { nil: undefined }).map((action) => (c: PageCase) => {
      const { action: _, ...rest } = c.fields;
      return { ...c, fields: action === undefined ? rest : { ...rest, action }, broken: [...c.broken, `action ${JSON.stringify(action)}`] };
    }),
    reasonBreak.map((reason) => (c: PageCase) => ({ ...c, fields: { ...c.fields, action: "reject", reason }, broken: [...c.broken, `reject with reason ${clip(JSON.stringify(reason), 30)}`] })),
    fc.constantFrom<PageCase["contentType"]>("json", "text").map((contentType) => (c: PageCase) => ({ ...c, contentType, broken: [...c.broken, `form sent as ${contentType}`] })),
  ];
  return fc.tuple(base, fc.option(TOKEN_BREAKS(world), { nil: undefined, freq: 3 }), fc.shuffledSubarray(formBreaks, { minLength: 0, maxLength: 2 })).chain(([b, token, chosen]) => {
    const start: PageCase = { broken: [], method: b.method, token: { kind: "issued", link: "pending" }, csrf: "valid", fields: b.fields, contentType: b.contentType };
    // The pending link's own token is valid: then something else must break (and a GET has nothing else).
    const needsForm = token === undefined;
    const c: PageCase = token === undefined ? start : { ...start, token, broken: [`token: ${describeToken(token)}`] };
    const method = needsForm ? "POST" : b.method;
    const breakers = needsForm && chosen.length === 0 ? [formBreaks[0]!] : chosen;
    return breakers.reduce<fc.Arbitrary<PageCase>>((acc, br) => acc.chain((cc) => br.map((f) => f(cc))), fc.constant({ ...c, method }));
  });
}

function describeToken(t: TokenRecipe): string {
  switch (t.kind) {
    case "issued":
      return `the ${t.link} link's token as issued`;
    case "signed":
      return `${t.link} link, ${t.why}`;
    case "tampered":
      return `${t.link} link's token with character ${t.at} changed to ${JSON.stringify(t.char)}`;
    case "literal":
      return `${clip(JSON.stringify(t.token), 60)} (${t.why})`;
  }
}

async function tokenOf(recipe: TokenRecipe, world: World): Promise<string> {
  switch (recipe.kind) {
    case "issued":
      return tokenFor(world.links[recipe.link]);
    case "signed":
      return tokenFor(world.links[recipe.link], recipe.claims, recipe.secret);
    case "tampered": {
      const token = await tokenFor(world.links[recipe.link]);
      const at = recipe.at % token.length;
      const char = token[at] === recipe.char ? (recipe.char === "0" ? "1" : "0") : recipe.char;
      return token.slice(0, at) + char + token.slice(at + 1);
    }
    case "literal":
      return recipe.token;
  }
}

const csrfFor = (linkId: string, nonce: string) => hmacSha256Hex(TEST_APPROVAL_SECRET, `csrf|${linkId}|${nonce}`);

export async function buildPageRequest(c: PageCase, world: World): Promise<HostileRequest> {
  const token = await tokenOf(c.token, world);
  const url = `/approvals/${encodeURIComponent(token)}`;
  if (c.method === "GET") return { broken: c.broken, method: "GET", url, headers: {}, answers: "html" };

  const linkId = c.token.kind === "literal" ? "no-link" : world.links[c.token.link].id;
  const nonce = "nonce-0123456789";
  const fields: Record<string, string> = { ...c.fields };
  if (c.csrf === "valid" || c.csrf === "no-cookie") fields.csrf = await csrfFor(linkId, nonce);
  if (c.csrf === "garbage") fields.csrf = "0".repeat(64);
  if (c.csrf === "other-nonce") fields.csrf = await csrfFor(linkId, "another-nonce-987");
  if (c.csrf === "other-link") fields.csrf = await csrfFor(world.links.pendingOther.id, nonce);
  if (c.pad !== undefined) fields.pad = "p".repeat(c.pad);
  const headers: Record<string, string> = {};
  if (c.csrf !== "no-cookie") headers.cookie = `disburse_csrf=${nonce}`;
  if (c.origin !== undefined) headers.origin = c.origin;
  let body: string;
  if (c.contentType === "multipart") {
    const boundary = "hostile-boundary-7f3a";
    headers["content-type"] = `multipart/form-data; boundary=${boundary}`;
    body = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`;
  } else if (c.contentType === "json") {
    headers["content-type"] = "application/json";
    body = JSON.stringify(fields);
  } else {
    headers["content-type"] = c.contentType === "text" ? "text/plain" : "application/x-www-form-urlencoded";
    body = new URLSearchParams(fields).toString();
  }
  return { broken: c.broken, method: "POST", url, headers, body, answers: "html" };
}

// ---------------------------------------------------------------------------------------------
// Bank webhooks

export interface WebhookCase {
  broken: string[];
  provider: string;
  payload: unknown;
  bodyText?: string;
  contentType: string | null;
  signature:
    | { kind: "none" }
    | { kind: "header"; value: string }
    | { kind: "hmac"; secret: string; offsetSeconds: number; over?: string; upper?: boolean };
}

export const BANK_STATUSES = ["pending", "processed", "failed", "reversed"];

/** Whether a payload is an event the simulated bank could have sent (what its verifier must accept). */
export function isBankEvent(payload: unknown): boolean {
  if (!isPlainObject(payload) || typeof payload.eventId !== "string" || typeof payload.type !== "string") return false;
  const t = payload.transfer;
  if (!isPlainObject(t) || typeof t.idempotencyKey !== "string" || !BANK_STATUSES.includes(t.status as string)) return false;
  const optionalText = (v: unknown) => v === undefined || v === null || typeof v === "string";
  return optionalText(t.bankReference) && optionalText(t.failureCode);
}

export function webhookCases(world: World): fc.Arbitrary<WebhookCase> {
  const event = fc.record({
    eventId: fc.string({ minLength: 1, maxLength: 20 }).map((s) => `evt_hostile_${s}`),
    type: fc.constantFrom("transfer.processed", "transfer.failed", "transfer.reversed"),
    transfer: fc.record({
      idempotencyKey: fc.constantFrom(world.payoutId, "pyt_unknown"),
      bankReference: fc.constantFrom("SIMUTR-hostile-1", null),
      status: fc.constantFrom(...BANK_STATUSES),
      amountPaise: fc.constantFrom(100, 91_000),
      failureCode: fc.constantFrom(null, "account_closed"),
    }),
  });
  const now = { kind: "hmac" as const, secret: TEST_SIMBANK_SECRET, offsetSeconds: 0 };
  const breaks: fc.Arbitrary<(c: WebhookCase) => WebhookCase>[] = [
    fc.constant((c: WebhookCase) => ({ ...c, signature: { kind: "none" as const }, broken: [...c.broken, "no signature"] })),
    fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom("t=1,v1=", "v1=" + "0".repeat(64), `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`, "t=abc,v1=zz")).map((value) => (c: WebhookCase) => ({ ...c, signature: { kind: "header" as const, value }, broken: [...c.broken, `signature header ${clip(JSON.stringify(value), 60)}`] })),
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s !== TEST_SIMBANK_SECRET).map((secret) => (c: WebhookCase) => ({ ...c, signature: { ...now, secret }, broken: [...c.broken, "signed with another secret"] })),
    fc.oneof(fc.integer({ min: 301, max: 1_000_000_000 }), fc.integer({ min: -1_000_000_000, max: -302 })).map((offsetSeconds) => (c: WebhookCase) => ({ ...c, signature: { ...now, offsetSeconds }, broken: [...c.broken, `timestamp ${offsetSeconds} s off`] })),
    fc.string({ maxLength: 40 }).map((other) => (c: WebhookCase) => ({ ...c, signature: { ...now, over: `{"other":${JSON.stringify(other)}}` }, broken: [...c.broken, "signature of another body"] })),
    fc.constant((c: WebhookCase) => ({ ...c, signature: { ...now, upper: true }, broken: [...c.broken, "signature in upper-case hex"] })),
    fc
      .oneof(
        fc.constantFrom<unknown>(null, 0, "event", [], [{}], {}, { eventId: "e" }),
        fc.tuple(event, fc.constantFrom("eventId", "type", "transfer", "idempotencyKey", "status", "bankReference", "failureCode"), fc.constantFrom<unknown>(undefined, null, 7, "", "settled", "PROCESSED", [], {}, true)).map(([e, field, value]) => {
          if (["eventId", "type", "transfer"].includes(field)) return { ...e, [field]: value };
          return { ...e, transfer: { ...e.transfer, [field]: value } };
        }),
        fc.jsonValue({ maxDepth: 3 }),
      )
      .filter((p) => !isBankEvent(p))
      .map((payload) => (c: WebhookCase) => ({ ...c, payload, broken: [...c.broken, `validly signed payload that is not a bank event: ${clip(toJsonText(payload ?? null), 80)}`] })),
    fc.constantFrom(...NON_JSON_TYPES).map((contentType) => (c: WebhookCase) => ({ ...c, contentType, broken: [...c.broken, `content-type ${contentType}`] })),
    malformedJson.map((bodyText) => (c: WebhookCase) => ({ ...c, bodyText, broken: [...c.broken, `malformed JSON ${clip(JSON.stringify(bodyText), 40)}`] })),
    oversizedBody().map((bodyText) => (c: WebhookCase) => ({ ...c, bodyText, broken: [...c.broken, "body over 64 KiB"] })),
    fc
      .oneof(fc.constantFrom("razorpayx", "Simulated", "simulated ", "stripe", "simulated\u0000", "simulated/x"), fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }))
      .filter((p) => p !== "simulated" && p !== "." && p !== "..")
      .map(encodeURIComponent)
      .map((provider) => (c: WebhookCase) => ({ ...c, provider, broken: [...c.broken, `provider ${provider}`] })),
  ];
  return fc.tuple(event, fc.shuffledSubarray(breaks, { minLength: 1, maxLength: 2 })).chain(([payload, chosen]) =>
    chosen.reduce<fc.Arbitrary<WebhookCase>>(
      (acc, br) => acc.chain((c) => br.map((f) => f(c))),
      fc.constant<WebhookCase>({ broken: [], provider: "simulated", payload, contentType: "application/json", signature: now }),
    ),
  );
}

export async function buildWebhookRequest(c: WebhookCase): Promise<HostileRequest> {
  const body = c.bodyText ?? toJsonText(c.payload ?? null);
  const headers: Record<string, string> = {};
  if (c.contentType !== null) headers["content-type"] = c.contentType;
  const sig = c.signature;
  if (sig.kind === "header") headers["x-simbank-signature"] = sig.value;
  if (sig.kind === "hmac") {
    const t = Math.floor(Date.now() / 1000) + sig.offsetSeconds;
    const mac = await hmacSha256Hex(sig.secret, `${t}.${sig.over ?? body}`);
    headers["x-simbank-signature"] = `t=${t},v1=${sig.upper ? mac.toUpperCase() : mac}`;
  }
  return { broken: c.broken, method: "POST", url: `/v1/webhooks/bank/${c.provider}`, headers, body, answers: "json" };
}

// ---------------------------------------------------------------------------------------------
// The simulated bank's operator routes (/v1/simbank/*)

export const SIMBANK_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: "GET", path: "/admin/state" },
  { method: "GET", path: "/transactions" },
  { method: "POST", path: "/admin/config" },
  { method: "POST", path: "/admin/tick" },
  { method: "POST", path: "/admin/transfers/{key}/settle" },
  { method: "POST", path: "/admin/transfers/{key}/reverse" },
];

export interface SimbankCase {
  broken: string[];
  method: string;
  path: string;
  query: string;
  actor: TestActor | null;
  authorization?: string;
  bodyText?: string;
  contentType?: string | null;
}

/** Config patches the simulated bank must refuse: unknown keys, wrong types, out-of-range values. */
export const INVALID_BANK_CONFIGS: readonly unknown[] = [
  null, [], "config", 1, { unknownKey: 1 }, { seed: "one" }, { seed: 1.5 }, { rates: null }, { rates: 5 }, { rates: { serverError: 2 } },
  { rates: { serverError: -0.1 } }, { rates: { meteorStrike: 0.5 } }, { script: null }, { script: { k: ["asteroid"] } }, { script: { k: "server_error" } },
  { webhookScript: { k: ["teleport"] } }, { reverseKeys: "all" }, { latencyMs: -1 }, { latencyMs: "fast" }, { latencyMs: 1e12 }, { autoRun: "yes" },
  { processingDelayMs: -5 }, { clockOffsetMs: 1.5 }, { webhookUrl: 42 }, { webhookUrl: "not a url" }, { maxWebhookDelayMs: null },
];
export const INVALID_TICKS: readonly unknown[] = [null, [], "now", { advanceMs: "x" }, { advanceMs: -1 }, { advanceMs: 1.5 }, { advanceMs: 1e300 }, { advanceMs: null }, { later: 1 }];

export function simbankCases(): fc.Arbitrary<SimbankCase> {
  const nonAdmins = ACTORS.filter((a) => !(TEST_ACTORS[a].roles as readonly string[]).includes("admin"));
  const known = (path: string) => SIMBANK_ROUTES.some((r) => new RegExp(`^${r.path.replace("{key}", "[^/]+")}$`).test(path));
  const breaks: fc.Arbitrary<(c: SimbankCase) => SimbankCase>[] = [
    fc.constant((c: SimbankCase) => ({ ...c, actor: null, broken: [...c.broken, "no Authorization header"] })),
    badAuthorization.map((authorization) => (c: SimbankCase) => ({ ...c, actor: null, authorization, broken: [...c.broken, "bad Authorization"] })),
    fc.constantFrom(...nonAdmins).map((actor) => (c: SimbankCase) => ({ ...c, actor, broken: [...c.broken, `role ${actor} is not admin`] })),
    fc
      .oneof(fc.constantFrom("/admin", "/admin/", "/admin/state/x", "/transfers", "/admin/transfers/x/explode", "/ADMIN/STATE", "/admin/config.json", "/"), fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => `/${encodeURIComponent(s)}`))
      .filter((p) => !known(p))
      .map((path) => (c: SimbankCase) => ({ ...c, path, broken: [...c.broken, `no simulated bank route ${path}`] })),
    fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE").map((method) => (c: SimbankCase) => {
      const served = SIMBANK_ROUTES.filter((r) => new RegExp(`^${r.path.replace("{key}", "[^/]+")}$`).test(c.path)).map((r) => r.method);
      const m = served.includes(method) ? (method === "GET" ? "DELETE" : "PUT") : method;
      return { ...c, method: m, ...(m === "GET" ? { bodyText: undefined } : {}), broken: [...c.broken, `method ${m}`] };
    }),
    malformedJson.map((bodyText) => (c: SimbankCase) => ({ ...c, method: "POST", path: "/admin/config", bodyText, contentType: "application/json", broken: [...c.broken, `config as malformed JSON ${clip(JSON.stringify(bodyText), 30)}`] })),
    fc.constantFrom(...NON_JSON_TYPES).map((contentType) => (c: SimbankCase) => ({ ...c, method: "POST", path: "/admin/tick", bodyText: "{}", contentType, broken: [...c.broken, `tick as ${contentType}`] })),
    oversizedBody().map((bodyText) => (c: SimbankCase) => ({ ...c, method: "POST", path: "/admin/config", bodyText, contentType: "application/json", broken: [...c.broken, "config over 64 KiB"] })),
    fc.constantFrom(...INVALID_BANK_CONFIGS).map((config) => (c: SimbankCase) => ({ ...c, method: "POST", path: "/admin/config", bodyText: JSON.stringify(config), contentType: "application/json", broken: [...c.broken, `config ${JSON.stringify(config)}`] })),
    fc.constantFrom(...INVALID_TICKS).map((tick) => (c: SimbankCase) => ({ ...c, method: "POST", path: "/admin/tick", bodyText: JSON.stringify(tick), contentType: "application/json", broken: [...c.broken, `tick ${JSON.stringify(tick)}`] })),
    fc.tuple(fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).filter((k) => k !== "." && k !== ".."), fc.constantFrom("settle", "reverse")).map(([key, action]) => (c: SimbankCase) => ({ ...c, method: "POST", path: `/admin/transfers/${encodeURIComponent(key)}/${action}`, bodyText: undefined, broken: [...c.broken, `${action} a transfer the bank never had`] })),
    fc.tuple(fc.constantFrom("from", "to"), fc.constantFrom("yesterday", "", "2026-13-45", "NaN", "1e400", "0x10")).map(([k, v]) => (c: SimbankCase) => ({ ...c, method: "GET", path: "/transactions", query: `${k}=${encodeURIComponent(v)}`, bodyText: undefined, broken: [...c.broken, `transactions ${k}=${v}`] })),
  ];
  const base = fc.constantFrom(...SIMBANK_ROUTES).map((r): SimbankCase => ({ broken: [], method: r.method, path: r.path.replace("{key}", "no-such-transfer"), query: "", actor: "admin", ...(r.method === "POST" ? { bodyText: "{}" } : {}) }));
  return fc.tuple(base, fc.shuffledSubarray(breaks, { minLength: 1, maxLength: 2 })).chain(([c, chosen]) => chosen.reduce<fc.Arbitrary<SimbankCase>>((acc, br) => acc.chain((cc) => br.map((f) => f(cc))), fc.constant(c)));
}

export function buildSimbankRequest(c: SimbankCase): HostileRequest {
  const headers: Record<string, string> = {};
  if (c.authorization !== undefined) headers.authorization = c.authorization;
  else if (c.actor) headers.authorization = `Bearer ${TEST_ACTORS[c.actor].token}`;
  if (c.bodyText !== undefined && c.contentType !== null) headers["content-type"] = c.contentType ?? "application/json";
  const url = `/v1/simbank${c.path}${c.query ? `?${c.query}` : ""}`;
  return { broken: c.broken, method: c.method, url, headers, ...(c.bodyText === undefined || c.method === "GET" ? {} : { body: c.bodyText }), answers: "json" };
}
