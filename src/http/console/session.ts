// The ops console's sign-in sessions and CSRF tokens. A session is a row in D1, so it can be
// ended (signing out, everywhere, or by removing the token behind it); the cookie carries only
// `<keyId>.<sessionId>`, a Hono signed cookie under the session key it names (SESSION_KEYS
// rotate). Console forms carry a CSRF token derived from the session, the sign-in form one
// derived from a nonce cookie.

import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, generateSignedCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from "hono/cookie";
import { actorForTokenSha256, type Role } from "../../auth/actors";
import { consoleSessionSettings, type ConsoleSessionSettings, sessionKeys } from "../../config";
import { hmacSha256Hex, toHex } from "../../domain/hash";
import { keyById, type SigningKey } from "../../domain/signing-keys";
import type { Env } from "../../env";
import { database } from "../../store/client";
import { getSession, insertSession, revokeActorSessions, revokeSession, touchSession } from "../../store/console-sessions";
import type { FormFields } from "../middleware/forms";
import type { Viewer } from "./pages/shell";

export type OpsEnv = { Bindings: Env; Variables: { viewer: Viewer; session: OpsSession; form: FormFields } };
export type OpsContext = Context<OpsEnv>;

const SESSION_COOKIE = "disburse_ops";
const LOGIN_COOKIE = "disburse_ops_login";
const LOGIN_FORM_TTL_SECONDS = 1800;
/** Last use is written when older than this, so a busy operator costs one write a minute, not one a page. */
export const LAST_SEEN_EVERY_MS = 60_000;
export const MAX_FORM_BYTES = 16_384;
/** Console forms are sent urlencoded; nothing in the console takes a file. */
export const CONSOLE_FORM_TYPES = ["application/x-www-form-urlencoded"] as const;
/** Far more than any session we sign: a longer cookie is not ours and is not worth verifying. */
const MAX_COOKIE_CHARS = 512;
const SESSION_ID_PATTERN = /^ses_[0-9a-f]{32}$/;

/** A live session, as this request proved it. */
export interface OpsSession {
  sessionId: string;
  actorId: string;
  /** The actor's console roles in API_TOKENS now (never system). */
  roles: Role[];
  /** The secret of the key that signed the cookie: the CSRF token is an HMAC under it too. */
  keySecret: string;
}

/** The cookie's own key, so no other HMAC of a session secret (the CSRF tokens) can pass as a session's signature. */
const cookieKey = (secret: string) => hmacSha256Hex(secret, "ops-session-cookie");
const csrfFor = (secret: string, sessionId: string) => hmacSha256Hex(secret, `ops-csrf|${sessionId}`);
const loginCsrfFor = (secret: string, nonce: string) => hmacSha256Hex(secret, `ops-login|${nonce}`);
/** The newest key signs; every listed key verifies. */
const signingKey = (env: Env) => sessionKeys(env)[0]!;

const cookieOptions = (c: Context, path: string, maxAgeSeconds: number) =>
  ({ httpOnly: true, sameSite: "Strict", secure: new URL(c.req.url).protocol === "https:", path, maxAge: maxAgeSeconds }) as const;

/** The session cookie's value for a session id as signing in signs it, before URI-encoding (tests sign with old and unknown keys). */
export async function sessionCookieValue(sessionId: string, key: SigningKey): Promise<string> {
  const cookie = await generateSignedCookie(SESSION_COOKIE, `${key.id}.${sessionId}`, await cookieKey(key.secret));
  return decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1, cookie.indexOf(";")));
}

/** The lifetime and idle timeout, for the sign-in page to state. */
export const sessionSettings = (c: OpsContext): ConsoleSessionSettings => consoleSessionSettings(c.env);

/** Signs the actor in: a new session row, its id in the cookie; the sign-in form's nonce is no longer needed. */
export async function startSession(c: OpsContext, actorId: string, tokenSha256: string): Promise<void> {
  const { lifetimeMs } = consoleSessionSettings(c.env);
  const key = signingKey(c.env);
  const sessionId = `ses_${toHex(crypto.getRandomValues(new Uint8Array(16)))}`;
  const nowMs = Date.now();
  const nowIso = new Date(nowMs).toISOString();
  await insertSession(database(c.env.DB), { id: sessionId, actorId, tokenSha256, createdAt: nowIso, lastSeenAt: nowIso, expiresAt: new Date(nowMs + lifetimeMs).toISOString() });
  await setSignedCookie(c, SESSION_COOKIE, `${key.id}.${sessionId}`, await cookieKey(key.secret), cookieOptions(c, "/ops", Math.floor(lifetimeMs / 1000)));
  deleteCookie(c, LOGIN_COOKIE, { path: "/ops/login" });
}

