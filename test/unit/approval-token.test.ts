import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ApprovalTokenClaims, claimedLinkId, signApprovalToken, verifyApprovalToken } from "../../src/domain/approval-token";
import { hmacSha256Hex } from "../../src/domain/hash";

const SECRET = "unit-test-approval-secret-0123456789";
const KEY = { id: "k0", secret: SECRET };
const KEYS = [KEY];
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
const validlySigned = async (body: string, secret = SECRET) => `v2.k0.${body}.${await hmacSha256Hex(secret, `v2.k0.${body}`)}`;

describe("approval tokens", () => {
  it("verifies a token it signed and returns exactly the signed claims", async () => {
    const c = claims();
    const token = await signApprovalToken(c, KEY);
    expect(token).toMatch(/^v2\.k0\.[A-Za-z0-9_-]+\.[0-9a-f]{64}$/);
    expect(await verifyApprovalToken(token, KEYS, NOW_MS)).toEqual({ ok: true, claims: c, keyId: "k0" });
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
          const token = await signApprovalToken(c, KEY);
          expect(await verifyApprovalToken(token, KEYS, NOW_MS)).toEqual({ ok: true, claims: c, keyId: "k0" });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("rejects a token whose signature has any one character changed", async () => {
    const token = await signApprovalToken(claims(), KEY);
    const signatureStart = token.lastIndexOf(".") + 1;
    for (let i = signatureStart; i < token.length; i++) {
      const tampered = flip(token, i, "0123456789abcdef");
      expect(await verifyApprovalToken(tampered, KEYS, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
    }
  });

  it("rejects a token whose claims were edited after signing", async () => {
    const token = await signApprovalToken(claims(), KEY);
    const [version, keyId, body, signature] = token.split(".") as [string, string, string, string];
    const prefix = `${version}.${keyId}`;
    // The same signature over claims naming another checker and a later expiry.
    const forgedBody = b64url(JSON.stringify(["lnk_01", "bat_01", "checker-carla", "a".repeat(64), NOW_MS + 86_400_000]));
    expect(await verifyApprovalToken(`${prefix}.${forgedBody}.${signature}`, KEYS, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
    for (let i = 0; i < body.length; i += 7) {
      const tampered = `${prefix}.${flip(body, i, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")}.${signature}`;
      expect((await verifyApprovalToken(tampered, KEYS, NOW_MS)).ok).toBe(false);
    }
  });

  it("rejects a token signed with another secret", async () => {
    const token = await signApprovalToken(claims(), { id: "k0", secret: "some-other-secret-of-16-plus-chars" });
    expect(await verifyApprovalToken(token, KEYS, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("rejects a token from its expiry instant on, and accepts it just before", async () => {
    const token = await signApprovalToken(claims({ expiresAtMs: NOW_MS }), KEY);
    expect((await verifyApprovalToken(token, KEYS, NOW_MS - 1)).ok).toBe(true);
    expect(await verifyApprovalToken(token, KEYS, NOW_MS)).toEqual({ ok: false, reason: "expired" });
    expect(await verifyApprovalToken(token, KEYS, NOW_MS + 86_400_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("checks the signature before expiry, so a forged expired token is reported as forged", async () => {
    const token = await signApprovalToken(claims({ expiresAtMs: NOW_MS - 1 }), { id: "k0", secret: "some-other-secret-of-16-plus-chars" });
    expect(await verifyApprovalToken(token, KEYS, NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["an empty string", ""],
    ["a token with two parts", "v1.abc"],
    ["a v1 token with four parts", "v1.a.b.c"],
    ["a v2 token with three parts", "v2.abc.def"],
    ["a v2 token whose key id has a character ids never have", "v2.k*.abc.def"],
    ["a token of another version", "v3.k0.abc.def"],
    ["a token over 2048 characters", `v1.${"A".repeat(2100)}.${"0".repeat(64)}`],
  ])("refuses %s as malformed", async (_name, token) => {
    expect(await verifyApprovalToken(token, KEYS, NOW_MS)).toEqual({ ok: false, reason: "malformed" });
  });

  it.each([
    ["a body that is not base64url", "not*base64"],
    ["a body that is not JSON", b64url("not json")],
    ["claims that are an object", b64url(JSON.stringify({ linkId: "lnk_01" }))],
    ["claims with four fields", b64url(JSON.stringify(["lnk", "bat", "chk", "f".repeat(64)]))],
    ["claims whose expiry is a string", b64url(JSON.stringify(["lnk", "bat", "chk", "f".repeat(64), "9999999999999"]))],
    ["claims with a numeric id", b64url(JSON.stringify([1, "bat", "chk", "f".repeat(64), NOW_MS + 1000]))],
  ])("refuses a correctly signed token with %s as malformed", async (_name, body) => {
    expect(await verifyApprovalToken(await validlySigned(body), KEYS, NOW_MS)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("approval tokens under rotating keys", () => {
  const k1 = { id: "k1", secret: "unit-test-key-one-0123456789" };
  const k2 = { id: "k2", secret: "unit-test-key-two-0123456789" };

  it("verifies a token with the listed key it names, whichever place that key has in the list", async () => {
    const token = await signApprovalToken(claims(), k1);
    expect(token.startsWith("v2.k1.")).toBe(true);
    expect(await verifyApprovalToken(token, [k1], NOW_MS)).toMatchObject({ ok: true, keyId: "k1" });
    expect(await verifyApprovalToken(token, [k2, k1], NOW_MS)).toMatchObject({ ok: true, keyId: "k1" });
  });

  it("refuses a token whose key is no longer listed, and one that names another key than the one it was signed with", async () => {
    const token = await signApprovalToken(claims(), k1);
    expect(await verifyApprovalToken(token, [k2], NOW_MS)).toEqual({ ok: false, reason: "unknown_key" });
    const relabelled = token.replace("v2.k1.", "v2.k2.");
    expect(await verifyApprovalToken(relabelled, [k2, k1], NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("verifies a v1 token (signed before keys had ids) with k0 only, while k0 is listed", async () => {
    const body = b64url(JSON.stringify(["lnk_01", "bat_01", "checker-chen", "a".repeat(64), NOW_MS + 1000]));
    const v1 = `v1.${body}.${await hmacSha256Hex(SECRET, `v1.${body}`)}`;
    expect(await verifyApprovalToken(v1, [k1, KEY], NOW_MS)).toMatchObject({ ok: true, keyId: "k0", claims: { checkerId: "checker-chen" } });
    expect(await verifyApprovalToken(v1, [{ id: "k0", secret: k1.secret }], NOW_MS)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyApprovalToken(v1, [k1], NOW_MS)).toEqual({ ok: false, reason: "unknown_key" });
  });

  it("reads the claimed link id of a token without trusting it, and of nothing else", async () => {
    expect(claimedLinkId(await signApprovalToken(claims(), k1))).toBe("lnk_01");
    expect(claimedLinkId(`v2.k9.${b64url(JSON.stringify(["lnk_x", "b", "c", "f", 1]))}.00`)).toBe("lnk_x");
    for (const token of ["", "v2.k0.e30.00", "garbage", `v2.k0.${b64url(JSON.stringify([" ", "b", "c", "f", 1]))}.00`]) expect(claimedLinkId(token)).toBeNull();
  });
});
