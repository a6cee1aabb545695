// The operations /openapi.json lists, with their parameters and JSON body schemas, every $ref
// resolved: a new operation is attacked without editing the test.

import { SELF } from "cloudflare:test";
import { isPlainObject } from "./json";
import { ORIGIN } from "./request";
import type { JsonSchema } from "./schema";

export interface Param {
  name: string;
  schema: JsonSchema;
}

export interface Operation {
  /** "PATCH /v1/payees/{id}" */
  label: string;
  method: string;
  template: string;
  pathParams: Param[];
  query: Param[];
  /** The JSON body schema, with every $ref resolved, when the operation takes a body. */
  body?: JsonSchema;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export async function discoverOperations(): Promise<Operation[]> {
  const res = await SELF.fetch(`${ORIGIN}/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
  const doc = (await res.json()) as OpenApiDocument;
  const ops: Operation[] = [];
  for (const [template, pathItem] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(pathItem)) {
      const params = (resolveRefs(doc, op.parameters ?? []) as Array<{ in: string; name: string; schema: JsonSchema }>).map((p) => ({ ...p, schema: p.schema ?? {} }));
      const body = op.requestBody?.content?.["application/json"]?.schema;
      ops.push({
        label: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: params.filter((p) => p.in === "path"),
        query: params.filter((p) => p.in === "query"),
        ...(body ? { body: resolveRefs(doc, body) } : {}),
      });
    }
  }
  return ops;
}

/** A copy of `node` with every $ref to a component schema replaced by that schema. */
function resolveRefs(doc: OpenApiDocument, node: unknown, depth = 0): any {
  if (depth > 20) throw new Error("$ref nesting too deep");
  if (Array.isArray(node)) return node.map((n) => resolveRefs(doc, n, depth + 1));
  if (!isPlainObject(node)) return node;
  const { $ref, ...rest } = node as { $ref?: string };
  const target = typeof $ref === "string" ? resolveRefs(doc, doc.components?.schemas?.[$ref.replace("#/components/schemas/", "")], depth + 1) : {};
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(rest)) out[k] = resolveRefs(doc, v, depth + 1);
  return out;
}
