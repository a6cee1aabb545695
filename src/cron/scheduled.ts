// Cron entry: which periodic jobs run on which trigger (see [triggers] in wrangler.toml).

import type { Env } from "../env";
import { redrivePendingRetries } from "../execution/retry";
import { deliverNotifications } from "../notify/outbox";
import { DAILY_ACTOR, previousDay, reconcileAndReport } from "./daily";
import { pollAndRedrive } from "./poll";

export const FREQUENT_CRON = "*/5 * * * *";
export const DAILY_CRON = "30 0 * * *";

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<void> {
  if (controller.cron === FREQUENT_CRON) {
    await runEach([
      ["status polling", () => pollAndRedrive(env, controller.scheduledTime)],
      ["pending retries", () => redrivePendingRetries(env)],
      ["notifications", () => deliverNotifications(env)],
    ]);
  } else if (controller.cron === DAILY_CRON) {
    await runEach([
      ["reconciliation and audit", () => reconcileAndReport(env, previousDay(controller.scheduledTime), DAILY_ACTOR)],
      ["notifications", () => deliverNotifications(env)],
    ]);
  }
}

/**
 * Runs every job even when an earlier one throws (a bank outage during polling must not hold
 * back retries or alerts), then fails the invocation if any did, so the cron shows as failed.
 */
async function runEach(jobs: Array<[name: string, job: () => Promise<unknown>]>): Promise<void> {
  const errors: unknown[] = [];
  for (const [name, job] of jobs) {
    try {
      await job();
    } catch (error) {
      console.error(`cron job "${name}" failed`, error);
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, `${errors.length} of ${jobs.length} cron jobs failed`);
}
