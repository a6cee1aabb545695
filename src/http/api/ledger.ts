// The double-entry ledger: post transactions, reverse them, read balances, entries and the
// trial balance.

import { z } from "@hono/zod-openapi";
import type { TypedResponse } from "hono";
import { database } from "../../store/client";
import { getAccount, getTransaction, listAccounts, listEntries, postTransaction, reverseTransaction, trialBalance } from "../../store/ledger";
import { mapPage } from "../../store/page";
import { ACCOUNT_EXAMPLE, ACCOUNT_TYPES, accountSchema, accountView } from "../views/ledger";
import { auditStatement } from "../../store/audit";
import { accountPages, openingBalancePages, transactionPages } from "../../store/journal-export";
import { isCalendarDate, journalText, startOfUtcDay } from "../../domain/journal-export";
import { assertManualRef, MAX_ENTRIES_PER_TRANSACTION } from "../../domain/ledger";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { amountPaise, currency, cursorQuery, humanText, idempotencyHeader, idParam, jsonBody, jsonContent, limitQuery, pageOf, reference } from "../schemas";

const routeLedger = routeOf("Ledger");

const entrySchema = z
  .object({
    accountId: z.string().min(1).max(120),
    direction: z.enum(["debit", "credit"]),
    amountPaise,
    currency,
  })
  .strict()
  .openapi("Entry", { example: { accountId: "platform:bank", direction: "debit", amountPaise: 5000000, currency: "INR" } });

const transactionSchema = z
  .object({
    id: z.string(),
    externalRef: z.string(),
    kind: z.string(),
    description: z.string(),
    cycleId: z.string().nullable(),
    orderId: z.string().nullable(),
    payeeId: z.string().nullable(),
    reversesTransactionId: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    actorId: z.string(),
    createdAt: z.string(),
    entries: z.array(entrySchema),
  })
  .openapi("Transaction", {
    example: {
      id: "txn_01m8pq3w1r7c2bx9kdy4ne",
      externalRef: "funding:2026-11-28:1",
      kind: "manual",
      description: "Founders' capital deposited to the payout account",
      cycleId: null,
      orderId: null,
      payeeId: null,
      reversesTransactionId: null,
      metadata: { bankReference: "HDFCR52026112800093341" },
      actorId: "admin-ada",
      createdAt: "2026-11-28T10:20:00.000Z",
      entries: [
        { accountId: "platform:bank", direction: "debit", amountPaise: 5000000, currency: "INR" },
        { accountId: "platform:owner_equity", direction: "credit", amountPaise: 5000000, currency: "INR" },
      ],
    },
  });

const postTransactionRoute = routeLedger("post", "/transactions", "Post a balanced journal transaction", {
  operationId: "postTransaction",
  description:
    "Debits must equal credits per currency. The external reference is unique: posting it again with the same content returns the original (200); with different content it is a 409.",
  middleware: [requireRole("admin", "system")] as const,
  request: {
    headers: idempotencyHeader,
    body: jsonBody(
      z
        .object({
          externalRef: reference(200).openapi({ example: "funding:2026-11-28:1" }),
          description: humanText(500),
          cycleId: reference(60).optional(),
          metadata: z.record(reference(60), z.string().max(500)).refine((m) => Object.keys(m).length <= 20, "at most 20 keys").optional(),
          entries: z.array(entrySchema).min(2).max(MAX_ENTRIES_PER_TRANSACTION),
        })
        .strict()
        .openapi("PostTransaction", {
          example: {
            externalRef: "funding:2026-11-28:1",
            description: "Founders' capital deposited to the payout account",
            metadata: { bankReference: "HDFCR52026112800093341" },
            entries: [
              { accountId: "platform:bank", direction: "debit", amountPaise: 5000000, currency: "INR" },
              { accountId: "platform:owner_equity", direction: "credit", amountPaise: 5000000, currency: "INR" },
            ],
          },
        }),
    ),
  },
  responses: { 201: jsonContent(transactionSchema, "Posted"), 200: jsonContent(transactionSchema, "Already posted with this reference and content; nothing new was written") },
});

const getTransactionRoute = routeLedger("get", "/transactions/{id}", "Read a transaction with its entries", {
  operationId: "getTransaction",
  request: { params: idParam },
  responses: { 200: jsonContent(transactionSchema, "The transaction") },
});

