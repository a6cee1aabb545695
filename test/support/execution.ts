// Helpers for driving execution in workerd: run the queue consumer by hand, talk to the
// simulated bank, and read what it actually moved.

import { env } from "cloudflare:test";
import { expect } from "vitest";
import { simulatedBankStub } from "../../src/sim/simulated-gateway";
import type { BankConfig } from "../../src/sim/simulated-bank";
import { servicesFor } from "../../src/deps";
import { type CrashPoint, crashAt } from "../../src/sim/chaos";
import { handleTransferMessage } from "../../src/services/transfers";
import type { TransferQueueMessage } from "../../src/services/queue-messages";
import { api, changeBankDetails, createPayee, settlementFor, unique } from "./api";

export async function bank(path: string, body?: unknown) {
  const res = await simulatedBankStub(env).fetch(
    new Request(`https://simulated-bank.internal${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  return res.json() as Promise<any>;
}

export const configureBank = (patch: Partial<BankConfig>) => bank("/admin/config", patch);
export const tickBank = (advanceMs = 0) => bank("/admin/tick", { advanceMs });

/** Debits the simulated bank really made for a payout (its money-moved record). */
export async function bankDebits(payoutId: string): Promise<number> {
  const state = await bank("/admin/state");
  return state.movements.filter((m: any) => m.key === payoutId && m.direction === "debit").length;
}

export async function bankCredits(payoutId: string): Promise<number> {
  const state = await bank("/admin/state");
  return state.movements.filter((m: any) => m.key === payoutId && m.direction === "credit").length;
}

/** Runs the transfer consumer on one message, as a delivery would, optionally crashing after a step. */
export const consume = (message: TransferQueueMessage, options: { crashAt?: CrashPoint; deliveryAttempt?: number } = {}) =>
  handleTransferMessage(servicesFor(env), message, { deliveryAttempt: options.deliveryAttempt, afterStep: options.crashAt && crashAt(options.crashAt) });

/** A verified payee with one settled order in a fresh cycle, submitted and approved: returns the batch. */
export async function approvedBatch(opts: { payees?: number; accountNumbers?: string[] } = {}) {
  const cycleId = unique("cyc");
  const payees = [];
  for (let i = 0; i < (opts.payees ?? 1); i++) {
    const payee = await createPayee("seller");
    const accountNumber = opts.accountNumbers?.[i];
    if (accountNumber) {
      await changeBankDetails(payee.id, { accountNumber, ifsc: "HDFC0001234", accountHolderName: "Holder" });
    }
    expect((await api("system", "POST", "/v1/settlements", settlementFor(payee.id, cycleId))).status).toBe(201);
    payees.push(payee);
  }
  const created = await api("maker", "POST", "/v1/batches", { cycleId });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const submitted = await api("maker", "POST", `/v1/batches/${created.body.id}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  const approved = await api("checker", "POST", `/v1/batches/${created.body.id}/approve`, { fingerprint: submitted.body.fingerprint });
  expect(approved.body.status).toBe("approved");
  return { cycleId, batch: approved.body, payees };
}

/** Releases an approved batch by hand: runs each release message through the consumer. */
export async function releaseByHand(batch: { id: string; items: Array<{ id: string; payeeId: string; status: string }> }) {
  const { releaseApprovedBatch } = await import("../../src/services/release");
  await releaseApprovedBatch(servicesFor(env), batch.id);
  for (const item of batch.items.filter((i) => i.status === "ok")) {
    await consume({ type: "release", batchId: batch.id, itemId: item.id, payeeId: item.payeeId });
  }
  const list = await api("auditor", "GET", `/v1/payouts?batchId=${batch.id}`);
  return list.body.data as any[];
}

export async function payout(id: string) {
  return (await api("auditor", "GET", `/v1/payouts/${id}/timeline`)).body as { payout: any; events: any[] };
}

/** Journal transactions written for a payout, by posting kind. */
export async function payoutPostings(payoutId: string): Promise<string[]> {
  const rows = await env.DB.prepare("SELECT external_ref FROM journal_transactions WHERE external_ref LIKE ? ORDER BY created_at")
    .bind(`payout:${payoutId}:%`)
    .all<{ external_ref: string }>();
  return rows.results.map((r) => r.external_ref.split(":")[2]!).sort();
}

export async function createCalls(payoutId: string): Promise<number> {
  const state = await bank("/admin/state");
  return state.calls.filter((c: any) => c.key === payoutId && c.op === "create").length;
}

export async function openExceptions(payoutOrItemId: string) {
  const rows = await env.DB.prepare("SELECT cause, status FROM exceptions WHERE (payout_id = ? OR item_id = ?) AND status = 'open'")
    .bind(payoutOrItemId, payoutOrItemId)
    .all<{ cause: string; status: string }>();
  return rows.results.map((r) => r.cause);
}
