// Cron entry: which periodic jobs run on which trigger (see [triggers] in wrangler.toml).

import type { Env } from "../env";
import { deliverNotifications } from "../notify/outbox";

export const FREQUENT_CRON = "*/5 * * * *";
export const DAILY_CRON = "30 0 * * *";

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Env): Promise<void> {
  if (controller.cron === FREQUENT_CRON) {
    await deliverNotifications(env);
  }
}
