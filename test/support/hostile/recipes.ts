// Generated cases are recipes: plain data, so fast-check can print and shrink them. Each starts
// as right as the world allows; breakers change it and say in words what they broke.

import fc from "fast-check";
import type { ApprovalTokenClaims } from "../../../src/domain/approval-token";
import type { TestActor } from "../actors";
import { toJsonText } from "./json";
import type { Operation } from "./operations";
import type { World } from "./world";

export interface Recipe {
  /** What was broken, in words, in the order it was broken. */
  broken: string[];
}

/** A copy of the recipe with `change` applied and `what` added to what it broke. */
export const broke = <C extends Recipe>(c: C, what: string, change: Partial<C>): C => ({ ...c, ...change, broken: [...c.broken, what] });

/** Breaks something more in a recipe. */
export type Breaker<C> = (c: C) => fc.Arbitrary<C>;

/** Applies the breakers in order to `start`. */
export function applyBreakers<C>(start: C, breakers: readonly Breaker<C>[]): fc.Arbitrary<C> {
  return breakers.reduce<fc.Arbitrary<C>>((acc, breaker) => acc.chain(breaker), fc.constant(start));
}

/** A recipe for one request to an OpenAPI operation. */
export interface OperationCase extends Recipe {
  op: string;
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

export function pathOf(op: Operation, c: OperationCase): string {
  let path = op.template;
  for (const [name, segment] of Object.entries(c.params)) path = path.replace(`{${name}}`, () => segment);
  return path;
}

export const bodyTextOf = (c: OperationCase): string | undefined => c.bodyText ?? (c.body === undefined ? undefined : toJsonText(c.body));

/** An approval link's token: as issued, re-signed with other claims or secret, altered, or made up. */
export type TokenRecipe =
  | { kind: "issued"; link: keyof World["links"] }
  | { kind: "signed"; link: keyof World["links"]; claims: Partial<ApprovalTokenClaims>; secret?: string; why: string }
  | { kind: "tampered"; link: keyof World["links"]; at: number; char: string }
  | { kind: "literal"; token: string; why: string };

export interface PageCase extends Recipe {
  method: "GET" | "POST";
  token: TokenRecipe;
  csrf: "valid" | "no-cookie" | "no-field" | "garbage" | "other-nonce" | "other-link";
  fields: Record<string, string>;
  origin?: string;
  contentType: "urlencoded" | "multipart" | "json" | "text";
  pad?: number;
}

export interface WebhookCase extends Recipe {
  provider: string;
  payload: unknown;
  bodyText?: string;
  contentType: string | null;
  signature:
    | { kind: "none" }
    | { kind: "header"; value: string }
    | { kind: "hmac"; secret: string; offsetSeconds: number; over?: string; upper?: boolean };
}

export interface SimbankCase extends Recipe {
  method: string;
  path: string;
  query: string;
  actor: TestActor | null;
  authorization?: string;
  bodyText?: string;
  contentType?: string | null;
}
