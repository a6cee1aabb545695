// The ops console's sign-in session and CSRF tokens. The session is a Hono signed cookie holding
// only who signed in and until when (never their token); the console's forms carry a CSRF token
// derived from the session, and the sign-in form one derived from a nonce cookie.

import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, generateSignedCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from "hono/cookie";
import { z } from "zod";
import { actorsWithRole, ROLES, type Role } from "../../auth/actors";
import { hmacSha256Hex } from "../../domain/hash";
import type { Env } from "../../env";
import type { FormFields } from "../middleware/forms";
import type { Viewer } from "./pages/shell";

export type OpsEnv = { Bindings: Env; Variables: { viewer: Viewer; form: FormFields } };
export type OpsContext = Context<OpsEnv>;

const SESSION_COOKIE = "disburse_ops";
const LOGIN_COOKIE = "disburse_ops_login";
const SESSION_TTL_MS = 8 * 3600_000;
const LOGIN_FORM_TTL_SECONDS = 1800;
export const MAX_FORM_BYTES = 16_384;
/** Console forms are sent urlencoded; nothing in the console takes a file. */
export const CONSOLE_FORM_TYPES = ["application/x-www-form-urlencoded"] as const;
/** Far more than any session we sign: a longer cookie is not ours and is not worth verifying. */
const MAX_COOKIE_CHARS = 2048;

export interface OpsSession {
  /** Random per sign-in; the CSRF token is an HMAC of it. */
  sid: string;
  actorId: string;
  roles: Role[];
  expiresAtMs: number;
}

const sessionSchema = z.object({
  sid: z.string().min(16).max(64),
  actorId: z.string().min(1).max(100),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  expiresAtMs: z.number().int(),
});

function sessionSecret(env: Env): string {
  if (!env.SESSION_SECRET || env.SESSION_SECRET.length < 16) throw new Error("SESSION_SECRET is not configured (16+ characters)");
  return env.SESSION_SECRET;
}

/** The cookie's own key, so no other HMAC of SESSION_SECRET (the CSRF tokens) can pass as a session's signature. */
const cookieKey = (secret: string) => hmacSha256Hex(secret, "ops-session-cookie");
const csrfFor = (secret: string, sid: string) => hmacSha256Hex(secret, `ops-csrf|${sid}`);
const loginCsrfFor = (secret: string, nonce: string) => hmacSha256Hex(secret, `ops-login|${nonce}`);

const cookieOptions = (c: Context, path: string, maxAgeSeconds: number) =>
  ({ httpOnly: true, sameSite: "Strict", secure: new URL(c.req.url).protocol === "https:", path, maxAge: maxAgeSeconds }) as const;

/** The session cookie's value, exactly as signing in sets it (tests sign their own sessions with it). */
export async function signSession(session: OpsSession, secret: string): Promise<string> {
  const cookie = await generateSignedCookie(SESSION_COOKIE, base64UrlEncode(JSON.stringify(session)), await cookieKey(secret));
  return cookie.slice(SESSION_COOKIE.length + 1, cookie.indexOf(";"));
}

/** Signs the actor in for SESSION_TTL_MS; the sign-in form's nonce is no longer needed. */
export async function startSession(c: OpsContext, actorId: string, roles: Role[]): Promise<void> {
  const session: OpsSession = { sid: crypto.randomUUID(), actorId, roles, expiresAtMs: Date.now() + SESSION_TTL_MS };
  const key = await cookieKey(sessionSecret(c.env));
  await setSignedCookie(c, SESSION_COOKIE, base64UrlEncode(JSON.stringify(session)), key, cookieOptions(c, "/ops", SESSION_TTL_MS / 1000));
  deleteCookie(c, LOGIN_COOKIE, { path: "/ops/login" });
}

export function endSession(c: OpsContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/ops" });
}

/**
 * The request's session, if its signature checks out, it has not expired, and its actor still
 * holds its roles in API_TOKENS (so removing a person's token ends their sessions too).
 */
export async function readSession(c: OpsContext): Promise<OpsSession | null> {
  const raw = getCookie(c, SESSION_COOKIE);
  if (!raw || raw.length > MAX_COOKIE_CHARS) return null;
  const body = await getSignedCookie(c, await cookieKey(sessionSecret(c.env)), SESSION_COOKIE);
  if (!body) return null;
  let parsed;
  try {
    parsed = sessionSchema.safeParse(JSON.parse(base64UrlDecode(body)));
  } catch {
    return null;
  }
  const nowMs = Date.now();
  if (!parsed.success || nowMs >= parsed.data.expiresAtMs || parsed.data.expiresAtMs > nowMs + SESSION_TTL_MS) return null;
  const session = parsed.data;
  const roles = session.roles.filter((role) => role !== "system" && actorsWithRole(c.env.API_TOKENS, role).some((a) => a.actorId === session.actorId));
  return roles.length > 0 ? { ...session, roles } : null;
}

/** Lets a request with a live session through as its viewer; sends anyone else to sign in. */
export const requireSession: MiddlewareHandler<OpsEnv> = async (c, next) => {
  const session = await readSession(c);
  if (!session) {
    if (getCookie(c, SESSION_COOKIE) !== undefined) endSession(c);
    const url = new URL(c.req.url);
    return c.redirect(c.req.method === "GET" ? `/ops/login?next=${encodeURIComponent(url.pathname + url.search)}` : "/ops/login", 303);
  }
  const csrfToken = await csrfFor(sessionSecret(c.env), session.sid);
  c.set("viewer", { actorId: session.actorId, roles: session.roles, csrfToken });
  await next();
};

/** Sets a fresh nonce cookie for a sign-in form and returns the CSRF token the form carries. */
export async function issueLoginCsrf(c: OpsContext): Promise<string> {
  const nonce = crypto.randomUUID();
  setCookie(c, LOGIN_COOKIE, nonce, cookieOptions(c, "/ops/login", LOGIN_FORM_TTL_SECONDS));
  return loginCsrfFor(sessionSecret(c.env), nonce);
}

/** The CSRF token a posted sign-in form must carry; null without the form's nonce cookie. */
export async function expectedLoginCsrf(c: OpsContext): Promise<string | null> {
  const nonce = getCookie(c, LOGIN_COOKIE);
  return nonce ? loginCsrfFor(sessionSecret(c.env), nonce) : null;
}

function base64UrlEncode(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}
