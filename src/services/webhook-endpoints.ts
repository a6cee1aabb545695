// Webhook endpoints, for admins: where events go and which ones. Disburse makes each endpoint's
// signing secret (shown once) and rotates it with an overlap during which both secrets sign.
// Every change is audited. The endpoint NOTIFY_WEBHOOK_URL configures is changed only there.
// Secrets are stored sealed under the newest WEBHOOK_SECRET_KEYS key; without one nothing is made.

import { conflict, invalid } from "../domain/errors";
import { DEFAULT_ROTATION_OVERLAP_SECONDS, filterIsKnown, newSigningSecret } from "../domain/events";
import { newId } from "../domain/ids";
import { sealSecret } from "../domain/sealed-secrets";
import { type Db, nowIso } from "../store/client";
import { type EndpointRow, getEndpoint, insertEndpoint, resetDeliveries, updateEndpoint, getEvent } from "../store/events";
import { enabledEndpoints, type EventQueue, type EventSettings, filtersOf, sendAll } from "./events";
import { wantsEvent, type EventType } from "../domain/events";

export interface EndpointInput {
  url: string;
  description?: string | undefined;
  eventTypes: string[];
  enabled?: boolean | undefined;
}

/** Hosts that may be reached over plain http: only this machine, for local development and tests. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** A receiver's URL: https (http only to loopback), no credentials in it. */
export function endpointUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "not an absolute URL";
  }
  if (url.username || url.password) return "must not carry credentials";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) return null;
  return "must be https (http only to localhost)";
}

function assertInput(input: Partial<EndpointInput>) {
  if (input.url !== undefined) {
    const problem = endpointUrlProblem(input.url);
    if (problem) throw invalid("invalid_endpoint_url", `The endpoint URL ${problem}.`, { field: "url" });
  }
  if (input.eventTypes !== undefined) {
    const unknown = input.eventTypes.filter((t) => !filterIsKnown(t));
    if (unknown.length > 0) throw invalid("unknown_event_type", `No event type matches ${unknown.join(", ")}; see GET /openapi.json's webhooks.`, { eventTypes: unknown });
  }
}

/** Where the key that seals a new secret comes from: EventSettings' secretKeys (WEBHOOK_SECRET_KEYS), newest first. */
export type SecretKeys = Pick<EventSettings, "secretKeys">;

export async function createEndpoint(db: Db, keys: SecretKeys, input: EndpointInput, actorId: string): Promise<{ row: EndpointRow; secret: string }> {
  assertInput(input);
  const sealingKey = keys.secretKeys()[0]!;
  const now = nowIso();
  const id = newId("we");
  const secret = newSigningSecret();
  const row: EndpointRow = {
    id,
    url: input.url,
    description: input.description ?? null,
    eventTypes: JSON.stringify([...new Set(input.eventTypes)]),
    enabled: input.enabled ?? true,
    managedBy: "api",
    secret: await sealSecret(secret, sealingKey, id),
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdBy: actorId,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  await insertEndpoint(db, row, { actorId, action: "webhook_endpoint.created", subjectType: "webhook_endpoint", subjectId: row.id, details: { url: row.url, eventTypes: input.eventTypes } });
  return { row, secret };
}

async function changeEndpoint(db: Db, id: string, actorId: string, action: string, change: (row: EndpointRow, now: string) => Partial<EndpointRow>, details: Record<string, unknown>) {
  const row = await getEndpoint(db, id);
  if (row.managedBy === "config") throw conflict("endpoint_managed_by_config", "This endpoint is NOTIFY_WEBHOOK_URL's: change it in the Worker's configuration.");
  // Each change gets a later updatedAt than the last, so the optimistic lock never sees two equal.
  const now = new Date(Math.max(Date.now(), Date.parse(row.updatedAt) + 1)).toISOString();
  const set = { ...change(row, now), updatedAt: now };
  if (!(await updateEndpoint(db, id, row.updatedAt, set, { actorId, action, subjectType: "webhook_endpoint", subjectId: id, details }))) {
    throw conflict("concurrent_update", "The endpoint changed while this was being applied; read it again and retry.");
  }
  return { ...row, ...set };
}

export function updateEndpointSettings(db: Db, id: string, input: Partial<EndpointInput>, actorId: string) {
  assertInput(input);
  return changeEndpoint(
    db,
    id,
    actorId,
    "webhook_endpoint.updated",
    () => ({
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: JSON.stringify([...new Set(input.eventTypes)]) } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    }),
    { ...input },
  );
}

/** A new secret signs from now on; the old one (as it was stored) keeps signing for `overlapSeconds`. */
export async function rotateSecret(db: Db, keys: SecretKeys, id: string, overlapSeconds: number | undefined, actorId: string) {
  const sealingKey = keys.secretKeys()[0]!;
  const secret = newSigningSecret();
  const sealed = await sealSecret(secret, sealingKey, id);
  const overlap = overlapSeconds ?? DEFAULT_ROTATION_OVERLAP_SECONDS;
  const row = await changeEndpoint(
    db,
    id,
    actorId,
    "webhook_endpoint.secret_rotated",
    (current, now) => ({ secret: sealed, previousSecret: overlap > 0 ? current.secret : null, previousSecretExpiresAt: overlap > 0 ? new Date(Date.parse(now) + overlap * 1000).toISOString() : null }),
    { overlapSeconds: overlap },
  );
  return { row, secret };
}

/** Deliveries still pending for a deleted endpoint fail at their next attempt, without sending. */
export function deleteEndpoint(db: Db, id: string, actorId: string) {
  return changeEndpoint(db, id, actorId, "webhook_endpoint.deleted", (_row, now) => ({ enabled: false, deletedAt: now, secret: null, previousSecret: null }), {});
}

/** Sends the event again to every live endpoint that wants it now, with a fresh retry schedule. */
export async function redeliverEvent(db: Db, queue: EventQueue, settings: EventSettings, eventId: string) {
  const event = await getEvent(db, eventId);
  const endpoints = (await enabledEndpoints(db, settings)).filter((e) => wantsEvent(filtersOf(e), event.type as EventType));
  if (endpoints.length === 0) throw conflict("no_endpoint_wants_event", `No enabled webhook endpoint receives ${event.type} events.`);
  const ids = await resetDeliveries(
    db,
    event.id,
    endpoints.map((e) => e.id),
    nowIso(),
  );
  await sendAll(queue, ids);
  return ids;
}
