import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ApprovalTokenClaims, signApprovalToken, verifyApprovalToken } from "../../src/domain/approval-token";
import { hmacSha256Hex } from "../../src/domain/hash";

const SECRET = "unit-test-approval-secret-0123456789";
const NOW_MS = Date.parse("2026-11-26T10:00:00.000Z");

const claims = (over: Partial<ApprovalTokenClaims> = {}): ApprovalTokenClaims => ({
  linkId: "lnk_01",
  batchId: "bat_01",
  checkerId: "checker-chen",
  fingerprint: "a".repeat(64),
  expiresAtMs: NOW_MS + 3_600_000,
  ...over,
});

/** Replaces the character at `index` with a different one from the same alphabet. */
function flip(text: string, index: number, alphabet: string): string {
  const current = text[index]!;
  const replacement = alphabet[(alphabet.indexOf(current) + 1) % alphabet.length]!;
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
/** A token whose body is `body` and whose signature is genuinely valid for it. */
const validlySigned = async (body: string, secret = SECRET) => `v1.${body}.${await hmacSha256Hex(secret, `v1.${body}`)}`;

describe("approval tokens", () => {
  it("verifies a token it signed and returns exactly the signed claims", async () => {
    const c = claims();
    const token = await signApprovalToken(c, SECRET);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[0-9a-f]{64}$/);
    expect(await verifyApprovalToken(token, SECRET, NOW_MS)).toEqual({ ok: true, claims: c });
  });

  it("round-trips any claims, including non-ASCII ids", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          linkId: fc.string({ minLength: 1, maxLength: 40 }),
          batchId: fc.string({ minLength: 1, maxLength: 40 }),
          checkerId: fc.string({ minLength: 1, maxLength: 40, unit: "grapheme" }),
          fingerprint: fc.stringMatching(/^[0-9a-f]{64}$/),
          expiresAtMs: fc.integer({ min: NOW_MS + 1, max: NOW_MS + 30 * 86_400_000 }),
        }),
        async (c) => {
          const token = await signApprovalToken(c, SECRET);
          expect(await verifyApprovalToken(token, SECRET, NOW_MS)).toEqual({ ok: true, claims: c });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("rejects a token whose signature has any one character changed", async () => {
    const token = await signApprovalToken(claims(), SECRET);
    const signatureStart = token.lastIndexOf(".") + 1;
    for (let i = signatureStart; i < token.length; i++) {
      const tampered = flip(token, i, "0123456789abcdef");
      expect(await verifyApprovalToken(tampered, SECRET, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
    }
  });

  it("rejects a token whose claims were edited after signing", async () => {
    const token = await signApprovalToken(claims(), SECRET);
    const [prefix, , signature] = token.split(".");
    // The same signature over claims naming another checker and a later expiry.
    const forgedBody = b64url(JSON.stringify(["lnk_01", "bat_01", "checker-carla", "a".repeat(64), NOW_MS + 86_400_000]));
    expect(await verifyApprovalToken(`${prefix}.${forgedBody}.${signature}`, SECRET, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
    const body = token.split(".")[1]!;
    for (let i = 0; i < body.length; i += 7) {
      const tampered = `${prefix}.${flip(body, i, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}.${signature}`;
      expect((await verifyApprovalToken(tampered, SECRET, NOW_MS)).ok).toBe(false);
    }
  });

  it("rejects a token signed with another secret", async () => {
    const token = await signApprovalToken(claims(), "some-other-secret-of-16-plus-chars");
    expect(await verifyApprovalToken(token, SECRET, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a token from its expiry instant on, and accepts it just before", async () => {
    const token = await signApprovalToken(claims({ expiresAtMs: NOW_MS }), SECRET);
    expect((await verifyApprovalToken(token, SECRET, NOW_MS - 1)).ok).toBe(true);
    expect(await verifyApprovalToken(token, SECRET, NOW_MS)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyApprovalToken(token, SECRET, NOW_MS + 86_400_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("checks the signature before expiry, so a forged expired token is reported as forged", async () => {
    const token = await signApprovalToken(claims({ expiresAtMs: NOW_MS - 1 }), "some-other-secret-of-16-plus-chars");
    expect(await verifyApprovalToken(token, SECRET, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["an empty string", ""],
    ["a token with two parts", "v1.abc"],
    ["a token with four parts", "v1.a.b.c"],
    ["a token of another version", "v2.abc.def"],
    ["a token over 2048 characters", `v1.${"A".repeat(2100)}.${"0".repeat(64)}`],
  ])("refuses %s as malformed", async (_name, token) => {
    expect(await verifyApprovalToken(token, SECRET, NOW_MS)).toEqual({ ok: false, reason: "malformed" });
  });

  it.each([
    ["a body that is not base64url", "not*base64"],
    ["a body that is not JSON", b64url("not json")],
    ["claims that are an object", b64url(JSON.stringify({ linkId: "lnk_01" }))],
    ["claims with four fields", b64url(JSON.stringify(["lnk", "bat", "chk", "f".repeat(64)]))],
    ["claims whose expiry is a string", b64url(JSON.stringify(["lnk", "bat", "chk", "f".repeat(64), "9999999999999"]))],
    ["claims with a numeric id", b64url(JSON.stringify([1, "bat", "chk", "f".repeat(64), NOW_MS + 1000]))],
  ])("refuses a correctly signed token with %s as malformed", async (_name, body) => {
    expect(await verifyApprovalToken(await validlySigned(body), SECRET, NOW_MS)).toEqual({ ok: false, reason: "malformed" });
  });
});
