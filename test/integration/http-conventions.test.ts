import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, bank, unique } from "../support/api";

/** Every error, whatever produced it, is `{ error: { code, message, details? } }` and nothing else. */
function expectError(res: { status: number; body: any }, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(["error"]);
  expect(res.body.error).toEqual(expect.objectContaining({ code, message: expect.any(String) }));
  expect(res.body.error.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(res.body.error)) expect(["code", "message", "details"]).toContain(key);
}

const payeesNamed = async (displayName: string) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM payees WHERE display_name = ?").bind(displayName).first<{ n: number }>())!.n;

const payeeBody = (over: Record<string, unknown> = {}): Record<string, unknown> & { displayName: string } => ({
  type: "seller",
  displayName: unique("Idem Traders"),
  bankDetails: bank(7),
  ...over,
});

describe("request bodies", () => {
  it("refuses malformed JSON (400 malformed_json)", async () => {
    for (const text of ["{not json", '{"type": "seller",}', "{", "'single quotes'"]) {
      expectError(await api("admin", "POST", "/v1/payees", text), 400, "malformed_json");
    }
    // An empty body declared as JSON is not JSON either.
    expectError(await api("admin", "POST", "/v1/payees", ""), 400, "malformed_json");
  });

  it("ignores a leading byte order mark, as RFC 8259 §8.1 allows, and nothing else before the JSON", async () => {
    const created = await api("admin", "POST", "/v1/payees", `\ufeff${JSON.stringify(payeeBody())}`);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expectError(await api("admin", "POST", "/v1/payees", `\ufeff\ufeff${JSON.stringify(payeeBody())}`), 400, "malformed_json");
    expectError(await api("admin", "POST", "/v1/payees", `\u200b${JSON.stringify(payeeBody())}`), 400, "malformed_json");
  });

  it("refuses a body that is not sent as application/json (415 unsupported_media_type)", async () => {
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "application/jsonp"]) {
      const res = await api("admin", "POST", "/v1/payees", JSON.stringify(payeeBody()), { "content-type": contentType });
      expectError(res, 415, "unsupported_media_type");
    }
  });

  it("accepts application/json with a charset parameter", async () => {
    const res = await api("admin", "POST", "/v1/payees", JSON.stringify(payeeBody()), { "content-type": "application/json; charset=utf-8" });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it("refuses a body over 64 KiB (413 body_too_large), counting bytes, not characters", async () => {
    const big = JSON.stringify(payeeBody({ displayName: "x".repeat(64 * 1024) }));
    expectError(await api("admin", "POST", "/v1/payees", big), 413, "body_too_large");

    // 30,000 three-byte characters: under 64 Ki characters, over 64 KiB.
    const wide = JSON.stringify(payeeBody({ displayName: "₹".repeat(30_000) }));
    expect(wide.length).toBeLessThan(64 * 1024);
    expectError(await api("admin", "POST", "/v1/payees", wide), 413, "body_too_large");
  });

  it("lets a body of exactly 64 KiB through to validation", async () => {
    const shell = JSON.stringify(payeeBody({ displayName: "" }));
    const exact = JSON.stringify(payeeBody({ displayName: "y".repeat(64 * 1024 - shell.length) }));
    expect(new TextEncoder().encode(exact).byteLength).toBe(64 * 1024);
    expectError(await api("admin", "POST", "/v1/payees", exact), 400, "validation_failed");
  });

  it("reports validation failures with the path of each offending field", async () => {
    const res = await api("admin", "POST", "/v1/payees", { type: "seller", displayName: "", bankDetails: { ...bank(1), ifsc: "bad" } });
    expectError(res, 400, "validation_failed");
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["displayName", "bankDetails.ifsc"]));
  });
});

describe("routes and authentication", () => {
  it("answers unknown routes with 404 route_not_found", async () => {
    expectError(await api(null, "GET", "/nope"), 404, "route_not_found");
    expectError(await api("admin", "GET", "/v1/nope"), 404, "route_not_found");
    expectError(await api("admin", "DELETE", "/v1/payees"), 404, "route_not_found");
  });

  it("answers /health without a token", async () => {
    const res = await api(null, "GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok" });
  });

  it("refuses every /v1 route without a valid token (401 unauthenticated)", async () => {
    const routes: Array<[string, string, unknown?]> = [
      ["GET", "/v1/payees"],
      ["POST", "/v1/payees", payeeBody()],
      ["GET", "/v1/ledger/accounts"],
      ["GET", "/v1/ledger/trial-balance"],
      ["POST", "/v1/ledger/transactions", {}],
      ["POST", "/v1/settlements", {}],
      ["GET", "/v1/audit-events"],
      ["GET", "/v1/nope"],
    ];
    for (const [method, path, body] of routes) {
      expectError(await api(null, method, path, body), 401, "unauthenticated");
      expectError(await api(null, method, path, body, { authorization: "Bearer not-a-real-token-at-all" }), 401, "unauthenticated");
      expectError(await api(null, method, path, body, { authorization: "Basic YWRtaW46YWRtaW4=" }), 401, "unauthenticated");
    }
  });

  it("refuses a role the route does not allow (403 forbidden_role) with the roles it needs", async () => {
    const res = await api("auditor", "POST", "/v1/payees", payeeBody());
    expectError(res, 403, "forbidden_role");
    expect(res.body.error.details).toEqual({ required: ["admin", "system"], actorRoles: ["auditor"] });
  });
});

