// The actor directory: who may act, with which roles. Tokens are configured as SHA-256 hashes
// in the API_TOKENS secret; the plain token never needs to be stored anywhere Disburse can read.
// No HTTP here: the API, the ops console and the notifier all read actors from this module.

import { z } from "zod";
import { DomainError } from "../domain/errors";
import { sha256Hex, timingSafeEqual } from "../domain/hash";

/** `risk` places and releases payee holds (as does `admin`). */
export const ROLES = ["maker", "checker", "admin", "auditor", "system", "risk"] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  actorId: string;
  roles: readonly Role[];
}

const tokenConfigSchema = z.array(
  z.object({
    actorId: z.string().min(1).max(100),
    roles: z.array(z.enum(ROLES)).min(1),
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** Where approval requests for this actor go (included in the notifier's payload). */
    email: z.email().optional(),
  }),
);
type TokenConfig = z.infer<typeof tokenConfigSchema>;

let cached: { source: string; config: TokenConfig } | undefined;

function tokenConfig(source: string | undefined): TokenConfig {
  if (!source) throw new DomainError("unavailable", "auth_not_configured", "No API tokens are configured (API_TOKENS secret).");
  if (cached?.source === source) return cached.config;
  const parsed = tokenConfigSchema.safeParse(safeJson(source));
  if (!parsed.success) throw new DomainError("unavailable", "auth_not_configured", "The API_TOKENS secret is not valid.");
  cached = { source, config: parsed.data };
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Actors holding a role, e.g. the checkers who receive approval links. */
export function actorsWithRole(source: string | undefined, role: Role): Array<{ actorId: string; email?: string | undefined }> {
  const seen = new Map<string, { actorId: string; email?: string | undefined }>();
  for (const entry of tokenConfig(source)) {
    if (entry.roles.includes(role) && !seen.has(entry.actorId)) seen.set(entry.actorId, { actorId: entry.actorId, email: entry.email });
  }
  return [...seen.values()];
}

/** Resolves a presented token to its actor, comparing every configured hash in constant time. */
export async function actorForToken(source: string | undefined, token: string): Promise<Actor | null> {
  return actorForTokenSha256(source, await sha256Hex(token));
}

/** The actor whose API_TOKENS entry has this token hash (a console session keeps the hash it signed in with). */
export function actorForTokenSha256(source: string | undefined, tokenSha256: string): Actor | null {
  let found: Actor | null = null;
  for (const entry of tokenConfig(source)) {
    if (timingSafeEqual(tokenSha256, entry.tokenSha256)) found = { actorId: entry.actorId, roles: entry.roles };
  }
  return found;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer ([\x21-\x7e]{16,512})$/.exec(header ?? "");
  return match?.[1] ?? null;
}
