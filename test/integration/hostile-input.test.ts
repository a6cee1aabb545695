// Issue #6, hostile input: whatever a careless client, a forger or a broken integration sends,
// every route refuses it with a 4xx that says why (a JSON error code, or a clear page for
// approval links), never a 5xx, and every table is exactly as it was afterwards.
//
// Routes come from /openapi.json, so a new operation is attacked without editing this file; the
// routes it does not list (approval pages, bank webhooks, the simulated bank) are added by hand.
// Focused cases first, one per kind of attack, so a failure reads plainly; then generated ones.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_ACTORS, type TestActor } from "../support/actors";
import { openLink, tokenFor } from "../support/batches";
import {
  type Answer,
  buildOperationRequest,
  buildPageRequest,
  buildSimbankRequest,
  buildWebhookRequest,
  buildWorld,
  clip,
  collectionOf,
  conforms,
  describeExchange,
  discoverOperations,
  errorCode,
  forbiddenActors,
  HOSTILE_AMOUNTS,
  type HostileRequest,
  INVALID_BANK_CONFIGS,
  INVALID_IFSC,
  INVALID_TICKS,
  maxBodyBytes,
  type Operation,
  operationCases,
  type PageCase,
  pageCases,
  queryConforms,
  RAW_AMOUNTS,
  refusalProblem,
  safeDecode,
  sampleBody,
  send,
  settledDigest,
  simbankCases,
  stateDigest,
  TEXT_FIELDS,
  toJsonText,
  type WebhookCase,
  webhookCases,
  type World,
} from "../support/hostile";

/** Focused cases loop over every operation, so each may take a few seconds as the API grows. */
const LOOPS = { timeout: 30_000 };

let ops: Operation[] = [];
let world: World;
let forbidden = new Map<string, TestActor[]>();
/** The state once the world is built: nothing in this file may change it. */
let baseline: Record<string, string> = {};

beforeAll(async () => {
  world = await buildWorld();
  await settledDigest();
  ops = await discoverOperations();
  forbidden = await forbiddenActors(ops);
  baseline = await settledDigest();
}, 60_000);

/** Sends a request that must be refused; fails unless it is, with every table as it was. */
async function refuse(req: HostileRequest, expected?: { status: number; code?: string }): Promise<Answer> {
  const before = await stateDigest();
  const answer = await send(req);
  const problem = refusalProblem(req, answer);
  if (problem) throw new Error(`${problem}\n  ${describeExchange(req, answer)}`);
  if (expected) {
    expect(answer.status, describeExchange(req, answer)).toBe(expected.status);
    if (expected.code) expect(errorCode(answer), describeExchange(req, answer)).toBe(expected.code);
  }
  expect(await stateDigest(), `state changed after\n  ${describeExchange(req, answer)}`).toEqual(before);
  return answer;
}

const bearer = (actor: TestActor) => ({ authorization: `Bearer ${TEST_ACTORS[actor].token}` });

/** A JSON request as a client would send it; `body` is a value, or exact text when a string. */
function request(actor: TestActor | null, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): HostileRequest {
  const text = body === undefined ? undefined : typeof body === "string" ? body : toJsonText(body);
  return {
    broken: [`${method} ${url}`],
    method,
    url,
    headers: { ...(actor ? bearer(actor) : {}), ...(text === undefined ? {} : { "content-type": "application/json" }), ...headers },
    ...(text === undefined ? {} : { body: text }),
    answers: "json",
  };
}

const allowedActor = (op: Operation): TestActor => (Object.keys(TEST_ACTORS) as TestActor[]).find((a) => !forbidden.get(op.label)!.includes(a))!;
/** The operation's path with existing ids, or with `over` for the parameters it names. */
function pathFor(op: Operation, over: Record<string, string> = {}): string {
  return op.template.replace(/\{([^}]+)\}/g, (_, name: string) => over[name] ?? encodeURIComponent(world.ids[collectionOf(op.template, name) ?? ""]?.[0] ?? "no-existing-id"));
}
const bodyOps = () => ops.filter((op) => op.body);
/** A copy of an object with one more own key, even "__proto__". */
const withOwnKey = (value: unknown, key: string, v: unknown) => Object.defineProperty({ ...(value as object) }, key, { value: v, enumerable: true });
// A DELETE carries no body (the guard ignores one), so only these are checked for theirs.
const writeOps = () => ops.filter((op) => op.method !== "GET" && op.method !== "DELETE");
const opNamed = (label: string) => {
  const op = ops.find((o) => o.label === label);
  if (!op) throw new Error(`/openapi.json no longer lists ${label}`);
  return op;
};

