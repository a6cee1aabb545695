// Events and webhook endpoints as the API shows them, and how each event's subject is shown in
// the body a receiver gets: by the same view the API uses for that object. The zod schemas are
// also the OpenAPI document's `webhooks` section, one entry per event type.

import { z } from "@hono/zod-openapi";
import { EVENT_TYPES, type EventType, isBankChangeEvent, subjectOf } from "../../domain/events";
import { BANK_CHANGE_EXAMPLE, bankChangeSchema } from "./bank-detail-changes";
import { DELIVERY_STATUSES } from "../../domain/statuses";
import type { SubjectViews } from "../../services/events";
import type { AttemptRow, DeliveryRow, EndpointRow } from "../../store/events";
import type { BatchRow } from "../../store/batches";
import type { ExceptionRow } from "../../store/exceptions";
import type { PayeeRow } from "../../store/payees";
import type { PayoutRow } from "../../store/payouts";
import { runView } from "../../store/reconciliation";
import { BATCH_EXAMPLE, batchSchema } from "./batches";
import { EXCEPTION_EXAMPLE, exceptionSchema, exceptionView } from "./exceptions";
import { PAYEE_EXAMPLE, payeeSchema, payeeView } from "./payees";
import { PAYOUT_EXAMPLE, payoutSchema, payoutView } from "./payouts";
import { RUN_EXAMPLE, runSchema } from "./reconciliation";

/** Week 48's batch as its events show it, once it was released to the bank. */
const BATCH_EVENT_DATA_EXAMPLE = {
  id: BATCH_EXAMPLE.id,
  cycleId: BATCH_EXAMPLE.cycleId,
  currency: BATCH_EXAMPLE.currency,
  status: BATCH_EXAMPLE.status,
  makerId: BATCH_EXAMPLE.makerId,
  totalPaise: BATCH_EXAMPLE.totalPaise,
  itemCount: BATCH_EXAMPLE.itemCount,
  requiredApprovals: BATCH_EXAMPLE.requiredApprovals,
  fingerprint: BATCH_EXAMPLE.fingerprint,
  rejectionReason: null,
  submittedAt: BATCH_EXAMPLE.submittedAt,
  decidedAt: BATCH_EXAMPLE.decidedAt,
  releasedAt: "2026-11-30T06:12:45.000Z",
  version: BATCH_EXAMPLE.version,
  createdAt: BATCH_EXAMPLE.createdAt,
  updatedAt: BATCH_EXAMPLE.updatedAt,
};

/** A batch in an event: the batch without its items (GET /v1/batches/{id} has them). */
export const batchEventDataSchema = batchSchema
  .pick({
    id: true,
    cycleId: true,
    currency: true,
    status: true,
    makerId: true,
    totalPaise: true,
    itemCount: true,
    requiredApprovals: true,
    fingerprint: true,
    rejectionReason: true,
    submittedAt: true,
    decidedAt: true,
    version: true,
    createdAt: true,
    updatedAt: true,
  })
  .extend({ releasedAt: z.string().nullable() })
  .openapi("BatchEventData", { example: BATCH_EVENT_DATA_EXAMPLE });

type BatchSnapshot = z.infer<typeof batchEventDataSchema>;

/** What the checker's inbox is sent; GET /v1/events shows it without the link. */
const APPROVAL_REQUEST_EXAMPLE = {
  checker: { actorId: "checker-chen", email: "chen@finance.example.in" },
  approvalUrl: null,
  expiresAt: "2026-12-02T05:41:02.000Z",
  batch: { id: BATCH_EXAMPLE.id, cycleId: "2026-W48", makerId: "maker-mira", itemCount: 2, payableItemCount: 2, totalPaise: 89240, currency: "INR", requiredApprovals: 1 },
};

export const approvalRequestSchema = z
  .object({
    checker: z.object({ actorId: z.string(), email: z.string().nullable() }),
    approvalUrl: z.string().nullable().openapi({ description: "The checker's signed approval link. Only in the delivered body: GET /v1/events shows null, since the link is that checker's credential." }),
    expiresAt: z.string(),
    batch: z.object({
      id: z.string(),
      cycleId: z.string(),
      makerId: z.string(),
      itemCount: z.number().int(),
      payableItemCount: z.number().int(),
      totalPaise: z.number().int(),
      currency: z.string(),
      requiredApprovals: z.number().int(),
    }),
  })
  .openapi("ApprovalRequest", { example: APPROVAL_REQUEST_EXAMPLE });

