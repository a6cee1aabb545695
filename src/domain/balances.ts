// A payee's money across payout cycles: rolling reserves held back from settlements and released
// later, and balances carried from one cycle to another (a deficit netted against a later cycle,
// a released reserve paid in the next one). Pure rules; store/balances.ts writes them.

import { payableAccountId, reserveAccountId } from "./accounts";
import { invalid } from "./errors";
import type { TransactionInput } from "./ledger";
import { type Currency, formatPaise } from "./money";

export interface ReserveTerms {
  /** Share of each settlement held back, in basis points (1/100 of a percent). */
  basisPoints: number;
  /** Days after the settlement when the held share is released to the payable. */
  days: number;
}

export const NO_RESERVE: ReserveTerms = { basisPoints: 0, days: 0 };
export const MAX_RESERVE_BASIS_POINTS = 10_000;
export const MAX_RESERVE_DAYS = 365;

export function assertReserveTerms(t: ReserveTerms): void {
  if (!Number.isInteger(t.basisPoints) || t.basisPoints < 0 || t.basisPoints > MAX_RESERVE_BASIS_POINTS) {
    throw invalid("invalid_reserve_terms", `basisPoints must be an integer from 0 to ${MAX_RESERVE_BASIS_POINTS}.`, { field: "basisPoints" });
  }
  if (!Number.isInteger(t.days) || t.days < 0 || t.days > MAX_RESERVE_DAYS) {
    throw invalid("invalid_reserve_terms", `days must be an integer from 0 to ${MAX_RESERVE_DAYS}.`, { field: "days" });
  }
  if (t.basisPoints > 0 && t.days === 0) throw invalid("invalid_reserve_terms", "A reserve needs at least one day before release.", { field: "days" });
}

/** The share held back, rounded down to the paisa (BigInt: amount × basis points can pass 2^53). */
export const reserveSharePaise = (amountPaise: number, basisPoints: number) => Number((BigInt(amountPaise) * BigInt(basisPoints)) / 10_000n);

export const reserveReleaseAt = (settledAt: string, days: number) => new Date(Date.parse(settledAt) + days * 86_400_000).toISOString();

export const reserveHoldRef = (orderId: string, payeeId: string) => `reserve:${orderId}:${payeeId}:hold`;
export const reserveReleaseRef = (holdId: string) => `reserve:${holdId}:release`;

/** Payable → reserve, in the settlement's cycle: this cycle pays the payee that much less. */
export function reserveHoldTransaction(h: { orderId: string; payeeId: string; cycleId: string; amountPaise: number; currency: Currency; basisPoints: number }): TransactionInput {
  return {
    externalRef: reserveHoldRef(h.orderId, h.payeeId),
    kind: "reserve_hold",
    description: `Rolling reserve (${h.basisPoints / 100}%) held from order ${h.orderId}`,
    cycleId: h.cycleId,
    orderId: h.orderId,
    payeeId: h.payeeId,
    entries: [
      { accountId: payableAccountId(h.payeeId), direction: "debit", amountPaise: h.amountPaise, currency: h.currency },
      { accountId: reserveAccountId(h.payeeId), direction: "credit", amountPaise: h.amountPaise, currency: h.currency },
    ],
  };
}

/**
 * Reserve → payable, in no cycle: what remains of the held share (a clawback may have drawn on
 * the reserve) becomes payable and is carried into the payee's next batch.
 */
export function reserveReleaseTransaction(r: { holdId: string; orderId: string; payeeId: string; amountPaise: number; currency: Currency }): TransactionInput {
  return {
    externalRef: reserveReleaseRef(r.holdId),
    kind: "reserve_release",
    description: `Rolling reserve from order ${r.orderId} released`,
    cycleId: null,
    orderId: r.orderId,
    payeeId: r.payeeId,
    metadata: { reserveHoldId: r.holdId },
    entries: [
      { accountId: reserveAccountId(r.payeeId), direction: "debit", amountPaise: r.amountPaise, currency: r.currency },
      { accountId: payableAccountId(r.payeeId), direction: "credit", amountPaise: r.amountPaise, currency: r.currency },
    ],
  };
}