describe("the attack surface", () => {
  it("finds the operations /openapi.json documents, with their bodies and parameters", () => {
    expect(ops.length).toBeGreaterThanOrEqual(27);
    expect(ops.map((o) => o.label)).toEqual(expect.arrayContaining(["POST /v1/payees", "POST /v1/settlements", "POST /v1/batches/{id}/approve", "GET /v1/payouts/{id}/timeline"]));
    expect(opNamed("POST /v1/settlements").body?.properties?.grossAmountPaise).toMatchObject({ type: "integer", minimum: 1 });
  });

  it("finds the roles each operation refuses by asking it", () => {
    expect(forbidden.get("POST /v1/payees")).toEqual(["maker", "maker2", "checker", "checker2", "makerChecker", "auditor", "risk", "risk2"]);
    expect(forbidden.get("POST /v1/settlements")).toEqual(["maker", "maker2", "checker", "checker2", "makerChecker", "admin", "auditor", "risk", "risk2"]);
    expect(forbidden.get("POST /v1/batches/{id}/approve")).toEqual(["maker", "maker2", "admin", "auditor", "system", "risk", "risk2"]);
    expect(forbidden.get("GET /v1/ledger/trial-balance")).toEqual(["maker", "maker2", "checker", "checker2", "makerChecker", "system", "risk", "risk2"]);
    expect(forbidden.get("POST /v1/payees/{id}/holds")).toEqual(["maker", "maker2", "checker", "checker2", "makerChecker", "auditor", "system"]);
    expect(forbidden.get("GET /v1/payees")).toEqual([]);
  });
});

describe("request bodies", LOOPS, () => {
  it("refuses malformed JSON on every operation that takes a body (400 malformed_json)", async () => {
    for (const op of writeOps()) {
      for (const text of ["{", '{"type":"seller",}', "\u0000", "NaN"]) await refuse(request(allowedActor(op), op.method, pathFor(op), text), { status: 400, code: "malformed_json" });
    }
  });

  it("refuses a body sent as anything but application/json (415)", async () => {
    for (const op of writeOps()) {
      const body = toJsonText(op.body ? sampleBody(op.body, world) : {});
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"]) {
        await refuse(request(allowedActor(op), op.method, pathFor(op), body, { "content-type": contentType }), { status: 415, code: "unsupported_media_type" });
      }
    }
  });

  it("refuses a body over 64 KiB on every operation, counting bytes (413 body_too_large)", async () => {
    for (const op of writeOps()) {
      const limit = maxBodyBytes(pathFor(op));
      for (const pad of ["x".repeat(limit), "₹".repeat(Math.ceil(limit / 3))]) {
        await refuse(request(allowedActor(op), op.method, pathFor(op), { pad }), { status: 413, code: "body_too_large" });
      }
    }
  });

  it("refuses bodies that are not JSON objects (400 validation_failed)", async () => {
    for (const op of bodyOps()) {
      for (const body of ["null", "[]", '"text"', "42", "true"]) await refuse(request(allowedActor(op), op.method, pathFor(op), body), { status: 400, code: "validation_failed" });
    }
  });

  it("refuses unknown fields, including __proto__ and fields only the server may set", async () => {
    for (const op of bodyOps()) {
      for (const field of ["__proto__", "constructor", "id", "actorId", "verificationStatus"]) {
        if (op.body!.properties?.[field]) continue;
        const body = toJsonText(withOwnKey(sampleBody(op.body!, world), field, { x: 1 }));
        expect(body).toContain(JSON.stringify(field));
        await refuse(request(allowedActor(op), op.method, pathFor(op), body), { status: 400, code: "validation_failed" });
      }
    }
  });

  it("refuses a body missing any one required field", async () => {
    for (const op of bodyOps()) {
      const body = sampleBody(op.body!, world) as Record<string, unknown>;
      for (const field of op.body!.required ?? []) {
        if (op.body!.properties?.[field]?.default !== undefined) continue;
        const { [field]: _, ...rest } = body;
        await refuse(request(allowedActor(op), op.method, pathFor(op), rest), { status: 400, code: "validation_failed" });
      }
    }
  });
});