/** Snapshots are rows as SQL's json_object wrote them; the views read them as rows. */
export const SUBJECT_VIEWS: SubjectViews = {
  payout: (row) => payoutView(row as unknown as PayoutRow),
  exception: (row) => exceptionView(row as unknown as ExceptionRow),
  payee: (row) => payeeView(row as unknown as PayeeRow),
  reconciliation_run: (row) => runView(row as never),
  batch: (row): BatchSnapshot => {
    const b = row as unknown as BatchRow;
    return {
      id: b.id,
      cycleId: b.cycleId,
      currency: b.currency,
      status: b.status,
      makerId: b.makerId,
      totalPaise: b.totalPaise,
      itemCount: b.itemCount,
      requiredApprovals: b.requiredApprovals,
      fingerprint: b.fingerprint,
      rejectionReason: b.rejectionReason,
      submittedAt: b.submittedAt,
      decidedAt: b.decidedAt,
      releasedAt: b.releasedAt,
      version: b.version,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
    };
  },
};

const dataSchemaOf = (type: EventType) => {
  if (type === "batch.approval_requested") return approvalRequestSchema;
  if (isBankChangeEvent(type)) return bankChangeSchema;
  const subject = subjectOf(type);
  if (subject === "payout") return payoutSchema;
  if (subject === "batch") return batchEventDataSchema;
  if (subject === "exception") return exceptionSchema;
  if (subject === "payee") return payeeSchema;
  return runSchema;
};

/** A run that found the seller's payout recorded as paid but not debited at the bank. */
const MISMATCH_RUN_EXAMPLE = {
  ...RUN_EXAMPLE,
  totals: { ...RUN_EXAMPLE.totals, bankDebitedPaise: 0, matchedCount: 0, balanced: false },
  mismatches: [
    {
      class: "missing_at_bank",
      payoutId: PAYOUT_EXAMPLE.id,
      bankReference: PAYOUT_EXAMPLE.bankReference,
      message: `Payout ${PAYOUT_EXAMPLE.id} is processed in Disburse but the bank shows no debit for it.`,
      systemPaise: PAYOUT_EXAMPLE.amountPaise,
      bankPaise: 0,
      ledgerPaise: PAYOUT_EXAMPLE.amountPaise,
    },
  ],
  mismatchCount: 1,
};

/** The seller's payout at `status`: no UTR before the bank has paid, and why when it failed. */
function payoutExampleAt(status: string) {
  if (status === "processed" || status === "reversed") return { ...PAYOUT_EXAMPLE, status };
  const failure = status === "failed" ? { failureCode: "beneficiary_bank_offline", failureReason: "The beneficiary bank is not accepting credits right now." } : {};
  return { ...PAYOUT_EXAMPLE, status, bankReference: null, processedAt: null, ...failure };
}

/** An example of a type's data: the subject's own example, in the state the type reports. */
function dataExampleOf(type: EventType): { id?: string; payeeId?: string | null; batch?: { id: string }; [field: string]: unknown } {
  const reached = type.slice(type.indexOf(".") + 1);
  if (type === "batch.approval_requested") return APPROVAL_REQUEST_EXAMPLE;
  if (type === "payee.bank_details_change_requested") return { ...BANK_CHANGE_EXAMPLE, status: "pending", decidedBy: null, decidedAt: null, decisionNote: null, payableFrom: null };
  if (type === "payee.bank_details_change_rejected") return { ...BANK_CHANGE_EXAMPLE, status: "rejected", decisionNote: "The payee did not ask for this change", payableFrom: null };
  if (isBankChangeEvent(type)) return BANK_CHANGE_EXAMPLE;
  const subject = subjectOf(type);
  if (subject === "payout") return payoutExampleAt(reached);
  if (subject === "batch") return { ...BATCH_EVENT_DATA_EXAMPLE, status: reached === "submitted" ? "pending_approval" : reached };
  if (subject === "exception") return { ...EXCEPTION_EXAMPLE, status: reached === "opened" ? "open" : reached };
  if (subject === "payee") return PAYEE_EXAMPLE;
  return MISMATCH_RUN_EXAMPLE;
}