/**
 * How much each due hold releases: holds are released oldest first, and the reserve's balance
 * (less what clawbacks drew from it) caps what can come out.
 */
export function releasableAmounts(reserveBalancePaise: number, due: ReadonlyArray<{ id: string; amountPaise: number }>): Map<string, number> {
  let left = Math.max(0, reserveBalancePaise);
  const out = new Map<string, number>();
  for (const hold of due) {
    const amount = Math.min(hold.amountPaise, left);
    left -= amount;
    out.set(hold.id, amount);
  }
  return out;
}

export interface CarryPlan {
  /** null: the released-reserve balance, which belongs to no cycle. */
  fromCycleId: string | null;
  /** Signed: negative carries a deficit, positive money owed. */
  amountPaise: number;
}

/**
 * What a batch for `cycleId` takes in from elsewhere: every other cycle's deficit (a negative
 * net) and the released-reserve balance. Money owed in another cycle stays there: that cycle's
 * own batch pays it.
 */
export function planCarries(cycleId: string, cycleNets: ReadonlyArray<{ cycleId: string; netPaise: number }>, untaggedPaise: number): CarryPlan[] {
  const plans: CarryPlan[] = cycleNets
    .filter((c) => c.cycleId !== cycleId && c.netPaise < 0)
    .sort((a, b) => (a.cycleId < b.cycleId ? -1 : a.cycleId > b.cycleId ? 1 : 0))
    .map((c) => ({ fromCycleId: c.cycleId, amountPaise: c.netPaise }));
  if (untaggedPaise > 0) plans.push({ fromCycleId: null, amountPaise: untaggedPaise });
  return plans;
}

/** What a deficit item says about why it is not paid. */
export const deficitReason = (deficitPaise: number, currency: Currency = "INR") => `Deficit of ${formatPaise(deficitPaise, currency)} carried to the next cycle`;

export const carryRef = (carryId: string, leg: "out" | "in") => `carry:${carryId}:${leg}`;

/**
 * The two legs of a carry through the clearing account: the source cycle's balance goes to zero
 * and the target cycle's changes by the same amount. The payee's payable total does not move.
 */
export function carryTransactions(c: { carryId: string; payeeId: string; fromCycleId: string | null; toCycleId: string; amountPaise: number; currency: Currency }): [TransactionInput, TransactionInput] {
  const payable = payableAccountId(c.payeeId);
  const clearing = "platform:cycle_carry_clearing";
  const abs = Math.abs(c.amountPaise);
  const from = c.fromCycleId === null ? "the released reserve" : `cycle ${c.fromCycleId}`;
  const what = c.amountPaise < 0 ? "Deficit" : "Balance";
  // Carrying a deficit credits the source (bringing it up to zero) and debits the target.
  const [outPayable, inPayable] = c.amountPaise < 0 ? (["credit", "debit"] as const) : (["debit", "credit"] as const);
  const flip = (side: "debit" | "credit") => (side === "debit" ? "credit" : "debit");
  const leg = (leg: "out" | "in", cycleId: string | null, side: "debit" | "credit"): TransactionInput => ({
    externalRef: carryRef(c.carryId, leg),
    kind: "balance_carried_forward",
    description: `${what} of payee ${c.payeeId} carried from ${from} to cycle ${c.toCycleId}`,
    cycleId,
    payeeId: c.payeeId,
    metadata: { carryId: c.carryId, leg },
    entries: [
      { accountId: payable, direction: side, amountPaise: abs, currency: c.currency },
      { accountId: clearing, direction: flip(side), amountPaise: abs, currency: c.currency },
    ],
  });
  return [leg("out", c.fromCycleId, outPayable), leg("in", c.toCycleId, inPayable)];
}