describe("amounts", LOOPS, () => {
  const amounts = [...HOSTILE_AMOUNTS.map((a) => toJsonText(a)), ...RAW_AMOUNTS];

  it("refuses negative, zero, fractional, huge, non-numeric and NaN-like settlement amounts", async () => {
    const op = opNamed("POST /v1/settlements");
    const body = toJsonText(sampleBody(op.body!, world));
    for (const amount of amounts) {
      const text = body.replace(/"grossAmountPaise":\d+/, `"grossAmountPaise":${amount}`);
      expect(text).not.toBe(body);
      await refuse(request("system", "POST", "/v1/settlements", text), { status: 400, code: "validation_failed" });
    }
  });

  it("refuses the same amounts in ledger entries", async () => {
    const body = toJsonText(sampleBody(opNamed("POST /v1/ledger/transactions").body!, world));
    for (const amount of amounts) {
      const text = body.replace(/"amountPaise":\d+/, `"amountPaise":${amount}`);
      await refuse(request("admin", "POST", "/v1/ledger/transactions", text), { status: 400, code: "validation_failed" });
    }
  });
});

describe("bank details", LOOPS, () => {
  const details = { accountNumber: "123456789012", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" };

  it("refuses invalid IFSC codes when creating or updating a payee", async () => {
    for (const ifsc of INVALID_IFSC) {
      const bankDetails = { ...details, ifsc };
      const created = await refuse(request("admin", "POST", "/v1/payees", { type: "seller", displayName: "Asha", bankDetails }), { status: 400, code: "validation_failed" });
      expect(JSON.parse(created.text).error.details.map((d: { path: string }) => d.path)).toContain("bankDetails.ifsc");
      await refuse(request("admin", "PATCH", `/v1/payees/${world.payeeId}`, { bankDetails }), { status: 400, code: "validation_failed" });
    }
  });

  it("refuses account numbers that are not 9 to 18 ASCII digits", async () => {
    for (const accountNumber of ["12345678", "1234567890123456789", "１２３４５６７８９", "12345678a", "-123456789", "1234 5678 9012", 123456789012]) {
      await refuse(request("admin", "PATCH", `/v1/payees/${world.payeeId}`, { bankDetails: { ...details, accountNumber } }), { status: 400, code: "validation_failed" });
    }
  });
});

describe("text fields", LOOPS, () => {
  const textOps = () => bodyOps().flatMap((op) => Object.keys(op.body!.properties ?? {}).filter((f) => TEXT_FIELDS.has(f)).map((field) => ({ op, field })));

  it("refuses control characters in names, notes, reasons and descriptions", async () => {
    expect(textOps().length).toBeGreaterThanOrEqual(6);
    for (const { op, field } of textOps()) {
      // At the ends too, where trimming would otherwise hide them ("\r!" was once stored as "!").
      for (const text of ["Asha\u0000Traders", "\u001b[31mred", "line\nbreak", "del\u007f", "tab\there", "\r!", "Asha\n", "\tAsha"]) {
        const body = { ...(sampleBody(op.body!, world) as object), [field]: text };
        await refuse(request(allowedActor(op), op.method, pathFor(op), body), { status: 400, code: "validation_failed" });
      }
    }
  });

  it("refuses text that is only spaces, in any script, and text over its limit", async () => {
    for (const { op, field } of textOps()) {
      const max = op.body!.properties![field]!.maxLength!;
      for (const text of ["   ", "\u3000\u00a0", "\ufeff", "é".repeat(max + 1)]) {
        const body = { ...(sampleBody(op.body!, world) as object), [field]: text };
        await refuse(request(allowedActor(op), op.method, pathFor(op), body), { status: 400, code: "validation_failed" });
      }
    }
  });
});

describe("tokens and roles", LOOPS, () => {
  it("refuses every operation without a token, with a garbage token or another scheme (401)", async () => {
    const admin = TEST_ACTORS.admin.token;
    for (const op of ops) {
      for (const authorization of [undefined, "Bearer not-a-real-token-at-all", `bearer ${admin}`, `Bearer ${admin}x`, `Basic ${btoa(`admin:${admin}`)}`, "Bearer short"]) {
        const req = request(null, op.method, pathFor(op), op.body ? sampleBody(op.body, world) : undefined, authorization ? { authorization } : {});
        await refuse(req, { status: 401, code: "unauthenticated" });
      }
    }
  });

  it("refuses every role an operation does not allow, whatever else the request gets right (403)", async () => {
    for (const op of ops) {
      for (const actor of forbidden.get(op.label)!) {
        await refuse(request(actor, op.method, pathFor(op), op.body ? sampleBody(op.body, world) : undefined), { status: 403, code: "forbidden_role" });
      }
    }
  });
});

describe("paths, queries and methods", LOOPS, () => {
  it("answers ids that do not exist with a 4xx on every operation with a path parameter", async () => {
    for (const op of ops.filter((o) => o.pathParams.length > 0)) {
      for (const p of op.pathParams) {
        const otherKind = Object.entries(world.ids).find(([name]) => name !== collectionOf(op.template, p.name))![1][0]!;
        for (const id of ["no-such-id", "%FF", "%E0%A4%A", encodeURIComponent("' OR 1=1 --"), encodeURIComponent(otherKind), encodeURIComponent("ids/with/slashes")]) {
          const answer = await refuse(request(allowedActor(op), op.method, pathFor(op, { [p.name]: id }), op.body ? sampleBody(op.body, world) : undefined));
          // Not found, unless the id cannot even be one (a date that is not a date).
          expect(answer.status, `${op.label} with ${p.name}=${id}`).toBe(conforms(p.schema, safeDecode(id)) ? 404 : 400);
        }
        const tooLong = "a".repeat((p.schema.maxLength ?? 100) + 1);
        await refuse(request(allowedActor(op), op.method, pathFor(op, { [p.name]: tooLong }), op.body ? sampleBody(op.body, world) : undefined), { status: 400, code: "validation_failed" });
      }
    }
  });

  it("refuses out-of-range, non-numeric and unknown query values (400 validation_failed)", async () => {
    for (const op of ops.filter((o) => o.query.length > 0)) {
      for (const p of op.query) {
        const values = p.schema.type === "integer" ? ["0", "-1", "201", "1.5", "abc", "", "NaN", "1e3"] : p.schema.enum ? ["bogus", "SELLER", ""] : [];
        if (p.schema.pattern) values.push("abc", "-1", "1".repeat(16));
        if (p.schema.maxLength !== undefined) values.push("9".repeat(p.schema.maxLength + 1));
        for (const v of values) {
          if (queryConforms(p.schema, v)) continue;
          await refuse(request(allowedActor(op), "GET", `${pathFor(op)}?${p.name}=${encodeURIComponent(v)}`), { status: 400, code: "validation_failed" });
        }
      }
    }
  });

  it("answers methods a path does not serve with 404 route_not_found", async () => {
    for (const template of new Set(ops.map((o) => o.template))) {
      const served = ops.filter((o) => o.template === template).map((o) => o.method);
      const op = ops.find((o) => o.template === template)!;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].filter((m) => !served.includes(m))) {
        await refuse(request("admin", method, pathFor(op), method === "GET" ? undefined : {}), { status: 404, code: "route_not_found" });
      }
    }
  });
});

