// Guards every JSON body before validation: a size limit, the JSON media type, and well-formed
// JSON. Bad bodies are refused here with a precise code, before anything else runs.

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

export const MAX_BODY_BYTES = 64 * 1024;
/** Routes that carry files get a larger, still bounded, limit. */
export const LARGE_BODY_LIMITS: Record<string, number> = { "/v1/bank-statements": 2 * 1024 * 1024 };

export const jsonBodyGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "DELETE") return next();
  const maxBytes = LARGE_BODY_LIMITS[c.req.path] ?? MAX_BODY_BYTES;
  const declaredLength = Number(c.req.header("content-length") ?? "0");
  if (declaredLength > maxBytes) throw tooLarge(maxBytes);
  const contentType = c.req.header("content-type");
  const isJson = contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);
  if (contentType !== undefined && !isJson) throw unsupportedMediaType();
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > maxBytes) throw tooLarge(maxBytes);
  if (text.length === 0) return next();
  if (!isJson) throw unsupportedMediaType();
  try {
    JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
  await next();
};

const unsupportedMediaType = () =>
  new ApiError(415, "unsupported_media_type", "Send the request body as `Content-Type: application/json`.");

const tooLarge = (maxBytes: number) =>
  new ApiError(413, "body_too_large", `The request body is larger than ${maxBytes} bytes.`, { maxBytes });
