// The ops console: server-rendered pages for people, behind a sign-in session (session.ts). Every
// form posts the session's CSRF token and is refused from a foreign Origin; pages are never
// cached or framed. Handlers read through page-data.ts and change things through the use cases.

import { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { reserveDefaults } from "../../config";
import { statementCsv } from "../../domain/remittance";
import { getDailyReport, listDailyReports, reportCsv } from "../../store/audit-report";
import { listBatches } from "../../store/batches";
import { database } from "../../store/client";
import { addNote, listExceptions } from "../../store/exceptions";
import { mapPage } from "../../store/page";
import { statementFor } from "../../store/remittance";
import { BATCH_STATUSES } from "../../domain/statuses";
import { DomainError } from "../../domain/errors";
import { eventQueue, servicesFor } from "../../deps";
import { eventSettings } from "../../config";
import { EVENT_TYPES, type EventType } from "../../domain/events";
import { redeliverEvent } from "../../services/webhook-endpoints";
import { listEvents } from "../../store/events";
import { canReadEvents, canRedeliver, EventListPage, EventPage } from "./pages/events";
import { eventPageData } from "./event-data";
import { resolveException } from "../../services/exceptions";
import { httpErrorOf } from "../errors";
import { type FormRefusal, formPost } from "../middleware/forms";
import { consoleHeaders, noStore } from "../middleware/page-headers";
import { StatementPage } from "../pages/remittance";
import { humanText } from "../schemas";
import { statementCsvHeaders, statementRange } from "../views/balances";
import { batchListView } from "../views/batches";
import { exceptionView } from "../views/exceptions";
import { signInPages } from "./login";
import { activeExceptions, batchPageData, dashboardData, exceptionPageData, KNOWN_CAUSES, PAGE_SIZE, payeePageData, payoutListData, payoutPageData } from "./page-data";
import { parsePayoutFilters } from "./payout-filters";
import { parseSearchText, SEARCH_MAX_CHARS, searchConsole } from "./search";
import { AuditListPage, AuditReportPage } from "./pages/audit";
import { BatchListPage, BatchPage } from "./pages/batches";
import { DashboardPage } from "./pages/dashboard";
import { EXCEPTION_FILTERS, type ExceptionFilter, ExceptionListPage, ExceptionPage } from "./pages/exceptions";
import { PayeePage } from "./pages/payee";
import { PayoutPage } from "./pages/payout";
import { PayoutListPage } from "./pages/payout-list";
import { SearchPage } from "./pages/search";
import { canAddNotes, canMoveExceptions, canReadAudit, OpsMessage } from "./pages/shell";
import { CONSOLE_FORM_TYPES, endEverySession, endSession, MAX_FORM_BYTES, type OpsContext, type OpsEnv, requireSession } from "./session";

const AUDIT_DAYS_SHOWN = 62;
const NOTE_CHARS = 2000;

const DONE_MESSAGES: Record<string, string> = {
  note: "Your note was added.",
  in_progress: "The exception is in progress.",
  resolved: "The exception is resolved.",
  dismissed: "The exception is dismissed.",
};

function refuse(c: OpsContext, status: ContentfulStatusCode, title: string, message: string) {
  return c.html(<OpsMessage viewer={c.get("viewer") ?? null} tone="bad" title={title} message={message} back={{ href: "/ops", label: "Back to the dashboard" }} />, status);
}

/** A statement's period from the query string (the last 30 days by default), or null when it is not one. */
function statementPeriod(c: OpsContext) {
  const instant = z.iso.datetime({ offset: true }).optional();
  const from = instant.safeParse(c.req.query("from") || undefined);
  const to = instant.safeParse(c.req.query("to") || undefined);
  return from.success && to.success ? statementRange(from.data, to.data, Date.now()) : null;
}

const badPeriod = (c: OpsContext) =>
  refuse(c, 422, "Not a statement period", "from and to must be ISO 8601 times such as 2026-11-01T00:00:00Z, with to after from (to is excluded).");

const needsAuditRole = (c: OpsContext) => refuse(c, 403, "Not for your role", "Audit reports are for the auditor and admin roles.");

const FORM_REFUSALS: Record<FormRefusal, [ContentfulStatusCode, string, string]> = {
  foreign_origin: [403, "Request refused", "The form was sent from another site; nothing was changed."],
  too_large: [413, "Request refused", "The form is too large or not a form; nothing was changed."],
  not_a_form: [413, "Request refused", "The form is too large or not a form; nothing was changed."],
  bad_csrf: [403, "Please reload the page", "This form's security token is missing or belongs to another session. Reload the page and try again; nothing was changed."],
};

/** A signed-in person's form: their session's CSRF token, from no foreign site. */
const consoleForm = formPost<OpsEnv>({
  maxBytes: MAX_FORM_BYTES,
  mediaTypes: CONSOLE_FORM_TYPES,
  expectedCsrf: async (c) => c.get("viewer").csrfToken,
  refuse: (c, why) => refuse(c, ...FORM_REFUSALS[why]),
});

const consolePages = new Hono<OpsEnv>()
  .use(noStore, consoleHeaders)
  .route("/", signInPages)
  .use(requireSession)
  .on("POST", "*", consoleForm)
  .post("/logout", async (c) => {
    await endSession(c, c.get("session").sessionId);
    return c.redirect("/ops/login?out=1", 303);
  })
  .post("/logout-everywhere", async (c) => {
    await endEverySession(c, c.get("session").actorId);
    return c.redirect("/ops/login?out=all", 303);
  })
  .get("/", async (c) => c.html(<DashboardPage viewer={c.get("viewer")} data={await dashboardData(database(c.env.DB), c.get("viewer"), Date.now())} />))
  .get("/batches", async (c) => {
    const status = (BATCH_STATUSES as readonly string[]).includes(c.req.query("status") ?? "") ? (c.req.query("status") as (typeof BATCH_STATUSES)[number]) : undefined;
    const cycleId = (c.req.query("cycle") ?? "").trim().slice(0, 60) || undefined;
    const before = c.req.query("before")?.slice(0, 100) || undefined;
    const page = batchListView(await listBatches(database(c.env.DB), { status, cycleId, before, limit: PAGE_SIZE }));
    const nextHref = page.nextCursor
      ? `/ops/batches?${new URLSearchParams({ ...(status ? { status } : {}), ...(cycleId ? { cycle: cycleId } : {}), before: page.nextCursor })}`
      : null;
    return c.html(<BatchListPage viewer={c.get("viewer")} statuses={BATCH_STATUSES} filter={{ status, cycleId }} rows={page.data} nextHref={nextHref} />);
  })
  .get("/batches/:id", async (c) => c.html(<BatchPage viewer={c.get("viewer")} {...await batchPageData(database(c.env.DB), c.req.param("id").slice(0, 100))} />))
  .get("/payouts", async (c) => {
    const parsed = parsePayoutFilters((name) => c.req.query(name));
    const shown = { viewer: c.get("viewer"), form: parsed.form, problems: parsed.problems };
    if (parsed.problems.length > 0) return c.html(<PayoutListPage {...shown} rows={[]} payeeNames={{}} nextHref={null} />, 400);
    return c.html(<PayoutListPage {...shown} {...await payoutListData(database(c.env.DB), parsed)} />);
  })
  .get("/search", async (c) => {
    const raw = c.req.query("q");
    const parsed = parseSearchText(raw);
    if (parsed.ok === "empty") return c.html(<SearchPage viewer={c.get("viewer")} outcome="empty" />);
    if (!parsed.ok) {
      const shown = (raw ?? "").replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, SEARCH_MAX_CHARS);
      return c.html(<SearchPage viewer={c.get("viewer")} outcome="refused" text={shown} problem={parsed.problem} />, 400);
    }
    return c.html(<SearchPage viewer={c.get("viewer")} outcome="found" results={await searchConsole(database(c.env.DB), parsed.text)} />);
  })
  .get("/payouts/:id", async (c) => c.html(<PayoutPage viewer={c.get("viewer")} {...await payoutPageData(database(c.env.DB), c.req.param("id").slice(0, 100))} />))
  .get("/payees/:id", async (c) =>
    c.html(<PayeePage viewer={c.get("viewer")} {...await payeePageData(database(c.env.DB), c.req.param("id").slice(0, 100), reserveDefaults(c.env), new Date().toISOString())} />),
  )
  .get("/payees/:id/statement", async (c) => {
    const period = statementPeriod(c);
    if (!period) return badPeriod(c);
    return c.html(<StatementPage statement={await statementFor(database(c.env.DB), c.req.param("id").slice(0, 100), period.from, period.to)} />);
  })
  .get("/payees/:id/statement.csv", async (c) => {
    const period = statementPeriod(c);
    if (!period) return badPeriod(c);
    const statement = await statementFor(database(c.env.DB), c.req.param("id").slice(0, 100), period.from, period.to);
    return c.body(statementCsv(statement), 200, statementCsvHeaders(statement.payeeId, period.from));
  })
  .get("/exceptions", async (c) => {
    const db = database(c.env.DB);
    const status: ExceptionFilter = (EXCEPTION_FILTERS as readonly string[]).includes(c.req.query("status") ?? "") ? (c.req.query("status") as ExceptionFilter) : "active";
    const cause = /^[a-z0-9_]{1,60}$/.test(c.req.query("cause") ?? "") ? c.req.query("cause") : undefined;
    const before = c.req.query("before")?.slice(0, 100) || undefined;
    const page =
      status === "active"
        ? await activeExceptions(db, cause, before)
        : mapPage(await listExceptions(db, { status: status === "all" ? undefined : status, cause, before, limit: PAGE_SIZE }), exceptionView);
    const nextHref = page.nextCursor ? `/ops/exceptions?${new URLSearchParams({ status, ...(cause ? { cause } : {}), before: page.nextCursor })}` : null;
    const causes = cause && !KNOWN_CAUSES.includes(cause) ? [...KNOWN_CAUSES, cause] : KNOWN_CAUSES;
    return c.html(<ExceptionListPage viewer={c.get("viewer")} filter={{ status, cause }} causes={causes} rows={page.data} nextHref={nextHref} />);
  })
  .get("/exceptions/:id", async (c) => {
    const props = await exceptionPageData(database(c.env.DB), c.req.param("id").slice(0, 100));
    const done = DONE_MESSAGES[c.req.query("done") ?? ""];
    return c.html(<ExceptionPage viewer={c.get("viewer")} {...props} outcome={done ? { tone: "ok", message: done } : undefined} />);
  })
  .post("/exceptions/:id/notes", async (c) => {
    const id = c.req.param("id").slice(0, 100);
    const viewer = c.get("viewer");
    const db = database(c.env.DB);
    const note = humanText(NOTE_CHARS).safeParse(c.get("form").note ?? "");
    const refuseWith = async (status: ContentfulStatusCode, message: string) =>
      c.html(<ExceptionPage viewer={viewer} {...await exceptionPageData(db, id)} outcome={{ tone: "bad", title: "Note not added", message }} />, status);
    if (!canAddNotes(viewer)) return refuseWith(403, "Adding notes needs the admin or auditor role. Nothing was changed.");
    if (!note.success) return refuseWith(400, "Write a note of up to 2000 characters (no control characters). Nothing was changed.");
    await addNote(db, id, note.data, viewer.actorId);
    return c.redirect(`/ops/exceptions/${encodeURIComponent(id)}?done=note`, 303);
  })
  .post("/exceptions/:id/status", async (c) => {
    const id = c.req.param("id").slice(0, 100);
    const viewer = c.get("viewer");
    const form = c.get("form");
    const to = form.status === "in_progress" || form.status === "resolved" || form.status === "dismissed" ? form.status : null;
    const note = humanText(NOTE_CHARS).safeParse(form.note ?? "");
    const refuseWith = async (status: ContentfulStatusCode, message: string) =>
      c.html(
        <ExceptionPage viewer={viewer} {...await exceptionPageData(database(c.env.DB), id)} outcome={{ tone: "bad", title: "Nothing was changed", message }} draft={form.note} />,
        status,
      );
    if (!canMoveExceptions(viewer)) return refuseWith(403, "Moving, resolving and dismissing exceptions needs the admin role.");
    if (!to) return refuseWith(400, "Choose Resolve, Move to in progress or Dismiss.");
    if (!note.success) return refuseWith(400, "Write a note of up to 2000 characters (no control characters) saying what you did and why.");
    try {
      await resolveException(servicesFor(c.env), id, to, note.data, viewer.actorId);
    } catch (error) {
      // A missing ticket is the "Not found" page; any other refusal is shown on the ticket's own page.
      const refusal = error instanceof DomainError && error.kind !== "not_found" ? httpErrorOf(error) : null;
      if (refusal) return refuseWith(refusal.status, refusal.message);
      throw error;
    }
    return c.redirect(`/ops/exceptions/${encodeURIComponent(id)}?done=${to}`, 303);
  })
  .get("/events", async (c) => {
    if (!canReadEvents(c.get("viewer"))) return refuse(c, 403, "Not for your role", "The event log is for the auditor and admin roles.");
    const type = (EVENT_TYPES as readonly string[]).includes(c.req.query("type") ?? "") ? (c.req.query("type") as EventType) : undefined;
    const subjectId = (c.req.query("subject") ?? "").trim().slice(0, 100) || undefined;
    const before = /^\d{1,15}$/.test(c.req.query("before") ?? "") ? Number(c.req.query("before")) : undefined;
    const db = database(c.env.DB);
    const page = await listEvents(db, { type, subjectId, before, limit: PAGE_SIZE });
    const rows = page.data.map((e) => ({ id: e.id, type: e.type, timestamp: e.createdAt, subject: { type: e.subjectType, id: e.subjectId }, sequence: e.sequence }));
    const nextHref = page.nextCursor ? `/ops/events?${new URLSearchParams({ ...(type ? { type } : {}), ...(subjectId ? { subject: subjectId } : {}), before: page.nextCursor })}` : null;
    return c.html(<EventListPage viewer={c.get("viewer")} types={EVENT_TYPES} filter={{ type, subjectId }} rows={rows} nextHref={nextHref} />);
  })
  .get("/events/:id", async (c) => {
    if (!canReadEvents(c.get("viewer"))) return refuse(c, 403, "Not for your role", "The event log is for the auditor and admin roles.");
    const done = c.req.query("done") === "redelivered" ? { tone: "ok" as const, message: "Sent again to every endpoint that wants it." } : undefined;
    return c.html(<EventPage viewer={c.get("viewer")} {...await eventPageData(c.env, c.req.param("id").slice(0, 100))} outcome={done} />);
  })
  .post("/events/:id/redeliver", async (c) => {
    const id = c.req.param("id").slice(0, 100);
    const viewer = c.get("viewer");
    const refuseWith = async (status: ContentfulStatusCode, message: string) => c.html(<EventPage viewer={viewer} {...await eventPageData(c.env, id)} outcome={{ tone: "bad", message }} />, status);
    if (!canRedeliver(viewer)) return refuseWith(403, "Delivering an event again needs the admin role. Nothing was sent.");
    try {
      await redeliverEvent(database(c.env.DB), eventQueue(c.env), eventSettings(c.env), id);
    } catch (error) {
      const refusal = error instanceof DomainError && error.kind !== "not_found" ? httpErrorOf(error) : null;
      if (refusal) return refuseWith(refusal.status, refusal.message);
      throw error;
    }
    return c.redirect(`/ops/events/${encodeURIComponent(id)}?done=redelivered`, 303);
  })
  .get("/audit", async (c) => {
    if (!canReadAudit(c.get("viewer"))) return needsAuditRole(c);
    return c.html(<AuditListPage viewer={c.get("viewer")} reports={await listDailyReports(database(c.env.DB), AUDIT_DAYS_SHOWN)} />);
  })
  .get("/audit/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}", async (c) => {
    if (!canReadAudit(c.get("viewer"))) return needsAuditRole(c);
    return c.html(<AuditReportPage viewer={c.get("viewer")} stored={await getDailyReport(database(c.env.DB), c.req.param("date"))} />);
  })
  .get("/audit/:date{[0-9]{4}-[0-9]{2}-[0-9]{2}}/csv", async (c) => {
    if (!canReadAudit(c.get("viewer"))) return needsAuditRole(c);
    const stored = await getDailyReport(database(c.env.DB), c.req.param("date"));
    return c.body(reportCsv(stored.report), 200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="disburse-audit-${stored.date}.csv"`,
    });
  })
  .all("*", (c) => refuse(c, 404, "No such page", "There is no console page at this address."))
  .onError((error, c) => {
    const known = httpErrorOf(error);
    if (known) return refuse(c, known.status, known.status === 404 ? "Not found" : "Request refused", known.message);
    console.error("ops console error", error);
    return refuse(c, 500, "Something went wrong", "Something went wrong on our side; nothing was changed by this request.");
  });

/** The console under /ops, and an empty /favicon.ico so browsers stop asking the API for one. */
export const opsPages = new Hono<OpsEnv>()
  .get("/favicon.ico", (c) => c.body(null, 204, { "cache-control": "public, max-age=86400" }))
  .route("/ops", consolePages);
