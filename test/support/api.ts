// A small client for driving the Worker through its HTTP API, as an integration would.

import { SELF } from "cloudflare:test";
import { TEST_ACTORS, type TestActor } from "./actors";

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  actor: TestActor | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (actor) (init.headers as Record<string, string>).authorization = `Bearer ${TEST_ACTORS[actor].token}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const res = await SELF.fetch(`https://disburse.test${path}`, init);
  const text = await res.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Non-JSON bodies (HTML pages) are returned as text.
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

let counter = 0;
/** Unique-enough suffix so tests sharing one database never collide. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

export const bank = (n = 0) => ({
  accountNumber: String(100000000000 + n),
  ifsc: "HDFC0001234",
  accountHolderName: `Holder ${n}`,
});

export async function createPayee(type: "seller" | "delivery_partner" = "seller", opts: { verified?: boolean } = {}) {
  const res = await api("admin", "POST", "/v1/payees", {
    type,
    displayName: unique(type),
    bankDetails: bank(Math.floor(Math.random() * 1e9)),
  });
  if (res.status !== 201) throw new Error(`createPayee failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (opts.verified ?? true) {
    const v = await api("admin", "POST", `/v1/payees/${res.body.id}/verification`, { status: "verified" });
    if (v.status !== 200) throw new Error(`verify failed: ${v.status} ${JSON.stringify(v.body)}`);
    return v.body;
  }
  return res.body;
}

export function settlementFor(sellerPayeeId: string, cycleId: string, over: Record<string, unknown> = {}) {
  const base = {
    orderId: unique("ORD"),
    cycleId,
    sellerPayeeId,
    deliveryPartnerPayeeId: null as string | null,
    grossAmountPaise: 100_000,
    platformFeePaise: 10_000,
    discountPaise: 5_000,
    voucherPaise: 2_000,
    walletAmountPaise: 3_000,
    deliveryFeePaise: 0,
    ...over,
  };
  const collected = (base.grossAmountPaise as number) + (base.deliveryFeePaise as number) - (base.discountPaise as number) - (base.voucherPaise as number) - (base.walletAmountPaise as number);
  return { amountCollectedPaise: collected, ...base };
}