describe("Idempotency-Key", () => {
  it("replays the first response for the same key and body, creating the payee once", async () => {
    const key = unique("idem");
    const body = payeeBody();
    const first = await api("admin", "POST", "/v1/payees", body, { "idempotency-key": key });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();

    for (let i = 0; i < 2; i++) {
      const again = await api("admin", "POST", "/v1/payees", body, { "idempotency-key": key });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(first.body);
    }
    expect(await payeesNamed(body.displayName)).toBe(1);
  });

  it("refuses the same key with a different body (422 idempotency_key_reused) and creates nothing", async () => {
    const key = unique("idem");
    const first = await api("admin", "POST", "/v1/payees", payeeBody(), { "idempotency-key": key });
    expect(first.status).toBe(201);
    const other = payeeBody();
    expectError(await api("admin", "POST", "/v1/payees", other, { "idempotency-key": key }), 422, "idempotency_key_reused");
    expect(await payeesNamed(other.displayName)).toBe(0);
  });

  it("refuses the same key on a different route (422 idempotency_key_reused)", async () => {
    const key = unique("idem");
    expect((await api("admin", "POST", "/v1/payees", payeeBody(), { "idempotency-key": key })).status).toBe(201);
    const res = await api("admin", "POST", "/v1/ledger/transactions", { externalRef: unique("r"), description: "x", entries: [] }, { "idempotency-key": key });
    expectError(res, 422, "idempotency_key_reused");
  });

  it("leaves the key free after a refused request, so the corrected request succeeds under it", async () => {
    const key = unique("idem");
    const corrected = payeeBody();
    const refused = await api("admin", "POST", "/v1/payees", { ...corrected, bankDetails: { ...bank(7), ifsc: "WRONG" } }, { "idempotency-key": key });
    expectError(refused, 400, "validation_failed");

    const ok = await api("admin", "POST", "/v1/payees", corrected, { "idempotency-key": key });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.headers.get("idempotent-replayed")).toBeNull();

    const replay = await api("admin", "POST", "/v1/payees", corrected, { "idempotency-key": key });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.id).toBe(ok.body.id);
    expect(await payeesNamed(corrected.displayName)).toBe(1);
  });

  it("leaves the key free after a business-rule refusal too", async () => {
    const key = unique("idem");
    const externalId = unique("taken");
    expect((await api("admin", "POST", "/v1/payees", payeeBody({ externalId }))).status).toBe(201);
    const body = payeeBody({ externalId });
    expectError(await api("admin", "POST", "/v1/payees", body, { "idempotency-key": key }), 409, "external_id_taken");
    const { externalId: _, ...fixed } = body;
    expect((await api("admin", "POST", "/v1/payees", fixed, { "idempotency-key": key })).status).toBe(201);
  });

  it("keeps keys apart per caller: another actor's identical key is a new request", async () => {
    const key = unique("idem");
    const body = payeeBody();
    const mine = await api("admin", "POST", "/v1/payees", body, { "idempotency-key": key });
    const theirs = await api("system", "POST", "/v1/payees", body, { "idempotency-key": key });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
  });

  it("refuses a key that is not 1–255 printable ASCII characters (400 invalid_idempotency_key)", async () => {
    for (const key of ["has space", "x".repeat(256)]) {
      const body = payeeBody();
      expectError(await api("admin", "POST", "/v1/payees", body, { "idempotency-key": key }), 400, "invalid_idempotency_key");
      expect(await payeesNamed(body.displayName)).toBe(0);
    }
  });
});

describe("API description", () => {
  it("serves an OpenAPI 3.1 document listing the payee, ledger and settlement routes", async () => {
    const res = await api(null, "GET", "/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(["/v1/payees", "/v1/ledger/transactions", "/v1/settlements"]));
    expect(res.body.paths["/v1/ledger/transactions"].post).toBeDefined();
    expect(res.body.paths["/v1/settlements"].post).toBeDefined();
    expect(res.body.components.schemas.Error).toBeDefined();
  });

  it("names every operation uniquely in camelCase, and says which server it describes and under what license", async () => {
    // What `redocly lint`'s recommended rules ask of these (operation-operationId, no-empty-servers, info-license).
    const doc = (await api(null, "GET", "/openapi.json")).body;
    const ops = Object.entries(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, id: op.operationId })),
    );
    expect(ops.length).toBeGreaterThan(50);
    expect(ops.filter((o) => !o.id || !/^[a-z][A-Za-z0-9]+$/.test(o.id)).map((o) => o.at)).toEqual([]);
    expect(new Set(ops.map((o) => o.id)).size).toBe(ops.length);
    // Relative: the service that served the document, wherever it runs (no-server-example.com).
    expect(doc.servers).toEqual([expect.objectContaining({ url: "/" })]);
    expect(doc.info.license).toMatchObject({ name: "Apache-2.0" });
  });

  it("serves the API reference page with its script from this Worker and a policy allowing no other origin", async () => {
    const res = await api(null, "GET", "/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const page: string = res.body;
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('<script src="/docs/scalar.js"></script>');
    expect(page).toContain('"url": "/openapi.json"');
    // No address of anywhere else: not the CDN Scalar's page loads from by default, nor fonts.
    expect(page).not.toMatch(/https?:\/\//);

    const policy = new Map(
      res.headers
        .get("content-security-policy")!
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...sources]) => [name!, sources]),
    );
    const [inlineScript, ...more] = [...page.matchAll(/<script type="text\/javascript">([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(more).toEqual([]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(inlineScript)));
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.get("script-src")).toEqual(["'self'", `'sha256-${btoa(String.fromCharCode(...digest))}'`]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    // Every source is a keyword, a hash or an inline scheme: no host in any directive.
    const sources = [...policy.values()].flat();
    expect(sources.filter((source) => !/^'[^']+'$|^(data|blob):$/.test(source))).toEqual([]);
  });

  it("serves Scalar's script itself, without a token", async () => {
    const res = await api(null, "GET", "/docs/scalar.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.body).toContain("createApiReference");
  });
});
