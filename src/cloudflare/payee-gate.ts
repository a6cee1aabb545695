// The per-payee Durable Object. Every payout for a payee is created here, one at a time, so
// the checks that must not race (nothing else in flight for this payee, not already paid for
// this cycle, enough outstanding payable) are decided in order. Asking twice for the same batch
// item yields the same payout. The database's unique indexes back each rule up.

import { DurableObject } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { database } from "../store/client";
import { raiseException } from "../store/exceptions";
import { changeStatus, createPayoutRecord, latestPayoutForItem } from "../store/payouts";
import { accountCycleTotals, accounts, batches, batchItems, payees, payouts } from "../store/schema";
import { bankDetailsProblem } from "../domain/payees";
import { causeForRefusal } from "../domain/payout-lifecycle";
import { HOLDING_PAYOUT_STATUSES, PAYING_BATCH_STATUSES, IN_FLIGHT_PAYOUT_STATUSES, isIn } from "../domain/statuses";
import type { Currency } from "../domain/money";
import type { Env } from "../env";
import { countUsage } from "../observability/usage";
import { bankDetailsOf } from "../store/payees";
import type { TransferQueueMessage } from "../services/queue-messages";

export type GateResult =
  | { outcome: "created" | "existing"; payoutId: string }
  | { outcome: "refused"; reason: string }
  /** Not now: another transfer to this payee is still moving. Ask again later; nothing was recorded. */
  | { outcome: "deferred"; reason: string };

/** Set when an operator's resolution of a ticket asks for the item again. */
export interface GateRetry {
  /** The failed or returned payout being retried; absent when the item never got a payout. */
  retryOf?: string;
}

/** Refusals that clear by themselves once the payee's earlier transfer finishes. */
const TRANSIENT_REFUSALS = ["payee_has_transfer_in_flight"];

const GATE_ACTOR = "system:payee-gate";

