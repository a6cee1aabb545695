// The API description the running Worker serves passes `redocly lint` with the project's
// redocly.yaml (the recommended rules, and every example valid for its schema) with no error, no
// warning and nothing ignored. Redocly's CLI is the reference implementation it is checked with.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, inject, it } from "vitest";

const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const REDOCLY_CLI = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
const LINT_TIMEOUT_MS = 60_000;

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: Array<{ pointer?: string }>;
}
interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: LintProblem[];
}

/** `redocly lint --format json` on a file; it exits non-zero when it finds errors, and still reports them. */
function redoclyLint(path: string): Promise<LintReport> {
  const args = [REDOCLY_CLI, "lint", path, "--config", join(PROJECT_DIR, "redocly.yaml"), "--format", "json"];
  // No usage telemetry and no update check: the test talks to nothing but the local Worker.
  const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: PROJECT_DIR, env, timeout: LINT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout) as LintReport);
      } catch {
        reject(new Error(`redocly lint printed no report (${error?.message ?? "exit 0"}):\n${stderr}`));
      }
    });
  });
}

it("the served OpenAPI document passes redocly lint (redocly.yaml) with no errors and no warnings", async () => {
  const res = await fetch(`${inject("baseUrl")}/openapi.json`, { signal: AbortSignal.timeout(15_000) });
  expect(res.status).toBe(200);
  const dir = mkdtempSync(join(tmpdir(), "disburse-openapi-"));
  try {
    const path = join(dir, "openapi.json");
    writeFileSync(path, JSON.stringify(await res.json(), null, 2));
    const report = await redoclyLint(path);
    const problems = report.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer ?? "?"}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
