// Browser tests: Chromium drives the real pages of a `wrangler dev` started by the global setup.
// Runs in Node (not in workerd like vitest.config.mts): `npm run test:browser`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    globalSetup: ["./test/browser/global-setup.ts"],
    setupFiles: ["./test/browser/fc-setup.ts"],
    // One Worker and one database serve every file, so files run one after another.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
    teardownTimeout: 30_000,
  },
});
