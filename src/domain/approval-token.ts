// Signed approval-link tokens. A token names one link, one batch, one checker and the batch
// fingerprint the checker is asked to approve, and expires. The signature is HMAC-SHA256 under
// the key the token names (keys rotate: signing-keys.ts); it is compared in constant time.

import { hmacSha256Hex, timingSafeEqual } from "./hash";
import { KEY_ID_PATTERN, keyById, LEGACY_KEY_ID, type SigningKey } from "./signing-keys";

export interface ApprovalTokenClaims {
  linkId: string;
  batchId: string;
  checkerId: string;
  fingerprint: string;
  expiresAtMs: number;
}

export type TokenCheck =
  | { ok: true; claims: ApprovalTokenClaims; keyId: string }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "unknown_key" };

/** v2 names its key (`v2.<keyId>.<claims>.<signature>`); v1 (`v1.<claims>.<signature>`) was signed before keys had ids, by k0. */
const PREFIX = "v2";
const MAX_TOKEN_CHARS = 2048;

export async function signApprovalToken(claims: ApprovalTokenClaims, key: SigningKey): Promise<string> {
  const body = base64UrlEncode(
    JSON.stringify([claims.linkId, claims.batchId, claims.checkerId, claims.fingerprint, claims.expiresAtMs]),
  );
  const signed = `${PREFIX}.${key.id}.${body}`;
  return `${signed}.${await hmacSha256Hex(key.secret, signed)}`;
}

/** The token's parts, before any signature is checked; null when it is not shaped as a token. */
function splitToken(token: string): { keyId: string; signed: string; body: string; signature: string } | null {
  if (token.length > MAX_TOKEN_CHARS) return null;
  const parts = token.split(".");
  if (parts.length === 3 && parts[0] === "v1") return { keyId: LEGACY_KEY_ID, signed: `v1.${parts[1]}`, body: parts[1]!, signature: parts[2]! };
  if (parts.length === 4 && parts[0] === PREFIX && KEY_ID_PATTERN.test(parts[1]!)) {
    return { keyId: parts[1]!, signed: `${PREFIX}.${parts[1]}.${parts[2]}`, body: parts[2]!, signature: parts[3]! };
  }
  return null;
}

/**
 * The link id a token names, unverified: what repeated failures against one link are counted
 * by (anyone can write any id into a token, so this must never decide anything else).
 */
export function claimedLinkId(token: string): string | null {
  const parts = splitToken(token);
  const decoded = parts ? decodeClaims(parts.body) : null;
  return decoded && /^[\x21-\x7e]{1,100}$/.test(decoded[0]) ? decoded[0] : null;
}

/** Verifies with the listed key the token names; a key no longer listed fails like a bad signature would. */
export async function verifyApprovalToken(token: string, keys: readonly SigningKey[], nowMs: number): Promise<TokenCheck> {
  const parts = splitToken(token);
  if (!parts) return { ok: false, reason: "malformed" };
  const key = keyById(keys, parts.keyId);
  if (!key) return { ok: false, reason: "unknown_key" };
  const expected = await hmacSha256Hex(key.secret, parts.signed);
  if (!timingSafeEqual(expected, parts.signature)) return { ok: false, reason: "bad_signature" };
  const decoded = decodeClaims(parts.body);
  if (!decoded) return { ok: false, reason: "malformed" };
  const [linkId, batchId, checkerId, fingerprint, expiresAtMs] = decoded;
  if (nowMs >= expiresAtMs) return { ok: false, reason: "expired" };
  return { ok: true, claims: { linkId, batchId, checkerId, fingerprint, expiresAtMs }, keyId: key.id };
}

function decodeClaims(body: string): [string, string, string, string, number] | null {
  let decoded: unknown;
  try {
    decoded = JSON.parse(base64UrlDecode(body));
  } catch {
    return null;
  }
  const shaped = Array.isArray(decoded) && decoded.length === 5 && decoded.slice(0, 4).every((v) => typeof v === "string") && typeof decoded[4] === "number";
  return shaped ? (decoded as [string, string, string, string, number]) : null;
}

function base64UrlEncode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
