// Delivering events to webhook endpoints, as the Standard Webhooks specification says. The
// dispatcher fans each new event out to the endpoints that want it; each delivery is then its
// own queue message, so a slow or failing endpoint delays only its own deliveries. An attempt
// that fails is tried again on a schedule of over three days, then failed and alerted.

import { Webhook } from "standardwebhooks";
import { signApprovalToken } from "../domain/approval-token";
import type { SigningKey } from "../domain/signing-keys";
import { isSealed, openSecret } from "../domain/sealed-secrets";
import { type EventType, isBankChangeEvent, MAX_DELIVERY_ATTEMPTS, nextDeliveryAttemptMs, RESPONSE_EXCERPT_CHARS, SIGNING_SECRET_PATTERN, wantsEvent } from "../domain/events";
import { type Db, nowIso } from "../store/client";
import {
  attemptsOf,
  claimDelivery,
  deliveriesOf,
  deliveryToAttempt,
  dueDeliveries,
  type EndpointRow,
  type EventRow,
  eventsAfterCursor,
  getEvent,
  liveEndpoints,
  recordAttempt,
  recordDispatch,
  syncConfigEndpoint,
} from "../store/events";
import { raiseException } from "../store/exceptions";
import { approvalRequestFacts } from "../store/approvals";
import { SEND_BATCH_LIMIT } from "./deps";

/** What the events queue carries: one delivery attempt. */
export interface DeliveryMessage {
  type: "deliver";
  deliveryId: string;
}

export const isDeliveryMessage = (body: unknown): body is DeliveryMessage =>
  typeof body === "object" && body !== null && (body as DeliveryMessage).type === "deliver" && typeof (body as DeliveryMessage).deliveryId === "string";

export interface EventQueue {
  send(messages: readonly DeliveryMessage[], delaySeconds?: number): Promise<void>;
}

/** Cloudflare Queues delays a message by at most 12 hours; a later retry is picked up by the cron. */
export const QUEUE_MAX_DELAY_SECONDS = 43_200;
const SEND_TIMEOUT_MS = 15_000;
/** An attempt holds its delivery this long, so two consumers never send it at once. */
const ATTEMPT_LEASE_SECONDS = 60;
const DISPATCH_PAGE = 200;
const DISPATCH_PAGES_PER_RUN = 25;
const REDRIVE_LIMIT = 500;

/** The endpoint NOTIFY_WEBHOOK_URL configures: approval requests and alerts, as the notifier sent them. */
export const CONFIG_ENDPOINT_ID = "we_config";
export const CONFIG_ENDPOINT_EVENTS = ["batch.approval_requested", "exception.opened"] as const;

export interface EventSettings {
  /** NOTIFY_WEBHOOK_URL and NOTIFY_SIGNING_SECRET, when set. */
  /** NOTIFY_SIGNING_SECRET is a space-separated list: during a rotation every one of them signs. */
  configEndpoint: { url: string; secrets: string[] } | null;
  publicBaseUrl: string;
  /** The newest approval-link key; read only when an approval request is rendered (it throws if unset). */
  approvalKey: () => SigningKey;
  /** WEBHOOK_SECRET_KEYS (newest first), which seal and open endpoints' stored signing secrets; throws 503 if unset. */
  secretKeys: () => SigningKey[];
  checkerEmail: (actorId: string) => string | null;
}

/** How each subject's snapshot is shown: as the API shows that object (http/views/events.ts). */
export type SubjectViews = Record<string, (row: Record<string, unknown>) => unknown>;

/** The body an endpoint receives. `data` is the subject as the API returns it. */
export async function renderEvent(db: Db, settings: EventSettings, views: SubjectViews, event: EventRow, options: { forDelivery: boolean }) {
  return {
    id: event.id,
    type: event.type,
    timestamp: event.createdAt,
    subject: { type: event.subjectType, id: event.subjectId },
    sequence: event.sequence,
    data: await renderData(db, settings, views, event, options.forDelivery),
  };
}

async function renderData(db: Db, settings: EventSettings, views: SubjectViews, event: EventRow, forDelivery: boolean): Promise<unknown> {
  const data = JSON.parse(event.data) as Record<string, unknown>;
  if (isBankChangeEvent(event.type)) return data;
  if (event.type !== "batch.approval_requested") return (views[event.subjectType] ?? ((row) => row))(data);
  const facts = await approvalRequestFacts(db, String(data.linkId), String(data.batchId));
  if (!facts) throw new Error(`event ${event.id} refers to a missing approval link or batch`);
  const { link, batch } = facts;
  // The link is a checker's credential: signed at delivery, never stored, never shown by the API.
  const approvalUrl = forDelivery
    ? `${settings.publicBaseUrl}/approvals/${await signApprovalToken(
        { linkId: link.id, batchId: link.batchId, checkerId: link.checkerId, fingerprint: link.fingerprint, expiresAtMs: Date.parse(link.expiresAt) },
        settings.approvalKey(),
      )}`
    : null;
  return {
    checker: { actorId: link.checkerId, email: settings.checkerEmail(link.checkerId) },
    approvalUrl,
    expiresAt: link.expiresAt,
    batch: {
      id: batch.id,
      cycleId: batch.cycleId,
      makerId: batch.makerId,
      itemCount: batch.itemCount,
      // itemCount is every payee the batch considered; the checker wants to know how many get paid.
      payableItemCount: facts.payableItemCount,
      totalPaise: batch.totalPaise,
      currency: batch.currency,
      requiredApprovals: batch.requiredApprovals,
    },
  };
}

