// The small set of named errors the domain raises, and the one error shape every caller sees:
// `{ error: { code, message, details } }`. Routes map the errors to HTTP in src/http/errors.ts.

import type { ZodError } from "zod";

export type ErrorKind =
  | "invalid" // the request is well-formed but breaks a rule (422)
  | "not_found" // 404
  | "conflict" // state or idempotency conflict (409)
  | "forbidden" // authenticated, but not allowed (403)
  | "unauthenticated" // 401
  | "unavailable"; // a required setting is missing: the service cannot answer (503)

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalid = (code: string, message: string, details?: unknown) =>
  new DomainError("invalid", code, message, details);
export const notFound = (code: string, message: string, details?: unknown) =>
  new DomainError("not_found", code, message, details);
export const conflict = (code: string, message: string, details?: unknown) =>
  new DomainError("conflict", code, message, details);
export const forbidden = (code: string, message: string, details?: unknown) =>
  new DomainError("forbidden", code, message, details);

/** An invariant that must hold before anything is written; failing it is a bug, so fail loudly. */
export function assertInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

/** Turns zod issues into `[{ path: "entries.0.amountPaise", code, message }]`. */
export function validationDetails(error: ZodError) {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    code: issue.code,
    message: issue.message,
    ...("keys" in issue ? { keys: issue.keys } : {}),
  }));
}
