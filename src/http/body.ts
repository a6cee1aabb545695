// Guards every JSON body before validation: a size limit, the JSON media type, and well-formed
// JSON. Bad bodies are refused here with a precise code, before anything else runs.

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

export const jsonBodyGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "DELETE") return next();
  const declaredLength = Number(c.req.header("content-length") ?? "0");
  if (declaredLength > MAX_BODY_BYTES) throw tooLarge();
  const contentType = c.req.header("content-type");
  const isJson = contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);
  if (contentType !== undefined && !isJson) throw unsupportedMediaType();
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES) throw tooLarge();
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

const tooLarge = () =>
  new ApiError(413, "body_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`, {
    maxBytes: MAX_BODY_BYTES,
  });
