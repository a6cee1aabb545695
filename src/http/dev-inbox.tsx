// The development inbox: with DEV_INBOX = "true" (only in .dev.vars, never in production), GET
// /dev/inbox shows the approval requests and alerts as they are delivered, approval links
// included, so a local run can be approved from "the email" without a webhook receiver.
// Otherwise the route does not exist.

import { Hono } from "hono";
import { eventSettings } from "../config";
import { renderEvent } from "../services/events";
import { database } from "../store/client";
import { latestEventsOf } from "../store/events";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { Layout } from "./pages/layout";
import { SUBJECT_VIEWS } from "./views/events";

const SHOWN = 50;

export const devInbox = new Hono<AppEnv>().get("/inbox", async (c) => {
  if (c.env.DEV_INBOX !== "true") throw new ApiError(404, "route_not_found", "No route for GET /dev/inbox.");
  const db = database(c.env.DB);
  const settings = eventSettings(c.env);
  const rows = await latestEventsOf(db, ["batch.approval_requested", "exception.opened"], SHOWN);
  const rendered = await Promise.all(
    rows.map(async (row) => ({ row, body: await renderEvent(db, settings, SUBJECT_VIEWS, row, { forDelivery: true }).catch((e: Error) => ({ error: e.message })) })),
  );
  c.header("cache-control", "no-store");
  return c.html(
    <Layout title="Development inbox">
      <h1>Development inbox</h1>
      <p class="muted">Approval requests and alerts as webhook endpoints receive them (newest first). Shown only because DEV_INBOX is "true"; never enable it in production.</p>
      {rendered.map(({ row, body }) => {
        const data = "data" in body ? (body.data as { approvalUrl?: unknown; checker?: { actorId?: string } }) : {};
        return (
          <section class="card">
            <h2>{row.type === "batch.approval_requested" ? `Approval request for ${data.checker?.actorId ?? "?"}` : row.type}</h2>
            <p class="muted">{row.createdAt}</p>
            {typeof data.approvalUrl === "string" && (
              <p>
                <a href={data.approvalUrl}>Open the approval link</a>
              </p>
            )}
            <pre style="white-space:pre-wrap;word-break:break-all;font-size:13px">{JSON.stringify(body, null, 2)}</pre>
          </section>
        );
      })}
    </Layout>,
  );
});