const reverseRoute = routeLedger("post", "/transactions/{id}/reversal", "Reverse a transaction", {
  operationId: "reverseTransaction",
  description: "Posts the mirror-image transaction linked to the original. Posted entries are never changed; a transaction is reversed at most once.",
  middleware: [requireRole("admin")] as const,
  request: {
    params: idParam,
    headers: idempotencyHeader,
    body: jsonBody(z.object({ reason: humanText(500) }).strict().openapi("ReverseTransaction", { example: { reason: "Posted twice by mistake: the deposit is already in funding:2026-11-28:1" } })),
  },
  responses: { 201: jsonContent(transactionSchema, "The reversing transaction"), 200: jsonContent(transactionSchema, "Already reversed by this same request") },
});

const listAccountsRoute = routeLedger("get", "/accounts", "List accounts with balances", {
  operationId: "listAccounts",
  request: { query: z.object({ limit: limitQuery, cursor: cursorQuery, type: z.enum(ACCOUNT_TYPES).optional() }) },
  responses: { 200: jsonContent(pageOf(accountSchema, ACCOUNT_EXAMPLE), "A page of accounts") },
});

const accountIdParam = z.object({ id: z.string().max(140).openapi({ param: { name: "id", in: "path" }, example: "platform:bank" }) });

const getAccountRoute = routeLedger("get", "/accounts/{id}", "Read an account's balance", {
  operationId: "getAccount",
  request: { params: accountIdParam },
  responses: { 200: jsonContent(accountSchema, "The account") },
});

/** The seller's payable credited by its order's settlement. */
const ENTRY_ROW_EXAMPLE = {
  id: 1207,
  transactionId: "txn_01m8bgvjs5c6y1kn8z8mgq",
  externalRef: "order:ORD-1001:settlement",
  kind: "order_settlement",
  direction: "credit" as const,
  amountPaise: 85240,
  currency: "INR",
  cycleId: "2026-W48",
  createdAt: "2026-11-26T08:51:49.669Z",
};

const entryRowSchema = z
  .object({
    id: z.number().int(),
    transactionId: z.string(),
    externalRef: z.string(),
    kind: z.string(),
    direction: z.enum(["debit", "credit"]),
    amountPaise: z.number().int(),
    currency: z.string(),
    cycleId: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("AccountEntry", { example: ENTRY_ROW_EXAMPLE });

const listEntriesRoute = routeLedger("get", "/accounts/{id}/entries", "List an account's entries, oldest first", {
  operationId: "listAccountEntries",
  request: {
    params: accountIdParam,
    query: z.object({ limit: limitQuery, cursor: z.string().regex(/^\d{1,15}$/).optional() }),
  },
  responses: { 200: jsonContent(pageOf(entryRowSchema, ENTRY_ROW_EXAMPLE), "A page of entries") },
});

const trialBalanceRoute = routeLedger("get", "/trial-balance", "Trial balance: total debits equal total credits", {
  operationId: "getTrialBalance",
  middleware: [requireRole("auditor", "admin")] as const,
  responses: { 200: jsonContent(
      z
        .object({
          balanced: z.boolean(),
          totals: z.array(z.object({ currency: z.string(), debitsPaise: z.number(), creditsPaise: z.number(), differencePaise: z.number() })),
          accounts: z.array(accountSchema),
        })
        .openapi("TrialBalance", {
          example: {
            balanced: true,
            totals: [{ currency: "INR", debitsPaise: 5189240, creditsPaise: 5189240, differencePaise: 0 }],
            accounts: [ACCOUNT_EXAMPLE],
          },
        }),
      "The trial balance",
    ) },
});

const exportDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date as YYYY-MM-DD")
  .refine(isCalendarDate, "not a calendar date")
  .optional();

const exportRoute = routeLedger("get", "/export", "Export the journal for hledger or ledger", {
  operationId: "exportJournal",
  description: [
    "The journal as a plain-text accounting journal (hledger/ledger format), streamed, so an independent tool can check that every transaction balances and every balance agrees with Disburse's.",
    "Optionally only the transactions created in [from, to): days start at 00:00 UTC, and each transaction is dated by the UTC date of its created_at.",
    "With `from`, the file starts with one opening-balances transaction dated `from` carrying each account's sum of earlier entries, so the balances in the file equal Disburse's balances as of `to` (or of the moment of export).",
    "Amounts are exact (`INR 1234.50`), debits positive and credits negative. Accounts have hierarchical names by type (assets:bank, liabilities:payable:<payeeId>, …), each declared with an `account` directive tagged with its hledger type and its Disburse id (`disburse_id`).",
    "The last line is `; End of Disburse export: N transactions.`; a file without it was cut short.",
  ].join("\n\n"),
  middleware: [requireRole("auditor", "admin")] as const,
  request: {
    query: z
      .object({
        from: exportDate.openapi({ description: "First day included (UTC), YYYY-MM-DD.", example: "2026-11-01" }),
        to: exportDate.openapi({ description: "First day not included (UTC), YYYY-MM-DD.", example: "2026-12-01" }),
      })
      .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: "to must be after from", path: ["to"] }),
  },
  responses: { 200: {
      description: "The journal, as a file download",
      headers: z.object({ "content-disposition": z.string().openapi({ example: 'attachment; filename="disburse-2026-11-01-2026-12-01.journal"' }) }),
      content: { "text/plain": { schema: z.string().openapi({ example: "2026-11-26 (txn_01m8bgvjs5c6y1kn8z8mgq) Order ORD-1 settled\n    assets:bank  INR 1234.50\n    ..." }) } },
    } },
});

