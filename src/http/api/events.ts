// Outbound events and the webhook endpoints that receive them: admins manage endpoints; admins
// and auditors read the event log with every delivery attempt, and admins redeliver an event.

import { z } from "@hono/zod-openapi";
import { eventSettings } from "../../config";
import { eventQueue } from "../../deps";
import { EVENT_FILTER_PATTERN, EVENT_TYPES, MAX_ROTATION_OVERLAP_SECONDS } from "../../domain/events";
import { eventWithDeliveries, renderEvent } from "../../services/events";
import { createEndpoint, deleteEndpoint, redeliverEvent, rotateSecret, updateEndpointSettings } from "../../services/webhook-endpoints";
import { database } from "../../store/client";
import { getEndpoint, liveEndpoints, listEvents } from "../../store/events";
import { requireRole } from "../middleware/auth";
import { routeOf, router } from "../router";
import { cursorQuery, humanText, jsonBody, jsonContent, limitQuery, listOf } from "../schemas";
import {
  deliveryView,
  ENDPOINT_EXAMPLE,
  endpointSchema,
  endpointView,
  endpointWithSecretSchema,
  EVENT_EXAMPLE,
  eventSchema,
  eventWithDeliveriesSchema,
  SUBJECT_VIEWS,
} from "../views/events";

const routeEndpoints = routeOf("Webhook endpoints");
const routeEvents = routeOf("Events");

const endpointParam = z.object({ id: z.string().regex(/^we_[0-9a-z]{1,60}$/).openapi({ param: { name: "id", in: "path" }, example: "we_01m7fh87g0wvyxre290135" }) });
const eventParam = z.object({ id: z.string().regex(/^evt_[0-9a-z]{1,60}$/).openapi({ param: { name: "id", in: "path" }, example: "evt_3f9a1c0e7b2d4a5f6e8c9b0a" }) });

const eventTypes = z
  .array(z.string().regex(EVENT_FILTER_PATTERN, "an event type, a group such as payout.*, or *"))
  .min(1)
  .max(EVENT_TYPES.length)
  .openapi({ description: "Event types to receive: exact (`payout.processed`), a group (`payout.*`) or everything (`*`).", example: ["payout.*", "batch.completed"] });

const endpointFields = {
  url: z.string().max(2000).openapi({ description: "Where events are POSTed: https (http only to localhost).", example: "https://marketplace.example.org/hooks/disburse" }),
  description: humanText(200).optional(),
  eventTypes,
  enabled: z.boolean().optional(),
};

const createRoute = routeEndpoints("post", "/", "Add a webhook endpoint", {
  operationId: "createWebhookEndpoint",
  description: "Disburse generates the endpoint's signing secret (`whsec_…`) and returns it in this response only.",
  middleware: [requireRole("admin")] as const,
  request: { body: jsonBody(z.object(endpointFields).strict().openapi("CreateWebhookEndpoint", {
        example: { url: "https://marketplace.example.org/hooks/disburse", description: "Seller app: payout status and UTRs", eventTypes: ["payout.*", "batch.completed"] },
      })) },
  responses: { 201: jsonContent(endpointWithSecretSchema, "The endpoint and its secret") },
});

const listRoute = routeEndpoints("get", "/", "List webhook endpoints", {
  operationId: "listWebhookEndpoints",
  middleware: [requireRole("admin", "auditor")] as const,
  responses: { 200: jsonContent(listOf(endpointSchema, ENDPOINT_EXAMPLE), "The endpoints (not deleted)") },
});

const getRoute = routeEndpoints("get", "/{id}", "Read a webhook endpoint", {
  operationId: "getWebhookEndpoint",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: endpointParam },
  responses: { 200: jsonContent(endpointSchema, "The endpoint") },
});

const updateRoute = routeEndpoints("patch", "/{id}", "Change a webhook endpoint", {
  operationId: "updateWebhookEndpoint",
  middleware: [requireRole("admin")] as const,
  request: {
    params: endpointParam,
    body: jsonBody(
      z
        .object({ url: endpointFields.url.optional(), description: endpointFields.description, eventTypes: eventTypes.optional(), enabled: z.boolean().optional() })
        .strict()
        .refine((v) => Object.keys(v).length > 0, "change at least one field")
        .openapi("UpdateWebhookEndpoint", { example: { eventTypes: ["payout.*", "batch.*", "exception.opened"] } }),
    ),
  },
  responses: { 200: jsonContent(endpointSchema, "The endpoint") },
});

const rotateRoute = routeEndpoints("post", "/{id}/rotate-secret", "Rotate an endpoint's signing secret", {
  operationId: "rotateWebhookSecret",
  description:
    "A new secret signs from now on. During the overlap (default 24 h) the previous secret signs too, so `webhook-signature` carries two signatures and a receiver can switch secrets without missing an event.",
  middleware: [requireRole("admin")] as const,
  request: {
    params: endpointParam,
    body: jsonBody(
      z
        .object({ overlapSeconds: z.number().int().min(0).max(MAX_ROTATION_OVERLAP_SECONDS).optional().openapi({ description: "How long the previous secret keeps signing (0: stop now)." }) })
        .strict()
        .openapi("RotateWebhookSecret", { example: { overlapSeconds: 86400 } }),
    ),
  },
  responses: { 200: jsonContent(endpointWithSecretSchema, "The endpoint and its new secret") },
});

