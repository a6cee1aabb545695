// The API reference at /docs: Scalar's, drawn in the browser from /openapi.json. Its script is
// served by this Worker from static assets (wrangler.toml, [assets]), and the page's CSP lets it
// reach nothing but this origin, so the reference works offline and tells no one it was opened.

import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";
import type { AppEnv } from "./app-env";

const SCALAR_SCRIPT_PATH = "/docs/scalar.js";
/** The file in the assets directory (node_modules/@scalar/api-reference/dist/browser). */
const SCALAR_BUNDLE = "/standalone.js";

/**
 * Scalar's default theme, with the colours that fall short of WCAG AA's 4.5:1 for text darkened
 * (light) or lightened (dark) until they reach it on the theme's backgrounds (#fff to #f6f6f6
 * light, #0f0f0f to #272727 dark): the faint grey (and the middle one, to stay distinct from it),
 * the HTTP methods' colours (POST green, PUT orange, PATCH yellow, DELETE red) and the accent.
 * Code examples use the dark palette in either mode. Not in a CSS layer, so it wins over the theme.
 */
const ACCESSIBLE_COLOURS = `
.light-mode {
  --scalar-color-2: #595959;
  --scalar-color-3: #6e6e6e;
  --scalar-color-accent: #0073bf;
  --scalar-color-green: #04764f;
  --scalar-color-red: #d50005;
  --scalar-color-yellow: #806400;
  --scalar-color-orange: #c04300;
}
.dark-mode {
  --scalar-color-3: #919191;
  --scalar-color-red: #ef6461;
}`;

const renderReference = Scalar<AppEnv>({
  url: "/openapi.json",
  cdn: SCALAR_SCRIPT_PATH,
  pageTitle: "Disburse API reference",
  // Scalar's own theme rather than the Hono integration's orange dark variant, which is not
  // layered and so would override the colours above.
  theme: "default",
  customCss: ACCESSIBLE_COLOURS,
  // Off, everything that would reach elsewhere: fonts from fonts.scalar.com, telemetry, the
  // hosted API client, the AI agent (on by default on localhost), the developer tools' links to
  // Scalar's dashboard and registry. No proxyUrl: "Test Request" calls this service directly.
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  agent: { disabled: true },
  showDeveloperTools: "never",
  // "Download OpenAPI Document" links to /openapi.json itself.
  documentDownloadType: "direct",
});

/** The one inline script Scalar's page has: the call that mounts the reference. */
const INLINE_SCRIPT = /<script type="text\/javascript">([\s\S]*?)<\/script>/g;

async function sha256Base64(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
}

/**
 * Scripts from this origin plus Scalar's inline mount call, by its hash; styles inline (Scalar's
 * components set them at run time); requests only to this origin. Nothing else is allowed, eval
 * included (Scalar's bundled zod tries it and falls back).
 */
async function contentSecurityPolicy(page: string): Promise<string> {
  const inline = [...page.matchAll(INLINE_SCRIPT)].map((m) => m[1] ?? "");
  const [mount] = inline;
  if (mount === undefined || inline.length !== 1) throw new Error(`Scalar's page has ${inline.length} inline scripts, expected its one mount call`);
  return [
    "default-src 'none'",
    `script-src 'self' 'sha256-${await sha256Base64(mount)}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export const apiReference = new Hono<AppEnv>()
  .get("/docs", async (c, next) => {
    const rendered = await renderReference(c, next);
    if (!(rendered instanceof Response)) throw new Error("Scalar rendered no page");
    // Scalar's page names no language; screen readers and axe need it.
    const page = (await rendered.text()).replace("<html>", '<html lang="en">');
    return c.html(page, 200, { "content-security-policy": await contentSecurityPolicy(page), "x-content-type-options": "nosniff" });
  })
  .get(SCALAR_SCRIPT_PATH, (c) => c.env.ASSETS.fetch(new URL(SCALAR_BUNDLE, c.req.url)));
