// Starts the whole service locally as a client sees it: `wrangler dev` on a fresh local D1 (with
// migrations applied), real Durable Objects, Queues with consumers and the simulated bank, plus
// a notification sink standing in for inboxes and alert receivers. Used by the browser tests,
// the simulation and the benchmarks. Everything listens on 127.0.0.1 and stops with `stop()`;
// `killAndRestart()` crashes it for real (SIGKILL) and starts it again on the same state.

import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TEST_ACTORS } from "../test/support/actors.ts";

const PROJECT_DIR = fileURLToPath(new URL("..", import.meta.url));
const RESULTS_DIR = join(PROJECT_DIR, "test-results");
const MIGRATE_TIMEOUT_MS = 120_000;
const STARTUP_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 10_000;
const SINK_MAX_BODY_BYTES = 1_000_000;

export interface LocalStack {
  /** The Worker, e.g. http://127.0.0.1:41234 (also its PUBLIC_BASE_URL). */
  baseUrl: string;
  /** The notification sink: GET /messages lists every JSON body the Worker POSTed to it. */
  sinkUrl: string;
  /** The wrangler dev process id (for memory measurements); a new one after each restart. */
  readonly pid: number | undefined;
  /**
   * A real crash: SIGKILL to wrangler's whole process group (wrangler, workerd), with no chance to
   * finish anything, then `wrangler dev` again on the same state directory and port (not migrated
   * again), once it answers /health. What was in memory (queue messages in flight) is gone.
   */
  killAndRestart: () => Promise<{ killedPid: number | undefined; restartMs: number }>;
  stop: () => Promise<void>;
}

export interface LocalStackOptions {
  /** Extra `--var NAME:VALUE` settings; they win over wrangler.toml and the env files. */
  vars?: Record<string, string>;
  /** Where wrangler's output is appended. */
  logName?: string;
  /** How many notifications the sink keeps (older ones are dropped). */
  sinkCapacity?: number;
  /** Another Worker's wrangler config (relative to the project), e.g. the benchmark's yardstick. */
  config?: string;
  /** Apply the project's D1 migrations first (default true). */
  migrate?: boolean;
}

/**
 * Secrets come from env files only, so a developer's .dev.vars is neither needed nor read: the
 * committed development secrets, then the test actors' token hashes over them.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const logPath = join(RESULTS_DIR, options.logName ?? "local-stack-wrangler.log");
  writeFileSync(logPath, "");
  const workDir = mkdtempSync(join(tmpdir(), "disburse-stack-"));
  const stateDir = join(workDir, "state");
  const stoppers: Array<() => Promise<void>> = [async () => rmSync(workDir, { recursive: true, force: true })];
  const stop = async () => {
    for (const s of stoppers.reverse()) await s().catch((error) => console.error("local stack stop:", error));
    stoppers.length = 0;
  };
  try {
    const sink = await startSink(options.sinkCapacity ?? 1_000);
    stoppers.push(() => new Promise<void>((done) => sink.server.close(() => done())));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const tokensEnvFile = join(workDir, "test-tokens.env");
    writeFileSync(tokensEnvFile, `API_TOKENS='${JSON.stringify(testApiTokens())}'\n`, { mode: 0o600 });
    if (options.migrate ?? true) {
      await run(wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", stateDir], logPath), MIGRATE_TIMEOUT_MS, "wrangler d1 migrations apply");
    }
    // No cooling-off for changed bank details: the browser and simulation runs cannot wait a day,
    // and the integration suite proves the cooling-off (test/integration/four-eyes.test.ts).
    const vars = { NOTIFY_WEBHOOK_URL: `${sink.url}/`, NOTIFY_SIGNING_SECRET: SINK_SIGNING_SECRET, PUBLIC_BASE_URL: baseUrl, BANK_CHANGE_COOLING_OFF_SECONDS: "0", ...options.vars };
    const devArgs = [
      "dev",
      ...(options.config ? ["--config", options.config] : []),
      "--ip", "127.0.0.1",
      "--port", String(port),
      "--inspector-port", String(await freePort()),
      "--persist-to", stateDir,
      "--env-file", join(PROJECT_DIR, ".dev.vars.example"),
      "--env-file", tokensEnvFile,
      "--show-interactive-dev-session=false",
      "--test-scheduled",
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ];
    let dev = wrangler(devArgs, logPath);
    stoppers.push(() => stopGroup(dev.child));
    await waitForHealth(baseUrl, dev);
    const killAndRestart = async () => {
      const killedPid = dev.child.pid;
      await killGroup(dev);
      const started = Date.now();
      dev = wrangler(devArgs, logPath);
      await waitForHealth(baseUrl, dev);
      return { killedPid, restartMs: Date.now() - started };
    };
    return {
      baseUrl,
      sinkUrl: sink.url,
      get pid() {
        return dev.child.pid;
      },
      killAndRestart,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The API_TOKENS entries for the tests' actors, hashed as vitest.config.mts does. */
