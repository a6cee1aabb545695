// The OpenAPIHono factory every router uses, so validation failures everywhere produce the
// same error shape.

import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { validationDetails } from "../domain/errors";
import { errorJson } from "./errors";

export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return errorJson(c, 400, "validation_failed", `The request ${result.target} is not valid.`, validationDetails(result.error));
      }
    },
  });
}
