// The development inbox: with DEV_INBOX = "true" (only in .dev.vars, never in production), GET
// /dev/inbox shows what the notifier would send, approval links included, so a local run can be
// approved from "the email" without a webhook receiver. Otherwise the route does not exist.

import { Hono } from "hono";
import { database } from "../store/client";
import { latestNotifications } from "../store/console-reads";
import type { AppEnv } from "./app-env";
import { ApiError } from "./errors";
import { renderNotification } from "../services/notifications";
import { Layout } from "./pages/layout";
import { notifierSettings } from "../config";

const SHOWN = 50;

export const devInbox = new Hono<AppEnv>().get("/inbox", async (c) => {
  if (c.env.DEV_INBOX !== "true") throw new ApiError(404, "route_not_found", "No route for GET /dev/inbox.");
  const db = database(c.env.DB);
  const rows = await latestNotifications(db, SHOWN);
  const rendered = await Promise.all(rows.map(async (row) => ({ row, body: await renderNotification(notifierSettings(c.env), db, row).catch((e: Error) => ({ error: e.message })) })));
  c.header("cache-control", "no-store");
  return c.html(
    <Layout title="Development inbox">
      <h1>Development inbox</h1>
      <p class="muted">What the notifier sends (newest first). Shown only because DEV_INBOX is "true"; never enable it in production.</p>
      {rendered.map(({ row, body }) => (
        <section class="card">
          <h2>{row.kind === "approval_requested" ? `Approval request for ${(body as { checker?: { actorId?: string } }).checker?.actorId ?? "?"}` : row.kind}</h2>
          <p class="muted">
            {row.createdAt} · {row.status}
          </p>
          {"approvalUrl" in body && typeof body.approvalUrl === "string" && (
            <p>
              <a href={body.approvalUrl}>Open the approval link</a>
            </p>
          )}
          <pre style="white-space:pre-wrap;word-break:break-all;font-size:13px">{JSON.stringify(body, null, 2)}</pre>
        </section>
      ))}
    </Layout>,
  );
});
