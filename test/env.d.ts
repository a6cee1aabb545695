import type { Env as DisburseEnv } from "../src/env";

declare global {
  namespace Cloudflare {
    interface Env extends DisburseEnv {
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    }
  }
}
