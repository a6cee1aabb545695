// An example integration: a marketplace's day with Disburse, through the generated client only
// (client/). It onboards three sellers, posts the day's orders in one bulk request, listens for
// Disburse's signed events on a local receiver, has a maker batch the day and checkers approve
// it, then prints each seller's payout and its UTR once the bank has paid it. See docs/client.md.
//
//   npm start                            # in one terminal: the service on http://localhost:8787
//   npm run example:marketplace          # in another: DISBURSE_URL overrides the address
//
// Every run uses a fresh cycle, so it can be repeated against the same database; every POST
// carries an Idempotency-Key derived from the run, so a request retried after a timeout is safe.

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pathToFileURL } from "node:url";
import { createDisburseClient, type DisburseClient, type DisburseEventOf, type Schemas, verifyDisburseWebhook, WebhookVerificationError } from "../client/index.ts";

export interface MarketplaceTokens {
  /** The marketplace's integration token (role system): onboards sellers, posts orders. */
  system: string;
  /** An admin: verifies bank details, manages the webhook endpoint. */
  admin: string;
  /** A maker: batches the cycle and submits it. */
  maker: string;
  /** Checkers, not the maker; a batch above the two-checker threshold needs two of them. */
  checkers: readonly string[];
}

export interface MarketplaceDayOptions {
  baseUrl: string;
  tokens: MarketplaceTokens;
  /** The payout cycle; a fresh one per run by default. */
  cycleId?: string;
  /** Where each printed line goes (default console.log). */
  log?: (line: string) => void;
  /** How long to wait for every seller's payout.processed event. */
  timeoutMs?: number;
}

export interface SellerPayout {
  seller: string;
  payeeId: string;
  payoutId: string;
  amountPaise: number;
  /** The bank's UTR: what the seller finds on their bank statement. */
  bankReference: string;
}

export interface MarketplaceDay {
  cycleId: string;
  batchId: string;
  payouts: SellerPayout[];
  /** The lines printed, one per seller. */
  lines: string[];
}

interface Seller {
  name: string;
  accountNumber: string;
  ifsc: string;
}

const SELLERS: readonly Seller[] = [
  { name: "Meena Stores", accountNumber: "50100012345678", ifsc: "HDFC0001234" },
  { name: "Kiran Textiles", accountNumber: "912345678901", ifsc: "SBIN0004321" },
  { name: "Asha Spices", accountNumber: "3345001200456", ifsc: "ICIC0000456" },
];

/** The day's orders: which seller (index), the order value and the platform's commission. */
const ORDERS: ReadonlyArray<{ seller: number; grossAmountPaise: number; platformFeePaise: number; discountPaise: number }> = [
  { seller: 0, grossAmountPaise: 125_000, platformFeePaise: 12_500, discountPaise: 5_000 },
  { seller: 0, grossAmountPaise: 48_000, platformFeePaise: 4_800, discountPaise: 0 },
  { seller: 1, grossAmountPaise: 260_000, platformFeePaise: 26_000, discountPaise: 10_000 },
  { seller: 1, grossAmountPaise: 39_900, platformFeePaise: 3_990, discountPaise: 0 },
  { seller: 1, grossAmountPaise: 15_500, platformFeePaise: 1_550, discountPaise: 0 },
  { seller: 2, grossAmountPaise: 72_000, platformFeePaise: 7_200, discountPaise: 2_000 },
];

const DEFAULT_TIMEOUT_MS = 60_000;
const RECEIVER_MAX_BODY_BYTES = 1_000_000;

