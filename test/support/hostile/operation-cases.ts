// Generated requests to the operations /openapi.json lists: a case as right as the world allows,
// and one breaker per kind of thing to break (caller, path, query, body, key, method).

import fc from "fast-check";
import type { TestActor } from "../actors";
import { ACTORS, badAuthorization } from "./auth";
import { bodyBreakers } from "./body-breakers";
import { getAt, sampleBody, setAt, slots } from "./body-tree";
import { badIdempotencyKey } from "./bodies";
import type { Operation } from "./operations";
import { applyBreakers, bodyTextOf, broke, type Breaker, type OperationCase, pathOf } from "./recipes";
import { clip, safeDecode } from "./request";
import { constrained, queryConforms } from "./schema";
import { TEXT_FIELDS, unicodeText } from "./values";
import { isReplayOf, type World } from "./world";

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const BODYLESS = new Set(["GET", "HEAD", "DELETE"]);

/**
 * Requests to the operations /openapi.json lists, each breaking one to three things: the token or
 * role, a path id, a query value, the method, the body (syntax, type, size, shape, fields) or the
 * Idempotency-Key. Everything left unbroken is as valid as the world allows, so refusals come from
 * deep in the route as well as from the middleware.
 */
export function operationCases(ops: readonly Operation[], world: World, forbidden: Map<string, TestActor[]>): fc.Arbitrary<OperationCase> {
  return fc.constantFrom(...ops).chain((op) => {
    const denied = forbidden.get(op.label) ?? [];
    const categories = [
      authBreaker(denied),
      pathBreaker(op, world),
      queryBreaker(op),
      BODYLESS.has(op.method) ? null : bodyBreaker(op),
      op.method === "POST" ? idempotencyBreaker(op, world) : null,
      // Last, since it changes which route the request reaches.
      methodBreaker(op, ops),
    ].filter((b): b is Breaker<OperationCase> => b !== null);
    const allowed = ACTORS.filter((a) => !denied.includes(a));
    return fc.tuple(baseCase(op, world, allowed), fc.shuffledSubarray(categories, { minLength: 1, maxLength: Math.min(3, categories.length) })).chain(([c, chosen]) => {
      // A path with no existing id to substitute is garbage already: say so.
      const start = Object.values(c.params).includes("no-existing-id") ? broke(c, "path id that does not exist", {}) : c;
      // In the order listed, whatever order they were picked in.
      return applyBreakers(start, categories.filter((b) => chosen.includes(b)));
    });
  });
}

/** The request as right as the world allows: an allowed actor, existing ids, a sample body, harmless noise. */
function baseCase(op: Operation, world: World, allowed: TestActor[]): fc.Arbitrary<OperationCase> {
  return fc
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
}

function authBreaker(denied: TestActor[]): Breaker<OperationCase> {
  return (c) =>
    fc.oneof(
      fc.constant(broke(c, "no Authorization header", { actor: null })),
      badAuthorization.map((h) => broke(c, `bad Authorization ${clip(JSON.stringify(h), 60)}`, { actor: null, authorization: h })),
      ...(denied.length > 0 ? [fc.constantFrom(...denied).map((a) => broke(c, `role ${a} may not call this`, { actor: a }))] : []),
    );
}

function pathBreaker(op: Operation, world: World): Breaker<OperationCase> | null {
  if (op.pathParams.length === 0) return null;
  return (c) =>
    fc.constantFrom(...op.pathParams).chain((p) =>
      garbageSegment(world, collectionOf(op.template, p.name), p.schema.maxLength).map((seg) =>
        broke(c, `path ${p.name} = ${clip(JSON.stringify(seg), 60)} does not exist`, { params: { ...c.params, [p.name]: seg } }),
      ),
    );
}

function queryBreaker(op: Operation): Breaker<OperationCase> | null {
  const params = op.query.filter((p) => constrained(p.schema));
  if (params.length === 0) return null;
  return (c) =>
    fc.constantFrom(...params).chain((p) =>
      fc
        .oneof(
          fc.string({ unit: "grapheme", maxLength: 10 }),
          fc.constantFrom("0", "-1", "201", "1.5", "abc", "NaN", "Infinity", "1e3", "", "99999999999999999999", "SELLER", " seller", "1 OR 1=1"),
          fc.integer({ min: (p.schema.maxLength ?? 200) + 1, max: (p.schema.maxLength ?? 200) + 100 }).map((n) => "9".repeat(n)),
        )
        .filter((v) => !queryConforms(p.schema, v))
        .map((v) => broke(c, `query ${p.name}=${clip(JSON.stringify(v), 40)}`, { query: { ...c.query, [p.name]: v } })),
    );
}

function bodyBreaker(op: Operation): Breaker<OperationCase> {
  const breakers = bodyBreakers(op);
  return (c) => fc.oneof(...breakers.map((b) => b(c)).filter((a): a is fc.Arbitrary<OperationCase> => a !== null));
}

/** A malformed key, or a key this actor already used for another request. */
function idempotencyBreaker(op: Operation, world: World): Breaker<OperationCase> {
  return (c) => {
    const reuse = c.actor ? world.usedKeys[c.actor] : undefined;
    const options = [badIdempotencyKey.map((k) => broke(c, `Idempotency-Key ${clip(JSON.stringify(k), 40)}`, { headers: { ...c.headers, "idempotency-key": k } }))];
    if (reuse && c.authorization === undefined && !isReplayOf(reuse, pathOf(op, c), bodyTextOf(c))) {
      options.push(fc.constant(broke(c, `Idempotency-Key reused from ${reuse.url} with another request`, { headers: { ...c.headers, "idempotency-key": reuse.key } })));
    }
    return fc.oneof(...options);
  };
}

function methodBreaker(op: Operation, ops: readonly Operation[]): Breaker<OperationCase> {
  const served = new Set(ops.filter((o) => o.template === op.template).map((o) => o.method));
  const wrongMethods = METHODS.filter((m) => !served.has(m));
  return (c) =>
    fc.constantFrom(...wrongMethods).map((m) => broke(c, `method ${m} is not served here`, m === "GET" ? { method: m, body: undefined, bodyText: undefined } : { method: m }));
}

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
    const decoded = safeDecode(segment);
    return decoded !== "" && decoded !== "." && decoded !== ".." && !own.has(decoded) && !world.allIds.has(decoded);
  });
}

/** The collection a path parameter names: the literal segment before it ("payees" for /v1/payees/{id}). */
export function collectionOf(template: string, param: string): string | undefined {
  const segments = template.split("/");
  const at = segments.indexOf(`{${param}}`);
  return at > 0 ? segments[at - 1] : undefined;
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