/** The body a receiver gets for `type`. */
function eventExampleOf(type: EventType) {
  const data = dataExampleOf(type);
  const subjectId = isBankChangeEvent(type) ? data.payeeId : (data.id ?? data.batch?.id);
  return { ...EVENT_EXAMPLE, type, subject: { type: subjectOf(type), id: subjectId }, data };
}

const envelope = (type: z.ZodType<string>, data: z.ZodType) =>
  z.object({
    id: z.string().openapi({ description: "Stable across retries; also the webhook-id header. Receivers deduplicate on it.", example: "evt_3f9a1c0e7b2d4a5f6e8c9b0a" }),
    type,
    timestamp: z.string().openapi({ description: "When the change happened (ISO 8601)." }),
    subject: z.object({ type: z.string(), id: z.string() }),
    sequence: z.number().int().openapi({ description: "The subject's own event counter (1, 2, …): a receiver discards an event whose sequence is not above the last it applied for that subject." }),
    data: data,
  });

/** The seller's payout reached `processed`: the event a marketplace shows the seller its UTR from. */
export const EVENT_EXAMPLE = {
  id: "evt_3f9a1c0e7b2d4a5f6e8c9b0a",
  type: "payout.processed" as const,
  timestamp: "2026-12-01T06:44:30.000Z",
  subject: { type: "payout", id: PAYOUT_EXAMPLE.id },
  sequence: 5,
  data: PAYOUT_EXAMPLE,
};

export const eventSchema = envelope(z.enum(EVENT_TYPES), z.unknown().openapi({ description: "The subject as the API returns it (see the webhooks section for each type)." })).openapi("Event", {
  example: EVENT_EXAMPLE,
});

const ATTEMPT_EXAMPLE = { attempt: 1, at: "2026-12-01T06:44:31.000Z", responseStatus: 200, responseExcerpt: "ok", error: null, durationMs: 184 };

export const attemptSchema = z
  .object({
    attempt: z.number().int(),
    at: z.string(),
    responseStatus: z.number().int().nullable(),
    responseExcerpt: z.string().nullable(),
    error: z.string().nullable(),
    durationMs: z.number().int(),
  })
  .openapi("DeliveryAttempt", { example: ATTEMPT_EXAMPLE });

const DELIVERY_EXAMPLE = {
  id: "dlv_3f9a1c0e7b2d4a5f6e8c9b0a_01m7fh87g0wvyxre290135",
  endpointId: "we_01m7fh87g0wvyxre290135",
  status: "delivered" as const,
  attempts: 1,
  nextAttemptAt: null,
  lastError: null,
  deliveredAt: "2026-12-01T06:44:31.000Z",
  attemptLog: [ATTEMPT_EXAMPLE],
};

export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    attemptLog: z.array(attemptSchema),
  })
  .openapi("EventDelivery", { example: DELIVERY_EXAMPLE });

export const eventWithDeliveriesSchema = eventSchema.extend({ deliveries: z.array(deliverySchema) }).openapi("EventWithDeliveries", { example: { ...EVENT_EXAMPLE, deliveries: [DELIVERY_EXAMPLE] } });

export function deliveryView(row: DeliveryRow, attempts: readonly AttemptRow[]): z.infer<typeof deliverySchema> {
  return {
    id: row.id,
    endpointId: row.endpointId,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.nextAttemptAt : null,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    attemptLog: attempts
      .filter((a) => a.deliveryId === row.id)
      .map((a) => ({ attempt: a.attempt, at: a.at, responseStatus: a.responseStatus, responseExcerpt: a.responseExcerpt, error: a.error, durationMs: a.durationMs })),
  };
}