describe("idempotency keys", LOOPS, () => {
  it("refuses a used key with another body or on another route (422 idempotency_key_reused)", async () => {
    const admin = world.usedKeys.admin!;
    const system = world.usedKeys.system!;
    const maker = world.usedKeys.maker!;
    const cases: HostileRequest[] = [
      request("admin", "POST", admin.url, { type: "seller", displayName: "Someone Else" }, { "idempotency-key": admin.key }),
      request("admin", "POST", admin.url, admin.bodyText.replace("seller", "delivery_partner"), { "idempotency-key": admin.key }),
      request("admin", "POST", "/v1/ledger/transactions", sampleBody(opNamed("POST /v1/ledger/transactions").body!, world), { "idempotency-key": admin.key }),
      request("system", "POST", system.url, system.bodyText.replace(/"grossAmountPaise":\d+/, '"grossAmountPaise":1'), { "idempotency-key": system.key }),
      request("maker", "POST", maker.url, { cycleId: "another-cycle" }, { "idempotency-key": maker.key }),
      request("maker", "POST", `/v1/batches/${world.ids.batches![0]}/submit`, undefined, { "idempotency-key": maker.key }),
    ];
    for (const req of cases) await refuse(req, { status: 422, code: "idempotency_key_reused" });
  });

  it("refuses malformed keys (400 invalid_idempotency_key)", async () => {
    for (const key of ["has space", "tab\tinside", "k".repeat(256), ""]) {
      await refuse(request("admin", "POST", "/v1/payees", { type: "seller", displayName: "Asha" }, { "idempotency-key": key }), { status: 400, code: "invalid_idempotency_key" });
    }
  });
});