const deleteRoute = routeEndpoints("delete", "/{id}", "Delete a webhook endpoint", {
  operationId: "deleteWebhookEndpoint",
  middleware: [requireRole("admin")] as const,
  request: { params: endpointParam },
  responses: { 200: jsonContent(endpointSchema, "The deleted endpoint") },
});

const listEventsRoute = routeEvents("get", "/", "List events, newest first", {
  operationId: "listEvents",
  middleware: [requireRole("admin", "auditor")] as const,
  request: {
    query: z.object({
      type: z.enum(EVENT_TYPES).optional(),
      subjectId: z.string().max(100).optional().openapi({ description: "Only the events of this payout, batch, ticket, payee or run." }),
      limit: limitQuery,
      cursor: cursorQuery.pipe(z.string().regex(/^\d{1,15}$/).optional()),
    }),
  },
  responses: { 200: jsonContent(z.object({ data: z.array(eventSchema), nextCursor: z.string().nullable() }).openapi({ example: { data: [EVENT_EXAMPLE], nextCursor: null } }), "A page of events") },
});

const getEventRoute = routeEvents("get", "/{id}", "Read an event with its delivery attempts", {
  operationId: "getEvent",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: eventParam },
  responses: { 200: jsonContent(eventWithDeliveriesSchema, "The event, and each endpoint's delivery with every attempt") },
});

const redeliverRoute = routeEvents("post", "/{id}/redeliver", "Deliver an event again", {
  operationId: "redeliverEvent",
  description: "To every enabled endpoint that wants the event now, with a fresh retry schedule: after fixing a receiver, or for one that was added later.",
  middleware: [requireRole("admin")] as const,
  request: { params: eventParam },
  responses: { 202: jsonContent(z.object({ deliveryIds: z.array(z.string()) }).openapi({ example: { deliveryIds: ["dlv_3f9a1c0e7b2d4a5f6e8c9b0a_01m7fh87g0wvyxre290135"] } }), "Deliveries queued") },
});

export const webhookEndpointsRouter = router()
  .openapi(createRoute, async (c) => {
    const { row, secret } = await createEndpoint(database(c.env.DB), eventSettings(c.env), c.req.valid("json"), c.get("actor").actorId);
    return c.json({ ...endpointView(row), secret }, 201);
  })
  .openapi(listRoute, async (c) => c.json({ data: (await liveEndpoints(database(c.env.DB))).map((row) => endpointView(row)) }, 200))
  .openapi(getRoute, async (c) => c.json(endpointView(await getEndpoint(database(c.env.DB), c.req.valid("param").id)), 200))
  .openapi(updateRoute, async (c) => c.json(endpointView(await updateEndpointSettings(database(c.env.DB), c.req.valid("param").id, c.req.valid("json"), c.get("actor").actorId)), 200))
  .openapi(rotateRoute, async (c) => {
    const { row, secret } = await rotateSecret(database(c.env.DB), eventSettings(c.env), c.req.valid("param").id, c.req.valid("json").overlapSeconds, c.get("actor").actorId);
    return c.json({ ...endpointView(row), secret }, 200);
  })
  .openapi(deleteRoute, async (c) => c.json(endpointView(await deleteEndpoint(database(c.env.DB), c.req.valid("param").id, c.get("actor").actorId)), 200));

export const eventsRouter = router()
  .openapi(listEventsRoute, async (c) => {
    const q = c.req.valid("query");
    const db = database(c.env.DB);
    const page = await listEvents(db, { type: q.type, subjectId: q.subjectId, before: q.cursor === undefined ? undefined : Number(q.cursor), limit: q.limit });
    const settings = eventSettings(c.env);
    const data = await Promise.all(page.data.map((row) => renderEvent(db, settings, SUBJECT_VIEWS, row, { forDelivery: false })));
    return c.json({ data: data as z.infer<typeof eventSchema>[], nextCursor: page.nextCursor }, 200);
  })
  .openapi(getEventRoute, async (c) => {
    const { event, deliveries, attempts } = await eventWithDeliveries(database(c.env.DB), eventSettings(c.env), SUBJECT_VIEWS, c.req.valid("param").id);
    return c.json({ ...(event as z.infer<typeof eventSchema>), deliveries: deliveries.map((d) => deliveryView(d, attempts)) }, 200);
  })
  .openapi(redeliverRoute, async (c) => {
    const env = c.env;
    const deliveryIds = await redeliverEvent(database(env.DB), eventQueue(env), eventSettings(env), c.req.valid("param").id);
    return c.json({ deliveryIds }, 202);
  });
