// The ops console as a browser profile drives it from workerd: a cookie jar, redirects not
// followed, sign-in with an API token; and the page's text as a person reads it.

import { SELF } from "cloudflare:test";
import { expect } from "vitest";
import { TEST_ACTORS, type TestActor } from "./actors";

const BASE = "https://disburse.test";

export interface ConsolePage {
  status: number;
  html: string;
  location: string | null;
}

export class Visitor {
  readonly cookies = new Map<string, string>();

  async request(path: string, init: RequestInit = {}): Promise<ConsolePage> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await SELF.fetch(`${BASE}${path}`, { ...init, headers, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0\b/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, html: await res.text(), location: res.headers.get("location") };
  }

  get(path: string) {
    return this.request(path);
  }
}

const hiddenField = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? "";

export async function signedIn(actor: TestActor): Promise<Visitor> {
  const visitor = new Visitor();
  const form = await visitor.get("/ops/login");
  expect(form.status).toBe(200);
  const res = await visitor.request("/ops/login", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: BASE },
    body: new URLSearchParams({ csrf: hiddenField(form.html, "csrf"), next: "/ops", token: TEST_ACTORS[actor].token }).toString(),
  });
  expect(res.status, res.html.slice(0, 300)).toBe(303);
  return visitor;
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

/** The payout ids a page links to, in page order, each once. */
export const payoutLinks = (html: string) => [...new Set([...html.matchAll(/href="\/ops\/payouts\/(po_[0-9a-z]+)"/g)].map((m) => m[1]!))];
export const payeeLinks = (html: string) => [...new Set([...html.matchAll(/href="\/ops\/payees\/(pe_[0-9a-z]+)"/g)].map((m) => m[1]!))];
