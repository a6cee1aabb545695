// Starts what the browser tests talk to: the local stack (scripts/local-stack.ts) with a
// notification sink standing in for the checkers' inbox, stopped after the run.

import type { TestProject } from "vitest/node";
import { startLocalStack } from "../../scripts/local-stack.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The Worker under test, e.g. http://127.0.0.1:41234 (also its PUBLIC_BASE_URL). */
    baseUrl: string;
    /** The notification sink: GET /messages lists every JSON body the Worker POSTed to it. */
    sinkUrl: string;
  }
}

/** Above this total a batch needs two checkers; low, so the tests can build such a batch cheaply. */
const TWO_CHECKER_THRESHOLD_PAISE = 100_000;

export default async function setup(project: TestProject) {
  const stack = await startLocalStack({
    logName: "browser-wrangler.log",
    vars: { TWO_CHECKER_THRESHOLD_PAISE: String(TWO_CHECKER_THRESHOLD_PAISE) },
  });
  project.provide("baseUrl", stack.baseUrl);
  project.provide("sinkUrl", stack.sinkUrl);
  return stack.stop;
}
