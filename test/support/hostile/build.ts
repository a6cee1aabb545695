// Turns recipes into the requests they describe: encodes paths, queries and bodies, and signs
// approval tokens, CSRF proofs and bank webhooks where the recipe says so.

import { env } from "cloudflare:test";
import { SIMBANK_SIGNATURE_HEADER } from "../../../src/sim/simulated-bank";
import { approvalLinkKeys } from "../../../src/config";
import { hmacSha256Hex } from "../../../src/domain/hash";
import { CSRF_COOKIE } from "../../../src/http/approval/routes";
import { tokenFor } from "../batches";
import { authorizationOf } from "./auth";
import { toJsonText } from "./json";
import type { Operation } from "./operations";
import { bodyTextOf, type OperationCase, type PageCase, pathOf, type SimbankCase, type TokenRecipe, type WebhookCase } from "./recipes";
import type { HostileRequest } from "./request";
import { isReplayOf, type World } from "./world";

export function buildOperationRequest(c: OperationCase, ops: readonly Operation[], world: World): HostileRequest {
  const op = ops.find((o) => o.label === c.op)!;
  const path = pathOf(op, c);
  const query = Object.entries(c.query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  const headers: Record<string, string> = { ...c.headers, ...authorizationOf(c.actor, c.authorization) };
  const body = bodyTextOf(c);
  if (body !== undefined && c.contentType !== null) headers["content-type"] = c.contentType ?? "application/json";
  const used = c.actor ? world.usedKeys[c.actor] : undefined;
  if (used && headers["idempotency-key"] === used.key && c.method === "POST" && isReplayOf(used, path, body)) {
    throw new Error("generator bug: an idempotency-key reuse that is an exact replay");
  }
  return { broken: [`${c.op}:`, ...c.broken], method: c.method, url: query ? `${path}?${query}` : path, headers, ...(body === undefined ? {} : { body }), answers: "json" };
}

async function tokenOf(recipe: TokenRecipe, world: World): Promise<string> {
  switch (recipe.kind) {
    case "issued":
      return tokenFor(world.links[recipe.link]);
    case "signed":
      return tokenFor(world.links[recipe.link], recipe.claims, recipe.secret);
    case "tampered": {
      const token = await tokenFor(world.links[recipe.link]);
      const at = recipe.at % token.length;
      const char = token[at] === recipe.char ? (recipe.char === "0" ? "1" : "0") : recipe.char;
      return token.slice(0, at) + char + token.slice(at + 1);
    }
    case "literal":
      return recipe.token;
  }
}

const csrfFor = (linkId: string, nonce: string) => hmacSha256Hex(approvalLinkKeys(env)[0]!.secret, `csrf|${linkId}|${nonce}`);

export async function buildPageRequest(c: PageCase, world: World): Promise<HostileRequest> {
  const token = await tokenOf(c.token, world);
  const url = `/approvals/${encodeURIComponent(token)}`;
  if (c.method === "GET") return { broken: c.broken, method: "GET", url, headers: {}, answers: "html" };

  const nonce = "nonce-0123456789";
  const fields = await formFields(c, world, nonce);
  const headers: Record<string, string> = {};
  if (c.csrf !== "no-cookie") headers.cookie = `${CSRF_COOKIE}=${nonce}`;
  if (c.origin !== undefined) headers.origin = c.origin;
  const { contentType, body } = encodeForm(c.contentType, fields);
  headers["content-type"] = contentType;
  return { broken: c.broken, method: "POST", url, headers, body, answers: "html" };
}

/** The form's fields, with the CSRF proof the recipe asks for and any padding. */
async function formFields(c: PageCase, world: World, nonce: string): Promise<Record<string, string>> {
  const linkId = c.token.kind === "literal" ? "no-link" : world.links[c.token.link].id;
  const fields: Record<string, string> = { ...c.fields };
  if (c.csrf === "valid" || c.csrf === "no-cookie") fields.csrf = await csrfFor(linkId, nonce);
  if (c.csrf === "garbage") fields.csrf = "0".repeat(64);
  if (c.csrf === "other-nonce") fields.csrf = await csrfFor(linkId, "another-nonce-987");
  if (c.csrf === "other-link") fields.csrf = await csrfFor(world.links.pendingOther.id, nonce);
  if (c.pad !== undefined) fields.pad = "p".repeat(c.pad);
  return fields;
}

function encodeForm(as: PageCase["contentType"], fields: Record<string, string>): { contentType: string; body: string } {
  if (as === "multipart") {
    const boundary = "hostile-boundary-7f3a";
    const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
    return { contentType: `multipart/form-data; boundary=${boundary}`, body: parts.join("") + `--${boundary}--\r\n` };
  }
  if (as === "json") return { contentType: "application/json", body: JSON.stringify(fields) };
  return { contentType: as === "text" ? "text/plain" : "application/x-www-form-urlencoded", body: new URLSearchParams(fields).toString() };
}

export async function buildWebhookRequest(c: WebhookCase): Promise<HostileRequest> {
  const body = c.bodyText ?? toJsonText(c.payload ?? null);
  const headers: Record<string, string> = {};
  if (c.contentType !== null) headers["content-type"] = c.contentType;
  const sig = c.signature;
  if (sig.kind === "header") headers[SIMBANK_SIGNATURE_HEADER] = sig.value;
  if (sig.kind === "hmac") {
    const t = Math.floor(Date.now() / 1000) + sig.offsetSeconds;
    const mac = await hmacSha256Hex(sig.secret, `${t}.${sig.over ?? body}`);
    headers[SIMBANK_SIGNATURE_HEADER] = `t=${t},v1=${sig.upper ? mac.toUpperCase() : mac}`;
  }
  return { broken: c.broken, method: "POST", url: `/v1/webhooks/bank/${c.provider}`, headers, body, answers: "json" };
}

export function buildSimbankRequest(c: SimbankCase): HostileRequest {
  const headers: Record<string, string> = { ...authorizationOf(c.actor, c.authorization) };
  if (c.bodyText !== undefined && c.contentType !== null) headers["content-type"] = c.contentType ?? "application/json";
  const url = `/v1/simbank${c.path}${c.query ? `?${c.query}` : ""}`;
  return { broken: c.broken, method: c.method, url, headers, ...(c.bodyText === undefined || c.method === "GET" ? {} : { body: c.bodyText }), answers: "json" };
}
