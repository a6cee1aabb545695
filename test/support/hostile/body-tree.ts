// Bodies as trees of the values their schema describes: a body as valid as the world allows,
// the places in it where values go, and copies with one place changed.

import { isPlainObject } from "./json";
import { conforms, type JsonSchema } from "./schema";
import type { World } from "./world";

export type Path = Array<string | number>;
export interface Slot {
  path: Path;
  name: string;
  schema: JsonSchema;
}

/** The object schema inside a (possibly nullable) schema, if it describes an object. */
function objectSchema(schema: JsonSchema): JsonSchema | undefined {
  if (schema.properties) return schema;
  return schema.allOf?.map(objectSchema).find(Boolean);
}

/** Every place in `value` where the schema says a value goes, present or optional. */
export function slots(schema: JsonSchema, value: unknown, path: Path = []): Slot[] {
  const out: Slot[] = [];
  const obj = objectSchema(schema);
  if (obj && isPlainObject(value)) {
    for (const [name, prop] of Object.entries(obj.properties ?? {})) {
      out.push({ path: [...path, name], name, schema: prop });
      if (Object.hasOwn(value, name)) out.push(...slots(prop, value[name], [...path, name]));
    }
  }
  if (schema.items && Array.isArray(value) && value.length > 0) {
    out.push({ path: [...path, 0], name: String(path.at(-1) ?? "item"), schema: schema.items });
    out.push(...slots(schema.items, value[0], [...path, 0]));
  }
  return out;
}

/** Every object in `value` that the schema describes, with its (object) schema. */
export function objectNodes(schema: JsonSchema, value: unknown, path: Path = []): Array<{ path: Path; schema: JsonSchema }> {
  const out: Array<{ path: Path; schema: JsonSchema }> = [];
  const obj = objectSchema(schema);
  if (obj && isPlainObject(value)) {
    out.push({ path, schema: obj });
    for (const [name, prop] of Object.entries(obj.properties ?? {})) {
      if (Object.hasOwn(value, name)) out.push(...objectNodes(prop, value[name], [...path, name]));
    }
  }
  if (schema.items && Array.isArray(value) && value.length > 0) out.push(...objectNodes(schema.items, value[0], [...path, 0]));
  return out;
}

const clone = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

export function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], value);
}

/** A copy of `value` with `path` set (or deleted when `next` is undefined); own keys even for "__proto__". */
export function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [string | number, ...Path];
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) };
  const child = setAt(copy[head], rest, next);
  if (child === undefined) delete copy[head];
  else Object.defineProperty(copy, head, { value: child, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Values that make a body as close to valid as the world allows, by field name. */
function fieldValue(name: string, world: World): unknown {
  const values: Record<string, unknown> = {
    type: "seller",
    displayName: "Hostile Traders",
    email: "ops@example.com",
    externalId: "ext-hostile-1",
    bankDetails: { accountNumber: "123456789012", ifsc: "HDFC0001234", accountHolderName: "Asha Traders" },
    status: "verified",
    note: "checked by hand",
    orderId: "ORD-hostile-1",
    cycleId: world.cycleId,
    sellerPayeeId: world.payeeId,
    externalRef: "hostile:ref:1",
    description: "A hostile adjustment",
    entries: [
      { accountId: "platform:bank", direction: "debit", amountPaise: 100, currency: "INR" },
      { accountId: "platform:owner_equity", direction: "credit", amountPaise: 100, currency: "INR" },
    ],
    payeeIds: [world.payeeId],
    reason: "made by mistake",
    fingerprint: world.fingerprint,
  };
  return values[name];
}

/**
 * A body from the schema: required fields, filled from the world, examples, enums and defaults.
 * An object is built field by field even when it has an example of its own (the components' are
 * whole bodies naming ids this world does not have), so the world's ids and fingerprint go in.
 */
export function sampleBody(schema: JsonSchema, world: World, name = ""): unknown {
  const known = fieldValue(name, world);
  if (known !== undefined && conforms(schema, known)) return clone(known);
  const obj = objectSchema(schema);
  if (schema.example !== undefined && !obj) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (obj) {
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(obj.properties ?? {})) {
      const known = fieldValue(key, world);
      if (obj.required?.includes(key) || (known !== undefined && conforms(prop, known))) out[key] = sampleBody(prop, world, key);
    }
    return out;
  }
  const type = [schema.type].flat()[0];
  if (type === "integer" || type === "number") return Math.max(schema.minimum ?? 1, 1);
  if (type === "array") return schema.items ? [sampleBody(schema.items, world, name)] : [];
  if (type === "boolean") return true;
  return "x".repeat(Math.max(schema.minLength ?? 1, 1));
}