/** Signs this browser out: the session is revoked, not only forgotten by the browser. */
export async function endSession(c: OpsContext, sessionId: string): Promise<void> {
  await revokeSession(database(c.env.DB), sessionId, "signed_out", new Date().toISOString());
  deleteCookie(c, SESSION_COOKIE, { path: "/ops" });
}

/** Signs the actor out on every browser; returns how many sessions ended (this one included). */
export async function endEverySession(c: OpsContext, actorId: string): Promise<number> {
  const ended = await revokeActorSessions(database(c.env.DB), actorId, "signed_out_everywhere", new Date().toISOString());
  deleteCookie(c, SESSION_COOKIE, { path: "/ops" });
  return ended;
}

/** The session id the cookie carries, if its signature checks out under a listed key. */
async function signedSessionId(c: OpsContext): Promise<{ sessionId: string; key: SigningKey } | null> {
  const raw = getCookie(c, SESSION_COOKIE);
  if (!raw || raw.length > MAX_COOKIE_CHARS) return null;
  const key = keyById(sessionKeys(c.env), raw.slice(0, raw.indexOf(".")));
  if (!key) return null;
  const value = await getSignedCookie(c, await cookieKey(key.secret), SESSION_COOKIE);
  if (!value || !value.startsWith(`${key.id}.`)) return null;
  const sessionId = value.slice(key.id.length + 1);
  return SESSION_ID_PATTERN.test(sessionId) ? { sessionId, key } : null;
}

/**
 * The request's session, if its cookie is signed by a listed key and its row is live: not
 * revoked, within its lifetime and idle timeout, and its token still in API_TOKENS for the same
 * actor (otherwise it is revoked now, for good).
 */
export async function readSession(c: OpsContext): Promise<OpsSession | null> {
  const signed = await signedSessionId(c);
  if (!signed) return null;
  const db = database(c.env.DB);
  const row = await getSession(db, signed.sessionId);
  if (!row || row.revokedAt !== null) return null;
  const { idleTimeoutMs, lifetimeMs } = consoleSessionSettings(c.env);
  const nowMs = Date.now();
  const lastSeenMs = Date.parse(row.lastSeenAt);
  // The lifetime as configured now too, so shortening it applies to sessions already open.
  if (nowMs >= Date.parse(row.expiresAt) || nowMs >= Date.parse(row.createdAt) + lifetimeMs || nowMs >= lastSeenMs + idleTimeoutMs) return null;
  const actor = actorForTokenSha256(c.env.API_TOKENS, row.tokenSha256);
  const roles = actor?.actorId === row.actorId ? actor.roles.filter((role) => role !== "system") : [];
  if (roles.length === 0) {
    await revokeSession(db, row.id, "token_removed", new Date(nowMs).toISOString());
    return null;
  }
  if (nowMs - lastSeenMs >= LAST_SEEN_EVERY_MS) await touchSession(db, row.id, new Date(nowMs).toISOString(), new Date(nowMs - LAST_SEEN_EVERY_MS).toISOString());
  return { sessionId: row.id, actorId: row.actorId, roles, keySecret: signed.key.secret };
}

/** Lets a request with a live session through as its viewer; sends anyone else to sign in. */
export const requireSession: MiddlewareHandler<OpsEnv> = async (c, next) => {
  const session = await readSession(c);
  if (!session) {
    if (getCookie(c, SESSION_COOKIE) !== undefined) deleteCookie(c, SESSION_COOKIE, { path: "/ops" });
    const url = new URL(c.req.url);
    return c.redirect(c.req.method === "GET" ? `/ops/login?next=${encodeURIComponent(url.pathname + url.search)}` : "/ops/login", 303);
  }
  c.set("session", session);
  c.set("viewer", { actorId: session.actorId, roles: session.roles, csrfToken: await csrfFor(session.keySecret, session.sessionId) });
  await next();
};

/** Sets a fresh nonce cookie for a sign-in form and returns the CSRF token the form carries. */
export async function issueLoginCsrf(c: OpsContext): Promise<string> {
  const nonce = crypto.randomUUID();
  setCookie(c, LOGIN_COOKIE, nonce, cookieOptions(c, "/ops/login", LOGIN_FORM_TTL_SECONDS));
  return loginCsrfFor(signingKey(c.env).secret, nonce);
}

/** The CSRF token a posted sign-in form must carry; null without the form's nonce cookie. */
export async function expectedLoginCsrf(c: OpsContext): Promise<string | null> {
  const nonce = getCookie(c, LOGIN_COOKIE);
  return nonce ? loginCsrfFor(signingKey(c.env).secret, nonce) : null;
}