describe("approval links", LOOPS, () => {
  const page = (c: Partial<PageCase>): Promise<HostileRequest> =>
    buildPageRequest({ broken: [JSON.stringify(c)], method: "GET", token: { kind: "issued", link: "pending" }, csrf: "valid", fields: { action: "approve" }, contentType: "urlencoded", ...c }, world);
  const expectPage = async (c: Partial<PageCase>, status: number, heading: RegExp) => {
    const answer = await refuse(await page(c));
    expect(answer.status, describeExchange(await page(c), answer)).toBe(status);
    expect(answer.text).toMatch(heading);
  };

  it("refuses tokens signed with another secret or altered in any part", async () => {
    for (const method of ["GET", "POST"] as const) {
      await expectPage({ method, token: { kind: "signed", link: "pending", claims: {}, secret: "an-attackers-own-secret-0001", why: "forged" } }, 403, /not valid/);
      // 0 breaks the version (400); 8 falls in the claims of a v2.k0.… token, 40 and -3 further on.
      for (const at of [0, 8, 40, -3]) {
        const token = await tokenFor(world.links.pending);
        await expectPage({ method, token: { kind: "tampered", link: "pending", at: (at + token.length) % token.length, char: "Z" } }, at === 0 ? 400 : 403, /not valid/);
      }
    }
  });

  it("refuses expired tokens, and an expired link re-signed with its original expiry", async () => {
    for (const method of ["GET", "POST"] as const) {
      await expectPage({ method, token: { kind: "signed", link: "pending", claims: { expiresAtMs: Date.now() - 1 }, why: "expired" } }, 410, /expired/);
      await expectPage({ method, token: { kind: "issued", link: "lapsed" } }, 410, /expired/);
      await expectPage({ method, token: { kind: "signed", link: "lapsed", claims: { expiresAtMs: world.lapsedIssuedExpiresAtMs }, why: "revived" } }, 403, /not valid/);
    }
  });

  it("refuses validly signed tokens whose claims do not match the link issued, with an absurd expiry too", async () => {
    const claims = [{ checkerId: "checker-carla" }, { batchId: world.ids.batches![0]! }, { fingerprint: "0".repeat(64) }, { linkId: "lnk_forged" }, { expiresAtMs: 1e300 }, { expiresAtMs: 8.64e15 + 1 }, { expiresAtMs: Date.now() + 999_999_999 }];
    for (const method of ["GET", "POST"] as const) {
      for (const c of claims) await expectPage({ method, token: { kind: "signed", link: "pending", claims: c, why: JSON.stringify(c) } }, 403, /not valid/);
    }
  });

  it("refuses a used link, and a link to a batch that is no longer pending, even with a valid form", async () => {
    for (const method of ["GET", "POST"] as const) {
      await expectPage({ method, token: { kind: "issued", link: "used" } }, 409, /already used/);
      await expectPage({ method, token: { kind: "issued", link: "settled" } }, 409, method === "GET" ? /This batch is/ : /Nothing was changed/);
    }
  });

  it("refuses damaged tokens with a page, not an error (400)", async () => {
    for (const token of ["v1", "v1.x.y.z", "v2.e30.00", "%FF", "v1.!!!!.00", `v1.${"A".repeat(2100)}.00`]) {
      await expectPage({ token: { kind: "literal", token, why: "damaged" } }, token === "v1.!!!!.00" ? 403 : 400, /not valid/);
    }
  });

  it("refuses a form post without the CSRF cookie or field, from another site, or too large", async () => {
    for (const csrf of ["no-cookie", "no-field", "garbage", "other-nonce", "other-link"] as const) await expectPage({ method: "POST", csrf }, 403, /open the link again/);
    for (const contentType of ["json", "text"] as const) await expectPage({ method: "POST", contentType }, 403, /open the link again/);
    await expectPage({ method: "POST", origin: "https://evil.example" }, 403, /another site/);
    await expectPage({ method: "POST", origin: "null" }, 403, /another site/);
    await expectPage({ method: "POST", pad: 5000 }, 413, /too large/);
  });

  it("refuses a missing or unknown action, and a rejection without a clean reason (400)", async () => {
    await expectPage({ method: "POST", fields: {} }, 400, /Approve or Reject/);
    await expectPage({ method: "POST", fields: { action: "APPROVE" } }, 400, /Approve or Reject/);
    for (const reason of ["", "   ", "bell\u0007", "esc\u001b[0m", "r".repeat(501)]) {
      await expectPage({ method: "POST", fields: { action: "reject", reason } }, 400, /reason is needed/);
    }
  });

  it("still opens the checker's own link after all of that", async () => {
    expect((await openLink(await tokenFor(world.links.pending))).status).toBe(200);
  });
});

