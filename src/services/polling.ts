// Status polling, the fallback for lost webhooks: payouts that have not reached a final state
// within POLL_AFTER_SECONDS are looked up at the bank and resolved. The same pass re-drives
// anything a crash left behind (payouts never enqueued, batches never released) and raises an
// exception for any payout still unresolved past POLL_HORIZON_SECONDS.

import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { bankGateway } from "../gateways";
import { database, type Db } from "../store/client";
import { raiseException } from "../store/exceptions";
import { applyBankStatus, recordEvent } from "../store/payouts";
import { RETURN_POLL_INTERVAL_MS } from "../domain/payout-lifecycle";
import { AWAITING_BANK_PAYOUT_STATUSES, IN_FLIGHT_PAYOUT_STATUSES, isIn } from "../domain/statuses";
import { batchMayMoveInto } from "../store/batch-moves";
import { sqlList } from "../store/sql-list";
import { batches, batchItems, payouts } from "../store/schema";
import { releaseApprovedBatch } from "./release";
import type { Env } from "../env";
import { countUsage } from "../observability/usage";
import type { TransferQueueMessage } from "./queue-messages";

const POLL_ACTOR = "system:poller";
const POLL_BATCH_LIMIT = 200;
const REDRIVE_AFTER_MS = 60_000;

export interface PollSummary {
  polled: number;
  resolved: number;
  redriven: number;
  stuck: number;
  released: number;
  completed: number;
  returnsFound: number;
}

export async function pollAndRedrive(env: Env, nowMs: number): Promise<PollSummary> {
  const db = database(env.DB);
  const summary: PollSummary = { polled: 0, resolved: 0, redriven: 0, stuck: 0, released: 0, completed: 0, returnsFound: 0 };
  const pollAfterMs = Number(env.POLL_AFTER_SECONDS || "300") * 1000;
  const horizonMs = Number(env.POLL_HORIZON_SECONDS || "86400") * 1000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const gateway = bankGateway(env);

  // Payouts reserved but never handed to the queue (a crash between the two): enqueue again.
  const unsent = await db
    .select({ id: payouts.id })
    .from(payouts)
    .where(and(eq(payouts.status, "created"), lt(payouts.createdAt, iso(nowMs - REDRIVE_AFTER_MS))))
    .limit(POLL_BATCH_LIMIT);
  for (const p of unsent) {
    await env.TRANSFER_QUEUE.send({ type: "transfer", payoutId: p.id } satisfies TransferQueueMessage);
    countUsage("queueMessagesSent");
    summary.redriven++;
  }

  const waiting = await db
    .select()
    .from(payouts)
    .where(and(inArray(payouts.status, [...AWAITING_BANK_PAYOUT_STATUSES]), lt(payouts.statusChangedAt, iso(nowMs - pollAfterMs))))
    .orderBy(payouts.statusChangedAt)
    .limit(POLL_BATCH_LIMIT);
  for (const payout of waiting) {
    summary.polled++;
    const known = await gateway.getTransfer(payout.idempotencyKey);
    await recordEvent(db, { payoutId: payout.id, kind: "poll", actorId: POLL_ACTOR, details: { result: known.kind, bankStatus: known.kind === "found" ? known.transfer.status : null } });
    if (known.kind === "found") {
      const result = await applyBankStatus(db, payout.id, known.transfer, POLL_ACTOR, "poll", { known: payout });
      if (result.applied) summary.resolved++;
    } else if (known.kind === "not_found" && payout.status !== "processing") {
      // The bank never got it (or its queue message was dead-lettered): hand it to the consumer again.
      await env.TRANSFER_QUEUE.send({ type: "transfer", payoutId: payout.id } satisfies TransferQueueMessage);
      countUsage("queueMessagesSent");
      summary.redriven++;
    }
    const after = await db.select({ status: payouts.status }).from(payouts).where(eq(payouts.id, payout.id)).get();
    if (after && isIn(IN_FLIGHT_PAYOUT_STATUSES, after.status) && Date.parse(payout.createdAt) < nowMs - horizonMs) {
      await raiseException(db, {
        cause: "payout_stuck",
        summary: `Payout ${payout.id} is still ${after.status} after the polling horizon`,
        payoutId: payout.id,
        batchId: payout.batchId,
        itemId: payout.itemId,
        payeeId: payout.payeeId,
        details: { status: after.status, since: payout.createdAt },
      });
      summary.stuck++;
    }
  }

  summary.returnsFound = await pollForReturns(env, db, gateway, nowMs);
  summary.released = await redriveBatches(env, db, nowMs);
  summary.completed = await completeBatches(db);
  return summary;
}

