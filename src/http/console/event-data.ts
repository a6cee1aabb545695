// What the console's event page shows: the event as an endpoint receives it (without an approval
// link, which only its checker may see), and each endpoint's delivery with every attempt.

import { eventSettings } from "../../config";
import type { Env } from "../../env";
import { eventWithDeliveries } from "../../services/events";
import { database } from "../../store/client";
import { liveEndpoints } from "../../store/events";
import { deliveryView, SUBJECT_VIEWS } from "../views/events";

export async function eventPageData(env: Env, id: string) {
  const db = database(env.DB);
  const { event, deliveries, attempts } = await eventWithDeliveries(db, eventSettings(env), SUBJECT_VIEWS, id);
  const urls = new Map((await liveEndpoints(db)).map((e) => [e.id, e.url]));
  return {
    event,
    deliveries: deliveries.map((d) => ({ ...deliveryView(d, attempts), endpointUrl: urls.get(d.endpointId) ?? `${d.endpointId} (deleted)` })),
  };
}
