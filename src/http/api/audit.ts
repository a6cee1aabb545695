// The audit trail, for auditors: who did what, and when.

import { z } from "@hono/zod-openapi";
import { listAuditEvents } from "../../store/audit";
import { database } from "../../store/client";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { jsonContent, limitQuery, pageOf } from "../schemas";

const routeAudit = routeOf("Audit");

/** A checker approving week 48's batch. */
const AUDIT_EVENT_EXAMPLE = {
  id: 5521,
  at: "2026-11-30T06:12:44.000Z",
  actorId: "checker-chen",
  action: "batch.approved",
  subjectType: "batch",
  subjectId: "bat_01m8newwy0ypac3ac9rc0t",
  details: { fingerprint: "78e2a92d80f29316a34a727467cb8d5c565c6f26f67b687f14645b18723f79c9", via: "link" },
};

const auditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.string(),
    action: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    details: z.unknown(),
  })
  .openapi("AuditEvent", { example: AUDIT_EVENT_EXAMPLE });

const listRoute = routeAudit("get", "/", "List audit events, newest first", {
  operationId: "listAuditEvents",
  middleware: [requireRole("auditor", "admin")] as const,
  request: {
    query: z.object({
      limit: limitQuery,
      cursor: z.string().regex(/^\d{1,15}$/).optional(),
      subjectType: z.string().max(40).optional(),
      subjectId: z.string().max(140).optional(),
    }),
  },
  responses: { 200: jsonContent(pageOf(auditEventSchema, AUDIT_EVENT_EXAMPLE), "A page of events") },
});

export const auditRouter = router().openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const page = await listAuditEvents(database(c.env.DB), {
    limit: q.limit,
    before: q.cursor === undefined ? undefined : Number(q.cursor),
    subjectType: q.subjectType,
    subjectId: q.subjectId,
  });
  return c.json(page, 200);
});
