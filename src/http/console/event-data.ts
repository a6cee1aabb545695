// What the console's event page shows: the event as an endpoint receives it (without an approval
// link, which only its checker may see), and each endpoint's delivery with every attempt.

import { eventSettings } from "../../config";
import type { Env } from "../../env";
import { renderEvent } from "../../services/events";
import { database } from "../../store/client";
import { attemptsOf, deliveriesOf, getEvent, liveEndpoints } from "../../store/events";
import { deliveryView, SUBJECT_VIEWS } from "../views/events";

export async function eventPageData(env: Env, id: string) {
  const db = database(env.DB);
  const row = await getEvent(db, id);
  const deliveries = await deliveriesOf(db, row.id);
  const attempts = await attemptsOf(
    db,
    deliveries.map((d) => d.id),
  );
  const urls = new Map((await liveEndpoints(db)).map((e) => [e.id, e.url]));
  const event = await renderEvent(db, eventSettings(env), SUBJECT_VIEWS, row, { forDelivery: false });
  return {
    event,
    deliveries: deliveries.map((d) => ({ ...deliveryView(d, attempts), endpointUrl: urls.get(d.endpointId) ?? `${d.endpointId} (deleted)` })),
  };
}
