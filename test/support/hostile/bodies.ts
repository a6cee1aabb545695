// Whole bodies and headers any JSON route must refuse before looking inside: other media types,
// malformed JSON, bodies over the limit, malformed Idempotency-Keys.

import fc from "fast-check";
import { LARGE_BODY_LIMITS, MAX_BODY_BYTES } from "../../../src/http/middleware/body";

export const NON_JSON_TYPES = [
  "text/plain",
  "text/plain;charset=UTF-8",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=xyz",
  "application/xml",
  "application/jsonp",
  "application/json5",
  "application/json-patch+json",
  "text/json",
  "application/octet-stream",
];

/**
 * A malformed JSON text: curated classics and random text that fails to parse. The server reads
 * bodies as UTF-8 text, which drops a leading byte order mark (RFC 8259 §8.1 lets a parser ignore
 * it), so the check does the same: "\ufeff{}" is `{}`, not malformed.
 */
export const malformedJson = fc
  .oneof(
    fc.constantFrom("{", "}", "{not json", '{"a":1,}', "{'a':1}", "[1,]", "NaN", "undefined", '{"a":1}garbage', "\u0000", '{"a":"\\x41"}', '{"a":01}', '"unterminated', "{}{}"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
  )
  .filter((text) => {
    try {
      JSON.parse(text.replace(/^\ufeff/, ""));
      return false;
    } catch {
      return true;
    }
  });

/** The body limit of a path: 64 KiB, or the larger one of the few routes that carry files. */
export const maxBodyBytes = (path: string) => LARGE_BODY_LIMITS[path] ?? MAX_BODY_BYTES;

/** A JSON body over the limit, counted in bytes: padding of one- or three-byte characters, or whitespace. */
export const oversizedBody = (limit = MAX_BODY_BYTES) =>
  fc.constantFrom("x", "₹", "ws").map((pad) => {
    if (pad === "ws") return `{${" ".repeat(limit)}}`;
    const count = Math.ceil((limit + 1) / new TextEncoder().encode(pad).length);
    return JSON.stringify({ pad: pad.repeat(count) });
  });

export const badIdempotencyKey = fc.oneof(
  fc.constantFrom("has space", "tab\tinside", "a".repeat(256)),
  fc.string({ minLength: 256, maxLength: 400 }),
  fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.constantFrom(" ", "\t"), fc.string({ minLength: 1, maxLength: 10 })).map(([a, s, b]) => `${a.replace(/\s/g, "a")}${s}${b.replace(/\s/g, "b")}`),
);