export class PayeeGate extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS decisions (item_id TEXT PRIMARY KEY, payout_id TEXT NOT NULL, decided_at TEXT NOT NULL)");
  }

  /**
   * Creates (or returns) the payout for a batch item of this payee. `retryOf` names a failed or
   * returned payout of the item that an operator resolved: only then is a new attempt made, paid
   * to the payee's current verified bank details. Without it, an item that already has a payout
   * gets that payout back, whatever its state, so a stray duplicate never pays again.
   */
  createPayout(payeeId: string, itemId: string, retry?: GateRetry): Promise<GateResult> {
    // Awaiting D1 lets other calls in; chaining makes this payee's decisions strictly sequential.
    const run = this.tail.then(() => this.decide(payeeId, itemId, retry));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async decide(payeeId: string, itemId: string, retry: GateRetry | undefined): Promise<GateResult> {
    const retryOf = retry?.retryOf;
    // An operator resolved a ticket about this item: pay the payee's current verified details.
    const operatorRetry = retry !== undefined;
    const remembered = this.ctx.storage.sql.exec<{ payout_id: string }>("SELECT payout_id FROM decisions WHERE item_id = ?", itemId).toArray()[0];
    if (remembered && (retryOf === undefined || remembered.payout_id !== retryOf)) return { outcome: "existing", payoutId: remembered.payout_id };

    const db = database(this.env.DB);
    const item = await db.select().from(batchItems).where(eq(batchItems.id, itemId)).get();
    if (!item || item.payeeId !== payeeId) return { outcome: "refused", reason: "item_not_found" };
    const existing = await latestPayoutForItem(db, itemId);
    if (existing && (retryOf === undefined || existing.id !== retryOf || isIn(HOLDING_PAYOUT_STATUSES, existing.status))) {
      return this.remember(itemId, { outcome: "existing", payoutId: existing.id });
    }
    if (!existing && retryOf !== undefined) return { outcome: "refused", reason: "nothing_to_retry" };
    const batch = await db.select().from(batches).where(eq(batches.id, item.batchId)).get();
    if (!batch || !(isIn(PAYING_BATCH_STATUSES, batch.status) || (operatorRetry && batch.status === "completed"))) {
      return { outcome: "refused", reason: "batch_not_approved" };
    }
    if (item.status !== "ok" || item.bankSnapshot === null) return { outcome: "refused", reason: "item_not_payable" };

    const checked = await this.precheck(db, item, operatorRetry);
    if (typeof checked === "string") {
      const refusal = checked;
      if (TRANSIENT_REFUSALS.includes(refusal)) return { outcome: "deferred", reason: refusal };
      await db.update(batchItems).set({ releaseRefusal: refusal }).where(eq(batchItems.id, itemId));
      await raiseException(db, {
        cause: causeForRefusal(refusal),
        summary: `Payout for payee ${payeeId} in batch ${item.batchId} was not created: ${refusal}`,
        batchId: item.batchId,
        itemId,
        payeeId,
        details: { reason: refusal, amountPaise: item.amountPaise, cycleId: item.cycleId },
      });
      return { outcome: "refused", reason: refusal };
    }

    const payee = checked;
    const created = await createPayoutRecord(
      db,
      {
        retryOf: retryOf ?? null,
        batchId: item.batchId,
        itemId,
        payeeId,
        cycleId: item.cycleId,
        amountPaise: item.amountPaise,
        currency: item.currency as Currency,
        // A retry pays the details an operator corrected and verified; a first attempt pays the
        // details the checker approved (the precheck made sure they are still the same).
        bankSnapshot: operatorRetry ? JSON.stringify(bankDetailsOf(payee)) : item.bankSnapshot,
      },
      GATE_ACTOR,
    );
    if (created.outcome === "refused") {
      if (TRANSIENT_REFUSALS.includes(created.reason)) return { outcome: "deferred", reason: created.reason };
      await db.update(batchItems).set({ releaseRefusal: created.reason }).where(eq(batchItems.id, itemId));
      return created;
    }
    await this.enqueue(db, created.payout.id);
    return this.remember(itemId, { outcome: created.outcome, payoutId: created.payout.id });
  }

  /** The checks that must pass before money is reserved: the payee they passed for, or the reason they fail. */
  private async precheck(db: ReturnType<typeof database>, item: typeof batchItems.$inferSelect, isRetry: boolean): Promise<typeof payees.$inferSelect | string> {
    const payee = await db.select().from(payees).where(eq(payees.id, item.payeeId)).get();
    if (!payee) return "payee_not_found";
    const problem = bankDetailsProblem(bankDetailsOf(payee), payee.bankVerificationStatus);
    if (problem) return problem;
    if (!isRetry && JSON.stringify(bankDetailsOf(payee)) !== item.bankSnapshot) return "bank_details_changed";
    const mine = await db.select({ status: payouts.status, cycleId: payouts.cycleId }).from(payouts).where(eq(payouts.payeeId, item.payeeId));
    if (mine.some((p) => isIn(IN_FLIGHT_PAYOUT_STATUSES, p.status))) return "payee_has_transfer_in_flight";
    if (mine.some((p) => p.cycleId === item.cycleId && p.status === "processed")) return "already_paid_for_cycle";
    const account = await db.select().from(accounts).where(eq(accounts.id, payee.payableAccountId)).get();
    const outstandingPaise = account ? account.creditsPostedPaise - account.debitsPostedPaise : 0;
    const cycle = await db
      .select()
      .from(accountCycleTotals)
      .where(and(eq(accountCycleTotals.accountId, payee.payableAccountId), eq(accountCycleTotals.cycleId, item.cycleId)))
      .get();
    const cycleOutstandingPaise = cycle ? cycle.creditsPaise - cycle.debitsPaise : 0;
    if (outstandingPaise < item.amountPaise || cycleOutstandingPaise < item.amountPaise) return "insufficient_payable";
    return payee;
  }

  /**
   * Hands the payout to the transfer queue. If this crashes or the send fails, the payout stays
   * `created` and the cron re-drives it (the consumer ignores duplicates), so nothing is lost.
   */
  private async enqueue(db: ReturnType<typeof database>, payoutId: string) {
    try {
      await this.env.TRANSFER_QUEUE.send({ type: "transfer", payoutId } satisfies TransferQueueMessage);
      countUsage("queueMessagesSent");
      await changeStatus(db, payoutId, { to: "queued", actorId: GATE_ACTOR, cause: "enqueued" });
    } catch (error) {
      console.error(`payout ${payoutId}: enqueue failed; the cron will re-drive it`, error);
    }
  }

  private remember(itemId: string, result: { outcome: "created" | "existing"; payoutId: string }): GateResult {
    this.ctx.storage.sql.exec(
      "INSERT INTO decisions (item_id, payout_id, decided_at) VALUES (?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET payout_id = excluded.payout_id, decided_at = excluded.decided_at",
      itemId,
      result.payoutId,
      new Date().toISOString(),
    );
    return result;
  }
}

/** The stub for a payee's gate. Each call through it is one Durable Object request on the bill. */
export function payeeGate(env: Env, payeeId: string) {
  countUsage("durableObjectRequests");
  return env.PAYEE_GATE.get(env.PAYEE_GATE.idFromName(payeeId)) as unknown as DurableObjectStub<PayeeGate>;
}