/**
 * One event as the API and the console show it (without an approval link, which only its checker
 * may see), with each endpoint's delivery and every attempt of it, for the caller's view.
 */
export async function eventWithDeliveries(db: Db, settings: EventSettings, views: SubjectViews, id: string) {
  const row = await getEvent(db, id);
  const deliveries = await deliveriesOf(db, row.id);
  const attempts = await attemptsOf(
    db,
    deliveries.map((d) => d.id),
  );
  return { event: await renderEvent(db, settings, views, row, { forDelivery: false }), deliveries, attempts };
}

// ---- dispatch ----

/**
 * Fans new events out to the endpoints that want them and queues one message per delivery.
 * Safe to run concurrently (deliveries are keyed by event and endpoint) and after a crash (the
 * cursor moves only with the deliveries it covers). Returns how many deliveries were queued.
 */
export async function dispatchEvents(db: Db, queue: EventQueue, settings: EventSettings): Promise<number> {
  let endpoints: EndpointRow[] | null = null;
  let queued = 0;
  for (let page = 0; page < DISPATCH_PAGES_PER_RUN; page++) {
    const batch = await eventsAfterCursor(db, DISPATCH_PAGE);
    if (batch.length === 0) break;
    endpoints ??= await enabledEndpoints(db, settings);
    const deliveries = batch.flatMap((event) => endpoints!.filter((e) => wantsEvent(filtersOf(e), event.type as EventType)).map((e) => ({ eventId: event.id, endpointId: e.id })));
    const ids = await recordDispatch(db, deliveries, batch[batch.length - 1]!.seq, nowIso());
    await sendAll(queue, ids);
    queued += ids.length;
    if (batch.length < DISPATCH_PAGE) break;
  }
  return queued;
}

/** The endpoints to fan out to, with NOTIFY_WEBHOOK_URL's brought in line with the configuration first (a write only when it changed). */
export async function enabledEndpoints(db: Db, settings: EventSettings): Promise<EndpointRow[]> {
  const live = await liveEndpoints(db);
  const want = settings.configEndpoint ? { url: settings.configEndpoint.url, eventTypes: JSON.stringify(CONFIG_ENDPOINT_EVENTS) } : null;
  const current = live.find((e) => e.id === CONFIG_ENDPOINT_ID);
  await syncConfigEndpoint(db, CONFIG_ENDPOINT_ID, current, want, nowIso());
  const synced = want ? [{ ...(current ?? ({ id: CONFIG_ENDPOINT_ID, managedBy: "config" } as EndpointRow)), ...want, enabled: true }] : [];
  return [...live.filter((e) => e.id !== CONFIG_ENDPOINT_ID && e.enabled), ...synced];
}

export const filtersOf = (endpoint: Pick<EndpointRow, "eventTypes">): string[] => JSON.parse(endpoint.eventTypes) as string[];

export async function sendAll(queue: EventQueue, deliveryIds: readonly string[], delaySeconds?: number) {
  for (let i = 0; i < deliveryIds.length; i += SEND_BATCH_LIMIT) {
    await queue.send(
      deliveryIds.slice(i, i + SEND_BATCH_LIMIT).map((deliveryId) => ({ type: "deliver", deliveryId })),
      delaySeconds,
    );
  }
}

/** The cron's backstop: deliveries whose attempt is due but whose message is gone (or beyond the queue's longest delay). */
export async function redriveDeliveries(db: Db, queue: EventQueue): Promise<number> {
  const due = await dueDeliveries(db, nowIso(), REDRIVE_LIMIT);
  await sendAll(
    queue,
    due.map((d) => d.id),
  );
  return due.length;
}

// ---- one attempt ----

export type DeliveryVerdict = { action: "done" } | { action: "retry_in"; delaySeconds: number };

/**
 * Makes one attempt at a delivery, if it is due and nobody else is making it. A failure is
 * recorded with the time of the next attempt; the verdict says when to look again.
 */