export async function runMarketplaceDay(options: MarketplaceDayOptions): Promise<MarketplaceDay> {
  const { baseUrl, tokens } = options;
  const log = options.log ?? console.log;
  const run = Date.now().toString(36);
  const cycleId = options.cycleId ?? `example-${run}`;
  const as = (token: string) => createDisburseClient({ baseUrl, token });
  const marketplace = as(tokens.system);
  const admin = as(tokens.admin);

  const payees = await onboardSellers(marketplace, admin, as(tokens.checkers[0]!), run);
  const receiver = await startReceiver();
  try {
    const endpoint = await ok(
      "create the webhook endpoint",
      admin.POST("/v1/webhook-endpoints", {
        headers: idempotent(`${run}:endpoint`),
        body: { url: receiver.url, eventTypes: ["payout.processed", "payout.failed"], description: `marketplace example ${run}` },
      }),
    );
    receiver.secret = endpoint.secret;
    try {
      const owedPaise = await postOrders(marketplace, cycleId, payees, run);
      const batch = await makeAndApproveBatch(as(tokens.maker), tokens.checkers.map(as), cycleId, run);
      const paid = await receiver.payoutsOf(batch.id, new Set(payees.map((p) => p.id)), options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const payouts = payees.map((payee, i) => {
        const payout = paid.get(payee.id)!;
        if (payout.amountPaise !== owedPaise.get(payee.id)) throw new Error(`${SELLERS[i]!.name} was paid ${payout.amountPaise} paise, but their orders came to ${owedPaise.get(payee.id)}`);
        return { seller: SELLERS[i]!.name, payeeId: payee.id, payoutId: payout.id, amountPaise: payout.amountPaise, bankReference: payout.bankReference! };
      });
      const lines = payouts.map((p) => `${p.seller.padEnd(16)} ${rupees(p.amountPaise).padStart(12)}  UTR ${p.bankReference}`);
      for (const line of lines) log(line);
      return { cycleId, batchId: batch.id, payouts, lines };
    } finally {
      await admin.DELETE("/v1/webhook-endpoints/{id}", { params: { path: { id: endpoint.id } } });
    }
  } finally {
    await receiver.stop();
  }
}

/**
 * Each seller is created by the marketplace; a checker approves its bank details (four eyes: the
 * marketplace entered them, so someone else must), and an admin records the penny drop's result
 * with the name the bank returned.
 */
async function onboardSellers(marketplace: DisburseClient, admin: DisburseClient, checker: DisburseClient, run: string): Promise<Schemas["Payee"][]> {
  const payees: Schemas["Payee"][] = [];
  for (const [i, seller] of SELLERS.entries()) {
    const created = await ok(
      `create ${seller.name}`,
      marketplace.POST("/v1/payees", {
        headers: idempotent(`${run}:payee:${i}`),
        body: {
          type: "seller",
          displayName: seller.name,
          externalId: `${run}-seller-${i}`,
          bankDetails: { accountNumber: seller.accountNumber, ifsc: seller.ifsc, accountHolderName: seller.name },
        },
      }),
    );
    await ok(
      `approve ${seller.name}'s bank details`,
      checker.POST("/v1/payees/{id}/bank-detail-changes/{changeId}/approve", {
        params: { path: { id: created.id, changeId: created.pendingBankDetailsChangeId! } },
        body: { note: "bank details confirmed with the seller" },
      }),
    );
    payees.push(
      await ok(
        `verify ${seller.name}`,
        admin.POST("/v1/payees/{id}/verification", {
          params: { path: { id: created.id } },
          headers: idempotent(`${run}:verify:${i}`),
          body: { status: "verified", note: "penny drop matched", bankAccountName: seller.name },
        }),
      ),
    );
  }
  return payees;
}

/** The day's orders in one request; returns what each seller is owed, per Disburse's own breakdown. */
async function postOrders(marketplace: DisburseClient, cycleId: string, payees: Schemas["Payee"][], run: string): Promise<Map<string, number>> {
  const orders: Schemas["SettlementInput"][] = ORDERS.map((o, i) => ({
    orderId: `${run}-ORD-${i + 1}`,
    cycleId,
    sellerPayeeId: payees[o.seller]!.id,
    grossAmountPaise: o.grossAmountPaise,
    platformFeePaise: o.platformFeePaise,
    discountPaise: o.discountPaise,
    voucherPaise: 0,
    walletAmountPaise: 0,
    deliveryFeePaise: 0,
    amountCollectedPaise: o.grossAmountPaise - o.discountPaise,
  }));
  const result = await ok(
    "post the day's orders",
    marketplace.POST("/v1/settlements/bulk", { headers: idempotent(`${run}:orders`), body: { orders } }),
  );
  // One result per order, in the order sent: any refused line is named with its reason.
  const refused = result.results.filter((line) => line.outcome !== "created" && line.outcome !== "replayed");
  if (refused.length > 0) throw new Error(`orders refused: ${JSON.stringify(refused)}`);
  const owed = new Map<string, number>();
  for (const line of result.results) {
    const seller = orders[line.index]!.sellerPayeeId;
    owed.set(seller, (owed.get(seller) ?? 0) + line.sellerPayablePaise!);
  }
  return owed;
}

/** The maker batches the cycle and submits it; checkers approve the fingerprint they reviewed until it is approved. */
async function makeAndApproveBatch(maker: DisburseClient, checkers: DisburseClient[], cycleId: string, run: string): Promise<Schemas["Batch"]> {
  const draft = await ok("create the batch", maker.POST("/v1/batches", { headers: idempotent(`${run}:batch`), body: { cycleId } }));
  const blocked = draft.items.filter((item) => item.status !== "ok");
  if (blocked.length > 0) throw new Error(`batch ${draft.id} has items that cannot be paid: ${JSON.stringify(blocked)}`);
  const submitted = await ok("submit the batch", maker.POST("/v1/batches/{id}/submit", { params: { path: { id: draft.id } }, headers: idempotent(`${run}:submit`) }));
  if (checkers.length < submitted.requiredApprovals) throw new Error(`batch ${submitted.id} needs ${submitted.requiredApprovals} checkers; ${checkers.length} given`);
  let batch: Schemas["Batch"] = submitted;
  for (const [i, checker] of checkers.entries()) {
    if (batch.status !== "pending_approval") break;
    batch = await ok(
      `approval ${i + 1} of batch ${submitted.id}`,
      checker.POST("/v1/batches/{id}/approve", {
        params: { path: { id: submitted.id } },
        headers: idempotent(`${run}:approve:${i}`),
        body: { fingerprint: submitted.fingerprint! },
      }),
    );
  }
  if (batch.status === "pending_approval") throw new Error(`batch ${batch.id} is still waiting for approvals`);
  return batch;
}

type ProcessedPayout = DisburseEventOf<"payout.processed">["data"];

interface Receiver {
  url: string;
  /** Set once the endpoint exists; until then deliveries are refused (503) and Disburse retries them. */
  secret: string | null;
  /** Resolves with each payee's processed payout of the batch, from verified events. */
  payoutsOf: (batchId: string, payeeIds: ReadonlySet<string>, timeoutMs: number) => Promise<Map<string, ProcessedPayout>>;
  stop: () => Promise<void>;
}

/** The marketplace's webhook receiver, on 127.0.0.1: verifies each delivery and keeps its payout events. */
async function startReceiver(): Promise<Receiver> {
  const processed = new Map<string, ProcessedPayout>();
  const failed = new Map<string, DisburseEventOf<"payout.failed">["data"]>();
  let changed = () => {};
  const receiver: Receiver = { url: "", secret: null, payoutsOf, stop };
  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (receiver.secret === null) return void res.writeHead(503).end();
      const event = verifyDisburseWebhook(receiver.secret, body, req.headers);
      // The same event may arrive twice (at least once delivery): keyed by payout, a repeat changes nothing.
      if (event.type === "payout.processed") processed.set(event.data.id, event.data);
      if (event.type === "payout.failed") failed.set(event.data.id, event.data);
      res.writeHead(204).end();
      changed();
    } catch (error) {
      res.writeHead(error instanceof WebhookVerificationError ? 401 : 400, { "content-type": "text/plain" }).end(String(error));
    }
  });
  await new Promise<void>((done, fail) => server.once("error", fail).listen(0, "127.0.0.1", done));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/disburse`;

  function payoutsOf(batchId: string, payeeIds: ReadonlySet<string>, timeoutMs: number) {
    return new Promise<Map<string, ProcessedPayout>>((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`not every seller's payout was processed within ${timeoutMs} ms: ${describe()}`)), timeoutMs);
      const mine = <T extends { batchId: string; payeeId: string }>(payouts: Map<string, T>) => [...payouts.values()].filter((p) => p.batchId === batchId && payeeIds.has(p.payeeId));
      const describe = () => `processed ${mine(processed).length} of ${payeeIds.size}, failed ${JSON.stringify(mine(failed))}`;
      function finish(error: Error | null) {
        clearTimeout(timer);
        changed = () => {};
        if (error) reject(error);
        else resolve(new Map(mine(processed).map((p) => [p.payeeId, p])));
      }
      changed = () => {
        if (mine(failed).length > 0) finish(new Error(`a payout failed: ${describe()}`));
        else if (mine(processed).length === payeeIds.size) finish(null);
      };
      changed();
    });
  }

  function stop() {
    return new Promise<void>((done) => server.close(() => done()));
  }
  return receiver;
}

