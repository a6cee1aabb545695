// The ops console: server-rendered pages for people, behind a session. A person signs in once with
// their API token; the session cookie then holds only who they are and until when, signed with
// SESSION_SECRET (the token itself is never stored). Every form posts a CSRF token bound to the
// session and is checked for a foreign Origin; pages are never cached or framed.

import { and, asc, count, desc, eq, gte, inArray, lt, sum } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { publicBaseUrl } from "../../config";
import { getDailyReport, listDailyReports, reportCsv } from "../../store/audit-report";
import { getBatch, listBatches } from "../../store/batches";
import { batchView } from "../views/batches";
import { database, type Db } from "../../store/client";
import { addNote, exceptionView, getException, listExceptions } from "../../store/exceptions";
import { bankDetailsOf, getPayeeRow, payeeNames } from "../../store/payees";
import { getPayout, payoutTimeline, payoutView } from "../../store/payouts";
import { batches, exceptions, payouts } from "../../store/schema";
import { BATCH_STATUSES, PAYOUT_STATUSES } from "../../domain/statuses";
import { DomainError } from "../../domain/errors";
import { BANK_DETAIL_CAUSES, RETRY_ON_RESOLVE, retryKindFor } from "../../domain/exception-state";
import { hmacSha256Hex, timingSafeEqual } from "../../domain/hash";
import { maskAccountNumber } from "../../domain/payees";
import { MISMATCH_CLASSES } from "../../domain/three-way";
import type { Env } from "../../env";
import { actorForToken, actorsWithRole, ROLES, type Role } from "../../auth/actors";
import { ApiError, STATUS_BY_KIND } from "../errors";
import { humanText } from "../schemas";
import { AuditListPage, AuditReportPage } from "./pages/audit";
import { BatchListPage, BatchPage } from "./pages/batches";
import { DashboardPage, type DashboardData } from "./pages/dashboard";
import { EXCEPTION_FILTERS, type ExceptionFilter, ExceptionListPage, ExceptionPage, type ExceptionPageProps } from "./pages/exceptions";
import { LoginPage } from "./pages/login";
import { PayoutPage } from "./pages/payout";
import { canAddNotes, canMoveExceptions, canReadAudit, OpsMessage, type Viewer } from "./pages/shell";
import { resolveException } from "../api/exceptions";

const SESSION_COOKIE = "disburse_ops";
const LOGIN_COOKIE = "disburse_ops_login";
const SESSION_TTL_MS = 8 * 3600_000;
const LOGIN_FORM_TTL_SECONDS = 1800;
const MAX_FORM_BYTES = 16_384;
const PAGE_SIZE = 50;
const MAX_BATCH_PAYOUTS = 2000;
const MAX_ATTEMPTS_SHOWN = 50;
const AUDIT_DAYS_SHOWN = 62;

type FormFields = Record<string, string>;
type OpsEnv = { Bindings: Env; Variables: { viewer: Viewer; form: FormFields } };
type OpsContext = Context<OpsEnv>;

// ---- sessions ----

export interface OpsSession {
  /** Random per sign-in; the CSRF token is an HMAC of it. */
  sid: string;
  actorId: string;
  roles: Role[];
  expiresAtMs: number;
}

const sessionSchema = z.object({
  sid: z.string().min(16).max(64),
  actorId: z.string().min(1).max(100),
  roles: z.array(z.enum(ROLES)).min(1).max(ROLES.length),
  expiresAtMs: z.number().int(),
});

function sessionSecret(env: Env): string {
  if (!env.SESSION_SECRET || env.SESSION_SECRET.length < 16) throw new Error("SESSION_SECRET is not configured (16+ characters)");
  return env.SESSION_SECRET;
}

/** The cookie value: base64url(JSON) "." hex HMAC-SHA256 of it, keyed by SESSION_SECRET. */
export async function signSession(session: OpsSession, secret: string): Promise<string> {
  const body = base64UrlEncode(JSON.stringify(session));
  return `${body}.${await hmacSha256Hex(secret, `ops-session|${body}`)}`;
}

