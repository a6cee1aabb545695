// Every operation the Worker documents can be read without guessing: it has an operationId and a
// tag, and its request body and each 2xx JSON response carry an example (on the media type or on
// the schema it names). That each example is valid for its schema is redocly's job
// (no-invalid-schema-examples in redocly.yaml, run by test/browser/openapi-lint.test.ts).

import { describe, expect, it } from "vitest";
import { api } from "../support/api";

type Json = Record<string, any>;

const METHODS = ["get", "put", "post", "patch", "delete", "head", "options", "trace"] as const;

/** Follows local `$ref`s (`#/components/...`) until it reaches an object that is not one. */
function resolve(doc: Json, node: Json | undefined): Json | undefined {
  const seen = new Set<string>();
  while (node && typeof node.$ref === "string") {
    const ref: string = node.$ref;
    if (!ref.startsWith("#/") || seen.has(ref)) throw new Error(`cannot resolve ${ref}`);
    seen.add(ref);
    node = ref
      .slice(2)
      .split("/")
      .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce<Json | undefined>((at, key) => at?.[key], doc);
  }
  return node;
}

/** A media type has an example when it, or the schema it names, carries `example` or `examples`. */
function hasExample(doc: Json, media: Json): boolean {
  if (media.example !== undefined || (media.examples && Object.keys(media.examples).length > 0)) return true;
  const schema = resolve(doc, media.schema);
  return schema !== undefined && (schema.example !== undefined || (Array.isArray(schema.examples) && schema.examples.length > 0));
}

/** What an operation (a path's or a webhook's) lacks, each as `METHOD /path: what`. */
function missingDocumentation(doc: Json): string[] {
  const missing: string[] = [];
  for (const [path, item] of [...Object.entries<Json>(doc.paths ?? {}), ...Object.entries<Json>(doc.webhooks ?? {})]) {
    for (const method of METHODS) {
      const op: Json | undefined = item[method];
      if (!op) continue;
      const at = `${method.toUpperCase()} ${path}`;
      if (!op.operationId) missing.push(`${at}: no operationId`);
      if (!Array.isArray(op.tags) || op.tags.length === 0) missing.push(`${at}: no tag`);
      const body = resolve(doc, op.requestBody);
      for (const [type, media] of Object.entries<Json>(body?.content ?? {})) {
        if (!hasExample(doc, media)) missing.push(`${at}: no example for the ${type} request body`);
      }
      for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
        if (!/^2\d\d$/.test(status)) continue;
        for (const [type, media] of Object.entries<Json>(resolve(doc, response)?.content ?? {})) {
          if (/^application\/(.+\+)?json$/.test(type) && !hasExample(doc, media)) missing.push(`${at}: no example for the ${status} ${type} response`);
        }
      }
    }
  }
  return missing;
}

describe("the OpenAPI document's operations", () => {
  it("each have an operationId, a tag and an example for the request body and every 2xx JSON response (webhooks too)", async () => {
    const served = await api(null, "GET", "/openapi.json");
    expect(served.status).toBe(200);
    const operations = (items: Json) => Object.values<Json>(items).flatMap((item) => METHODS.filter((m) => item[m]));
    expect(operations(served.body.paths).length).toBeGreaterThan(60);
    expect(operations(served.body.webhooks).length).toBeGreaterThan(20);
    expect(missingDocumentation(served.body)).toEqual([]);
  });

  it("notices an example taken away, from a component or from a page of them", async () => {
    const doc = (await api(null, "GET", "/openapi.json")).body;
    delete doc.components.schemas.Payee.example;
    expect(missingDocumentation(doc)).toEqual(expect.arrayContaining(["GET /v1/payees/{id}: no example for the 200 application/json response"]));
    delete doc.paths["/v1/payees"].get.responses["200"].content["application/json"].schema.example;
    expect(missingDocumentation(doc)).toContain("GET /v1/payees: no example for the 200 application/json response");
  });
});

/** The prefixes src/ gives newId: an example id with one of them must look like a real one. */
const NEW_ID_PREFIXES = ["bat", "bdc", "dec", "dr", "exc", "hld", "itm", "lnk", "pe", "po", "rec", "rsv", "srm", "stm", "txn", "we"];
const PREFIXED = new RegExp(`^(${NEW_ID_PREFIXES.join("|")})_`);
/** newId: the prefix, then 10 time and 12 random characters of Crockford's base32 in lower case. */
const NEW_ID_SHAPE = new RegExp(`^(${NEW_ID_PREFIXES.join("|")})_[0-9abcdefghjkmnpqrstvwxyz]{22}$`);
/** Real ids that newId does not make. */
const FIXED_IDS = new Set(["we_config"]);

/** Every string inside an `example` or `examples` anywhere in the document, with where it is. */
function exampleStrings(node: unknown, at: string, inExample = false, found: Array<{ at: string; value: string }> = []) {
  if (typeof node === "string") {
    if (inExample) found.push({ at, value: node });
  } else if (Array.isArray(node)) {
    node.forEach((v, i) => exampleStrings(v, `${at}/${i}`, inExample, found));
  } else if (node && typeof node === "object") {
    for (const [key, v] of Object.entries(node)) exampleStrings(v, `${at}/${key}`, inExample || key === "example" || key === "examples", found);
  }
  return found;
}

describe("the OpenAPI document's example ids", () => {
  it("are shaped as Disburse makes them, so an integrator can match on them", async () => {
    const doc = (await api(null, "GET", "/openapi.json")).body;
    const ids = exampleStrings(doc, "#").filter(({ value }) => PREFIXED.test(value) && !FIXED_IDS.has(value));
    expect(ids.length).toBeGreaterThan(50);
    expect(ids.filter(({ value }) => !NEW_ID_SHAPE.test(value)).map(({ at, value }) => `${at}: ${value}`)).toEqual([]);
  });

  it("notices one that is not", async () => {
    const doc = (await api(null, "GET", "/openapi.json")).body;
    doc.components.schemas.Payee.example.id = "pe_01jdx_example";
    const bad = exampleStrings(doc, "#").filter(({ value }) => PREFIXED.test(value) && !NEW_ID_SHAPE.test(value));
    expect(bad).toEqual([{ at: "#/components/schemas/Payee/example/id", value: "pe_01jdx_example" }]);
  });
});
