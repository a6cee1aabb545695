// Webhook endpoints' signing secrets, sealed at rest: AES-256-GCM under a key derived from a
// configured key secret, with the endpoint id as additional data, so a database reader learns
// nothing and a sealed value copied onto another endpoint's row does not open.

import { keyById, type SigningKey } from "./signing-keys";

export const SEALED_PREFIX = "sealed:v1:";
/** What rows written before sealing hold: the secret itself, which opens as is. */
const LEGACY_CLEAR_PREFIX = "whsec_";
const IV_BYTES = 12;

const encoder = new TextEncoder();
const HKDF_SALT = encoder.encode("disburse/webhook-endpoint-secret/v1");
const HKDF_INFO = encoder.encode("aes-256-gcm key sealing webhook endpoint signing secrets");

/** A stored secret that does not open: its key is not configured, or it was altered or moved. */
export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedSecretError";
  }
}

async function aesKey(key: SigningKey): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(key.secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: HKDF_SALT, info: HKDF_INFO }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

// The key id is bound too, so the one stored string says which key opens it and cannot be relabelled.
const additionalData = (keyId: string, endpointId: string) => encoder.encode(`${SEALED_PREFIX}${keyId}:${endpointId}`);

/** `sealed:v1:<key id>:<base64url iv>:<base64url ciphertext and tag>`, with a fresh random IV each time. */
export async function sealSecret(plain: string, key: SigningKey, endpointId: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(key.id, endpointId) }, await aesKey(key), encoder.encode(plain));
  return `${SEALED_PREFIX}${key.id}:${toBase64Url(iv)}:${toBase64Url(new Uint8Array(sealed))}`;
}

export const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

/** The plain secret. A legacy clear value (`whsec_…`) is returned as is; anything else that does not open throws SealedSecretError. */
export async function openSecret(stored: string, keys: readonly SigningKey[], endpointId: string): Promise<string> {
  if (stored.startsWith(LEGACY_CLEAR_PREFIX)) return stored;
  if (!isSealed(stored)) throw new SealedSecretError("the stored secret is neither sealed nor a whsec_ secret");
  const [keyId, ivText, sealedText, ...rest] = stored.slice(SEALED_PREFIX.length).split(":");
  if (!keyId || ivText === undefined || sealedText === undefined || rest.length > 0) throw new SealedSecretError("the stored secret is not in the sealed:v1 format");
  const key = keyById(keys, keyId);
  if (!key) throw new SealedSecretError(`the stored secret was sealed with key "${keyId}", which is not among the configured keys`);
  const iv = fromBase64Url(ivText);
  const sealed = fromBase64Url(sealedText);
  if (!iv || iv.length !== IV_BYTES || !sealed) throw new SealedSecretError("the stored secret is not in the sealed:v1 format");
  try {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: additionalData(keyId, endpointId) }, await aesKey(key), sealed);
    return new TextDecoder().decode(plain);
  } catch {
    throw new SealedSecretError(`the stored secret does not open with key "${keyId}": altered, sealed for another endpoint, or the key's secret changed`);
  }
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    return Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
