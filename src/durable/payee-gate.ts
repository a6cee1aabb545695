// The per-payee Durable Object: serializes one payee's payouts and is their idempotency gate.
// Its payout logic arrives with the execution issue (#4); the class and binding exist now so
// that deployments already carry the SQLite-backed namespace.

import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

export class PayeeGate extends DurableObject<Env> {}
