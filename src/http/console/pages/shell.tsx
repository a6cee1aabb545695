// The ops console's frame: a nav bar with who is signed in and a sign-out button, around the
// shared page layout; and the message page for refusals and errors.

import type { Child, FC } from "hono/jsx";
import type { Role } from "../../../auth/actors";
import { Layout, Notice } from "../../pages/layout";
import { Csrf } from "./parts";
import { SearchBox } from "./search-box";

/** Who is looking at a console page, and the CSRF token their forms carry. */
export interface Viewer {
  actorId: string;
  roles: readonly Role[];
  csrfToken: string;
}

export const canReadAudit = (v: Viewer) => v.roles.includes("auditor") || v.roles.includes("admin");
export const canAddNotes = (v: Viewer) => v.roles.includes("auditor") || v.roles.includes("admin");
export const canMoveExceptions = (v: Viewer) => v.roles.includes("admin");


type Section = "dashboard" | "batches" | "exceptions" | "audit" | "payouts" | "events";

/** `search`: the text to show in the bar's search box (the search page's own query). */
export const OpsLayout: FC<{ title: string; viewer: Viewer; section?: Section; search?: string | undefined; children?: Child }> = ({ title, viewer, section, search, children }) => {
  const link = (href: string, label: string, name: Section) => (
    <a href={href} aria-current={section === name ? "page" : undefined}>
      {label}
    </a>
  );
  const nav = (
    <nav class="ops" aria-label="Console">
      <div class="bar">
        <span class="brand">Disburse ops</span>
        <div class="links">
          {link("/ops", "Dashboard", "dashboard")}
          {link("/ops/batches", "Batches", "batches")}
          {link("/ops/payouts", "Payouts", "payouts")}
          {link("/ops/exceptions", "Exceptions", "exceptions")}
          {canReadAudit(viewer) && link("/ops/audit", "Audit", "audit")}
          {canReadAudit(viewer) && link("/ops/events", "Events", "events")}
        </div>
        <SearchBox value={search} />
        <div class="who">
          <span data-testid="actor" title={`Roles: ${viewer.roles.join(", ")}`}>
            {viewer.actorId}
          </span>
          <form method="post" action="/ops/logout">
            <Csrf token={viewer.csrfToken} />
            <button type="submit">Sign out</button>
          </form>
          <form method="post" action="/ops/logout-everywhere">
            <Csrf token={viewer.csrfToken} />
            <button type="submit" title="Ends your sessions on every browser and device">
              Sign out everywhere
            </button>
          </form>
        </div>
      </div>
    </nav>
  );
  return (
    <Layout title={title} wide nav={nav}>
      {children}
    </Layout>
  );
};

/** A refusal or error in the console: what happened, and that nothing was changed. */
export const OpsMessage: FC<{ viewer: Viewer | null; tone: "ok" | "bad" | "warn" | "info"; title: string; message: string; back?: { href: string; label: string } }> = ({
  viewer,
  tone,
  title,
  message,
  back,
}) => {
  const body = (
    <Notice tone={tone} title={title}>
      <p>{message}</p>
      {back && (
        <p>
          <a href={back.href}>{back.label}</a>
        </p>
      )}
    </Notice>
  );
  return viewer ? (
    <OpsLayout title={title} viewer={viewer}>
      {body}
    </OpsLayout>
  ) : (
    <Layout title={title}>{body}</Layout>
  );
};
