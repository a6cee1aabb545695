// Cron entry: which periodic jobs run on which trigger (see [triggers] in wrangler.toml).

import { notifierSettings, pollingSettings } from "../config";
import { servicesFor } from "../deps";
import type { Env } from "../env";
import { redrivePendingRetries } from "../services/retries";
import { runEach } from "../observability/run-each";
import { deliverNotifications } from "../services/notifications";
import { DAILY_ACTOR, previousDay, reconcileAndReport } from "../services/daily-audit";
import { pollAndRedrive } from "../services/polling";
import { releaseReserves } from "../services/reserves";

export const FREQUENT_CRON = "*/5 * * * *";
export const DAILY_CRON = "30 0 * * *";

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<void> {
  const deps = servicesFor(env);
  if (controller.cron === FREQUENT_CRON) {
    await runJobs([
      ["status polling", () => pollAndRedrive(deps, pollingSettings(env), controller.scheduledTime)],
      ["pending retries", () => redrivePendingRetries(deps)],
      ["reserve releases", () => releaseReserves(deps, controller.scheduledTime)],
      ["notifications", () => deliverNotifications(deps.db, notifierSettings(env))],
    ]);
  } else if (controller.cron === DAILY_CRON) {
    await runJobs([
      ["reconciliation and audit", () => reconcileAndReport(deps, previousDay(controller.scheduledTime), DAILY_ACTOR)],
      ["notifications", () => deliverNotifications(deps.db, notifierSettings(env))],
    ]);
  }
}

/** Every job runs even when an earlier one throws: a bank outage during polling must not hold back retries or alerts. */
const runJobs = (jobs: Array<[name: string, job: () => Promise<unknown>]>) =>
  runEach(jobs, ([, job]) => job(), { each: ([name]) => `cron job "${name}"`, all: "cron jobs" });
