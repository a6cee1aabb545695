// Creating a payee's payout for a batch item: the checks that must not race (nothing else in
// flight for this payee, not already paid for this cycle, enough outstanding payable, the bank
// details the checker approved) and the reservation. The payee's Durable Object calls this one
// item at a time; the database's unique indexes back each rule up.

import { type BankDetails, bankDetailsProblem } from "../domain/payees";
import { causeForRefusal } from "../domain/payout-lifecycle";
import type { Currency } from "../domain/money";
import { HOLDING_PAYOUT_STATUSES, IN_FLIGHT_PAYOUT_STATUSES, isIn, PAYING_BATCH_STATUSES } from "../domain/statuses";
import { raiseException } from "../store/exceptions";
import { type BatchItemRow, findPayee, getBatchItem, getBatchStatus, outstandingPayable, type PayeeRow, payoutsOfPayee, setReleaseRefusal } from "../store/payee-gate";
import { payableBankOf } from "../store/payees";
import { createPayoutRecord, latestPayoutForItem } from "../store/payouts";
import type { Deps, GateResult, GateRetry } from "./deps";
import { changeStatus } from "./payouts";
import { nowIso } from "../store/client";
import { activeHolds } from "../store/holds";

/** What the gate remembers of its own decisions (the Durable Object's storage). */
export interface GateMemory {
  payoutFor(itemId: string): string | undefined;
  remember(itemId: string, payoutId: string): void;
}

/** Refusals that clear by themselves once the payee's earlier transfer finishes. */
const TRANSIENT_REFUSALS = ["payee_has_transfer_in_flight"];

const GATE_ACTOR = "system:payee-gate";

/**
 * Creates (or returns) the payout for a batch item of this payee. `retry` names a failed or
 * returned payout of the item that an operator resolved: only then is a new attempt made, paid
 * to the payee's current verified bank details. Without it, an item that already has a payout
 * gets that payout back, whatever its state, so a stray duplicate never pays again.
 */
export async function createPayoutForItem(deps: Deps, memory: GateMemory, payeeId: string, itemId: string, retry: GateRetry | undefined): Promise<GateResult> {
  const { db } = deps;
  const retryOf = retry?.retryOf;
  // An operator resolved a ticket about this item: pay the payee's current verified details.
  const operatorRetry = retry !== undefined;
  const remembered = memory.payoutFor(itemId);
  if (remembered && (retryOf === undefined || remembered !== retryOf)) return { outcome: "existing", payoutId: remembered };

  const item = await getBatchItem(db, itemId);
  if (!item || item.payeeId !== payeeId) return { outcome: "refused", reason: "item_not_found" };
  const existing = await latestPayoutForItem(db, itemId);
  if (existing && (retryOf === undefined || existing.id !== retryOf || isIn(HOLDING_PAYOUT_STATUSES, existing.status))) {
    return remember(memory, itemId, { outcome: "existing", payoutId: existing.id });
  }
  if (!existing && retryOf !== undefined) return { outcome: "refused", reason: "nothing_to_retry" };
  const batch = await getBatchStatus(db, item.batchId);
  if (!batch || !(isIn(PAYING_BATCH_STATUSES, batch.status) || (operatorRetry && batch.status === "completed"))) {
    return { outcome: "refused", reason: "batch_not_approved" };
  }
  if (item.status !== "ok" || item.bankSnapshot === null) return { outcome: "refused", reason: "item_not_payable" };

  const checked = await precheck(deps, item, operatorRetry);
  if (typeof checked === "string") return refuse(deps, item, checked);
  return reserve(deps, memory, item, checked, { retryOf, operatorRetry });
}

/**
 * The checks that must pass before money is reserved: the payee and the bank details they passed
 * for, or the reason they fail.
 */