function testApiTokens() {
  return Object.values(TEST_ACTORS).map(({ actorId, roles, token }) => ({
    actorId,
    roles,
    tokenSha256: createHash("sha256").update(token).digest("hex"),
  }));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => server.once("error", fail).listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** The sink's Standard Webhooks secret (a test value): what NOTIFY_SIGNING_SECRET signs with locally. */
export const SINK_SIGNING_SECRET = `whsec_${Buffer.from("disburse-local-stack-sink-secret!").toString("base64")}`;

/** Records each POSTed JSON body; GET /messages returns the kept ones, oldest first. */
async function startSink(capacity: number): Promise<{ server: Server; url: string }> {
  const messages: unknown[] = [];
  const server = createServer((req, res) => {
    if (req.method === "GET" && req.url === "/messages") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(messages));
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > SINK_MAX_BODY_BYTES) req.destroy();
      else chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        messages.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        if (messages.length > capacity) messages.shift();
        res.writeHead(204).end();
      } catch (error) {
        res.writeHead(400, { "content-type": "text/plain" }).end(String(error));
      }
    });
  });
  await new Promise<void>((done, fail) => server.once("error", fail).listen(0, "127.0.0.1", done));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Spawned {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs the project's wrangler in its own process group, with the project's Node 22 first on PATH.
 * Its output is kept for error messages and appended to a log under test-results/.
 */
function wrangler(args: string[], logPath: string): Spawned {
  const bin = join(PROJECT_DIR, "node_modules", ".bin");
  const child = spawn(join(bin, "wrangler"), args, {
    cwd: PROJECT_DIR,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PATH: `${bin}${delimiter}${process.env.PATH ?? ""}`,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
      CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true",
      CLOUDFLARE_INCLUDE_PROCESS_ENV: "false",
      FORCE_COLOR: "0",
      // wrangler dev records a trace of every invocation and every D1 call into a local SQLite
      // store (its Local Explorer), in the same workerd process as the Worker. On a long run that
      // store grows by gigabytes and slows everything measured; no deployed Worker pays for it.
      X_LOCAL_OBSERVABILITY: "false",
    },
  });
  let output = "";
  const record = (chunk: Buffer) => {
    output += chunk.toString("utf8");
    writeFileSync(logPath, chunk, { flag: "a" });
  };
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  const exited = new Promise<number | null>((done) => {
    child.once("exit", (code) => done(code));
    child.once("error", (error) => {
      output += `\n${error.message}`;
      done(null);
    });
  });
  return { child, output: () => output, exited };
}

async function run(spawned: Spawned, timeoutMs: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((done) => (timer = setTimeout(() => done("timeout"), timeoutMs)));
  const code = await Promise.race([spawned.exited, timedOut]);
  clearTimeout(timer);
  if (code === 0) return;
  await stopGroup(spawned.child);
  const reason = code === "timeout" ? `did not finish within ${timeoutMs} ms` : `exited with code ${code}`;
  throw new Error(`${what} ${reason}. Its output:\n${spawned.output()}`);
}

async function waitForHealth(baseUrl: string, dev: Spawned): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let exitCode: number | null | undefined;
  void dev.exited.then((code) => (exitCode = code));
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  const reason = exitCode !== undefined ? `exited with code ${exitCode}` : `did not answer ${baseUrl}/health within ${STARTUP_TIMEOUT_MS} ms`;
  throw new Error(`wrangler dev ${reason}. Its output:\n${dev.output()}`);
}

/** SIGKILL to the whole process group at once, then waits for wrangler to be gone and its port free. */
async function killGroup(spawned: Spawned): Promise<void> {
  const { child } = spawned;
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
  await spawned.exited;
  // workerd is in the group too; give the kernel a moment to reap it and release its sockets.
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (Date.now() < deadline && groupAlive(child.pid)) await new Promise((done) => setTimeout(done, 100));
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole process group (wrangler, workerd, esbuild), then SIGKILL to what lingers. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<boolean>((done) => child.once("exit", () => done(true)));
    signalGroup("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([exited, new Promise<boolean>((done) => (timer = setTimeout(() => done(false), STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (!stopped) console.error(`wrangler (pid ${child.pid}) did not stop within ${STOP_TIMEOUT_MS} ms; killing its process group`);
  }
  // workerd can outlive wrangler's own exit.
  signalGroup("SIGKILL");
}
