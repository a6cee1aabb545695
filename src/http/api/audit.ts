// The audit trail, for auditors: who did what, and when.

import { z } from "@hono/zod-openapi";
import { listAuditEvents } from "../../store/audit";
import { database } from "../../store/client";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { jsonContent, limitQuery, pageOf } from "../schemas";

const routeAudit = routeOf("Audit");

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
  .openapi("AuditEvent");

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
  responses: { 200: jsonContent(pageOf(auditEventSchema), "A page of events") },
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
