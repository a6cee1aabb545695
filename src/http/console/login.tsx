// Signing in to the ops console: a person pastes their own API token once; the console then
// keeps only a session, server-side, whose id the cookie carries (see session.ts). Service tokens
// cannot sign in.

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { actorForTokenSha256 } from "../../auth/actors";
import { sha256Hex } from "../../domain/hash";
import { attemptGuard, clientKey, retryInWords } from "../middleware/failure-limits";
import { formPost } from "../middleware/forms";
import { LoginPage } from "./pages/login";
import { CONSOLE_FORM_TYPES, expectedLoginCsrf, issueLoginCsrf, MAX_FORM_BYTES, type OpsContext, type OpsEnv, readSession, sessionSettings, startSession } from "./session";

const NO_ORACLE = "That token does not open the console. Paste your personal API token; service tokens cannot sign in.";

/** Where to go after signing in: only a console page, never another site. */
function safeNext(value: unknown): string {
  if (typeof value !== "string" || value.length > 500) return "/ops";
  if (!/^\/ops(?:[/?][\w\-/?=&%.~+]*)?$/.test(value) || /^\/ops\/log(?:in|out)/.test(value)) return "/ops";
  if (/\/\.|%/.test(value.split("?")[0]!)) return "/ops"; // no dot segments or encoded characters in the path
  return value;
}

const SIGNED_OUT: Record<string, string> = { "1": "You are signed out.", all: "You are signed out on every browser." };

async function loginPage(c: OpsContext, opts: { next: string; error?: string; info?: string | undefined }, status: ContentfulStatusCode = 200) {
  const csrfToken = await issueLoginCsrf(c);
  return c.html(<LoginPage csrfToken={csrfToken} next={opts.next} error={opts.error} info={opts.info} session={sessionSettings(c)} />, status);
}

/** Every refusal of the form itself (foreign, too large, stale) gets the same fresh form: sign in again. */
const signInForm = formPost<OpsEnv>({
  maxBytes: MAX_FORM_BYTES,
  mediaTypes: CONSOLE_FORM_TYPES,
  expectedCsrf: expectedLoginCsrf,
  refuse: (c, _why, form) => loginPage(c, { next: safeNext(form?.next), error: "This sign-in form expired or came from another site. Sign in again." }, 403),
});

export const signInPages = new Hono<OpsEnv>()
  .get("/login", async (c) => {
    const next = safeNext(c.req.query("next"));
    if (await readSession(c)) return c.redirect(next, 303);
    return loginPage(c, { next, info: SIGNED_OUT[c.req.query("out") ?? ""] });
  })
  .post("/login", signInForm, async (c) => {
    const form = c.get("form");
    const next = safeNext(form.next);
    const token = (form.token ?? "").trim();
    const tokenSha256 = await sha256Hex(token);
    // Per client, and per token tried: a prefix of its hash is enough to tell retries of one token apart.
    const guard = attemptGuard(c.env, "sign-in", [clientKey(c), `token:${tokenSha256.slice(0, 16)}`]);
    const retryAfter = await guard.retryAfterSeconds();
    if (retryAfter > 0) {
      c.header("retry-after", String(retryAfter));
      return loginPage(c, { next, error: `Too many failed sign-ins from here. Try again ${retryInWords(retryAfter)}.` }, 429);
    }
    const actor = /^[\x21-\x7e]{16,512}$/.test(token) ? actorForTokenSha256(c.env.API_TOKENS, tokenSha256) : null;
    const roles = actor ? actor.roles.filter((role) => role !== "system") : [];
    // One answer for an unknown token and a service token alike: no oracle for guessing.
    if (!actor || roles.length === 0) {
      await guard.recordFailure();
      return loginPage(c, { next, error: NO_ORACLE }, 401);
    }
    await startSession(c, actor.actorId, tokenSha256);
    return c.redirect(next, 303);
  });
