// Cron entry: which periodic jobs run on which trigger (see [triggers] in wrangler.toml).

import { eventSettings, failedAttemptLimit, pollingSettings } from "../config";
import { eventQueue, servicesFor } from "../deps";
import type { Env } from "../env";
import { redrivePendingRetries } from "../services/retries";
import { runEach } from "../observability/run-each";
import { dispatchEvents, redriveDeliveries } from "../services/events";
import { DAILY_ACTOR, previousDay, reconcileAndReport } from "../services/daily-audit";
import { pollAndRedrive } from "../services/polling";
import { releaseReserves } from "../services/reserves";
import { purgeExpiredFailures } from "../store/failed-attempts";

export const FREQUENT_CRON = "*/5 * * * *";
export const DAILY_CRON = "30 0 * * *";

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<void> {
  const deps = servicesFor(env);
  if (controller.cron === FREQUENT_CRON) {
    await runJobs([
      ["status polling", () => pollAndRedrive(deps, pollingSettings(env), controller.scheduledTime)],
      ["pending retries", () => redrivePendingRetries(deps, controller.scheduledTime)],
      ["reserve releases", () => releaseReserves(deps, controller.scheduledTime)],
      ["events", () => deliverEvents(deps.db, env)],
    ]);
  } else if (controller.cron === DAILY_CRON) {
    await runJobs([
      ["reconciliation and audit", () => reconcileAndReport(deps, previousDay(controller.scheduledTime), DAILY_ACTOR)],
      ["events", () => deliverEvents(deps.db, env)],
      ["expired failure counters", () => purgeExpiredFailures(deps.db, failedAttemptLimit(env), controller.scheduledTime)],
    ]);
  }
}

/** The backstop behind the dispatch that follows each write: events not yet fanned out, deliveries whose message was lost. */
async function deliverEvents(db: ReturnType<typeof servicesFor>["db"], env: Env) {
  const queue = eventQueue(env);
  await dispatchEvents(db, queue, eventSettings(env));
  await redriveDeliveries(db, queue);
}

/** Every job runs even when an earlier one throws: a bank outage during polling must not hold back retries or alerts. */
const runJobs = (jobs: Array<[name: string, job: () => Promise<unknown>]>) =>
  runEach(jobs, ([, job]) => job(), { each: ([name]) => `cron job "${name}"`, all: "cron jobs" });
