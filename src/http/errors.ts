// One error shape everywhere: { error: { code, message, details } }. Domain errors, validation
// failures and framework errors are all mapped here, so no route formats an error itself.

import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { DomainError, type ErrorKind } from "../domain/errors";

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

export const STATUS_BY_KIND: Record<ErrorKind, ContentfulStatusCode> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  unavailable: 503,
};

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export function errorJson(c: Context, status: ContentfulStatusCode, code: string, message: string, details?: unknown) {
  return c.json(errorBody(code, message, details), status);
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

export const onError: ErrorHandler = (err, c) => {
  if (err instanceof ApiError) return errorJson(c, err.status, err.code, err.message, err.details);
  if (err instanceof DomainError) return errorJson(c, STATUS_BY_KIND[err.kind], err.code, err.message, err.details);
  if (err instanceof HTTPException) {
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return errorJson(c, 400, "malformed_json", "The request body is not valid JSON.");
    }
    if (err.status === 413) return errorJson(c, 413, "body_too_large", err.message || "The request body is too large.");
    return errorJson(c, err.status as ContentfulStatusCode, `http_${err.status}`, err.message || "Request failed.");
  }
  console.error("unhandled error", err);
  return errorJson(c, 500, "internal_error", "Something went wrong on our side; nothing was changed by this request.");
};

export const onNotFound: NotFoundHandler = (c) =>
  errorJson(c, 404, "route_not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`);