describe("bank webhooks", LOOPS, () => {
  const event = () => ({
    eventId: `evt_forged_${Math.random().toString(36).slice(2)}`,
    type: "transfer.processed",
    transfer: { idempotencyKey: world.payoutId, bankReference: "SIMUTR-forged", status: "processed", amountPaise: 100, failureCode: null },
  });
  const hook = (c: Partial<WebhookCase>) =>
    buildWebhookRequest({ broken: [clip(JSON.stringify(c), 200)], provider: "simulated", payload: event(), contentType: "application/json", signature: { kind: "hmac", secret: "test-simbank-webhook-secret", offsetSeconds: 0 }, ...c });

  it("refuses missing, malformed, forged and stale signatures (401 invalid_signature)", async () => {
    const signatures: WebhookCase["signature"][] = [
      { kind: "none" },
      { kind: "header", value: "garbage" },
      { kind: "header", value: `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}` },
      { kind: "hmac", secret: "not-the-webhook-secret", offsetSeconds: 0 },
      { kind: "hmac", secret: "test-simbank-webhook-secret", offsetSeconds: 0, over: '{"eventId":"another"}' },
      { kind: "hmac", secret: "test-simbank-webhook-secret", offsetSeconds: 0, upper: true },
      { kind: "hmac", secret: "test-simbank-webhook-secret", offsetSeconds: -301 },
      { kind: "hmac", secret: "test-simbank-webhook-secret", offsetSeconds: 3600 },
    ];
    for (const signature of signatures) await refuse(await hook({ signature }), { status: 401, code: "invalid_signature" });
  });

  it("refuses validly signed payloads that are not bank events (400 malformed_webhook)", async () => {
    const e = event();
    const payloads = [null, 1, "event", [], {}, { ...e, transfer: null }, { ...e, eventId: 7 }, { ...e, transfer: { ...e.transfer, status: "teleported" } }, { ...e, transfer: { ...e.transfer, idempotencyKey: null } }, { ...e, transfer: { ...e.transfer, bankReference: 42 } }];
    for (const payload of payloads) await refuse(await hook({ payload }), { status: 400, code: "malformed_webhook" });
  });

  it("refuses unknown and unconfigured providers (404 unknown_provider)", async () => {
    for (const provider of ["razorpayx", "stripe", "Simulated", encodeURIComponent("simulated ")]) await refuse(await hook({ provider }), { status: 404, code: "unknown_provider" });
  });

  it("refuses bodies that are not JSON, not sent as JSON, or too large, before checking signatures", async () => {
    await refuse(await hook({ bodyText: "{not json" }), { status: 400, code: "malformed_json" });
    await refuse(await hook({ contentType: "text/plain" }), { status: 415, code: "unsupported_media_type" });
    await refuse(await hook({ bodyText: JSON.stringify({ pad: "x".repeat(64 * 1024) }) }), { status: 413, code: "body_too_large" });
  });
});

