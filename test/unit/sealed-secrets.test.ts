import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { newSigningSecret } from "../../src/domain/events";
import { openSecret, SealedSecretError, sealSecret } from "../../src/domain/sealed-secrets";

const K1 = { id: "k1", secret: "unit-test-webhook-secret-key-one-0123" };
const K0 = { id: "k0", secret: "unit-test-webhook-secret-key-zero-456" };
const ENDPOINT = "we_01unit";

/** Replaces the character at `index` with a different one of base64url's alphabet. */
function flip(text: string, index: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  return text.slice(0, index) + alphabet[(alphabet.indexOf(text[index]!) + 1) % alphabet.length] + text.slice(index + 1);
}

describe("sealed webhook secrets", () => {
  it("opens what it sealed, with any listed key, and the sealed form shows nothing of the secret", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(K1, K0), fc.stringMatching(/^we_[A-Za-z0-9]{1,26}$/), async (key, endpointId) => {
        const secret = newSigningSecret();
        const sealed = await sealSecret(secret, key, endpointId);
        expect(sealed).toMatch(new RegExp(`^sealed:v1:${key.id}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));
        expect(sealed).not.toContain("whsec_");
        expect(sealed).not.toContain(secret.slice("whsec_".length, 20));
        expect(await openSecret(sealed, [K1, K0], endpointId)).toBe(secret);
      }),
      { numRuns: 30 },
    );
  });

  it("seals the same secret differently each time (a fresh IV)", async () => {
    const secret = newSigningSecret();
    const sealed = await Promise.all(Array.from({ length: 20 }, () => sealSecret(secret, K1, ENDPOINT)));
    expect(new Set(sealed.map((s) => s.split(":")[3])).size).toBe(20);
    expect(new Set(sealed).size).toBe(20);
  });

  it("refuses a secret whose key is no longer listed, or listed under its id with another secret", async () => {
    const sealed = await sealSecret(newSigningSecret(), K0, ENDPOINT);
    await expect(openSecret(sealed, [K1], ENDPOINT)).rejects.toThrow(/sealed with key "k0", which is not among the configured keys/);
    await expect(openSecret(sealed, [], ENDPOINT)).rejects.toBeInstanceOf(SealedSecretError);
    await expect(openSecret(sealed, [{ id: "k0", secret: K1.secret }], ENDPOINT)).rejects.toThrow(/does not open with key "k0"/);
  });

  it("refuses a sealed secret relabelled with another listed key's id", async () => {
    const sealed = await sealSecret(newSigningSecret(), K0, ENDPOINT);
    await expect(openSecret(sealed.replace(":k0:", ":k1:"), [K1, K0], ENDPOINT)).rejects.toBeInstanceOf(SealedSecretError);
  });

  it("refuses a sealed secret copied onto another endpoint", async () => {
    const sealed = await sealSecret(newSigningSecret(), K1, ENDPOINT);
    await expect(openSecret(sealed, [K1], "we_02other")).rejects.toThrow(/does not open with key "k1"/);
  });

  it("refuses a sealed secret with any one character of its IV or ciphertext changed", async () => {
    const sealed = await sealSecret(newSigningSecret(), K1, ENDPOINT);
    const start = "sealed:v1:k1:".length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: start, max: sealed.length - 1 }), async (index) => {
        fc.pre(sealed[index] !== ":");
        await expect(openSecret(flip(sealed, index), [K1], ENDPOINT)).rejects.toBeInstanceOf(SealedSecretError);
      }),
      { numRuns: 60 },
    );
  });

  it("refuses malformed stored values", async () => {
    for (const stored of ["", "sealed:v1:", "sealed:v1:k1:abc", "sealed:v1:k1:AAAA:BBBB:CCCC", "sealed:v2:k1:AAAAAAAAAAAAAAAA:BBBB", "sealed:v1:k1:not base64!:BBBB", "plaintext"]) {
      await expect(openSecret(stored, [K1], ENDPOINT)).rejects.toBeInstanceOf(SealedSecretError);
    }
  });

  it("passes a legacy clear whsec_ secret through unchanged, with or without keys", async () => {
    const secret = newSigningSecret();
    expect(await openSecret(secret, [], ENDPOINT)).toBe(secret);
    expect(await openSecret(secret, [K1], "we_any")).toBe(secret);
  });
});
