import { defineConfig } from "drizzle-kit";

// Generates SQL migrations from src/store/schema.ts into migrations/, which wrangler applies.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/store/schema.ts",
  out: "./migrations",
});
