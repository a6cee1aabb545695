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
    await pollAndRedrive(env, controller.scheduledTime);
    await redrivePendingRetries(env);
    await deliverNotifications(env);
  } else if (controller.cron === DAILY_CRON) {
    await reconcileAndReport(env, previousDay(controller.scheduledTime), DAILY_ACTOR);
    await deliverNotifications(env);
  }
}
