// The D1 schema. Migrations in migrations/ are generated from this file by drizzle-kit
// (`npm run db:generate`); immutability triggers live in a hand-written migration beside them.

import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => text("created_at").notNull();

export const payees = sqliteTable(
  "payees",
  {
    id: text("id").primaryKey(),
    type: text("type", { enum: ["seller", "delivery_partner"] }).notNull(),
    displayName: text("display_name").notNull(),
    email: text("email"),
    externalId: text("external_id"),
    bankAccountNumber: text("bank_account_number"),
    bankIfsc: text("bank_ifsc"),
    bankAccountHolderName: text("bank_account_holder_name"),
    bankVerificationStatus: text("bank_verification_status", { enum: ["unverified", "verified", "invalid"] })
      .notNull()
      .default("unverified"),
    bankDetailsUpdatedAt: text("bank_details_updated_at"),
    payableAccountId: text("payable_account_id").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("payees_external_id_unique").on(t.externalId)],
);

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    type: text("type", { enum: ["asset", "liability", "equity", "revenue", "expense"] }).notNull(),
    currency: text("currency").notNull(),
    payeeId: text("payee_id").references(() => payees.id),
    // Running totals, updated in the same batch as the entries they summarize.
    debitsPostedPaise: integer("debits_posted_paise").notNull().default(0),
    creditsPostedPaise: integer("credits_posted_paise").notNull().default(0),
    entryCount: integer("entry_count").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    check("accounts_totals_nonnegative", sql`${t.debitsPostedPaise} >= 0 AND ${t.creditsPostedPaise} >= 0`),
  ],
);

export const journalTransactions = sqliteTable(
  "journal_transactions",
  {
    id: text("id").primaryKey(),
    externalRef: text("external_ref").notNull(),
    kind: text("kind").notNull(),
    description: text("description").notNull(),
    contentHash: text("content_hash").notNull(),
    cycleId: text("cycle_id"),
    orderId: text("order_id"),
    payeeId: text("payee_id"),
    reversesTransactionId: text("reverses_transaction_id").references((): any => journalTransactions.id),
    metadata: text("metadata").notNull().default("{}"),
    actorId: text("actor_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("journal_transactions_external_ref_unique").on(t.externalRef),
    // A transaction is reversed at most once.
    uniqueIndex("journal_transactions_reverses_unique").on(t.reversesTransactionId),
    index("journal_transactions_cycle_idx").on(t.cycleId),
    index("journal_transactions_order_idx").on(t.orderId),
    index("journal_transactions_created_idx").on(t.createdAt),
  ],
);

export const journalEntries = sqliteTable(
  "journal_entries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => journalTransactions.id),
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    direction: text("direction", { enum: ["debit", "credit"] }).notNull(),
    amountPaise: integer("amount_paise").notNull(),
    currency: text("currency").notNull(),
    cycleId: text("cycle_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("journal_entries_account_idx").on(t.accountId, t.id),
    index("journal_entries_transaction_idx").on(t.transactionId),
    index("journal_entries_account_cycle_idx").on(t.accountId, t.cycleId),
    check("journal_entries_amount_positive", sql`${t.amountPaise} > 0`),
    check("journal_entries_direction", sql`${t.direction} IN ('debit', 'credit')`),
  ],
);

/** Per account and payout cycle totals, kept with the entries so a cycle's payable needs no scan. */
export const accountCycleTotals = sqliteTable(
  "account_cycle_totals",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id),
    cycleId: text("cycle_id").notNull(),
    debitsPaise: integer("debits_paise").notNull().default(0),
    creditsPaise: integer("credits_paise").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.cycleId] })],
);

export const settlements = sqliteTable(
  "settlements",
  {
    orderId: text("order_id").primaryKey(),
    cycleId: text("cycle_id").notNull(),
    sellerPayeeId: text("seller_payee_id")
      .notNull()
      .references(() => payees.id),
    deliveryPartnerPayeeId: text("delivery_partner_payee_id").references(() => payees.id),
    currency: text("currency").notNull(),
    grossAmountPaise: integer("gross_amount_paise").notNull(),
    platformFeePaise: integer("platform_fee_paise").notNull(),
    discountPaise: integer("discount_paise").notNull(),
    voucherPaise: integer("voucher_paise").notNull(),
    walletAmountPaise: integer("wallet_amount_paise").notNull(),
    deliveryFeePaise: integer("delivery_fee_paise").notNull(),
    amountCollectedPaise: integer("amount_collected_paise").notNull(),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => journalTransactions.id),
    contentHash: text("content_hash").notNull(),
    actorId: text("actor_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("settlements_cycle_seller_idx").on(t.cycleId, t.sellerPayeeId),
    index("settlements_cycle_partner_idx").on(t.cycleId, t.deliveryPartnerPayeeId),
  ],
);

/** Stripe-style idempotency records: the first response to a key is replayed for its repeats. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    actorId: text("actor_id").notNull(),
    key: text("key").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_progress", "done"] }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.actorId, t.key] })],
);

/** Who did what, when. Append-only like the journal. */
export const auditEvents = sqliteTable(
  "audit_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    details: text("details").notNull().default("{}"),
  },
  (t) => [index("audit_events_subject_idx").on(t.subjectType, t.subjectId, t.id)],
);
