// Exception tickets: what needs a person. List and read them, add notes, move them along their
// lifecycle; resolving one whose cause retries the payout does so through the same idempotent
// path (a new attempt, never a second payment of money already paid).

import { createRoute, z } from "@hono/zod-openapi";
import { servicesFor } from "../../deps";
import { EXCEPTION_STATUSES } from "../../domain/statuses";
import { resolveException } from "../../services/exceptions";
import { database, type Db } from "../../store/client";
import { mapPage } from "../../store/page";
import { addNote, getException, listExceptions } from "../../store/exceptions";
import { exceptionSchema, exceptionView, withNotes, withNotesView } from "../views/exceptions";
import { router } from "../router";
import { requireRole } from "../middleware/auth";
import { errorResponses, humanText, idParam, jsonContent, limitQuery, pageOf } from "../schemas";

const OPS_ROLES = ["admin", "auditor", "maker", "checker"] as const;

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Exceptions"],
  summary: "List exception tickets, newest first",
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
  responses: { 200: jsonContent(pageOf(exceptionSchema), "A page of tickets"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Exceptions"],
  summary: "Read a ticket with its notes",
  middleware: [requireRole(...OPS_ROLES)] as const,
  request: { params: idParam },
  responses: { 200: jsonContent(withNotes, "The ticket"), ...errorResponses },
});

const noteRoute = createRoute({
  method: "post",
  path: "/{id}/notes",
  tags: ["Exceptions"],
  summary: "Add a note to a ticket",
  middleware: [requireRole("admin", "auditor")] as const,
  request: { params: idParam, body: { required: true, content: { "application/json": { schema: z.object({ note: humanText(2000) }).strict().openapi("ExceptionNote") } } } },
  responses: { 201: jsonContent(withNotes, "The ticket with the new note"), ...errorResponses },
});

const statusRoute = createRoute({
  method: "post",
  path: "/{id}/status",
  tags: ["Exceptions"],
  summary: "Move a ticket: in_progress, resolved or dismissed, with a note",
  description:
    "open → in_progress → resolved | dismissed. Resolving a ticket about a failed, returned or refused payout retries it; one about a payout stuck in flight hands it back to the consumer, which asks the bank before sending anything. Tickets about bank details need them corrected and verified first.",
  middleware: [requireRole("admin")] as const,
  request: {
    params: idParam,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ status: z.enum(["in_progress", "resolved", "dismissed"]), note: humanText(2000) }).strict().openapi("ExceptionTransition") } },
    },
  },
  responses: { 200: jsonContent(withNotes, "The ticket after the change (and its retry's result)"), ...errorResponses },
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