/** The raw bytes as sent: the signature covers them, not a re-serialised JSON. */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > RECEIVER_MAX_BODY_BYTES) throw new Error("body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Any POST may carry one (docs/api.md): sent again with the same key and body, it returns the first answer. */
const idempotent = (key: string) => ({ "Idempotency-Key": key });

/** Awaits an openapi-fetch call and returns its data, or throws with the API's error. */
async function ok<T>(what: string, call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<NonNullable<T>> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined || data === null) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** ₹ with Indian digit grouping, from integer paise (no floating point). */
export function rupees(paise: number): string {
  const abs = Math.abs(paise);
  return `${paise < 0 ? "−" : ""}₹${Math.floor(abs / 100).toLocaleString("en-IN")}.${String(abs % 100).padStart(2, "0")}`;
}

/** The development tokens `npm start` accepts (README, "Try it"); never use them anywhere else. */
const DEV_TOKENS: MarketplaceTokens = {
  system: "dev-system-marketplace-token",
  admin: "dev-admin-ada-token",
  maker: "dev-maker-mira-token",
  checkers: ["dev-checker-chen-token", "dev-checker-carla-token"],
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runMarketplaceDay({ baseUrl: process.env.DISBURSE_URL ?? "http://localhost:8787", tokens: DEV_TOKENS });
}
