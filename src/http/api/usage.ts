// Usage counters since the isolate started (or the last reset): what a payout costs in D1 rows,
// Durable Object requests, queue messages and Worker invocations.

import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { requireRole } from "../middleware/auth";
import { currentUsage, resetUsage, usageByStatement } from "../../observability/usage";

export const usageRouter = new Hono<AppEnv>()
  .use("*", requireRole("admin"))
  .get("/", (c) => c.json(currentUsage()))
  .get("/statements", (c) => c.json({ data: usageByStatement() }))
  .post("/reset", (c) => {
    resetUsage();
    return c.json(currentUsage());
  });
