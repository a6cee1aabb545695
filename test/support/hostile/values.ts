// Values a field must refuse: hostile text, amounts that are not a positive whole number of
// paise, IFSC codes of the wrong shape, and for any schema a value it certainly refuses.

import fc from "fast-check";
import { IFSC_PATTERN } from "../../../src/domain/payees";
import { isRaw, raw } from "./json";
import { conforms, type JsonSchema } from "./schema";

export const CONTROL_CHARS = [...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)), "\u007f"];
const controlChar = fc.constantFrom(...CONTROL_CHARS);
export const unicodeText = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 });
/** Text that trims to nothing, in several scripts' spaces. */
export const blankText = fc.string({ unit: fc.constantFrom(" ", "\u00a0", "\u2003", "\u3000", "\ufeff", "\u2028", "\t"), minLength: 1, maxLength: 6 });

/** Names, reasons and descriptions: humanText in src/http/schemas.ts (no control characters, not blank). */
export const TEXT_FIELDS = new Set(["displayName", "accountHolderName", "note", "reason", "description"]);

/** Text a humanText field must refuse: a control character anywhere, blank, or one character too long. */
export const hostileText = (maxLength: number) =>
  fc.oneof(
    fc.tuple(fc.string({ unit: "grapheme", maxLength: 8 }), controlChar, fc.string({ unit: "grapheme", maxLength: 8 })).map(([a, c, b]) => `${a}${c}${b}`),
    blankText,
    // zod counts code points, so "too long" is counted in code points too.
    unicodeText.map((t) => {
      const points = Array.from(t);
      return Array.from({ length: maxLength + 1 }, (_, i) => points[i % points.length]).join("");
    }),
  );

export const HOSTILE_AMOUNTS: readonly unknown[] = [
  -1, -100_000, 0, 0.5, 99.99, 1e-7, 2 ** 53, 2 ** 53 + 2, 1e21, 1e300, Number.MAX_VALUE, 10_000_000_000_001,
  "100", "1e5", "NaN", "Infinity", "-Infinity", "0x10", "１００", " 100", "100.00", "", "−5", "1_000",
  null, true, [], {}, [100], { amountPaise: 100 },
];
/** Amounts as raw JSON number text, which JSON.stringify could never produce. */
export const RAW_AMOUNTS = ["1e400", "-1e400", "0.1", "-0.0000001", "100000000000000000000000000000"];

export const amountLike = fc.oneof(
  fc.constantFrom(...HOSTILE_AMOUNTS),
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => n + 0.25),
  fc.double({ noNaN: true }),
  fc.constantFrom(...RAW_AMOUNTS).map(raw),
);

export const INVALID_IFSC = [
  "hdfc0001234", "HDFC1001234", "HDFC000123", "HDFC00012345", "HDF00001234", "ΗDFC0001234", "ＨＤＦＣ0001234",
  "HDFC0001234\n", " HDFC0001234", "HDFC-001234", "HDFC0001234\u0000", "", "0000HDFC123", "HDFCO001234",
];
export const invalidIfsc = fc
  .oneof(fc.constantFrom(...INVALID_IFSC), fc.string({ maxLength: 14 }), fc.mixedCase(fc.constant("hdfc0001234")), fc.string({ unit: "grapheme", maxLength: 11 }))
  .filter((s) => !IFSC_PATTERN.test(s));

export const WRONG_TYPES: unknown[] = [null, true, false, 0, -1, 1.5, "", "x", [], {}, ["x"], { x: 1 }];
const CASE_TWISTS = (v: string) => [v.toUpperCase(), ` ${v}`, `${v} `, `${v}\u0000`, `${v}x`, v.normalize("NFD") + "\u0301"];

/** A value the schema certainly refuses. */
export function violating(schema: JsonSchema): fc.Arbitrary<unknown> {
  const types = [schema.type].flat();
  const options: fc.Arbitrary<unknown>[] = [fc.constantFrom(...WRONG_TYPES), fc.jsonValue({ maxDepth: 2 })];
  if (types.includes("integer") || types.includes("number")) options.push(amountLike);
  if (types.includes("string")) {
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      options.push(unicodeText.map((t) => t.repeat(max + 1).slice(0, (max + 1) * 2)));
    }
    if (schema.pattern !== undefined) options.push(fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ maxLength: 20 }));
    if (schema.enum) options.push(fc.constantFrom(...(schema.enum as string[]).flatMap(CASE_TWISTS)));
  }
  return fc.oneof(...options).filter((v) => !conforms(schema, isRaw(v) ? JSON.parse(v.raw) : v));
}