describe("the simulated bank's operator routes", LOOPS, () => {
  const sim = (actor: TestActor | null, method: string, path: string, body?: unknown) => request(actor, method, `/v1/simbank${path}`, body);

  it("needs an admin token (401, 403)", async () => {
    await refuse(sim(null, "GET", "/admin/state"), { status: 401, code: "unauthenticated" });
    for (const actor of ["maker", "checker", "auditor", "system"] as const) await refuse(sim(actor, "POST", "/admin/tick", {}), { status: 403, code: "forbidden_role" });
  });

  it("answers unknown routes and unserved methods with 404 route_not_found", async () => {
    for (const [method, path] of [["GET", "/admin"], ["GET", "/admin/config"], ["GET", "/admin/tick"], ["DELETE", "/admin/state"], ["POST", "/admin/state"], ["PUT", "/admin/config"], ["GET", "/admin/transfers/x/settle"], ["POST", "/admin/transfers/x/explode"]] as const) {
      await refuse(sim("admin", method, path, method === "GET" || method === "DELETE" ? undefined : {}), { status: 404, code: "route_not_found" });
    }
  });

  it("refuses configurations and ticks it cannot honour (400 validation_failed)", async () => {
    for (const config of INVALID_BANK_CONFIGS) await refuse(sim("admin", "POST", "/admin/config", toJsonText(config)), { status: 400, code: "validation_failed" });
    await refuse(sim("admin", "POST", "/admin/config", ""), { status: 400, code: "validation_failed" });
    for (const tick of INVALID_TICKS) await refuse(sim("admin", "POST", "/admin/tick", toJsonText(tick)), { status: 400, code: "validation_failed" });
  });

  it("refuses transfers it never had (404) and statement ranges that are not dates (400)", async () => {
    await refuse(sim("admin", "POST", "/admin/transfers/no-such-transfer/settle"), { status: 404, code: "not_found" });
    for (const q of ["from=yesterday", "to=2026-13-45", "from="]) await refuse(sim("admin", "GET", `/transactions?${q}`), { status: 400, code: "validation_failed" });
  });
});

describe("generated hostile requests", () => {
  const check = async (req: HostileRequest) => {
    await refuse(req);
  };

  it("refuses every request to a documented operation that breaks something, and changes nothing", { timeout: 120_000 }, async () => {
    await fc.assert(fc.asyncProperty(operationCases(ops, world, forbidden), (c) => check(buildOperationRequest(c, ops, world))), { numRuns: 300 });
  });

  it("refuses every forged, expired, replayed or tampered approval-link request with a page", { timeout: 60_000 }, async () => {
    await fc.assert(fc.asyncProperty(pageCases(world), async (c) => check(await buildPageRequest(c, world))), { numRuns: 120 });
  });

  it("refuses every unsigned, forged, stale or malformed bank webhook", { timeout: 60_000 }, async () => {
    await fc.assert(fc.asyncProperty(webhookCases(world), async (c) => check(await buildWebhookRequest(c))), { numRuns: 100 });
  });

  it("refuses every bad request to the simulated bank's operator routes", { timeout: 60_000 }, async () => {
    await fc.assert(fc.asyncProperty(simbankCases(), (c) => check(buildSimbankRequest(c))), { numRuns: 100 });
  });
});

describe("afterwards", () => {
  it("leaves every table exactly as it was when the world was built", async () => {
    expect(await stateDigest()).toEqual(baseline);
  });
});
