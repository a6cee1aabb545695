// Response headers for pages people open: never kept by a cache, never framed by another site.

import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";

/** Hono's other secure-header defaults stay off, so the console answers with the headers it always has. */
export const consoleHeaders = secureHeaders({
  xFrameOptions: "DENY",
  xContentTypeOptions: true,
  referrerPolicy: "same-origin",
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'unsafe-inline'"],
    imgSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  crossOriginResourcePolicy: false,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});

/** Pages show who is signed in and what they may do: no cache may keep them. */
export const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set("cache-control", "no-store");
};
