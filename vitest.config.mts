import { createHash } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { TEST_ACTORS } from "./test/support/actors.ts";
import { fastCheckSeed } from "./test/support/seed.ts";

const apiTokens = Object.values(TEST_ACTORS).map(({ actorId, roles, token }) => ({
  actorId,
  roles,
  tokenSha256: createHash("sha256").update(token).digest("hex"),
}));

export default defineConfig({
  plugins: [
    cloudflareTest(async () => ({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Messages wait a day unless sent with an explicit delay, so tests drive the consumers
        // themselves, step by step; the browser and simulation runs use real delivery.
        queueProducers: {
          TRANSFER_QUEUE: { queueName: "disburse-transfers", deliveryDelay: 86_400 },
          EVENT_QUEUE: { queueName: "disburse-events", deliveryDelay: 86_400 },
        },
        // A second, empty database on which migration tests apply the migrations step by step.
        d1Databases: { DB: "00000000-0000-0000-0000-000000000000", MIGRATION_TEST_DB: "migration-test-db" },
        bindings: {
          API_TOKENS: JSON.stringify(apiTokens),
          APPROVAL_LINK_SECRET: "test-approval-link-secret-not-for-production",
          SIMBANK_WEBHOOK_SECRET: "test-simbank-webhook-secret",
          SESSION_SECRET: "test-ops-session-secret-not-for-production",
          // Seals webhook endpoints' signing secrets in D1 (docs/events.md).
          WEBHOOK_SECRET_KEY: "test-webhook-secret-key-not-for-production",
          // No endpoint by configuration: tests make their own and decide when events are sent.
          NOTIFY_WEBHOOK_URL: "",
          // Same in every checkout, whatever a developer's .dev.vars says.
          DEV_INBOX: "",
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          FC_SEED: String(fastCheckSeed().seed),
          // Requests here carry no cf-connecting-ip, so every file is one client: at the default
          // (10 failures in 15 minutes) the hostile-input suite's hundreds of forged links would
          // throttle every other file's sign-ins and links. rate-limits.test.ts runs the defaults
          // with bindings of its own, against keys no other test uses.
          FAILED_ATTEMPT_LIMIT: "10000",
          // The platform is registered in Karnataka for GST (docs/statutory.md).
          PLATFORM_GST_STATE: "29",
        },
      },
    })),
  ],
  test: {
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    setupFiles: ["./test/support/setup.ts"],
  },
});