/**
 * Paid payouts inside the return window are asked about every few hours: a bank can return a
 * payout days later, and if that webhook is lost this is what notices (before reconciliation).
 */
async function pollForReturns(env: Env, db: Db, gateway: ReturnType<typeof bankGateway>, nowMs: number): Promise<number> {
  const windowMs = Number(env.RETURN_WATCH_SECONDS || "259200") * 1000;
  const due = await db
    .select()
    .from(payouts)
    .where(and(eq(payouts.status, "processed"), lt(payouts.nextPollAt, new Date(nowMs).toISOString())))
    .orderBy(payouts.nextPollAt)
    .limit(POLL_BATCH_LIMIT);
  let found = 0;
  for (const payout of due) {
    const known = await gateway.getTransfer(payout.idempotencyKey);
    if (known.kind === "found" && known.transfer.status === "reversed") {
      await recordEvent(db, { payoutId: payout.id, kind: "poll", actorId: POLL_ACTOR, details: { result: "found", bankStatus: "reversed" } });
      if ((await applyBankStatus(db, payout.id, known.transfer, POLL_ACTOR, "poll", { known: payout })).applied) found++;
      continue;
    }
    const insideWindow = Date.parse(payout.processedAt ?? payout.updatedAt) > nowMs - windowMs;
    await db
      .update(payouts)
      .set({ nextPollAt: insideWindow ? new Date(nowMs + RETURN_POLL_INTERVAL_MS * 6).toISOString() : null })
      .where(and(eq(payouts.id, payout.id), eq(payouts.status, "processed")));
  }
  return found;
}

/** Approved batches never released, and executing batches with items never turned into payouts. */
async function redriveBatches(env: Env, db: Db, nowMs: number): Promise<number> {
  const cutoff = new Date(nowMs - REDRIVE_AFTER_MS).toISOString();
  const stale = await db
    .select({ id: batches.id })
    .from(batches)
    .where(
      sql`(${batches.status} = 'approved' AND ${batches.decidedAt} < ${cutoff})
          OR (${batches.status} = 'executing' AND ${batches.releasedAt} < ${cutoff} AND EXISTS (
            SELECT 1 FROM ${batchItems} WHERE ${batchItems.batchId} = ${batches.id} AND ${batchItems.status} = 'ok'
              AND ${batchItems.payoutId} IS NULL AND ${batchItems.releaseRefusal} IS NULL))`,
    )
    .limit(20);
  let released = 0;
  for (const b of stale) released += await releaseApprovedBatch(env, b.id);
  return released;
}

/** An executing batch whose every payout has reached a final state (or been refused) is completed. */
async function completeBatches(db: Db): Promise<number> {
  const result = await db
    .update(batches)
    // A completed batch stops holding its cycle and payee set, so late orders can go in a new
    // batch; each payee stays protected by its payouts (one holding money per payee and cycle).
    .set({ status: "completed", liveScopeKey: null, updatedAt: new Date().toISOString(), version: sql`${batches.version} + 1` })
    .where(
      and(
        batchMayMoveInto("completed"),
        sql`NOT EXISTS (SELECT 1 FROM ${batchItems} WHERE ${batchItems.batchId} = ${batches.id} AND ${batchItems.status} = 'ok' AND ${batchItems.payoutId} IS NULL AND ${batchItems.releaseRefusal} IS NULL)`,
        sql`NOT EXISTS (SELECT 1 FROM ${payouts} WHERE ${payouts.batchId} = ${batches.id} AND ${payouts.status} IN ${sqlList(IN_FLIGHT_PAYOUT_STATUSES)})`,
      ),
    )
    .run();
  return result.meta.changes;
}