export const ledgerRouter = router()
  .openapi(postTransactionRoute, async (c) => {
    const body = c.req.valid("json");
    const actorId = c.get("actor").actorId;
    const db = database(c.env.DB);
    assertManualRef(body.externalRef);
    const { transaction, replayed } = await postTransaction(
      db,
      { ...body, kind: "manual", cycleId: body.cycleId ?? null },
      actorId,
      (id) => [auditStatement(db, { actorId, action: "ledger.transaction_posted", subjectType: "transaction", subjectId: id, details: { externalRef: body.externalRef } })],
    );
    return c.json(transaction, replayed ? 200 : 201);
  })
  .openapi(getTransactionRoute, async (c) => c.json(await getTransaction(database(c.env.DB), c.req.valid("param").id), 200))
  .openapi(reverseRoute, async (c) => {
    const db = database(c.env.DB);
    const actorId = c.get("actor").actorId;
    const originalId = c.req.valid("param").id;
    const { reason } = c.req.valid("json");
    const { transaction, replayed } = await reverseTransaction(db, originalId, reason, actorId, (id) => [
      auditStatement(db, { actorId, action: "ledger.transaction_reversed", subjectType: "transaction", subjectId: originalId, details: { reversalId: id, reason } }),
    ]);
    return c.json(transaction, replayed ? 200 : 201);
  })
  .openapi(listAccountsRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(mapPage(await listAccounts(database(c.env.DB), { limit: q.limit, after: q.cursor, type: q.type }), accountView), 200);
  })
  .openapi(getAccountRoute, async (c) => c.json(accountView(await getAccount(database(c.env.DB), c.req.valid("param").id)), 200))
  .openapi(listEntriesRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listEntries(database(c.env.DB), c.req.valid("param").id, {
      limit: q.limit,
      after: q.cursor === undefined ? undefined : Number(q.cursor),
    });
    return c.json(page, 200);
  })
  .openapi(trialBalanceRoute, async (c) => {
    const trial = await trialBalance(database(c.env.DB));
    return c.json({ ...trial, accounts: trial.accounts.map(accountView) }, 200);
  })
  .openapi(exportRoute, async (c) => {
    const { from, to } = c.req.valid("query");
    const db = database(c.env.DB);
    // Postings made while the file streams are left out: the export is as of this millisecond.
    const asOfMs = Date.now();
    const afterAsOfIso = new Date(asOfMs + 1).toISOString();
    const toIso = to === undefined ? null : startOfUtcDay(to);
    const cutOff = toIso === null || toIso > afterAsOfIso;
    const beforeIso = cutOff ? afterAsOfIso : toIso;
    const chunks = journalText({
      range: { fromDate: from ?? null, toDate: to ?? null, asOf: cutOff ? new Date(asOfMs).toISOString() : null },
      accounts: accountPages(db),
      openingBalances: from === undefined ? [] : openingBalancePages(db, startOfUtcDay(from)),
      transactions: transactionPages(db, { fromIso: from === undefined ? null : startOfUtcDay(from), beforeIso }),
    });
    // The first chunk comes after the first read, so a failing database is still an error response.
    const first = await chunks.next();
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(encoder.encode(first.value));
      },
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          // Headers are sent: abort the body, so the client sees a failed download, not a short file.
          console.error("ledger export failed mid-stream", error);
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    const response = c.body(body, 200, {
      "content-type": "text/plain; charset=utf-8",
      "content-disposition": `attachment; filename="disburse-${from ?? "start"}-${to ?? "latest"}.journal"`,
      "cache-control": "no-store",
    });
    // zod-openapi types a text/plain response as c.text(string); a stream of it is the same bytes.
    return response as unknown as TypedResponse<string, 200, "text">;
  });
