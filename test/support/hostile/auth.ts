// Who a hostile request claims to be: the test actors, Authorization headers that name nobody,
// and the actors each operation refuses, found by asking it.

import fc from "fast-check";
import { TEST_ACTORS, type TestActor } from "../actors";
import { stateDigest } from "./digest";
import type { Operation } from "./operations";
import { describeExchange, errorCode, type HostileRequest, send } from "./request";

export const ACTORS = Object.keys(TEST_ACTORS) as TestActor[];
const REAL_TOKENS = new Set<string>(Object.values(TEST_ACTORS).map((a) => a.token));

/** The Authorization header of a recipe: exactly the one it wrote, else the actor's bearer token. */
export function authorizationOf(actor: TestActor | null, authorization?: string): Record<string, string> {
  if (authorization !== undefined) return { authorization };
  return actor ? { authorization: `Bearer ${TEST_ACTORS[actor].token}` } : {};
}

/** Authorization headers that authenticate nobody: unknown tokens, real ones misspelled, other schemes. */
export const badAuthorization = fc
  .oneof(
    fc.string({ minLength: 16, maxLength: 80, unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_.~!$") }).map((t) => `Bearer ${t}`),
    fc.constantFrom(...REAL_TOKENS).map((t) => `bearer ${t}`),
    fc.constantFrom(...REAL_TOKENS).map((t) => `Bearer ${t}x`),
    fc.constantFrom(...REAL_TOKENS).map((t) => `Bearer  ${t}`),
    fc.constantFrom(...REAL_TOKENS).map((t) => `Basic ${btoa(`admin:${t}`)}`),
    fc.constantFrom(...REAL_TOKENS).map((t) => `Bearer ${t.slice(0, 15)}`),
    fc.constantFrom(...REAL_TOKENS).map((t) => t),
    fc.constantFrom("Bearer", "Bearer ", "Bearer null", "Bearer undefined", "Token abc", "Bearer " + "a".repeat(513)),
  )
  .filter((h) => !(h.startsWith("Bearer ") && REAL_TOKENS.has(h.slice("Bearer ".length))));

/**
 * The actors each operation refuses with 403 forbidden_role, found by asking: every actor sends
 * the operation with ids that do not exist and an empty object, which no route accepts, so
 * nothing may change.
 */
export async function forbiddenActors(ops: readonly Operation[]): Promise<Map<string, TestActor[]>> {
  const before = JSON.stringify(await stateDigest());
  const out = new Map<string, TestActor[]>();
  for (const op of ops) {
    const forbidden: TestActor[] = [];
    for (const actor of ACTORS) {
      const req = roleProbe(op, actor);
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

function roleProbe(op: Operation, actor: TestActor): HostileRequest {
  const hasBody = op.method !== "GET";
  return {
    broken: ["role probe: ids that do not exist, empty body"],
    method: op.method,
    url: op.template.replace(/\{[^}]+\}/g, "role-probe-no-such-id"),
    headers: { ...authorizationOf(actor), ...(hasBody ? { "content-type": "application/json" } : {}) },
    ...(hasBody ? { body: "{}" } : {}),
    answers: "json",
  };
}
