// fast-check's seed, derived from the commit under test: the same commit draws the same cases on
// any machine, so a random test cannot make CI flaky; a failure prints the seed that reproduces it.
// FC_SEED=<n> replays a seed; FC_SEED=random draws fresh cases (`npm run test:random`).
// Runs in Node (the vitest configs), never inside workerd.

import { execFileSync } from "node:child_process";

let chosen: { seed: number; source: string } | undefined;

export function fastCheckSeed(): { seed: number; source: string } {
  if (chosen) return chosen;
  const asked = process.env.FC_SEED;
  if (asked === "random") chosen = { seed: (Math.random() * 2 ** 31) | 0, source: "random" };
  else if (asked && /^-?\d+$/.test(asked)) chosen = { seed: Number(asked) | 0, source: "FC_SEED" };
  else {
    const commit = headCommit();
    chosen = commit ? { seed: Number.parseInt(commit.slice(0, 8), 16) | 0, source: `commit ${commit.slice(0, 12)}` } : { seed: 1, source: "no git checkout" };
  }
  console.log(`fast-check seed ${chosen.seed} (${chosen.source}); replay with FC_SEED=${chosen.seed}`);
  return chosen;
}

function headCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}
