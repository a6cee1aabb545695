// The events queue's consumer, and the dispatch that follows any work that wrote events: thin
// adapters over services/events.ts. Each message is one delivery; a failed attempt is scheduled
// by the service, so the message is acknowledged and a delayed one takes its place.

import { eventSettings } from "../config";
import { eventQueue } from "../deps";
import type { Env } from "../env";
import { SUBJECT_VIEWS } from "../http/views/events";
import { attemptDelivery, dispatchEvents, isDeliveryMessage } from "../services/events";
import { database } from "../store/client";
import { eventWritesPrepared } from "../store/events";

export async function handleEventQueueBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = database(env.DB);
  const settings = eventSettings(env);
  const queue = eventQueue(env);
  // Deliveries are independent (different events or endpoints): one slow receiver holds up only its own.
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isDeliveryMessage(message.body)) {
        console.error("dropping malformed event queue message", message.id);
        message.ack();
        return;
      }
      try {
        const verdict = await attemptDelivery(db, settings, SUBJECT_VIEWS, message.body.deliveryId);
        if (verdict.action === "retry_in") await queue.send([message.body], verdict.delaySeconds);
        message.ack();
      } catch (error) {
        // Not the receiver's failure but ours (D1 unavailable, say): the queue tries again.
        console.error(`event delivery ${message.body.deliveryId} failed`, error);
        message.retry({ delaySeconds: 30 });
      }
    }),
  );
}

/**
 * Runs `work`, then, if it prepared event writes, fans them out straight away (in the
 * background for requests): events reach receivers within seconds, not at the next cron.
 */
export async function dispatchingAfter<T>(env: Env, work: () => Promise<T>, background?: (p: Promise<unknown>) => void): Promise<T> {
  const before = eventWritesPrepared();
  const result = await work();
  if (eventWritesPrepared() !== before) {
    const dispatch = dispatchEvents(database(env.DB), eventQueue(env), eventSettings(env)).catch((error) => console.error("event dispatch failed (the cron re-drives it)", error));
    if (background) background(dispatch);
    else await dispatch;
  }
  return result;
}
