// Ways to break an operation's body: its syntax, media type and size, or, keeping it JSON, its
// shape, a required or unknown field, a value of the wrong type, an amount, text or IFSC.

import fc from "fast-check";
import { getAt, objectNodes, setAt, type Slot, slots } from "./body-tree";
import { malformedJson, maxBodyBytes, NON_JSON_TYPES, oversizedBody } from "./bodies";
import { toJsonText } from "./json";
import type { Operation } from "./operations";
import { broke, type OperationCase, pathOf } from "./recipes";
import { clip } from "./request";
import { conforms, type JsonSchema } from "./schema";
import { amountLike, hostileText, invalidIfsc, TEXT_FIELDS, unicodeText, violating, WRONG_TYPES } from "./values";

/** A change to a body that breaks it; null where it does not apply to this case. */
type BodyBreaker = (c: OperationCase) => fc.Arbitrary<OperationCase> | null;

export function bodyBreakers(op: Operation): BodyBreaker[] {
  return [
    (c) => malformedJson.map((t) => broke(c, `malformed JSON ${clip(JSON.stringify(t), 40)}`, { bodyText: t, contentType: "application/json" })),
    (c) => fc.constantFrom(...NON_JSON_TYPES).map((t) => broke(c, `content-type ${t}`, { bodyText: toJsonText(c.body ?? {}), contentType: t })),
    (c) => fc.constant(broke(c, "a body with no content-type", { bodyText: toJsonText(c.body ?? {}), contentType: null })),
    (c) => oversizedBody(maxBodyBytes(pathOf(op, c))).map((t) => broke(c, `body of ${new TextEncoder().encode(t).length} bytes`, { bodyText: t, contentType: "application/json" })),
    ...(op.body ? schemaBreakers(op.body) : []),
  ];
}

/** Bodies that stay JSON but break the schema. */
function schemaBreakers(schema: JsonSchema): BodyBreaker[] {
  const json = (c: OperationCase, what: string, body: unknown) => broke(c, what, { body, contentType: "application/json" });
  /** Keeps only bodies the lenient schema check refuses, so each is certainly invalid. */
  const certainly = (c: OperationCase, what: (body: unknown) => string, bodies: fc.Arbitrary<unknown>) =>
    bodies.filter((body) => !conforms(schema, JSON.parse(toJsonText(body)))).map((body) => json(c, what(body), body));
  const pickSlot = (c: OperationCase, keep: (s: Slot) => boolean) => {
    const found = slots(schema, c.body).filter(keep);
    return found.length > 0 ? fc.constantFrom(...found) : null;
  };
  /** Whether the slot's parent is in the body: a value set inside a missing object would break the body for another reason. */
  const inBody = (c: OperationCase, s: Slot) => getAt(c.body, s.path.slice(0, -1)) != null;

  return [
    (c) => fc.constantFrom<unknown>(null, 1, "body", true, [], [c.body ?? {}]).map((v) => json(c, `body is ${clip(toJsonText(v), 40)}, not an object`, v)),
    (c) => {
      const required = objectNodes(schema, c.body).flatMap(({ path, schema: s }) =>
        (s.required ?? []).filter((k) => s.properties?.[k]?.default === undefined && getAt(c.body, [...path, k]) !== undefined).map((k) => [...path, k]),
      );
      if (required.length === 0) return null;
      return fc.constantFrom(...required).chain((path) => certainly(c, () => `required field ${path.join(".")} missing`, fc.constant(setAt(c.body, path, undefined))));
    },
    (c) => {
      const strict = objectNodes(schema, c.body).filter(({ schema: s }) => s.additionalProperties === false);
      if (strict.length === 0) return null;
      const key = fc.oneof(fc.constantFrom("__proto__", "constructor", "id", "actorId", "version", "verificationStatus", "createdAt", "makerId", "approvalCount", "status", "amountPaise"), unicodeText);
      return fc
        .tuple(fc.constantFrom(...strict), key, fc.jsonValue({ maxDepth: 1 }))
        .filter(([node, k]) => !Object.hasOwn(node.schema.properties ?? {}, k))
        .chain(([node, k, value]) => certainly(c, () => `unknown field ${[...node.path, k].join(".")}`, fc.constant(setAt(c.body, [...node.path, k], value ?? 0))));
    },
    (c) =>
      pickSlot(c, (s) => WRONG_TYPES.some((v) => !conforms(s.schema, v)))?.chain((slot) =>
        certainly(c, (body) => `${slot.path.join(".")} = ${clip(toJsonText(getAt(body, slot.path)), 60)}`, violating(slot.schema).map((v) => setAt(c.body, slot.path, v))),
      ) ?? null,
    (c) =>
      pickSlot(c, (s) => /Paise$/.test(s.name))?.chain((slot) =>
        certainly(c, (body) => `amount ${slot.path.join(".")} = ${toJsonText(getAt(body, slot.path))}`, amountLike.map((v) => setAt(c.body, slot.path, v))),
      ) ?? null,
    // Control characters and blank text are refused by humanText's refinements, which a JSON Schema cannot show.
    (c) =>
      pickSlot(c, (s) => TEXT_FIELDS.has(s.name) && inBody(c, s))?.chain((slot) =>
        hostileText(slot.schema.maxLength ?? 500).map((text) => json(c, `text ${slot.path.join(".")} = ${clip(JSON.stringify(text), 40)}`, setAt(c.body, slot.path, text))),
      ) ?? null,
    (c) =>
      pickSlot(c, (s) => s.name === "ifsc" && inBody(c, s))?.chain((slot) =>
        certainly(c, (body) => `IFSC ${JSON.stringify(getAt(body, slot.path))}`, invalidIfsc.map((v) => setAt(c.body, slot.path, v))),
      ) ?? null,
  ];
}
