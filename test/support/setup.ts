import { applyD1Migrations, env } from "cloudflare:test";

// Each test file starts from the migrated schema; applyD1Migrations skips what is applied.
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: Parameters<typeof applyD1Migrations>[1] }).TEST_MIGRATIONS);