/**
 * The session a cookie holds, if its signature checks out, it has not expired, and its actor
 * still holds its roles in API_TOKENS (so removing a person's token ends their sessions too).
 */
async function readSession(value: string | undefined, env: Env, nowMs: number): Promise<OpsSession | null> {
  if (!value || value.length > 2048) return null;
  const dot = value.lastIndexOf(".");
  const body = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (dot < 1 || !/^[0-9a-f]{64}$/.test(signature)) return null;
  if (!timingSafeEqual(await hmacSha256Hex(sessionSecret(env), `ops-session|${body}`), signature)) return null;
  let parsed;
  try {
    parsed = sessionSchema.safeParse(JSON.parse(base64UrlDecode(body)));
  } catch {
    return null;
  }
  if (!parsed.success || nowMs >= parsed.data.expiresAtMs || parsed.data.expiresAtMs > nowMs + SESSION_TTL_MS) return null;
  const session = parsed.data;
  const roles = session.roles.filter((role) => role !== "system" && actorsWithRole(env.API_TOKENS, role).some((a) => a.actorId === session.actorId));
  return roles.length > 0 ? { ...session, roles } : null;
}

const csrfFor = (secret: string, sid: string) => hmacSha256Hex(secret, `ops-csrf|${sid}`);
const loginCsrfFor = (secret: string, nonce: string) => hmacSha256Hex(secret, `ops-login|${nonce}`);

function base64UrlEncode(text: string): string {
  let binary = "";
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function base64UrlDecode(text: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4));
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

const cookieOptions = (c: OpsContext, path: string, maxAgeSeconds: number) =>
  ({ httpOnly: true, sameSite: "Strict", secure: new URL(c.req.url).protocol === "https:", path, maxAge: maxAgeSeconds }) as const;

/** Where to go after signing in: only a console page, never another site. */
function safeNext(value: unknown): string {
  if (typeof value !== "string" || value.length > 500) return "/ops";
  if (!/^\/ops(?:[/?][\w\-/?=&%.~+]*)?$/.test(value) || /^\/ops\/log(?:in|out)/.test(value)) return "/ops";
  if (/\/\.|%/.test(value.split("?")[0]!)) return "/ops"; // no dot segments or encoded characters in the path
  return value;
}

function foreignOrigin(c: OpsContext): boolean {
  const origin = c.req.header("origin");
  return origin !== undefined && origin !== new URL(c.req.url).origin && origin !== new URL(publicBaseUrl(c.env)).origin;
}

/** The urlencoded form of a POST, bounded in size; null when it is too large or not a form. */
async function readForm(c: OpsContext): Promise<FormFields | null> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header("content-type") ?? "")) return null;
  if (Number(c.req.header("content-length") ?? "0") > MAX_FORM_BYTES) return null;
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > MAX_FORM_BYTES) return null;
  const text = new TextDecoder().decode(bytes);
  return Object.fromEntries(new URLSearchParams(text));
}

// ---- reads the pages need beyond the data modules ----

