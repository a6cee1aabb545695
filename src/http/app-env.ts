import type { Env } from "../env";
import type { Actor } from "../auth/actors";

/** Hono's environment for every router: the Worker bindings and the authenticated actor. */
export interface AppEnv {
  Bindings: Env;
  Variables: { actor: Actor };
}
