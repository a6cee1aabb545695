// The world the hostile requests aim at: existing ids of every kind, approval links in every
// state, and Idempotency-Keys already used, so a refusal cannot be blamed on a missing fixture.

import { env } from "cloudflare:test";
import type { TestActor } from "../actors";
import { api, createPayee, settlementFor, unique } from "../api";
import { decideByLink, type LinkRow, linkFor, postManual, settle, submittedBatch, tokenFor } from "../batches";
import { releaseByHand } from "../execution";

export interface UsedKey {
  key: string;
  url: string;
  bodyText: string;
}

/** Whether a request is the one the key was first used for: sending it again is a replay, not an attack. */
export const isReplayOf = (used: UsedKey, path: string, bodyText: string | undefined) => path === used.url && bodyText === used.bodyText;

export interface World {
  /** Existing ids by the collection segment that precedes a path parameter ("payees", "items"…). */
  ids: Record<string, string[]>;
  /** Every existing id of any kind, so garbage is certainly garbage. */
  allIds: Set<string>;
  payeeId: string;
  cycleId: string;
  /** The pending batch's fingerprint, so approve/reject bodies are otherwise right. */
  fingerprint: string;
  payoutId: string;
  usedKeys: Partial<Record<TestActor, UsedKey>>;
  links: {
    /** checker-chen's link to a batch pending approval: a valid token, as issued. */
    pending: LinkRow;
    /** checker-carla's link to the same batch. */
    pendingOther: LinkRow;
    /** The link checker-chen already used to approve another batch. */
    used: LinkRow;
    /** checker-carla's unused link to that approved batch. */
    settled: LinkRow;
    /** A link to a pending batch whose expiry has passed; `lapsedIssuedExpiresAtMs` was its expiry when issued. */
    lapsed: LinkRow;
  };
  lapsedIssuedExpiresAtMs: number;
}

export async function buildWorld(): Promise<World> {
  const seller = await createPayee("seller");
  const partner = await createPayee("delivery_partner", { verified: false });
  const cycleId = unique("cyc");
  const settlement = await settle(seller.id, cycleId);
  const { usedKeys, draft } = await useKeys(seller.id, cycleId);
  const manual = await postManual(unique("cyc"), [
    { accountId: "platform:bank", direction: "debit", amountPaise: 1_000 },
    { accountId: "platform:owner_equity", direction: "credit", amountPaise: 1_000 },
  ]);
  const pending = await submittedBatch();
  const lapsed = await submittedBatch();
  const settled = await submittedBatch();
  const payout = await approveByLinkAndRelease(settled.batch.id);
  const lapsedLink = await lapse(lapsed.batch.id);
  // Disabled, so the world's endpoint never receives the storm of events the suite causes.
  const endpoint = await api("admin", "POST", "/v1/webhook-endpoints", { url: "https://hooks.example.org/hostile", eventTypes: ["*"], enabled: false });
  const event = await env.DB.prepare("SELECT id FROM events WHERE subject_id = ? ORDER BY seq LIMIT 1").bind(payout.id).first<{ id: string }>();
  // The seller's approved first details, and a change of them still pending.
  const pendingChange = await api("admin", "PATCH", `/v1/payees/${seller.id}`, { bankDetails: { accountNumber: "246813579024", ifsc: "HDFC0001234", accountHolderName: "Hostile Holder" } });
  const changes = await env.DB.prepare("SELECT id FROM bank_detail_changes WHERE payee_id = ? ORDER BY requested_at").bind(seller.id).all<{ id: string }>();

  const ids: Record<string, string[]> = {
    payees: [seller.id, partner.id],
    batches: [draft.id, pending.batch.id, settled.batch.id, lapsed.batch.id],
    items: draft.items.map((i: { id: string }) => i.id),
    transactions: [manual.id, settlement.transactionId as string],
    accounts: await ledgerAccountIds(),
    settlements: [settlement.orderId],
    payouts: [payout.id],
    "webhook-endpoints": [endpoint.body.id],
    events: [event!.id],
    "bank-detail-changes": [...changes.results.map((c) => c.id), pendingChange.body.pendingBankDetailsChangeId],
  };
  return {
    ids,
    allIds: new Set([...Object.values(ids).flat(), ...[pending, lapsed, settled].flatMap((b) => b.sellerIds)]),
    payeeId: seller.id,
    cycleId,
    fingerprint: pending.batch.fingerprint,
    payoutId: payout.id,
    usedKeys,
    links: {
      pending: await linkFor(pending.batch.id, "checker-chen"),
      pendingOther: await linkFor(pending.batch.id, "checker-carla"),
      used: await linkFor(settled.batch.id, "checker-chen"),
      settled: await linkFor(settled.batch.id, "checker-carla"),
      lapsed: lapsedLink.now,
    },
    lapsedIssuedExpiresAtMs: Date.parse(lapsedLink.issued.expires_at),
  };
}

/** One POST with an Idempotency-Key by maker, admin and system; the maker's creates a draft batch. */
async function useKeys(sellerId: string, cycleId: string) {
  const usedKeys: Partial<Record<TestActor, UsedKey>> = {};
  const remember = async (actor: TestActor, url: string, body: unknown, expected: number) => {
    const key = unique("used-key");
    const res = await api(actor, "POST", url, body, { "idempotency-key": key });
    if (res.status !== expected) throw new Error(`${actor} POST ${url} failed: ${res.status} ${JSON.stringify(res.body)}`);
    usedKeys[actor] = { key, url, bodyText: JSON.stringify(body) };
    return res.body;
  };
  const draft = await remember("maker", "/v1/batches", { cycleId }, 201);
  await remember("admin", "/v1/payees", { type: "seller", displayName: unique("Keyed Traders") }, 201);
  await remember("system", "/v1/settlements", settlementFor(sellerId, unique("cyc")), 201);
  return { usedKeys, draft };
}

/** checker-chen approves the batch through their link (using it up), then it is released by hand. */
async function approveByLinkAndRelease(batchId: string) {
  const usedLink = await linkFor(batchId, "checker-chen");
  const decided = await decideByLink(await tokenFor(usedLink), "approve");
  if (decided.status !== 200) throw new Error(`approval by link failed: ${decided.status}`);
  const approved = (await api("auditor", "GET", `/v1/batches/${batchId}`)).body;
  const [payout] = await releaseByHand(approved);
  if (!payout) throw new Error("no payout was created");
  return payout;
}

/** The link's expiry passes: move it an hour into the past, as time would. */
async function lapse(batchId: string): Promise<{ issued: LinkRow; now: LinkRow }> {
  const issued = await linkFor(batchId, "checker-chen");
  const expiresAt = new Date(Date.now() - 3_600_000).toISOString();
  await env.DB.prepare("UPDATE approval_links SET expires_at = ? WHERE id = ?").bind(expiresAt, issued.id).run();
  return { issued, now: { ...issued, expires_at: expiresAt } };
}

async function ledgerAccountIds(): Promise<string[]> {
  const accounts: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await api("auditor", "GET", `/v1/ledger/accounts?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    accounts.push(...page.body.data.map((a) => a.id));
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return accounts;
}
