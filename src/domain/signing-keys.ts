// Rotating signing keys: each key has an id that is carried in whatever it signs, so a verifier
// picks the key by id. The first key of a list signs; every listed key verifies until removed.

export interface SigningKey {
  /** 1 to 32 of A-Z a-z 0-9 _ - (never a dot: ids sit between dots in tokens and cookies). */
  id: string;
  secret: string;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** The id a single old-style secret (APPROVAL_LINK_SECRET, SESSION_SECRET) signs and verifies under. */
export const LEGACY_KEY_ID = "k0";

export const keyById = (keys: readonly SigningKey[], id: string): SigningKey | undefined => keys.find((k) => k.id === id);
