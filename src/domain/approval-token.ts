// Signed approval-link tokens. A token names one link, one batch, one checker and the batch
// fingerprint the checker is asked to approve, and expires. The signature is HMAC-SHA256 with a
// key from secrets; it is compared in constant time.

import { hmacSha256Hex, timingSafeEqual } from "./hash";

export interface ApprovalTokenClaims {
  linkId: string;
  batchId: string;
  checkerId: string;
  fingerprint: string;
  expiresAtMs: number;
}

export type TokenCheck = { ok: true; claims: ApprovalTokenClaims } | { ok: false; reason: "malformed" | "bad_signature" | "expired" };

const PREFIX = "v1";

export async function signApprovalToken(claims: ApprovalTokenClaims, secret: string): Promise<string> {
  const body = base64UrlEncode(
    JSON.stringify([claims.linkId, claims.batchId, claims.checkerId, claims.fingerprint, claims.expiresAtMs]),
  );
  const signature = await hmacSha256Hex(secret, `${PREFIX}.${body}`);
  return `${PREFIX}.${body}.${signature}`;
}

export async function verifyApprovalToken(token: string, secret: string, nowMs: number): Promise<TokenCheck> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX || token.length > 2048) return { ok: false, reason: "malformed" };
  const [, body, signature] = parts as [string, string, string];
  const expected = await hmacSha256Hex(secret, `${PREFIX}.${body}`);
  if (!timingSafeEqual(expected, signature)) return { ok: false, reason: "bad_signature" };
  let decoded: unknown;
  try {
    decoded = JSON.parse(base64UrlDecode(body));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 5 ||
    !decoded.slice(0, 4).every((v) => typeof v === "string") ||
    typeof decoded[4] !== "number"
  ) {
    return { ok: false, reason: "malformed" };
  }
  const [linkId, batchId, checkerId, fingerprint, expiresAtMs] = decoded as [string, string, string, string, number];
  if (nowMs >= expiresAtMs) return { ok: false, reason: "expired" };
  return { ok: true, claims: { linkId, batchId, checkerId, fingerprint, expiresAtMs } };
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
