// Guards every JSON body before validation: a size limit, the JSON media type, and well-formed
// JSON (and the CSV files of the few routes that take one: their size limit). Bad bodies are
// refused here with a precise code, before anything else runs.

import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

export const MAX_BODY_BYTES = 64 * 1024;
/** Routes that carry files get a larger, still bounded, limit. */
export const LARGE_BODY_LIMITS: Record<string, number> = { "/v1/bank-statements": 2 * 1024 * 1024, "/v1/settlements/bulk": 2 * 1024 * 1024 };
/** Routes that also take a CSV file (`text/csv`): it is held to the same limit here and parsed by the route. */
export const CSV_BODY_PATHS: ReadonlySet<string> = new Set(["/v1/settlements/bulk"]);

export const jsonBodyGuard: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD" || c.req.method === "DELETE") return next();
  const maxBytes = LARGE_BODY_LIMITS[c.req.path] ?? MAX_BODY_BYTES;
  const declaredLength = Number(c.req.header("content-length") ?? "0");
  if (declaredLength > maxBytes) throw tooLarge(maxBytes);
  const contentType = c.req.header("content-type");
  if (contentType !== undefined && CSV_BODY_PATHS.has(c.req.path) && /^text\/csv\s*(;|$)/i.test(contentType)) {
    // Counted as it streams in, so a file sent without a length stops at the limit instead of being read whole.
    return bodyLimit({ maxSize: maxBytes, onError: () => Promise.reject(tooLarge(maxBytes)) })(c, next);
  }
  const isJson = contentType !== undefined && /^application\/json\s*(;|$)/i.test(contentType);
  if (contentType !== undefined && !isJson) throw unsupportedMediaType(c.req.path);
  const text = await c.req.text();
  if (new TextEncoder().encode(text).byteLength > maxBytes) throw tooLarge(maxBytes);
  if (text.length === 0) return next();
  if (!isJson) throw unsupportedMediaType(c.req.path);
  try {
    JSON.parse(text);
  } catch {
    throw new ApiError(400, "malformed_json", "The request body is not valid JSON.");
  }
  await next();
};

const unsupportedMediaType = (path: string) =>
  new ApiError(415, "unsupported_media_type", `Send the request body as \`Content-Type: application/json\`${CSV_BODY_PATHS.has(path) ? " or `text/csv`" : ""}.`);

const tooLarge = (maxBytes: number) =>
  new ApiError(413, "body_too_large", `The request body is larger than ${maxBytes} bytes.`, { maxBytes });
