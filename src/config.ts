// Typed settings from the Worker's vars, with defaults and bounds, read in one place.

import type { BatchSettings } from "./services/batches";
import type { Env } from "./env";
import type { EventSettings } from "./services/events";
import type { PollingSettings } from "./services/polling";
import { z } from "zod";
import { actorsWithRole } from "./auth/actors";
import { assertReserveTerms, MAX_RESERVE_BASIS_POINTS, MAX_RESERVE_DAYS, type ReserveTerms } from "./domain/balances";
import type { FailureLimit } from "./domain/failure-window";
import type { PayeeType } from "./domain/payees";
import { KEY_ID_PATTERN, LEGACY_KEY_ID, type SigningKey } from "./domain/signing-keys";
import { GST_STATE_CODES } from "./domain/tax-ids";
import type { StatutorySettings } from "./store/settlements";
import type { BankChangeSettings } from "./services/bank-detail-changes";
import { COOLING_OFF_BOUNDS_SECONDS, NAME_MATCH_THRESHOLD_BOUNDS } from "./domain/bank-detail-changes";
import { DomainError } from "./domain/errors";

function intVar(value: string | undefined, fallback: number, min: number, max: number): number {
  const n = value === undefined || value === "" ? fallback : Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`invalid configuration value ${value}`);
  return n;
}

export function batchSettings(env: Env): BatchSettings {
  return {
    twoCheckerThresholdPaise: intVar(env.TWO_CHECKER_THRESHOLD_PAISE, 10_000_000, 0, Number.MAX_SAFE_INTEGER),
    approvalLinkTtlSeconds: intVar(env.APPROVAL_LINK_TTL_SECONDS, 86_400, 60, 30 * 86_400),
    checkers: actorsWithRole(env.API_TOKENS, "checker"),
  };
}

/** Four eyes on bank details (docs/controls.md). */
export function bankChangeSettings(env: Env): BankChangeSettings {
  const threshold = env.BANK_NAME_MATCH_THRESHOLD === undefined || env.BANK_NAME_MATCH_THRESHOLD === "" ? NAME_MATCH_THRESHOLD_BOUNDS.default : Number(env.BANK_NAME_MATCH_THRESHOLD);
  if (!(threshold >= NAME_MATCH_THRESHOLD_BOUNDS.min && threshold <= NAME_MATCH_THRESHOLD_BOUNDS.max)) throw new Error(`invalid configuration value BANK_NAME_MATCH_THRESHOLD=${env.BANK_NAME_MATCH_THRESHOLD}`);
  const paysOld = (env.BANK_CHANGE_PAY_OLD_DETAILS_DURING_COOLING_OFF ?? "").trim();
  if (!["", "true", "false"].includes(paysOld)) throw new Error(`invalid configuration value BANK_CHANGE_PAY_OLD_DETAILS_DURING_COOLING_OFF=${paysOld}`);
  const { min, max, default: fallback } = COOLING_OFF_BOUNDS_SECONDS;
  return { coolingOffSeconds: intVar(env.BANK_CHANGE_COOLING_OFF_SECONDS, fallback, min, max), paysOldDetails: paysOld === "true", nameMatchThreshold: threshold };
}

/** The poller's delays. Unset vars take the defaults in wrangler.toml's comments. */
export function pollingSettings(env: Env): PollingSettings {
  return {
    pollAfterMs: Number(env.POLL_AFTER_SECONDS || "300") * 1000,
    horizonMs: Number(env.POLL_HORIZON_SECONDS || "86400") * 1000,
    returnWatchMs: Number(env.RETURN_WATCH_SECONDS || "259200") * 1000,
  };
}

export function eventSettings(env: Env): EventSettings {
  const url = (env.NOTIFY_WEBHOOK_URL ?? "").trim();
  return {
    configEndpoint: url === "" ? null : { url, secrets: (env.NOTIFY_SIGNING_SECRET ?? "").split(/\s+/).filter((s) => s !== "") },
    publicBaseUrl: publicBaseUrl(env),
    approvalKey: () => approvalLinkKeys(env)[0]!,
    secretKeys: () => webhookSecretKeys(env),
    checkerEmail: (actorId) => actorsWithRole(env.API_TOKENS, "checker").find((c) => c.actorId === actorId)?.email ?? null,
  };
}

