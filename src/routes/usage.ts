// Usage counters since the isolate started (or the last reset): what a payout costs in D1 rows,
// Durable Object requests, queue messages and Worker invocations.

import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { requireRole } from "../http/auth";
import { currentUsage, resetUsage } from "../observability/usage";

export const usageRouter = new Hono<AppEnv>()
  .use("*", requireRole("admin"))
  .get("/", (c) => c.json(currentUsage()))
  .post("/reset", (c) => {
    resetUsage();
    return c.json(currentUsage());
  });
