// A browser profile for the ops console and approval pages that can run against changed
// configuration: its requests go to the Worker with the test bindings, or with `bindings` (a
// rotated key, a removed token, an extra actor) through the app itself. Cookies are kept, redirects
// are not followed, forms are posted urlencoded with the page's CSRF token.

import { createExecutionContext, env, SELF } from "cloudflare:test";
import { expect } from "vitest";
import { sha256Hex } from "../../src/domain/hash";
import type { Env } from "../../src/env";
import { createApp } from "../../src/http/app";
import { TEST_ACTORS, type TestActor } from "./actors";

export const BASE = "https://disburse.test";
const app = createApp();

export interface BrowserPage {
  status: number;
  html: string;
  location: string | null;
  retryAfter: string | null;
  setCookies: string[];
  headers: Headers;
}

export class Browser {
  readonly cookies = new Map<string, string>();

  /** `ip`: sent as cf-connecting-ip, as Cloudflare's edge would, so limits per client can be kept apart. */
  constructor(
    public bindings: Env | null = null,
    readonly ip: string | null = null,
  ) {}

  async request(path: string, init: RequestInit = {}): Promise<BrowserPage> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    if (this.ip) headers.set("cf-connecting-ip", this.ip);
    const request = new Request(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
    const res = this.bindings ? await app.fetch(request, this.bindings, createExecutionContext()) : await SELF.fetch(request);
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0\b/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, html: await res.text(), location: res.headers.get("location"), retryAfter: res.headers.get("retry-after"), setCookies, headers: res.headers };
  }

  get(path: string) {
    return this.request(path);
  }

  /** A form post; `origin: null` sends none, as a client that is not a browser would. */
  post(path: string, fields: Record<string, string>, opts: { origin?: string | null } = {}) {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (opts.origin !== null) headers.origin = opts.origin ?? BASE;
    return this.request(path, { method: "POST", headers, body: new URLSearchParams(fields).toString() });
  }

  /** Posts the sign-in form (opened with `next`, if any) with `token`; the answer is 303 when it opened the console. */
  async signIn(token: string, next?: string): Promise<BrowserPage> {
    const form = await this.get(`/ops/login${next ? `?next=${encodeURIComponent(next)}` : ""}`);
    expect(form.status).toBe(200);
    return this.post("/ops/login", { csrf: hiddenField(form.html, "csrf"), next: hiddenField(form.html, "next"), token });
  }

  /** Opens a page and posts one of its forms with the page's CSRF token. */
  async submit(pagePath: string, action: string, fields: Record<string, string> = {}): Promise<BrowserPage> {
    const page = await this.get(pagePath);
    expect(page.status, page.html.slice(0, 300)).toBe(200);
    return this.post(action, { csrf: hiddenField(page.html, "csrf"), ...fields });
  }

  /** The session id the session cookie carries. */
  get sessionId(): string | undefined {
    const value = this.cookies.get("disburse_ops");
    return value === undefined ? undefined : decodeURIComponent(value).split(".")[1];
  }
}

/** A browser profile signed in as the test actor (with the test bindings, or `bindings`). */
export async function signedIn(actor: TestActor, bindings: Env | null = null): Promise<Browser> {
  const browser = new Browser(bindings);
  const res = await browser.signIn(TEST_ACTORS[actor].token);
  expect(res.status, res.html.slice(0, 300)).toBe(303);
  return browser;
}

export const hiddenField = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

export interface ExtraActor {
  actorId: string;
  roles: string[];
  token: string;
}

/** The test bindings with `over` applied and API_TOKENS extended by actors no other test file knows. */
export async function bindingsWith(over: Partial<Env>, extra: ExtraActor[] = []): Promise<Env> {
  const tokens = JSON.parse(env.API_TOKENS) as unknown[];
  for (const a of extra) tokens.push({ actorId: a.actorId, roles: a.roles, tokenSha256: await sha256Hex(a.token) });
  return { ...env, ...over, API_TOKENS: JSON.stringify(tokens) };
}

/** A unique actor with a token, for tests that end every session of an actor or lock one out. */
export function uniqueActor(prefix: string, roles: string[] = ["auditor"]): ExtraActor {
  const id = `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
  return { actorId: id, roles, token: `test-token-${id}-${crypto.randomUUID()}` };
}

/** The page's text without tags, whitespace collapsed, so assertions read like what a person sees. */
export const textOf = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");

/** The text of the element carrying this data-testid (the first one, up to its closing tag). */
export const testIdText = (html: string, id: string) => {
  const m = new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</(dd|p|table)>`).exec(html);
  return m ? textOf(m[1]!).trim() : null;
};

/** The text of the section (card) with this aria-label. */
export const cardText = (html: string, label: string) => {
  const m = new RegExp(`<section class="card[^"]*" aria-label="${label}">([\\s\\S]*?)</section>`).exec(html);
  return m ? textOf(m[1]!) : null;
};

/** The payout ids a page links to, in page order, each once. */
export const payoutLinks = (html: string) => [...new Set([...html.matchAll(/href="\/ops\/payouts\/(po_[0-9a-z]+)"/g)].map((m) => m[1]!))];
export const payeeLinks = (html: string) => [...new Set([...html.matchAll(/href="\/ops\/payees\/(pe_[0-9a-z]+)"/g)].map((m) => m[1]!))];