async function dashboardData(db: Db, viewer: Viewer, nowMs: number): Promise<DashboardData> {
  const date = new Date(nowMs).toISOString().slice(0, 10);
  const start = `${date}T00:00:00.000Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString();
  const batchRows = await db.select({ status: batches.status, n: count() }).from(batches).groupBy(batches.status);
  const payoutRows = await db
    .select({ status: payouts.status, n: count(), total: sum(payouts.amountPaise) })
    .from(payouts)
    .where(and(gte(payouts.createdAt, start), lt(payouts.createdAt, end)))
    .groupBy(payouts.status);
  const exceptionRows = await db
    .select({ status: exceptions.status, n: count() })
    .from(exceptions)
    .where(inArray(exceptions.status, ["open", "in_progress"]))
    .groupBy(exceptions.status);
  const byOrder = <T extends { status: string }>(order: readonly string[], rows: T[]) => [...rows].sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status));
  const latest = canReadAudit(viewer) ? ((await listDailyReports(db, 1))[0] ?? null) : "forbidden";
  return {
    batchesByStatus: byOrder(BATCH_STATUSES, batchRows).map((r) => ({ status: r.status, count: r.n })),
    today: { date, byStatus: byOrder(PAYOUT_STATUSES, payoutRows).map((r) => ({ status: r.status, count: r.n, amountPaise: Number(r.total ?? 0) })) },
    openExceptions: {
      open: exceptionRows.find((r) => r.status === "open")?.n ?? 0,
      inProgress: exceptionRows.find((r) => r.status === "in_progress")?.n ?? 0,
    },
    latestReport: latest,
  };
}

const KNOWN_CAUSES = [...Object.keys(RETRY_ON_RESOLVE), ...MISMATCH_CLASSES.map((c) => `reconciliation_${c}`)].sort();

/** Open and in-progress tickets together, newest first: the top of both lists, merged. */
async function activeExceptions(db: Db, cause: string | undefined, before: string | undefined) {
  const [open, working] = await Promise.all(
    (["open", "in_progress"] as const).map((status) => listExceptions(db, { status, cause, before, limit: PAGE_SIZE })),
  );
  const merged = [...open!.data, ...working!.data].sort((a, b) => (a.id < b.id ? 1 : -1));
  const data = merged.slice(0, PAGE_SIZE);
  const more = merged.length > PAGE_SIZE || open!.nextCursor !== null || working!.nextCursor !== null;
  return { data, nextCursor: more && data.length > 0 ? data[data.length - 1]!.id : null };
}

function resolveEffect(cause: string): string {
  const fixFirst = (BANK_DETAIL_CAUSES as readonly string[]).includes(cause)
    ? " Correct and verify the payee's bank details first (PATCH /v1/payees/:id, then its verification); until then resolving is refused."
    : "";
  switch (retryKindFor(cause)) {
    case "new_attempt":
      return `Resolving pays the item again: a new payout through the payee's gate, never a second payment of money already paid.${fixFirst}`;
    case "release":
      return "Resolving asks the payee's gate again to make the payout.";
    case "requeue":
      return "Resolving hands the payout back to the transfer worker, which asks the bank before sending anything.";
    case "none":
      return "Resolving records the outcome of your investigation; nothing is retried.";
  }
}

async function exceptionPageProps(db: Db, id: string): Promise<Omit<ExceptionPageProps, "viewer">> {
  const { row, notes } = await getException(db, id);
  const payeeId = row.payeeId ?? (row.payoutId ? (await getPayout(db, row.payoutId)).payeeId : null);
  const payeeRow = payeeId ? await getPayeeRow(db, payeeId).catch(() => null) : null;
  const bank = payeeRow ? bankDetailsOf(payeeRow) : null;
  return {
    exception: { ...exceptionView(row), notes },
    payee: payeeRow && {
      id: payeeRow.id,
      displayName: payeeRow.displayName,
      accountNumberMasked: bank ? maskAccountNumber(bank.accountNumber) : null,
      ifsc: bank?.ifsc ?? null,
      verificationStatus: payeeRow.bankVerificationStatus,
    },
    resolveEffect: resolveEffect(row.cause),
  };
}

// ---- pages ----

const DONE_MESSAGES: Record<string, string> = {
  note: "Your note was added.",
  in_progress: "The exception is in progress.",
  resolved: "The exception is resolved.",
  dismissed: "The exception is dismissed.",
};

function refuse(c: OpsContext, status: ContentfulStatusCode, title: string, message: string) {
  return c.html(<OpsMessage viewer={c.get("viewer") ?? null} tone="bad" title={title} message={message} back={{ href: "/ops", label: "Back to the dashboard" }} />, status);
}

