// Generated requests to the simulated bank's operator routes (/v1/simbank/*): without an admin
// token, to routes or with methods it does not serve, and with configs or ticks it cannot honour.

import fc from "fast-check";
import { TEST_ACTORS } from "../actors";
import { ACTORS, badAuthorization } from "./auth";
import { malformedJson, NON_JSON_TYPES, oversizedBody } from "./bodies";
import { applyBreakers, broke, type Breaker, type SimbankCase } from "./recipes";
import { clip } from "./request";

const SIMBANK_ROUTES: ReadonlyArray<{ method: string; path: string }> = [
  { method: "GET", path: "/admin/state" },
  { method: "GET", path: "/transactions" },
  { method: "POST", path: "/admin/config" },
  { method: "POST", path: "/admin/tick" },
  { method: "POST", path: "/admin/transfers/{key}/settle" },
  { method: "POST", path: "/admin/transfers/{key}/reverse" },
];

/** The routes whose template matches a concrete path. */
const routesAt = (path: string) => SIMBANK_ROUTES.filter((r) => new RegExp(`^${r.path.replace("{key}", "[^/]+")}$`).test(path));

/** Config patches the simulated bank must refuse: unknown keys, wrong types, out-of-range values. */
export const INVALID_BANK_CONFIGS: readonly unknown[] = [
  null, [], "config", 1, { unknownKey: 1 }, { seed: "one" }, { seed: 1.5 }, { rates: null }, { rates: 5 }, { rates: { serverError: 2 } },
  { rates: { serverError: -0.1 } }, { rates: { meteorStrike: 0.5 } }, { script: null }, { script: { k: ["asteroid"] } }, { script: { k: "server_error" } },
  { webhookScript: { k: ["teleport"] } }, { reverseKeys: "all" }, { latencyMs: -1 }, { latencyMs: "fast" }, { latencyMs: 1e12 }, { autoRun: "yes" },
  { processingDelayMs: -5 }, { clockOffsetMs: 1.5 }, { webhookUrl: 42 }, { webhookUrl: "not a url" }, { maxWebhookDelayMs: null },
];
export const INVALID_TICKS: readonly unknown[] = [null, [], "now", { advanceMs: "x" }, { advanceMs: -1 }, { advanceMs: 1.5 }, { advanceMs: 1e300 }, { advanceMs: null }, { later: 1 }];

export function simbankCases(): fc.Arbitrary<SimbankCase> {
  const base = fc
    .constantFrom(...SIMBANK_ROUTES)
    .map((r): SimbankCase => ({ broken: [], method: r.method, path: r.path.replace("{key}", "no-such-transfer"), query: "", actor: "admin", ...(r.method === "POST" ? { bodyText: "{}" } : {}) }));
  const breakers = [...callerBreakers(), ...routeBreakers(), ...bodyBreakers()];
  return fc.tuple(base, fc.shuffledSubarray(breakers, { minLength: 1, maxLength: 2 })).chain(([c, chosen]) => applyBreakers(c, chosen));
}

function callerBreakers(): Breaker<SimbankCase>[] {
  const nonAdmins = ACTORS.filter((a) => !(TEST_ACTORS[a].roles as readonly string[]).includes("admin"));
  return [
    (c) => fc.constant(broke(c, "no Authorization header", { actor: null })),
    (c) => badAuthorization.map((authorization) => broke(c, "bad Authorization", { actor: null, authorization })),
    (c) => fc.constantFrom(...nonAdmins).map((actor) => broke(c, `role ${actor} is not admin`, { actor })),
  ];
}

function routeBreakers(): Breaker<SimbankCase>[] {
  const unknownPath = fc
    .oneof(
      fc.constantFrom("/admin", "/admin/", "/admin/state/x", "/transfers", "/admin/transfers/x/explode", "/ADMIN/STATE", "/admin/config.json", "/"),
      fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => `/${encodeURIComponent(s)}`),
    )
    .filter((p) => routesAt(p).length === 0);
  return [
    (c) => unknownPath.map((path) => broke(c, `no simulated bank route ${path}`, { path })),
    (c) =>
      fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE").map((method) => {
        const served = routesAt(c.path).map((r) => r.method);
        const m = served.includes(method) ? (method === "GET" ? "DELETE" : "PUT") : method;
        return broke(c, `method ${m}`, { method: m, ...(m === "GET" ? { bodyText: undefined } : {}) });
      }),
  ];
}

function bodyBreakers(): Breaker<SimbankCase>[] {
  const config = (c: SimbankCase, what: string, bodyText: string) => broke(c, what, { method: "POST", path: "/admin/config", bodyText, contentType: "application/json" });
  const tick = (c: SimbankCase, what: string, bodyText: string, contentType: string) => broke(c, what, { method: "POST", path: "/admin/tick", bodyText, contentType });
  const unknownKey = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).filter((k) => k !== "." && k !== "..");
  return [
    (c) => malformedJson.map((text) => config(c, `config as malformed JSON ${clip(JSON.stringify(text), 30)}`, text)),
    (c) => fc.constantFrom(...NON_JSON_TYPES).map((type) => tick(c, `tick as ${type}`, "{}", type)),
    (c) => oversizedBody().map((text) => config(c, "config over 64 KiB", text)),
    (c) => fc.constantFrom(...INVALID_BANK_CONFIGS).map((v) => config(c, `config ${JSON.stringify(v)}`, JSON.stringify(v))),
    (c) => fc.constantFrom(...INVALID_TICKS).map((v) => tick(c, `tick ${JSON.stringify(v)}`, JSON.stringify(v), "application/json")),
    (c) =>
      fc
        .tuple(unknownKey, fc.constantFrom("settle", "reverse"))
        .map(([key, action]) => broke(c, `${action} a transfer the bank never had`, { method: "POST", path: `/admin/transfers/${encodeURIComponent(key)}/${action}`, bodyText: undefined })),
    (c) =>
      fc
        .tuple(fc.constantFrom("from", "to"), fc.constantFrom("yesterday", "", "2026-13-45", "NaN", "1e400", "0x10"))
        .map(([k, v]) => broke(c, `transactions ${k}=${v}`, { method: "GET", path: "/transactions", query: `${k}=${encodeURIComponent(v)}`, bodyText: undefined })),
  ];
}
