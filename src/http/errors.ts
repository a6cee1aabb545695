// One mapping of errors to HTTP, for the API and the pages alike: domain errors, API errors and
// framework errors get their status here. The API answers `{ error: { code, message, details } }`;
// pages show the same status with a page of their own.

import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, errorBody, type ErrorKind } from "../domain/errors";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const STATUS_BY_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  unavailable: 503,
};

export interface HttpError {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details?: unknown;
}

/** What an error means over HTTP; null for an unexpected one (a bug: answer 500). */
export function httpErrorOf(err: unknown): HttpError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) return { status: STATUS_BY_KIND[err.kind], code: err.code, message: err.message, details: err.details };
  if (!(err instanceof HTTPException)) return null;
  if (err.status === 400 && /malformed json/i.test(err.message)) return { status: 400, code: "malformed_json", message: "The request body is not valid JSON." };
  if (err.status === 413) return { status: 413, code: "body_too_large", message: err.message || "The request body is too large." };
  return { status: err.status as ContentfulStatusCode, code: `http_${err.status}`, message: err.message || "Request failed." };
}

export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
  return c.json(errorBody(code, message, details), status);
}

export const onError: ErrorHandler = (err, c) => {
  const known = httpErrorOf(err);
  if (known) return errorJson(c, known.status, known.code, known.message, known.details);
  console.error("unhandled error", err);
  return errorJson(c, 500, "internal_error", "Something went wrong on our side; nothing was changed by this request.");
};

export const onNotFound: NotFoundHandler = (c) =>
  errorJson(c, 404, "route_not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`);
