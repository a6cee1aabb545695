// The small set of named errors the domain raises. Routes map them to HTTP in one place
// (src/http/errors.ts), so every caller sees the same `{ error: { code, message, details } }`.

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