async function precheck({ db }: Deps, item: BatchItemRow, isRetry: boolean): Promise<{ payee: PayeeRow; bank: BankDetails } | string> {
  const payee = await findPayee(db, item.payeeId);
  if (!payee) return "payee_not_found";
  const now = nowIso();
  // A hold placed after approval still stops the payout (one already at the bank is not affected).
  if ((await activeHolds(db, [payee.id], now)).size > 0) return "payee_on_hold";
  // Four eyes: only details a second person approved, past their cooling-off, are ever paid.
  const payable = payableBankOf(payee, now);
  if (!payable.ok) return payable.code;
  const problem = bankDetailsProblem(payable.bank, payable.verificationStatus);
  if (problem || payable.bank === null) return problem ?? "bank_details_missing";
  if (!isRetry && JSON.stringify(payable.bank) !== item.bankSnapshot) return "bank_details_changed";
  const mine = await payoutsOfPayee(db, item.payeeId);
  if (mine.some((p) => isIn(IN_FLIGHT_PAYOUT_STATUSES, p.status))) return "payee_has_transfer_in_flight";
  if (mine.some((p) => p.cycleId === item.cycleId && p.status === "processed")) return "already_paid_for_cycle";
  const outstanding = await outstandingPayable(db, payee.payableAccountId, item.cycleId);
  if (outstanding.totalPaise < item.amountPaise || outstanding.cyclePaise < item.amountPaise) return "insufficient_payable";
  return { payee, bank: payable.bank };
}

/** A refusal that will not clear by itself is recorded on the item and becomes a ticket for a person. */
async function refuse({ db }: Deps, item: BatchItemRow, refusal: string): Promise<GateResult> {
  if (TRANSIENT_REFUSALS.includes(refusal)) return { outcome: "deferred", reason: refusal };
  // The payee is owed less than the approved amount now (a refund landed after approval, or
  // after the payout failed): the item will not be paid as approved, so the payee is freed for a
  // new batch of the cycle, which nets what is owed now. `already_paid_for_cycle` and the cycle's
  // outstanding keep the two from both paying.
  const shortfall = refusal === "insufficient_payable";
  await setReleaseRefusal(db, item.id, refusal, { freeItem: shortfall });
  await raiseException(db, {
    cause: causeForRefusal(refusal),
    summary: `Payout for payee ${item.payeeId} in batch ${item.batchId} was not created: ${refusal}${shortfall ? "; the payee is owed less than approved now, so a new batch for the cycle can pay what is owed" : ""}`,
    batchId: item.batchId,
    itemId: item.id,
    payeeId: item.payeeId,
    details: { reason: refusal, amountPaise: item.amountPaise, cycleId: item.cycleId },
  });
  return { outcome: "refused", reason: refusal };
}

async function reserve(deps: Deps, memory: GateMemory, item: BatchItemRow, checked: { bank: BankDetails }, retry: { retryOf: string | undefined; operatorRetry: boolean }): Promise<GateResult> {
  const created = await createPayoutRecord(
    deps.db,
    {
      retryOf: retry.retryOf ?? null,
      batchId: item.batchId,
      itemId: item.id,
      payeeId: item.payeeId,
      cycleId: item.cycleId,
      amountPaise: item.amountPaise,
      currency: item.currency as Currency,
      // A retry pays the details in force now (approved by a second person, past their
      // cooling-off, verified); a first attempt pays the details the checker approved (the
      // precheck made sure they are still the same).
      bankSnapshot: retry.operatorRetry ? JSON.stringify(checked.bank) : item.bankSnapshot!,
    },
    GATE_ACTOR,
  );
  if (created.outcome === "refused") {
    if (TRANSIENT_REFUSALS.includes(created.reason)) return { outcome: "deferred", reason: created.reason };
    await setReleaseRefusal(deps.db, item.id, created.reason);
    return created;
  }
  await enqueue(deps, created.payout.id);
  return remember(memory, item.id, { outcome: created.outcome, payoutId: created.payout.id });
}

/**
 * Hands the payout to the transfer queue. If this crashes or the send fails, the payout stays
 * `created` and the cron re-drives it (the consumer ignores duplicates), so nothing is lost.
 */
async function enqueue(deps: Deps, payoutId: string) {
  try {
    await deps.queue.send({ type: "transfer", payoutId });
    await changeStatus(deps.db, payoutId, { to: "queued", actorId: GATE_ACTOR, cause: "enqueued" });
  } catch (error) {
    console.error(`payout ${payoutId}: enqueue failed; the cron will re-drive it`, error);
  }
}

function remember(memory: GateMemory, itemId: string, result: { outcome: "created" | "existing"; payoutId: string }): GateResult {
  memory.remember(itemId, result.payoutId);
  return result;
}
