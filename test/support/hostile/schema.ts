// A lenient JSON Schema check of values against the schemas /openapi.json states. Hand-written
// because its leniency is the point: a value it refuses is certainly refused by the zod schema.

import { isPlainObject } from "./json";

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: unknown;
  example?: unknown;
  allOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

const hasType = (type: string, value: unknown): boolean => {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    default:
      return true;
  }
};

const allowsNull = (schema: JsonSchema) => schema.type === "null" || (Array.isArray(schema.type) && schema.type.includes("null"));

/**
 * Whether a value could pass the schema as /openapi.json states it. Lenient on purpose (unknown
 * keywords and formats pass; lengths are measured the forgiving way), so a value it refuses is
 * certainly refused by the zod schema the document was generated from.
 */
export function conforms(schema: JsonSchema, value: unknown): boolean {
  if (schema.allOf) {
    // zod writes a nullable reference as allOf [ref, { type: [..., "null"] }].
    if (!(value === null && schema.allOf.some(allowsNull)) && !schema.allOf.every((s) => conforms(s, value))) return false;
  }
  if (schema.anyOf && !schema.anyOf.some((s) => conforms(s, value))) return false;
  if (schema.oneOf && !schema.oneOf.some((s) => conforms(s, value))) return false;
  if (schema.enum && !schema.enum.some((e) => e === value)) return false;
  if (schema.type !== undefined && ![schema.type].flat().some((t) => hasType(t, value))) return false;
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    if (schema.maximum !== undefined && value > schema.maximum) return false;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return false;
    if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return false;
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) return false;
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) return false;
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return false;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return false;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
    if (schema.items && !value.every((v) => conforms(schema.items!, v))) return false;
  }
  return !isPlainObject(value) || objectConforms(schema, value);
}

/** A required field with a default may be left out: zod fills it in. */
function objectConforms(schema: JsonSchema, value: Record<string, unknown>): boolean {
  const properties = schema.properties ?? {};
  for (const key of schema.required ?? []) {
    if (!Object.hasOwn(value, key) && properties[key]?.default === undefined) return false;
  }
  for (const [key, v] of Object.entries(value)) {
    const known = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (known) {
      if (!conforms(known, v)) return false;
    } else if (schema.additionalProperties === false) {
      return false;
    } else if (isPlainObject(schema.additionalProperties) && !conforms(schema.additionalProperties, v)) {
      return false;
    }
  }
  return true;
}

/** A query value as z.coerce sees it: numbers are Number(text), everything else the text. */
export function queryConforms(schema: JsonSchema, raw: string): boolean {
  const numeric = [schema.type].flat().some((t) => t === "integer" || t === "number");
  return conforms(schema, numeric ? Number(raw) : raw);
}

/** Whether some value of the parameter is refused at all (a bare string accepts everything). */
export const constrained = (schema: JsonSchema) =>
  schema.enum !== undefined || schema.pattern !== undefined || schema.maxLength !== undefined || [schema.type].flat().some((t) => t === "integer" || t === "number");
