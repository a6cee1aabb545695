// Identifiers that sort by creation time (like ULIDs), so an id is also a stable list cursor.

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower case

export function newId(prefix: string, nowMs: number = Date.now()): string {
  let time = "";
  let t = nowMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const random = crypto.getRandomValues(new Uint8Array(12));
  let suffix = "";
  for (const b of random) suffix += ALPHABET[b % 32];
  return `${prefix}_${time}${suffix}`;
}
