import { applyD1Migrations, env } from "cloudflare:test";
import fc from "fast-check";

// Each test file starts from the migrated schema; applyD1Migrations skips what is applied.
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_MIGRATIONS);

// The seed vitest.config.mts derived from the commit (test/support/seed.ts): same commit, same cases.
fc.configureGlobal({ seed: Number((env as unknown as { FC_SEED: string }).FC_SEED) });