/** The rolling reserve a payee type gets unless the payee has its own terms. */
export function reserveDefaults(env: Env): Record<PayeeType, ReserveTerms> {
  const terms = (bps: string | undefined, days: string | undefined): ReserveTerms => {
    const t = { basisPoints: intVar(bps, 0, 0, MAX_RESERVE_BASIS_POINTS), days: intVar(days, 0, 0, MAX_RESERVE_DAYS) };
    assertReserveTerms(t);
    return t;
  };
  return {
    seller: terms(env.RESERVE_SELLER_BASIS_POINTS, env.RESERVE_SELLER_DAYS),
    delivery_partner: terms(env.RESERVE_DELIVERY_PARTNER_BASIS_POINTS, env.RESERVE_DELIVERY_PARTNER_DAYS),
  };
}

export function statutorySettings(env: Env): StatutorySettings {
  const state = (env.PLATFORM_GST_STATE ?? "").trim();
  if (state !== "" && !(state in GST_STATE_CODES)) throw new Error(`invalid configuration value PLATFORM_GST_STATE=${state}`);
  return { platformGstState: state === "" ? null : state };
}

const MAX_SIGNING_KEYS = 10;
const signingKeysSchema = z
  .array(z.object({ id: z.string().regex(KEY_ID_PATTERN), secret: z.string().min(16).max(512) }).strict())
  .min(1)
  .max(MAX_SIGNING_KEYS)
  .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, "key ids must be unique");

/**
 * The keys of a rotating list var, newest (the one that signs) first. Unset, the single old secret
 * is the only key, as "k0", so deployments made before rotation keep working unchanged.
 */
function signingKeys(listName: string, list: string | undefined, legacyName: string, legacy: string | undefined): SigningKey[] {
  if (list && list.trim() !== "") {
    let parsed;
    try {
      parsed = signingKeysSchema.safeParse(JSON.parse(list));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) throw new Error(`${listName} is not valid: a JSON list of 1 to ${MAX_SIGNING_KEYS} {"id","secret"} with unique ids and 16+ character secrets`);
    return parsed.data;
  }
  if (!legacy || legacy.length < 16) throw new Error(`${legacyName} is not configured (16+ characters), nor ${listName}`);
  return [{ id: LEGACY_KEY_ID, secret: legacy }];
}

/** Keys for approval links and their CSRF tokens: APPROVAL_LINK_KEYS, else APPROVAL_LINK_SECRET as k0. */
export const approvalLinkKeys = (env: Env) => signingKeys("APPROVAL_LINK_KEYS", env.APPROVAL_LINK_KEYS, "APPROVAL_LINK_SECRET", env.APPROVAL_LINK_SECRET);

/** Keys for the ops console's session cookies: SESSION_KEYS, else SESSION_SECRET as k0. */
export const sessionKeys = (env: Env) => signingKeys("SESSION_KEYS", env.SESSION_KEYS, "SESSION_SECRET", env.SESSION_SECRET);

/**
 * Keys that seal webhook endpoints' signing secrets in D1: WEBHOOK_SECRET_KEYS, else
 * WEBHOOK_SECRET_KEY as k0. Without them no endpoint secret can be made (503), since it would be
 * stored in clear; read only when a secret is sealed or opened.
 */
export function webhookSecretKeys(env: Env): SigningKey[] {
  try {
    return signingKeys("WEBHOOK_SECRET_KEYS", env.WEBHOOK_SECRET_KEYS, "WEBHOOK_SECRET_KEY", env.WEBHOOK_SECRET_KEY);
  } catch (error) {
    throw new DomainError("unavailable", "webhook_secret_key_not_configured", `${(error as Error).message}: webhook endpoints' signing secrets are stored encrypted with it.`);
  }
}

/** Failed sign-ins and approval-link attempts allowed per client and per actor in a sliding window. */
export function failedAttemptLimit(env: Env): FailureLimit {
  return {
    limit: intVar(env.FAILED_ATTEMPT_LIMIT, 10, 1, 10_000),
    windowMs: intVar(env.FAILED_ATTEMPT_WINDOW_SECONDS, 900, 60, 86_400) * 1000,
  };
}

export interface ConsoleSessionSettings {
  /** A session not used for this long ends (measured to the minute: last use is written at most once a minute). */
  idleTimeoutMs: number;
  /** A session ends this long after sign-in, however busy. */
  lifetimeMs: number;
}

export function consoleSessionSettings(env: Env): ConsoleSessionSettings {
  return {
    idleTimeoutMs: intVar(env.SESSION_IDLE_TIMEOUT_SECONDS, 1800, 120, 86_400) * 1000,
    lifetimeMs: intVar(env.SESSION_LIFETIME_SECONDS, 28_800, 300, 7 * 86_400) * 1000,
  };
}

export const publicBaseUrl = (env: Env) => (env.PUBLIC_BASE_URL || "http://localhost:8787").replace(/\/+$/, "");
