// The per-payee Durable Object: it serializes that payee's payout decisions (one at a time, in
// order) and remembers each item's payout in its own storage. What it decides is in
// services/payout-gate.ts; asking twice for the same batch item yields the same payout.

import { DurableObject } from "cloudflare:workers";
import { servicesFor } from "../deps";
import type { Env } from "../env";
import type { GateResult, GateRetry } from "../services/deps";
import type { GateMemory } from "../services/payout-gate";
import { createPayoutForItem } from "../services/payout-gate";

export class PayeeGate extends DurableObject<Env> {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly memory: GateMemory;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS decisions (item_id TEXT PRIMARY KEY, payout_id TEXT NOT NULL, decided_at TEXT NOT NULL)");
    this.memory = {
      payoutFor: (itemId) => ctx.storage.sql.exec<{ payout_id: string }>("SELECT payout_id FROM decisions WHERE item_id = ?", itemId).toArray()[0]?.payout_id,
      remember: (itemId, payoutId) => {
        ctx.storage.sql.exec(
          "INSERT INTO decisions (item_id, payout_id, decided_at) VALUES (?, ?, ?) ON CONFLICT(item_id) DO UPDATE SET payout_id = excluded.payout_id, decided_at = excluded.decided_at",
          itemId,
          payoutId,
          new Date().toISOString(),
        );
      },
    };
  }

  /** Creates (or returns) the payout for a batch item of this payee: see createPayoutForItem. */
  createPayout(payeeId: string, itemId: string, retry?: GateRetry): Promise<GateResult> {
    // Awaiting D1 lets other calls in; chaining makes this payee's decisions strictly sequential.
    const run = this.tail.then(() => createPayoutForItem(servicesFor(this.env), this.memory, payeeId, itemId, retry));
    this.tail = run.catch(() => undefined);
    return run;
  }
}
