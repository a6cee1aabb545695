// Typed settings from the Worker's vars, with defaults and bounds, read in one place.

import type { BatchSettings } from "./services/batches";
import type { Env } from "./env";
import type { EventSettings } from "./services/events";
import type { PollingSettings } from "./services/polling";
import { actorsWithRole } from "./auth/actors";
import { assertReserveTerms, MAX_RESERVE_BASIS_POINTS, MAX_RESERVE_DAYS, type ReserveTerms } from "./domain/balances";
import type { PayeeType } from "./domain/payees";
import { GST_STATE_CODES } from "./domain/tax-ids";
import type { StatutorySettings } from "./store/settlements";

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
    configEndpoint: url === "" ? null : { url, secret: env.NOTIFY_SIGNING_SECRET || undefined },
    publicBaseUrl: publicBaseUrl(env),
    approvalSecret: () => approvalSecret(env),
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

export function approvalSecret(env: Env): string {
  if (!env.APPROVAL_LINK_SECRET || env.APPROVAL_LINK_SECRET.length < 16) {
    throw new Error("APPROVAL_LINK_SECRET is not configured (16+ characters)");
  }
  return env.APPROVAL_LINK_SECRET;
}

export const publicBaseUrl = (env: Env) => (env.PUBLIC_BASE_URL || "http://localhost:8787").replace(/\/+$/, "");
