// The OpenAPIHono factory every router uses, so validation failures everywhere produce the
// same error shape, and routeOf, which declares a route with the errors every route answers.

import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { validationDetails } from "../domain/errors";
import { errorJson } from "./errors";
import { errorResponses } from "./schemas";

export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return errorJson(c, 400, "validation_failed", `The request ${result.target} is not valid.`, validationDetails(result.error));
      }
    },
  });
}

/** Every operation names itself: generated clients call it by this name, so it is chosen, not derived. */
type RouteSpec = Omit<RouteConfig, "method" | "path" | "tags" | "summary" | "operationId"> & { operationId: string };

/**
 * Declares the routes of one OpenAPI tag: `route(method, path, summary, { request, responses, … })`.
 * Every route also answers the common error responses, so no route lists them itself.
 */
export const routeOf =
  (tag: string) =>
  <const M extends RouteConfig["method"], const P extends string, const S extends RouteSpec>(method: M, path: P, summary: string, spec: S) =>
    createRoute({ method, path, tags: [tag], summary, ...spec, responses: { ...spec.responses, ...errorResponses } });
