// The adapter for the simulated bank. It speaks HTTP to the bank's Durable Object exactly as a
// real adapter speaks to a provider, and classifies every answer the same way.

import { hmacSha256Hex, timingSafeEqual } from "../domain/hash";
import type { Env } from "../env";
import {
  BANK_TRANSFER_STATUSES,
  type BankEvent,
  type BankGateway,
  type BankTransaction,
  type BankTransfer,
  type BankTransferStatus,
  type CreateOutcome,
  type StatusOutcome,
  type TransferRequest,
  type WebhookCheck,
  type WebhookVerifier,
} from "../bank/gateway";
import { SIMBANK_SIGNATURE_HEADER } from "./simulated-bank";

const BANK_ORIGIN = "https://simulated-bank.internal";
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export function simulatedBankStub(env: Env) {
  return env.SIMULATED_BANK.get(env.SIMULATED_BANK.idFromName("bank"));
}

type BankJson = { bankReference: string; idempotencyKey: string; status: BankTransfer["status"]; amountPaise: number; failureCode: string | null };

const toTransfer = (j: BankJson): BankTransfer => ({
  bankReference: j.bankReference,
  idempotencyKey: j.idempotencyKey,
  status: j.status,
  amountPaise: j.amountPaise,
  failureCode: j.failureCode ?? undefined,
});

export class SimulatedBankGateway implements BankGateway {
  readonly provider = "simulated";
  constructor(private readonly bank: { fetch(request: Request): Promise<Response> }) {}

  async createTransfer(request: TransferRequest): Promise<CreateOutcome> {
    let response: Response;
    try {
      response = await this.bank.fetch(
        new Request(`${BANK_ORIGIN}/transfers`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": request.idempotencyKey },
          body: JSON.stringify({
            amountPaise: request.amountPaise,
            currency: request.currency,
            accountNumber: request.account.accountNumber,
            ifsc: request.account.ifsc,
            holder: request.account.accountHolderName,
            reference: request.reference,
          }),
        }),
      );
    } catch (error) {
      return { kind: "ambiguous", reason: `network error: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (response.headers.get("x-simulated-fault") === "timeout") return { kind: "ambiguous", reason: "timeout" };
    if (response.status === 200 || response.status === 201) return { kind: "accepted", transfer: toTransfer((await response.json()) as BankJson) };
    if (response.status === 429) {
      return { kind: "retry", reason: "rate limited", retryAfterSeconds: Number(response.headers.get("retry-after") ?? "0") || undefined };
    }
    if (response.status >= 500) return { kind: "ambiguous", reason: `HTTP ${response.status}` };
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    return { kind: "rejected", code: body.error?.code ?? `http_${response.status}`, message: body.error?.message ?? `HTTP ${response.status}` };
  }

  async getTransfer(idempotencyKey: string): Promise<StatusOutcome> {
    try {
      const response = await this.bank.fetch(new Request(`${BANK_ORIGIN}/transfers/${encodeURIComponent(idempotencyKey)}`));
      if (response.status === 404) return { kind: "not_found" };
      if (!response.ok) return { kind: "unavailable", reason: `HTTP ${response.status}` };
      return { kind: "found", transfer: toTransfer((await response.json()) as BankJson) };
    } catch (error) {
      return { kind: "unavailable", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  async listTransactions(fromIso: string, toIso: string): Promise<BankTransaction[]> {
    const response = await this.bank.fetch(new Request(`${BANK_ORIGIN}/transactions?from=${encodeURIComponent(fromIso)}&to=${encodeURIComponent(toIso)}`));
    if (!response.ok) throw new Error(`simulated bank transactions: HTTP ${response.status}`);
    return ((await response.json()) as { data: BankTransaction[] }).data;
  }
}

type BankEventJson = { eventId: string; type: string; transfer: { idempotencyKey: string; status: BankTransferStatus; bankReference?: string | null; failureCode?: string | null } };

/** Whether a signed payload is an event the bank sends; anything else is malformed, whoever signed it. */
function isBankEvent(body: unknown): body is BankEventJson {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  const optionalText = (v: unknown) => v === undefined || v === null || typeof v === "string";
  if (!isObject(body) || typeof body.eventId !== "string" || typeof body.type !== "string" || !isObject(body.transfer)) return false;
  const t = body.transfer;
  return (
    typeof t.idempotencyKey === "string" &&
    (BANK_TRANSFER_STATUSES as readonly unknown[]).includes(t.status) &&
    optionalText(t.bankReference) &&
    optionalText(t.failureCode)
  );
}

/** Verifies `x-simbank-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export class SimulatedWebhookVerifier implements WebhookVerifier {
  constructor(private readonly secret: string) {}

  async verify(headers: Headers, rawBody: string, nowMs: number): Promise<WebhookCheck> {
    const header = headers.get(SIMBANK_SIGNATURE_HEADER) ?? "";
    const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header);
    if (!match) return { ok: false, reason: "bad_signature" };
    const [, timestamp, signature] = match as unknown as [string, string, string];
    const expected = await hmacSha256Hex(this.secret, `${timestamp}.${rawBody}`);
    if (!timingSafeEqual(expected, signature)) return { ok: false, reason: "bad_signature" };
    if (Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: "stale_timestamp" };
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return { ok: false, reason: "malformed" };
    }
    if (!isBankEvent(body)) return { ok: false, reason: "malformed" };
    const t = body.transfer;
    const event: BankEvent = {
      eventId: body.eventId,
      type: body.type,
      reference: t.idempotencyKey,
      bankReference: t.bankReference ?? null,
      status: t.status,
      failureCode: t.failureCode ?? undefined,
    };
    return { ok: true, events: [event] };
  }
}
