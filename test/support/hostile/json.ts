// JSON as the hostile cases write it: plain objects, and raw number text that JSON.stringify
// could never produce (1e400, 0.1 written as such) spliced into an otherwise ordinary body.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Raw JSON text to splice into a body where a value goes (see toJsonText). */
export interface RawJson {
  raw: string;
}

export function raw(text: string): RawJson {
  return { raw: text };
}

export const isRaw = (v: unknown): v is RawJson => isPlainObject(v) && Object.keys(v).join() === "raw" && typeof v.raw === "string";

/** JSON.stringify, except that `{ raw }` values are spliced in as written. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (isRaw(v)) {
      raws.push(v.raw);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return v;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_, i: string) => raws[Number(i)]!);
}
