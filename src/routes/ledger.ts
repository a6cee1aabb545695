// The double-entry ledger: post transactions, reverse them, read balances, entries and the
// trial balance.

import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { getAccount, getTransaction, listAccounts, listEntries, postTransaction, reverseTransaction, trialBalance } from "../db/ledger";
import { auditStatement } from "../db/audit";
import { assertManualRef, MAX_ENTRIES_PER_TRANSACTION } from "../domain/ledger";
import { router } from "../http/app";
import { requireRole } from "../http/auth";
import { amountPaise, currency, cursorQuery, errorResponses, humanText, idempotencyHeader, jsonContent, limitQuery, reference } from "../http/schemas";

const ACCOUNT_TYPES = ["asset", "liability", "equity", "revenue", "expense"] as const;

const accountSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.enum(ACCOUNT_TYPES),
    currency: z.string(),
    payeeId: z.string().nullable(),
    debitsPostedPaise: z.number().int(),
    creditsPostedPaise: z.number().int(),
    balancePaise: z.number().int().openapi({ description: "On the account's normal side (debit for assets and expenses)." }),
    entryCount: z.number().int(),
    createdAt: z.string(),
  })
  .openapi("Account");

const entrySchema = z
  .object({
    accountId: z.string().min(1).max(120),
    direction: z.enum(["debit", "credit"]),
    amountPaise,
    currency,
  })
  .strict()
  .openapi("Entry");

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
  .openapi("Transaction");

const postTransactionRoute = createRoute({
  method: "post",
  path: "/transactions",
  tags: ["Ledger"],
  summary: "Post a balanced journal transaction",
  description:
    "Debits must equal credits per currency. The external reference is unique: posting it again with the same content returns the original (200); with different content it is a 409.",
  middleware: [requireRole("admin", "system")] as const,
  request: {
    headers: idempotencyHeader,
    body: {
      required: true,
      content: {
        "application/json": {
          schema: z
            .object({
              externalRef: reference(200).openapi({ example: "adjustment:2026-11-26:1" }),
              description: humanText(500),
              cycleId: reference(60).optional(),
              metadata: z.record(reference(60), z.string().max(500)).refine((m) => Object.keys(m).length <= 20, "at most 20 keys").optional(),
              entries: z.array(entrySchema).min(2).max(MAX_ENTRIES_PER_TRANSACTION),
            })
            .strict()
            .openapi("PostTransaction"),
        },
      },
    },
  },
  responses: {
    201: jsonContent(transactionSchema, "Posted"),
    200: jsonContent(transactionSchema, "Already posted with this reference and content; nothing new was written"),
    ...errorResponses,
  },
});

const txIdParam = z.object({ id: z.string().max(100).openapi({ param: { name: "id", in: "path" } }) });

const getTransactionRoute = createRoute({
  method: "get",
  path: "/transactions/{id}",
  tags: ["Ledger"],
  summary: "Read a transaction with its entries",
  request: { params: txIdParam },
  responses: { 200: jsonContent(transactionSchema, "The transaction"), ...errorResponses },
});

const reverseRoute = createRoute({
  method: "post",
  path: "/transactions/{id}/reversal",
  tags: ["Ledger"],
  summary: "Reverse a transaction",
  description: "Posts the mirror-image transaction linked to the original. Posted entries are never changed; a transaction is reversed at most once.",
  middleware: [requireRole("admin")] as const,
  request: {
    params: txIdParam,
    headers: idempotencyHeader,
    body: {
      required: true,
      content: { "application/json": { schema: z.object({ reason: humanText(500) }).strict().openapi("ReverseTransaction") } },
    },
  },
  responses: {
    201: jsonContent(transactionSchema, "The reversing transaction"),
    200: jsonContent(transactionSchema, "Already reversed by this same request"),
    ...errorResponses,
  },
});

const listAccountsRoute = createRoute({
  method: "get",
  path: "/accounts",
  tags: ["Ledger"],
  summary: "List accounts with balances",
  request: { query: z.object({ limit: limitQuery, cursor: cursorQuery, type: z.enum(ACCOUNT_TYPES).optional() }) },
  responses: {
    200: jsonContent(z.object({ data: z.array(accountSchema), nextCursor: z.string().nullable() }), "A page of accounts"),
    ...errorResponses,
  },
});

const accountIdParam = z.object({ id: z.string().max(140).openapi({ param: { name: "id", in: "path" }, example: "platform:bank" }) });

const getAccountRoute = createRoute({
  method: "get",
  path: "/accounts/{id}",
  tags: ["Ledger"],
  summary: "Read an account's balance",
  request: { params: accountIdParam },
  responses: { 200: jsonContent(accountSchema, "The account"), ...errorResponses },
});

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
  .openapi("AccountEntry");

const listEntriesRoute = createRoute({
  method: "get",
  path: "/accounts/{id}/entries",
  tags: ["Ledger"],
  summary: "List an account's entries, oldest first",
  request: {
    params: accountIdParam,
    query: z.object({ limit: limitQuery, cursor: z.string().regex(/^\d{1,15}$/).optional() }),
  },
  responses: {
    200: jsonContent(z.object({ data: z.array(entryRowSchema), nextCursor: z.string().nullable() }), "A page of entries"),
    ...errorResponses,
  },
});

const trialBalanceRoute = createRoute({
  method: "get",
  path: "/trial-balance",
  tags: ["Ledger"],
  summary: "Trial balance: total debits equal total credits",
  middleware: [requireRole("auditor", "admin")] as const,
  responses: {
    200: jsonContent(
      z
        .object({
          balanced: z.boolean(),
          totals: z.array(z.object({ currency: z.string(), debitsPaise: z.number(), creditsPaise: z.number(), differencePaise: z.number() })),
          accounts: z.array(accountSchema),
        })
        .openapi("TrialBalance"),
      "The trial balance",
    ),
    ...errorResponses,
  },
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
    return c.json(await listAccounts(database(c.env.DB), { limit: q.limit, after: q.cursor, type: q.type }), 200);
  })
  .openapi(getAccountRoute, async (c) => c.json(await getAccount(database(c.env.DB), c.req.valid("param").id), 200))
  .openapi(listEntriesRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await listEntries(database(c.env.DB), c.req.valid("param").id, {
      limit: q.limit,
      after: q.cursor === undefined ? undefined : Number(q.cursor),
    });
    return c.json(page, 200);
  })
  .openapi(trialBalanceRoute, async (c) => c.json(await trialBalance(database(c.env.DB)), 200));
