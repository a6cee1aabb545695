// Regenerates the typed client's inputs from what the Worker really serves: starts the local stack
// (no network, no migrations: the document needs no database), saves its /openapi.json as
// client/openapi.json, and writes client/schema.d.ts from that file with openapi-typescript.
//
//   npm run client:generate     # fetch the document from a local Worker, then write the types
//   npm run client:check        # only check that client/schema.d.ts is openapi-typescript's output
//                               # for the committed client/openapi.json (fast; part of npm test)
//
// That the committed document is the one the Worker serves is checked in workerd by
// test/integration/client-fresh.test.ts.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { startLocalStack } from "./local-stack.ts";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const DOCUMENT_PATH = join(PROJECT_DIR, "client", "openapi.json");
const SCHEMA_PATH = join(PROJECT_DIR, "client", "schema.d.ts");
const FETCH_TIMEOUT_MS = 30_000;
const REGENERATE = "npm run client:generate";

/** The document as committed: pretty-printed, keys in the order the Worker served them. */
const documentText = (served: unknown) => `${JSON.stringify(served, null, 2)}\n`;

/**
 * Exactly what `openapi-typescript client/openapi.json --default-non-nullable=false` prints. With
 * the default (true), a request field that has a default (`currency`, `deliveryPartnerPayeeId`, an
 * adjustment's components) would be required of the caller, though the API fills it in.
 */
async function schemaText(document: string): Promise<string> {
  return COMMENT_HEADER + astToString(await openapiTS(document, { silent: true, defaultNonNullable: false }));
}

async function fetchServedDocument(): Promise<unknown> {
  const stack = await startLocalStack({ logName: "client-generate-wrangler.log", migrate: false });
  try {
    const res = await fetch(`${stack.baseUrl}/openapi.json`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return await res.json();
  } finally {
    await stack.stop();
  }
}

async function generate() {
  const document = documentText(await fetchServedDocument());
  writeFileSync(DOCUMENT_PATH, document);
  writeFileSync(SCHEMA_PATH, await schemaText(document));
  console.log(`wrote ${DOCUMENT_PATH} and ${SCHEMA_PATH}`);
}

async function check() {
  const expected = await schemaText(readFileSync(DOCUMENT_PATH, "utf8"));
  let committed = "";
  try {
    committed = readFileSync(SCHEMA_PATH, "utf8");
  } catch {
    // Missing counts as stale.
  }
  if (committed !== expected) {
    console.error(`client/schema.d.ts is not openapi-typescript's output for client/openapi.json: run ${REGENERATE}`);
    process.exit(1);
  }
  console.log("client/schema.d.ts matches client/openapi.json");
}

const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
await (values.check ? check() : generate());
