// A small seeded random generator (mulberry32): the same seed gives the same sequence, so a
// failing simulation or fault pattern reproduces exactly.

export function seededRandom(seed: number): { next: () => number; state: () => number } {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    state: () => a,
  };
}

/**
 * A number in [0, 1) fixed by the seed and a key (FNV-1a, then a finalizing mix). Decisions
 * keyed by what they are about (a transfer, a message) come out the same whatever order
 * things happen in, which a sequence from `seededRandom` cannot promise under concurrency.
 */
export function hashRoll(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