const needsAuditRole = (c: OpsContext) => refuse(c, 403, "Not for your role", "Audit reports are for the auditor and admin roles.");

const consolePages = new Hono<OpsEnv>()
  .use("*", async (c, next) => {
    await next();
    c.res.headers.set("cache-control", "no-store");
    c.res.headers.set("x-frame-options", "DENY");
    c.res.headers.set("x-content-type-options", "nosniff");
    c.res.headers.set("referrer-policy", "same-origin");
    c.res.headers.set(
      "content-security-policy",
      "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
  })
  .get("/login", async (c) => {
    const next = safeNext(c.req.query("next"));
    if (await readSession(getCookie(c, SESSION_COOKIE), c.env, Date.now())) return c.redirect(next, 303);
    return loginPage(c, { next, info: c.req.query("out") === "1" ? "You are signed out." : undefined });
  })
  .post("/login", async (c) => {
    const form = foreignOrigin(c) ? null : await readForm(c);
    const nonce = getCookie(c, LOGIN_COOKIE);
    const presented = form?.csrf ?? "";
    if (!form || !nonce || !timingSafeEqual(presented, await loginCsrfFor(sessionSecret(c.env), nonce))) {
      return loginPage(c, { next: safeNext(form?.next), error: "This sign-in form expired or came from another site. Sign in again." }, 403);
    }
    const next = safeNext(form.next);
    const token = (form.token ?? "").trim();
    const actor = /^[\x21-\x7e]{16,512}$/.test(token) ? await actorForToken(c.env.API_TOKENS, token) : null;
    const roles = actor ? actor.roles.filter((role) => role !== "system") : [];
    if (!actor || roles.length === 0) {
      // One answer for an unknown token and a service token alike: no oracle for guessing.
      return loginPage(c, { next, error: "That token does not open the console. Paste your personal API token; service tokens cannot sign in." }, 401);
    }
    const session: OpsSession = { sid: crypto.randomUUID(), actorId: actor.actorId, roles, expiresAtMs: Date.now() + SESSION_TTL_MS };
    setCookie(c, SESSION_COOKIE, await signSession(session, sessionSecret(c.env)), cookieOptions(c, "/ops", SESSION_TTL_MS / 1000));
    deleteCookie(c, LOGIN_COOKIE, { path: "/ops/login" });
    return c.redirect(next, 303);
  })
  // Everything below needs a session; a POST also needs the session's CSRF token and no foreign Origin.
  .use("*", async (c, next) => {
    const secret = sessionSecret(c.env);
    const session = await readSession(getCookie(c, SESSION_COOKIE), c.env, Date.now());
    if (!session) {
      if (getCookie(c, SESSION_COOKIE) !== undefined) deleteCookie(c, SESSION_COOKIE, { path: "/ops" });
      const url = new URL(c.req.url);
      return c.redirect(c.req.method === "GET" ? `/ops/login?next=${encodeURIComponent(url.pathname + url.search)}` : "/ops/login", 303);
    }
    const csrfToken = await csrfFor(secret, session.sid);
    c.set("viewer", { actorId: session.actorId, roles: session.roles, csrfToken });
    if (c.req.method === "POST") {
      if (foreignOrigin(c)) return refuse(c, 403, "Request refused", "The form was sent from another site; nothing was changed.");
      const form = await readForm(c);
      if (!form) return refuse(c, 413, "Request refused", "The form is too large or not a form; nothing was changed.");
      if (!timingSafeEqual(form.csrf ?? "", csrfToken)) {
        return refuse(c, 403, "Please reload the page", "This form's security token is missing or belongs to another session. Reload the page and try again; nothing was changed.");
      }
      c.set("form", form);
    }
    await next();
  })
  .post("/logout", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/ops" });
    return c.redirect("/ops/login?out=1", 303);
  })
  .get("/", async (c) => c.html(<DashboardPage viewer={c.get("viewer")} data={await dashboardData(database(c.env.DB), c.get("viewer"), Date.now())} />))
  .get("/batches", async (c) => {
    const status = (BATCH_STATUSES as readonly string[]).includes(c.req.query("status") ?? "") ? (c.req.query("status") as (typeof BATCH_STATUSES)[number]) : undefined;
    const cycleId = (c.req.query("cycle") ?? "").trim().slice(0, 60) || undefined;
    const before = c.req.query("before")?.slice(0, 100) || undefined;
    const page = await listBatches(database(c.env.DB), { status, cycleId, before, limit: PAGE_SIZE });
    const nextHref = page.nextCursor
      ? `/ops/batches?${new URLSearchParams({ ...(status ? { status } : {}), ...(cycleId ? { cycle: cycleId } : {}), before: page.nextCursor })}`
      : null;
    return c.html(<BatchListPage viewer={c.get("viewer")} statuses={BATCH_STATUSES} filter={{ status, cycleId }} rows={page.data} nextHref={nextHref} />);
  })
  .get("/batches/:id", async (c) => {
    const db = database(c.env.DB);
    const batch = batchView(await getBatch(db, c.req.param("id").slice(0, 100)));
    const rows = await db.select().from(payouts).where(eq(payouts.batchId, batch.id)).orderBy(desc(payouts.id)).limit(MAX_BATCH_PAYOUTS + 1);
    const names = await payeeNames(db, batch.items.map((i) => i.payeeId));
    return c.html(
      <BatchPage
        viewer={c.get("viewer")}
        batch={batch}
        payeeNames={names}
        payouts={rows.slice(0, MAX_BATCH_PAYOUTS).map(payoutView)}
        morePayouts={rows.length > MAX_BATCH_PAYOUTS}
      />,
    );
  })
  .get("/payouts/:id", async (c) => {
    const db = database(c.env.DB);
    const row = await getPayout(db, c.req.param("id").slice(0, 100));
    const attempts = await db
      .select({ id: payouts.id, status: payouts.status, createdAt: payouts.createdAt })
      .from(payouts)
      .where(eq(payouts.itemId, row.itemId))
      .orderBy(asc(payouts.id))
      .limit(MAX_ATTEMPTS_SHOWN);
    return c.html(
      <PayoutPage
        viewer={c.get("viewer")}
        payout={{ ...payoutView(row), retryOf: row.retryOf }}
        payeeName={(await payeeNames(db, [row.payeeId]))[row.payeeId] ?? null}
        events={await payoutTimeline(db, row.id)}
        exceptions={(await listExceptions(db, { payoutId: row.id, limit: PAGE_SIZE })).data}
        attempts={attempts}
      />,
    );
  })
  .get("/exceptions", async (c) => {
    const db = database(c.env.DB);
    const status: ExceptionFilter = (EXCEPTION_FILTERS as readonly string[]).includes(c.req.query("status") ?? "") ? (c.req.query("status") as ExceptionFilter) : "active";
    const cause = /^[a-z0-9_]{1,60}$/.test(c.req.query("cause") ?? "") ? c.req.query("cause") : undefined;
    const before = c.req.query("before")?.slice(0, 100) || undefined;
    const page =
      status === "active"
        ? await activeExceptions(db, cause, before)
        : await listExceptions(db, { status: status === "all" ? undefined : status, cause, before, limit: PAGE_SIZE });
    const nextHref = page.nextCursor ? `/ops/exceptions?${new URLSearchParams({ status, ...(cause ? { cause } : {}), before: page.nextCursor })}` : null;
    const causes = cause && !KNOWN_CAUSES.includes(cause) ? [...KNOWN_CAUSES, cause] : KNOWN_CAUSES;
    return c.html(<ExceptionListPage viewer={c.get("viewer")} filter={{ status, cause }} causes={causes} rows={page.data} nextHref={nextHref} />);
  })
  .get("/exceptions/:id", async (c) => {
    const props = await exceptionPageProps(database(c.env.DB), c.req.param("id").slice(0, 100));
    const done = DONE_MESSAGES[c.req.query("done") ?? ""];
    return c.html(<ExceptionPage viewer={c.get("viewer")} {...props} outcome={done ? { tone: "ok", message: done } : undefined} />);
  })
  .post("/exceptions/:id/notes", async (c) => {
    const id = c.req.param("id").slice(0, 100);
    const viewer = c.get("viewer");
    const db = database(c.env.DB);
    const note = humanText(2000).safeParse(c.get("form").note ?? "");
    const refuseWith = async (status: ContentfulStatusCode, message: string) =>
      c.html(<ExceptionPage viewer={viewer} {...await exceptionPageProps(db, id)} outcome={{ tone: "bad", title: "Note not added", message }} />, status);
    if (!canAddNotes(viewer)) return refuseWith(403, "Adding notes needs the admin or auditor role. Nothing was changed.");
    if (!note.success) return refuseWith(400, "Write a note of up to 2000 characters (no control characters). Nothing was changed.");
    await addNote(db, id, note.data, viewer.actorId);
    return c.redirect(`/ops/exceptions/${encodeURIComponent(id)}?done=note`, 303);
  })
  .post("/exceptions/:id/status", async (c) => {
    const id = c.req.param("id").slice(0, 100);
    const viewer = c.get("viewer");
    const db = database(c.env.DB);
    const form = c.get("form");
    const to = form.status === "in_progress" || form.status === "resolved" || form.status === "dismissed" ? form.status : null;
    const note = humanText(2000).safeParse(form.note ?? "");
    const refuseWith = async (status: ContentfulStatusCode, message: string) =>
      c.html(
        <ExceptionPage viewer={viewer} {...await exceptionPageProps(db, id)} outcome={{ tone: "bad", title: "Nothing was changed", message }} draft={form.note} />,
        status,
      );
    if (!canMoveExceptions(viewer)) return refuseWith(403, "Moving, resolving and dismissing exceptions needs the admin role.");
    if (!to) return refuseWith(400, "Choose Resolve, Move to in progress or Dismiss.");
    if (!note.success) return refuseWith(400, "Write a note of up to 2000 characters (no control characters) saying what you did and why.");
    try {
      await resolveException(c.env, id, to, note.data, viewer.actorId);
    } catch (error) {
      if (error instanceof DomainError && error.kind !== "not_found") return refuseWith(STATUS_BY_KIND[error.kind], error.message);
      throw error;
    }
    return c.redirect(`/ops/exceptions/${encodeURIComponent(id)}?done=${to}`, 303);
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
    if (error instanceof DomainError && error.kind === "not_found") return refuse(c, 404, "Not found", error.message);
    if (error instanceof ApiError) return refuse(c, error.status, "Request refused", error.message);
    console.error("ops console error", error);
    return refuse(c, 500, "Something went wrong", "Something went wrong on our side; nothing was changed by this request.");
  });

async function loginPage(c: OpsContext, opts: { next: string; error?: string; info?: string | undefined }, status: ContentfulStatusCode = 200) {
  const nonce = crypto.randomUUID();
  setCookie(c, LOGIN_COOKIE, nonce, cookieOptions(c, "/ops/login", LOGIN_FORM_TTL_SECONDS));
  return c.html(<LoginPage csrfToken={await loginCsrfFor(sessionSecret(c.env), nonce)} next={opts.next} error={opts.error} info={opts.info} />, status);
}

/** The console under /ops, and an empty /favicon.ico so browsers stop asking the API for one. */
export const opsPages = new Hono<OpsEnv>()
  .get("/favicon.ico", (c) => c.body(null, 204, { "cache-control": "public, max-age=86400" }))
  .route("/ops", consolePages);
