// A digest of all state, every D1 table (bar migrations and Cloudflare's own) and the simulated
// bank, to prove that a refused request changed nothing.

import { env } from "cloudflare:test";
import { simulatedBankStub } from "../../../src/sim/simulated-gateway";
import { toHex } from "../../../src/domain/hash";

let tableNames: string[] | undefined;

/** The tables to compare, listed once: migrations have run, and requests never create tables. */
async function tablesList(): Promise<string[]> {
  if (!tableNames) {
    const { results } = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>();
    // failed_attempts counts refused sign-ins and links: writing there is what refusing one does.
    tableNames = results.map((r) => r.name).filter((name) => name !== "d1_migrations" && name !== "failed_attempts" && !name.startsWith("_cf_") && !name.startsWith("sqlite_"));
  }
  return tableNames;
}

/** One SHA-256 per table, so a failing comparison names the tables that changed. */
export async function stateDigest(): Promise<Record<string, string>> {
  const tables = await tablesList();
  const dumps = await env.DB.batch(tables.map((name) => env.DB.prepare(`SELECT * FROM "${name}" ORDER BY rowid`)));
  const digest: Record<string, string> = {};
  for (const [i, name] of tables.entries()) digest[name] = await sha256(JSON.stringify(dumps[i]!.results));
  const bank = await simulatedBankStub(env).fetch(new Request("https://simulated-bank.internal/admin/state"));
  digest["(simulated bank)"] = await sha256(await bank.text());
  return digest;
}

async function sha256(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

/** Waits until background work (waitUntil after approvals and submissions) has settled. */
export async function settledDigest(timeoutMs = 20_000): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  let previous = JSON.stringify(await stateDigest());
  let stableRounds = 0;
  while (stableRounds < 5) {
    if (Date.now() > deadline) throw new Error("state kept changing after the fixtures were built");
    // Background work started by the fixtures (waitUntil) can lag on a loaded machine.
    await new Promise((r) => setTimeout(r, 100));
    const next = JSON.stringify(await stateDigest());
    stableRounds = next === previous ? stableRounds + 1 : 0;
    previous = next;
  }
  return JSON.parse(previous);
}
