// Exception tickets: what needs a person. List and read them, add notes, move them along their
// lifecycle; resolving one whose cause retries the payout does so through the same idempotent
// path (a new attempt, never a second payment of money already paid).

import { z } from "@hono/zod-openapi";
import { servicesFor } from "../../deps";
import { EXCEPTION_STATUSES } from "../../domain/statuses";
import { resolveException } from "../../services/exceptions";
import { database, type Db } from "../../store/client";
import { mapPage } from "../../store/page";
import { addNote, getException, listExceptions } from "../../store/exceptions";
import { EXCEPTION_EXAMPLE, exceptionSchema, exceptionView, withNotes, withNotesView } from "../views/exceptions";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { humanText, idParam, jsonBody, jsonContent, limitQuery, pageOf } from "../schemas";

const routeExceptions = routeOf("Exceptions");

const OPS_ROLES = ["admin", "auditor", "maker", "checker"] as const;

const listRoute = routeExceptions("get", "/", "List exception tickets, newest first", {
  operationId: "listExceptions",
  middleware: [requireRole(...OPS_ROLES)] as const,
  request: {
    query: z.object({
      limit: limitQuery,
      cursor: z.string().max(100).optional(),
      status: z.enum(EXCEPTION_STATUSES).optional(),
      cause: z.string().max(60).optional(),
      payoutId: z.string().max(100).optional(),
    }),
  },
  responses: { 200: jsonContent(pageOf(exceptionSchema, EXCEPTION_EXAMPLE), "A page of tickets") },
});

const getRoute = routeExceptions("get", "/{id}", "Read a ticket with its notes", {
  operationId: "getException",
  middleware: [requireRole(...OPS_ROLES)] as const,
  request: { params: idParam },
  responses: { 200: jsonContent(withNotes, "The ticket") },
});

const noteRoute = routeExceptions("post", "/{id}/notes", "Add a note to a ticket", {
  operationId: "addExceptionNote",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: idParam, body: jsonBody(z.object({ note: humanText(2000) }).strict().openapi("ExceptionNote", { example: { note: "Asked the SBI relationship manager about the outage" } })) },
  responses: { 201: jsonContent(withNotes, "The ticket with the new note") },
});

const statusRoute = routeExceptions("post", "/{id}/status", "Move a ticket: in_progress, resolved or dismissed, with a note", {
  operationId: "setExceptionStatus",
  description:
    "open → in_progress → resolved | dismissed. Resolving a ticket about a failed, returned or refused payout retries it; one about a payout stuck in flight hands it back to the consumer, which asks the bank before sending anything. Tickets about bank details need them corrected and verified first.",
  middleware: [requireRole("admin")] as const,
  request: {
    params: idParam,
    body: jsonBody(z.object({ status: z.enum(["in_progress", "resolved", "dismissed"]), note: humanText(2000) }).strict().openapi("ExceptionTransition", { example: { status: "resolved", note: "SBI confirmed the outage is over; retrying" } })),
  },
  responses: { 200: jsonContent(withNotes, "The ticket after the change (and its retry's result)") },
});

const view = async (db: Db, id: string) => withNotesView(await getException(db, id));

export const exceptionsRouter = router()
  .openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(mapPage(await listExceptions(database(c.env.DB), { ...q, before: q.cursor }), exceptionView), 200);
  })
  .openapi(getRoute, async (c) => c.json(await view(database(c.env.DB), c.req.valid("param").id), 200))
  .openapi(noteRoute, async (c) => {
    const db = database(c.env.DB);
    await addNote(db, c.req.valid("param").id, c.req.valid("json").note, c.get("actor").actorId);
    return c.json(await view(db, c.req.valid("param").id), 201);
  })
  .openapi(statusRoute, async (c) => {
    const { status, note } = c.req.valid("json");
    return c.json(withNotesView(await resolveException(servicesFor(c.env), c.req.valid("param").id, status, note, c.get("actor").actorId)), 200);
  });
