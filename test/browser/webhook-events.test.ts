// Events through the real local stack (no browser): a receiver on 127.0.0.1 that is down at
// first and then recovers gets every event of a paid batch, each verified by the Standard
// Webhooks reference library, and restores each payout's order from the sequence numbers.

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { api, getBatch, settleOrder, submittedBatch, unique, verifiedSeller } from "./support";

interface Delivery {
  at: number;
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A receiver that answers 503 until it is told to recover, then 204; it records every request. */
async function startReceiver() {
  const deliveries: Delivery[] = [];
  let down = true;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = down ? 503 : 204;
      deliveries.push({ at: Date.now(), status, headers: flat(req.headers), body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    deliveries,
    recover: () => void (down = false),
    stop: () => new Promise<void>((done) => server.close(() => done())),
  };
}

const flat = (h: IncomingHttpHeaders) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]));

interface Envelope {
  id: string;
  type: string;
  sequence: number;
  subject: { type: string; id: string };
  data: { id: string; status: string; bankReference?: string | null; version?: number };
}

const until = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 45_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("signed events to a receiver that fails, then recovers", () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let endpoint: { id: string; secret: string };
  let healthy: Awaited<ReturnType<typeof startReceiver>>;
  let healthyEndpoint: { id: string; secret: string };

  beforeAll(async () => {
    // Down until the batch is approved and its first events have failed; they are retried 5 s later.
    receiver = await startReceiver();
    const created = await api("admin", "POST", "/v1/webhook-endpoints", { url: receiver.url, eventTypes: ["payout.*", "batch.*"], description: "receiver test" });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    endpoint = created.body;
    // A second receiver, up all along: the failing one must not hold it back.
    healthy = await startReceiver();
    healthy.recover();
    healthyEndpoint = (await api("admin", "POST", "/v1/webhook-endpoints", { url: healthy.url, eventTypes: ["payout.processed"] })).body;
  });

  afterAll(async () => {
    await api("admin", "DELETE", `/v1/webhook-endpoints/${endpoint.id}`);
    await api("admin", "DELETE", `/v1/webhook-endpoints/${healthyEndpoint.id}`);
    await receiver.stop();
    await healthy.stop();
  });

  it("delivers every event of a paid batch at least once, each verified by standardwebhooks, and in order by sequence", async () => {
    const cycleId = unique("cyc-events");
    const sellers = [await verifiedSeller(unique("Events A")), await verifiedSeller(unique("Events B")), await verifiedSeller(unique("Events C"))];
    // 3 × ₹270 stays under the suite's two-checker threshold (₹1,000), so one approval releases it.
    for (const s of sellers) await settleOrder(cycleId, s.id, 30_000, 3_000);
    const batch = await submittedBatch(cycleId);
    const approved = await api("checker", "POST", `/v1/batches/${batch.id}/approve`, { fingerprint: batch.fingerprint });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    await until("the first failed deliveries", () => receiver.deliveries.length >= 3);
    receiver.recover();

    // Paid: every payout processed and the batch completed (the stack's cron is not running, so ask it).
    await until("the batch to complete", async () => {
      await fetch(`${inject("baseUrl")}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).catch(() => undefined);
      return (await getBatch(batch.id)).status === "completed";
    });
    const payouts = (await api("auditor", "GET", `/v1/payouts?batchId=${batch.id}`)).body.data as Array<{ id: string; bankReference: string }>;
    expect(payouts).toHaveLength(3);

    // What the outbox holds is what must arrive.
    const expected = new Map<string, string>();
    for (const subject of [batch.id, ...payouts.map((p) => p.id)]) {
      const page = await api("auditor", "GET", `/v1/events?subjectId=${subject}&limit=200`);
      for (const e of page.body.data as Envelope[]) if (e.type !== "batch.approval_requested") expected.set(e.id, e.type);
    }
    const received = () => new Map(receiver.deliveries.filter((d) => d.status === 204).map((d) => [d.headers["webhook-id"]!, d]));
    await until(`all ${expected.size} events at the receiver`, () => [...expected.keys()].every((id) => received().has(id)));

    // Every request, failed or not, carries a signature the reference library accepts.
    const verifier = new Webhook(endpoint.secret);
    const bodies = receiver.deliveries.map((d) => {
      const body = verifier.verify(d.body, d.headers) as Envelope;
      expect(d.headers["webhook-id"]).toBe(body.id);
      return body;
    });
    // The receiver really was down: some first attempts failed and were retried with the same id.
    const failed = receiver.deliveries.filter((d) => d.status === 503);
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) expect(received().has(f.headers["webhook-id"]!), `retried ${f.headers["webhook-id"]}`).toBe(true);

    // Per payout: deduplicate by id, sort by sequence, and the lifecycle comes out in order.
    for (const p of payouts) {
      const mine = [...new Map(bodies.filter((b) => b.subject.id === p.id).map((b) => [b.id, b])).values()].sort((a, b) => a.sequence - b.sequence);
      expect(mine.map((b) => b.sequence)).toEqual(mine.map((_, i) => i + 1));
      expect(mine[0]!.type).toBe("payout.created");
      const last = mine.at(-1)!;
      expect(last.type).toBe("payout.processed");
      expect(last.data).toMatchObject({ id: p.id, status: "processed", bankReference: p.bankReference });
      expect(p.bankReference).toMatch(/\S+/);
      // The data of each event is the payout at that version.
      for (const b of mine) expect(b.data.version).toBe(b.sequence);
    }
    const batchEvents = [...new Map(bodies.filter((b) => b.subject.id === batch.id).map((b) => [b.id, b])).values()].sort((a, b) => a.sequence - b.sequence);
    expect(batchEvents.map((b) => b.sequence)).toEqual(batchEvents.map((_, i) => i + 1));
    // batch.* includes the approval requests (one per checker, right after submission).
    expect(batchEvents.map((b) => b.type).filter((t) => t !== "batch.approval_requested")).toEqual(["batch.submitted", "batch.approved", "batch.executing", "batch.completed"]);

    // The healthy endpoint got each payout.processed on its first attempt, failing neighbour or not.
    const processed = [...expected].filter(([, type]) => type === "payout.processed").map(([id]) => id);
    await until("the healthy receiver", () => processed.every((id) => healthy.deliveries.some((d) => d.headers["webhook-id"] === id)));
    expect(healthy.deliveries.every((d) => d.status === 204)).toBe(true);
    for (const id of processed) {
      const d = (await api("auditor", "GET", `/v1/events/${id}`)).body.deliveries.find((x: { endpointId: string }) => x.endpointId === healthyEndpoint.id);
      expect(d).toMatchObject({ status: "delivered", attempts: 1 });
    }

    // The event log shows the failed attempt and the success of a retried delivery.
    const retried = failed[0]!.headers["webhook-id"]!;
    const shown = await api("auditor", "GET", `/v1/events/${retried}`);
    const delivery = shown.body.deliveries.find((d: { endpointId: string }) => d.endpointId === endpoint.id);
    expect(delivery.status).toBe("delivered");
    expect(delivery.attemptLog.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([503, 204]);
  });
});
