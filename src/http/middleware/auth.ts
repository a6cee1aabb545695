// Bearer-token authentication and role checks for the API, over the actor directory in src/auth.

import type { MiddlewareHandler } from "hono";
import { actorForToken, bearerToken, type Role } from "../../auth/actors";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";

export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = bearerToken(c.req.header("authorization"));
  if (!token) throw new ApiError(401, "unauthenticated", "Send an API token as `Authorization: Bearer <token>`.");
  const actor = await actorForToken(c.env.API_TOKENS, token);
  if (!actor) throw new ApiError(401, "unauthenticated", "The API token is not recognised.");
  c.set("actor", actor);
  await next();
};

export function requireRole(...allowed: Role[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const actor = c.get("actor");
    if (!actor.roles.some((role) => allowed.includes(role))) {
      throw new ApiError(403, "forbidden_role", `This action needs one of the roles: ${allowed.join(", ")}.`, {
        required: allowed,
        actorRoles: actor.roles,
      });
    }
    await next();
  };
}