export async function attemptDelivery(db: Db, settings: EventSettings, views: SubjectViews, id: string): Promise<DeliveryVerdict> {
  const found = await deliveryToAttempt(db, id);
  if (!found || found.delivery.status !== "pending") return { action: "done" };
  const { delivery, event, endpoint } = found;
  const nowMs = Date.now();
  const dueInMs = Date.parse(delivery.nextAttemptAt) - nowMs;
  if (dueInMs > 0) return { action: "retry_in", delaySeconds: Math.min(QUEUE_MAX_DELAY_SECONDS, Math.ceil(dueInMs / 1000)) };
  if (!(await claimDelivery(db, delivery, new Date(nowMs).toISOString(), new Date(nowMs + ATTEMPT_LEASE_SECONDS * 1000).toISOString()))) return { action: "done" };
  const attempt = delivery.attempts + 1;
  const sent = await send(db, settings, views, event, endpoint, nowMs);
  const at = new Date(nowMs).toISOString();
  const record = { attempt, at, responseStatus: sent.status, responseExcerpt: sent.excerpt, error: sent.error, durationMs: Date.now() - nowMs };
  if (sent.error === null) {
    await recordAttempt(db, delivery.id, record, { delivered: true });
    return { action: "done" };
  }
  const retryAtMs = attempt < MAX_DELIVERY_ATTEMPTS ? nextDeliveryAttemptMs(attempt, Date.now()) : null;
  await recordAttempt(db, delivery.id, record, { delivered: false, retryAt: retryAtMs === null ? null : new Date(retryAtMs).toISOString(), error: sent.error });
  if (retryAtMs === null) {
    await alertFailedDelivery(db, endpoint, event, attempt, sent.error);
    return { action: "done" };
  }
  return { action: "retry_in", delaySeconds: Math.min(QUEUE_MAX_DELAY_SECONDS, Math.max(1, Math.ceil((retryAtMs - Date.now()) / 1000))) };
}

interface SendResult {
  status: number | null;
  excerpt: string | null;
  error: string | null;
}

async function send(db: Db, settings: EventSettings, views: SubjectViews, event: EventRow, endpoint: EndpointRow, nowMs: number): Promise<SendResult> {
  if (!endpoint.enabled || endpoint.deletedAt) return { status: null, excerpt: null, error: "endpoint disabled or deleted" };
  try {
    const secrets = await signingSecrets(settings, endpoint, nowMs).catch((error: Error) => error);
    if (secrets instanceof Error) return { status: null, excerpt: null, error: `the endpoint's stored signing secret cannot be opened (WEBHOOK_SECRET_KEYS / WEBHOOK_SECRET_KEY): ${secrets.message}` };
    if (secrets.length === 0) return { status: null, excerpt: null, error: "NOTIFY_SIGNING_SECRET is not set, or is not a space-separated list of up to 5 Standard Webhooks secrets (whsec_ and base64)" };
    const body = JSON.stringify(await renderEvent(db, settings, views, event, { forDelivery: true }));
    const timestamp = new Date(nowMs);
    // Each secret that signs adds its own signature; a receiver accepts any one it knows.
    const signature = secrets.map((s) => new Webhook(s).sign(event.id, timestamp, body)).join(" ");
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "Disburse-Webhooks/1",
        "webhook-id": event.id,
        "webhook-timestamp": String(Math.floor(nowMs / 1000)),
        "webhook-signature": signature,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const excerpt = (await response.text().catch(() => "")).slice(0, RESPONSE_EXCERPT_CHARS);
    // Standard Webhooks: any 2xx is success; redirects are not followed and count as failures.
    return { status: response.status, excerpt, error: response.status >= 200 && response.status < 300 ? null : `HTTP ${response.status}` };
  } catch (error) {
    return { status: null, excerpt: null, error: error instanceof Error ? error.message : String(error) };
  }
}

/** More would only make every signature header longer; two or three cover any rotation. */
const MAX_CONFIG_SIGNING_SECRETS = 5;

/**
 * The secrets that sign now: the current one, and the previous one during its overlap (for the
 * configured endpoint, each one listed), opened from how they are stored. Throws if one does not
 * open: all or none, as for the configured endpoint.
 */
export async function signingSecrets(settings: EventSettings, endpoint: EndpointRow, nowMs: number): Promise<string[]> {
  if (endpoint.managedBy === "config") {
    // All or none: a list with one bad secret is a configuration mistake to report, not to half-use.
    const secrets = settings.configEndpoint?.secrets ?? [];
    return secrets.length <= MAX_CONFIG_SIGNING_SECRETS && secrets.every((s) => SIGNING_SECRET_PATTERN.test(s)) ? secrets : [];
  }
  const stored = endpoint.secret ? [endpoint.secret] : [];
  if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && Date.parse(endpoint.previousSecretExpiresAt) > nowMs) stored.push(endpoint.previousSecret);
  // Keys are read only for sealed values, so legacy clear rows keep delivering without any key.
  const keys = stored.some((s) => isSealed(s)) ? settings.secretKeys() : [];
  return Promise.all(stored.map((s) => openSecret(s, keys, endpoint.id)));
}

/** One open ticket per endpoint: an endpoint that is down fails many deliveries but raises one alert. */
async function alertFailedDelivery(db: Db, endpoint: EndpointRow, event: EventRow, attempts: number, error: string) {
  console.error(`event ${event.id} to endpoint ${endpoint.id} failed after ${attempts} attempts: ${error}`);
  await raiseException(db, {
    cause: "webhook_delivery_failed",
    subjectKey: endpoint.id,
    summary: `Webhook endpoint ${endpoint.url} did not accept event ${event.id} (${event.type}) after ${attempts} attempts over three days: ${error}. Fix the endpoint, then redeliver from GET /v1/events.`,
    details: { endpointId: endpoint.id, url: endpoint.url, eventId: event.id, eventType: event.type, attempts, lastError: error },
  });
}