/** The marketplace's receiver of payout and batch events. */
export const ENDPOINT_EXAMPLE = {
  id: "we_01m7fh87g0wvyxre290135",
  url: "https://marketplace.example.org/hooks/disburse",
  description: "Seller app: payout status and UTRs",
  eventTypes: ["payout.*", "batch.completed"],
  enabled: true,
  managedBy: "api" as const,
  secretRotation: null,
  createdBy: "admin-ada",
  createdAt: "2026-11-15T12:00:00.000Z",
  updatedAt: "2026-11-15T12:00:00.000Z",
};

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    managedBy: z.enum(["api", "config"]),
    secretRotation: z
      .object({ previousSecretExpiresAt: z.string() })
      .nullable()
      .openapi({ description: "While set, the previous secret also signs every delivery (two signatures in webhook-signature)." }),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi("WebhookEndpoint", { example: ENDPOINT_EXAMPLE });

export const endpointWithSecretSchema = endpointSchema
  .extend({ secret: z.string().openapi({ description: "The signing secret (whsec_…). Shown only in this response: store it now.", example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }) })
  .openapi("WebhookEndpointWithSecret", { example: { ...ENDPOINT_EXAMPLE, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" } });

export function endpointView(row: EndpointRow, nowMs: number = Date.now()): z.infer<typeof endpointSchema> {
  const overlapping = row.previousSecret && row.previousSecretExpiresAt && Date.parse(row.previousSecretExpiresAt) > nowMs;
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: JSON.parse(row.eventTypes) as string[],
    enabled: Boolean(row.enabled),
    managedBy: row.managedBy,
    secretRotation: overlapping ? { previousSecretExpiresAt: row.previousSecretExpiresAt! } : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const WEBHOOK_HEADERS = z.object({
  "webhook-id": z.string().openapi({ description: "The event's id (the same on every retry)." }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed; refuse stale ones (Standard Webhooks suggests 5 minutes)." }),
  "webhook-signature": z.string().openapi({ description: "Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>`; two during a secret rotation." }),
});

const WEBHOOK_DESCRIPTIONS: Partial<Record<EventType, string>> = {
  "payout.processed": "The bank debited our account: `bankReference` is the UTR to show the seller.",
  "payout.failed": "The bank will not pay: `failureCode` and `failureReason` say why. An exception ticket is opened.",
  "payout.reversed": "Paid, then returned by the bank: the payee is owed again.",
  "batch.approval_requested": "A checker must approve a batch: deliver `approvalUrl` to `checker.email`. Sent to NOTIFY_WEBHOOK_URL too.",
  "exception.opened": "A ticket needs a person (the alert). Sent to NOTIFY_WEBHOOK_URL too.",
  "reconciliation.mismatch": "A three-way reconciliation run found mismatches; each also opened a ticket.",
  "payee.bank_details_changed": "A second person approved new bank details for a payee (shown masked): they are unverified until checked, and payable from `bankDetailsPayableFrom`.",
  "payee.bank_details_change_requested":
    "Someone asked to change a payee's bank details. Tell the payee at `contactOnFile.email`, the contact on file before the request: \"your bank details were changed\". The change takes effect only when a second person approves it.",
  "payee.bank_details_change_approved": "A second person approved a bank details change; it is payable from `payableFrom` (after the cooling-off). Tell the payee at `contactOnFile.email`.",
  "payee.bank_details_change_rejected": "A bank details change was rejected; the payee's details stay as they were.",
  "payee.bank_details_verification_set": "A payee's bank details were recorded verified or invalid, with the bank's name and its match score (`verification`).",
};

/** One `webhooks` entry per event type, in the OpenAPI document. */
export function webhookDocs() {
  return EVENT_TYPES.map((type) => ({
    method: "post" as const,
    path: type,
    operationId: `on_${type.replace(".", "_")}`,
    tags: ["Webhook events"],
    summary: `${type}`,
    description: `${WEBHOOK_DESCRIPTIONS[type] ?? `The ${subjectOf(type).replace("_", " ")} reached the state this type names.`} Signed as the Standard Webhooks specification says; verify with its reference library (npm: standardwebhooks).`,
    request: {
      headers: WEBHOOK_HEADERS,
      body: { content: { "application/json": { schema: envelope(z.literal(type), dataSchemaOf(type)).openapi({ example: eventExampleOf(type) }) } } },
    },
    responses: {
      200: { description: "Any 2xx acknowledges the event; anything else (or no answer in 15 s) is retried with backoff for over three days." },
    },
  }));
}
