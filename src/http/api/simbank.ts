// Operator access to the simulated bank (only when BANK_PROVIDER is "simulated"): its record of
// money moved, its fault configuration, and a tick that runs its due work now.

import { Hono } from "hono";
import { simulatedBankStub } from "../../sim/simulated-gateway";
import type { AppEnv } from "../app-env";
import { requireRole } from "../middleware/auth";
import { ApiError } from "../errors";

/** The bank's operator routes, by method: anything else would reach the bank's own 404 page. */
const SIMBANK_ROUTES: ReadonlyArray<readonly [string, RegExp]> = [
  ["GET", /^\/admin\/state$/],
  ["GET", /^\/transactions$/],
  ["POST", /^\/admin\/(config|tick)$/],
  ["POST", /^\/admin\/transfers\/[^/]+\/(settle|reverse)$/],
];

export const simbankRouter = new Hono<AppEnv>()
  .use("*", async (c, next) => {
    if (c.env.BANK_PROVIDER !== "simulated") throw new ApiError(404, "route_not_found", "The simulated bank is not enabled.");
    await next();
  })
  .use("*", requireRole("admin"))
  .all("/*", async (c) => {
    const path = c.req.path.replace(/^\/v1\/simbank/, "");
    if (!SIMBANK_ROUTES.some(([method, pattern]) => method === c.req.method && pattern.test(path))) {
      throw new ApiError(404, "route_not_found", `No simulated bank route ${c.req.method} ${path}.`);
    }
    const url = new URL(c.req.url);
    const forwarded = new Request(`https://simulated-bank.internal${path}${url.search}`, {
      method: c.req.method,
      headers: { "content-type": "application/json" },
      body: c.req.method === "GET" ? undefined : await c.req.text(),
    });
    return simulatedBankStub(c.env).fetch(forwarded);
  });
