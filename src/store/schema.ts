// The D1 schema. Migrations in migrations/ are generated from this file by drizzle-kit
// (`npm run db:generate`); immutability triggers live in a hand-written migration beside them.

import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import {
  BANK_VERIFICATION_STATUSES,
  BATCH_ITEM_STATUSES,
  BATCH_STATUSES,
  EXCEPTION_STATUSES,
  HOLDING_PAYOUT_STATUSES,
  IN_FLIGHT_PAYOUT_STATUSES,
  DELIVERY_STATUSES,
  PAYOUT_STATUSES,
  RETRY_STATUSES,
} from "../domain/statuses";
import { sqlList } from "./sql-list";
import { BANK_CHANGE_STATUSES } from "../domain/bank-detail-changes";
import { ADJUSTMENT_KINDS, BEARERS } from "../domain/adjustments";
import { DEDUCTION_BASES, DEDUCTION_KINDS, TAX_HEADS } from "../domain/statutory";

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
    bankVerificationStatus: text("bank_verification_status", { enum: BANK_VERIFICATION_STATUSES })
      .notNull()
      .default("unverified"),
    bankDetailsUpdatedAt: text("bank_details_updated_at"),
    /**
     * Four eyes (src/domain/bank-detail-changes.ts): the columns above are the approved details.
     * The approved change they came from (null for details older than four eyes), when they
     * become payable (after the cooling-off), the change awaiting approval, whether this change
     * window pays the old details, and those old details (JSON, kept only while they may be paid).
     */
    bankDetailsChangeId: text("bank_details_change_id"),
    bankDetailsPayableFrom: text("bank_details_payable_from"),
    pendingBankChangeId: text("pending_bank_change_id"),
    bankChangePaysOld: integer("bank_change_pays_old", { mode: "boolean" }).notNull().default(false),
    previousBankDetails: text("previous_bank_details"),
    /** The last verification's evidence (JSON): the bank's name, the name-match score, any override. */
    bankVerification: text("bank_verification"),
    /** Tax identity (docs/statutory.md): the name as registered, PAN and GSTIN, format-checked. */
    legalName: text("legal_name"),
    pan: text("pan"),
    gstin: text("gstin"),
    payableAccountId: text("payable_account_id").notNull(),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("payees_external_id_unique").on(t.externalId),
    // The ops console's search (store/console-search.ts): a name's start in any case, and an
    // account's last four digits. Queries must use these expressions exactly as written here.
    index("payees_name_idx").on(sql`lower(${t.displayName})`),
    index("payees_account_last_four_idx").on(sql`substr(${t.bankAccountNumber}, -4)`),
  ],
);

/** Holds on a payee's payouts (risk): placed with a reason, released by a second person. */
/**
 * Requested changes of a payee's bank details (the first ones too). A change takes effect only
 * when someone other than its requester approves it; at most one is pending per payee.
 */
export const bankDetailChanges = sqliteTable(
  "bank_detail_changes",
  {
    id: text("id").primaryKey(),
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    status: text("status", { enum: BANK_CHANGE_STATUSES }).notNull(),
    /** The requested details; all null when the request removes the payee's details. */
    accountNumber: text("account_number"),
    ifsc: text("ifsc"),
    accountHolderName: text("account_holder_name"),
    /** The details in force when it was requested (JSON, null if none), and the contact on file then. */
    previousDetails: text("previous_details"),
    previousEmail: text("previous_email"),
    requestedBy: text("requested_by").notNull(),
    requestedAt: text("requested_at").notNull(),
    decidedBy: text("decided_by"),
    decidedAt: text("decided_at"),
    decisionNote: text("decision_note"),
    payableFrom: text("payable_from"),
  },
  (t) => [
    index("bank_detail_changes_payee_idx").on(t.payeeId, t.requestedAt),
    uniqueIndex("bank_detail_changes_one_pending").on(t.payeeId).where(sql`status = 'pending'`),
  ],
);

export const payeeHolds = sqliteTable(
  "payee_holds",
  {
    id: text("id").primaryKey(),
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    reason: text("reason").notNull(),
    placedBy: text("placed_by").notNull(),
    placedAt: text("placed_at").notNull(),
    endsAt: text("ends_at"),
    releasedBy: text("released_by"),
    releasedAt: text("released_at"),
    releaseNote: text("release_note"),
  },
  (t) => [index("payee_holds_payee_idx").on(t.payeeId, t.releasedAt)],
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
    uniqueIndex("journal_transactions_reverses_unique")
      .on(t.reversesTransactionId)
      .where(sql`reverses_transaction_id IS NOT NULL`),
    index("journal_transactions_cycle_idx").on(t.cycleId),
    index("journal_transactions_order_idx").on(t.orderId).where(sql`order_id IS NOT NULL`),
    index("journal_transactions_created_idx").on(t.createdAt),
  ],
);

export const journalEntries = sqliteTable(
  "journal_entries",
  {
    // The rowid, not AUTOINCREMENT: rows are never deleted, so max + 1 is already increasing, and
    // AUTOINCREMENT would read and write sqlite_sequence on every insert (a row on D1's bill).
    id: integer("id").primaryKey(),
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
    /** JSON: the statutory deductions from the seller's share (docs/statutory.md); [] when none. */
    deductions: text("deductions").notNull().default("[]"),
    /** JSON: what the deductions were computed from (identity, dates, place of supply), so reconciliation can recompute them. */
    taxInputs: text("tax_inputs"),
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

/** Refunds, cancellations, chargebacks and goodwill credits on settled orders, as received. */
export const orderAdjustments = sqliteTable(
  "order_adjustments",
  {
    /** The caller's adjustment id: the idempotency key. */
    id: text("id").primaryKey(),
    orderId: text("order_id")
      .notNull()
      .references(() => settlements.orderId),
    cycleId: text("cycle_id").notNull(),
    kind: text("kind", { enum: ADJUSTMENT_KINDS }).notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    goodsPaise: integer("goods_paise").notNull(),
    deliveryPaise: integer("delivery_paise").notNull(),
    goodwillPaise: integer("goodwill_paise").notNull(),
    sellerBearsPaise: integer("seller_bears_paise").notNull(),
    deliveryPartnerBearsPaise: integer("delivery_partner_bears_paise").notNull(),
    feeReturnedPaise: integer("fee_returned_paise").notNull(),
    chargebackFeePaise: integer("chargeback_fee_paise").notNull(),
    chargebackFeeBorneBy: text("chargeback_fee_borne_by", { enum: BEARERS }).notNull(),
    drawOnReserve: integer("draw_on_reserve", { mode: "boolean" }).notNull(),
    /** Signed effect on the seller's payable, what came from its reserve, and on the partner's payable. */
    sellerPayablePaise: integer("seller_payable_paise").notNull(),
    sellerReservePaise: integer("seller_reserve_paise").notNull(),
    deliveryPartnerPayablePaise: integer("delivery_partner_payable_paise").notNull(),
    /** JSON: statutory deductions given back to the seller with this refund ([] when none). */
    deductionReversals: text("deduction_reversals").notNull().default("[]"),
    sellerPayeeId: text("seller_payee_id").notNull(),
    deliveryPartnerPayeeId: text("delivery_partner_payee_id"),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => journalTransactions.id),
    contentHash: text("content_hash").notNull(),
    actorId: text("actor_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("order_adjustments_order_idx").on(t.orderId),
    index("order_adjustments_cycle_seller_idx").on(t.cycleId, t.sellerPayeeId),
    index("order_adjustments_cycle_partner_idx").on(t.cycleId, t.deliveryPartnerPayeeId),
  ],
);

/**
 * What an order's adjustments have given back so far, beside what it had: the CHECKs make a
 * refund beyond what the customer paid impossible even when two arrive at the same moment.
 */
export const orderRefundTotals = sqliteTable(
  "order_refund_totals",
  {
    orderId: text("order_id")
      .primaryKey()
      .references(() => settlements.orderId),
    goodsCapPaise: integer("goods_cap_paise").notNull(),
    deliveryCapPaise: integer("delivery_cap_paise").notNull(),
    feeCapPaise: integer("fee_cap_paise").notNull(),
    customerCapPaise: integer("customer_cap_paise").notNull(),
    goodsPaise: integer("goods_paise").notNull(),
    deliveryPaise: integer("delivery_paise").notNull(),
    feeReturnedPaise: integer("fee_returned_paise").notNull(),
    customerPaise: integer("customer_paise").notNull(),
  },
  (t) => [
    check("order_refund_totals_goods", sql`${t.goodsPaise} <= ${t.goodsCapPaise}`),
    check("order_refund_totals_delivery", sql`${t.deliveryPaise} <= ${t.deliveryCapPaise}`),
    check("order_refund_totals_fee", sql`${t.feeReturnedPaise} <= ${t.feeCapPaise}`),
    check("order_refund_totals_customer", sql`${t.customerPaise} <= ${t.customerCapPaise}`),
  ],
);

/** A payee's own rolling-reserve terms; payees without a row use their type's default. */
export const reservePolicies = sqliteTable("reserve_policies", {
  payeeId: text("payee_id")
    .primaryKey()
    .references(() => payees.id),
  basisPoints: integer("basis_points").notNull(),
  days: integer("days").notNull(),
  setBy: text("set_by").notNull(),
  setAt: text("set_at").notNull(),
});

/** Each share of a settlement held back in a payee's reserve, and its release. */
export const reserveHolds = sqliteTable(
  "reserve_holds",
  {
    id: text("id").primaryKey(),
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    orderId: text("order_id").notNull(),
    cycleId: text("cycle_id").notNull(),
    currency: text("currency").notNull(),
    amountPaise: integer("amount_paise").notNull(),
    basisPoints: integer("basis_points").notNull(),
    releaseAt: text("release_at").notNull(),
    holdTransactionId: text("hold_transaction_id").notNull(),
    releaseTransactionId: text("release_transaction_id"),
    releasedAt: text("released_at"),
    /** The amount released (a clawback may have drawn part of the hold). */
    releasedPaise: integer("released_paise"),
    /** The cycle whose batch took the released amount in (see balance_carries). */
    carriedToCycleId: text("carried_to_cycle_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("reserve_holds_due_idx").on(t.releaseAt).where(sql`released_at IS NULL`),
    index("reserve_holds_payee_idx").on(t.payeeId, t.cycleId),
    index("reserve_holds_uncarried_idx").on(t.payeeId).where(sql`released_at IS NOT NULL AND carried_to_cycle_id IS NULL`),
  ],
);

/**
 * A payee's balance moved from one payout cycle to another: a deficit netted in a later cycle,
 * or a released reserve (from no cycle) paid in the next one. Two postings, one per cycle.
 */
export const balanceCarries = sqliteTable(
  "balance_carries",
  {
    id: text("id").primaryKey(),
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    /** null: the balance released from the reserve, which belongs to no cycle. */
    fromCycleId: text("from_cycle_id"),
    toCycleId: text("to_cycle_id").notNull(),
    /** Signed: negative carries a deficit, positive carries money owed. */
    amountPaise: integer("amount_paise").notNull(),
    outTransactionId: text("out_transaction_id").notNull(),
    inTransactionId: text("in_transaction_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("balance_carries_to_idx").on(t.payeeId, t.toCycleId), index("balance_carries_from_idx").on(t.payeeId, t.fromCycleId)],
);

/**
 * Statutory deduction rules (domain/statutory.ts), one row per rate in force over a date range.
 * Seeded with DEFAULT_DEDUCTION_RULES; a change of law is a new row that ends the one it replaces.
 */
export const deductionRules = sqliteTable(
  "deduction_rules",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: DEDUCTION_KINDS }).notNull(),
    section: text("section").notNull(),
    /** JSON list of payee types. */
    payeeTypes: text("payee_types").notNull(),
    pan: text("pan", { enum: ["present", "absent", "any"] }).notNull(),
    gstin: text("gstin", { enum: ["present", "any"] }).notNull(),
    base: text("base", { enum: DEDUCTION_BASES }).notNull(),
    rateBasisPoints: integer("rate_basis_points").notNull(),
    validFrom: text("valid_from").notNull(),
    validTo: text("valid_to"),
    /** JSON { grossPaise, holderTypes } or null. */
    annualThreshold: text("annual_threshold"),
    source: text("source").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("deduction_rules_kind_idx").on(t.kind, t.validFrom),
    check("deduction_rules_rate", sql`${t.rateBasisPoints} >= 0 AND ${t.rateBasisPoints} <= 10000`),
  ],
);

/** A payee's gross sales through the platform per financial year, for the s.194-O threshold. */
export const payeeYearGross = sqliteTable(
  "payee_year_gross",
  {
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    financialYear: text("financial_year").notNull(),
    grossPaise: integer("gross_paise").notNull(),
  },
  (t) => [primaryKey({ columns: [t.payeeId, t.financialYear] })],
);

/** Per tax kind, head and month: what was withheld from sellers and what was deposited with the government. */
export const statutoryDues = sqliteTable(
  "statutory_dues",
  {
    kind: text("kind", { enum: DEDUCTION_KINDS }).notNull(),
    head: text("head", { enum: TAX_HEADS }).notNull(),
    /** The month the deductions were posted in, YYYY-MM (UTC). */
    period: text("period").notNull(),
    withheldPaise: integer("withheld_paise").notNull().default(0),
    /** Given back to sellers by refunds posted in the month (no longer owed to the government). */
    reversedPaise: integer("reversed_paise").notNull().default(0),
    depositedPaise: integer("deposited_paise").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.kind, t.head, t.period] }), check("statutory_dues_not_overpaid", sql`${t.depositedPaise} <= ${t.withheldPaise}`)],
);

/** Deposits of withheld tax (a challan paid at the bank), each posted once, by its reference. */
export const statutoryRemittances = sqliteTable(
  "statutory_remittances",
  {
    id: text("id").primaryKey(),
    kind: text("kind", { enum: DEDUCTION_KINDS }).notNull(),
    head: text("head", { enum: TAX_HEADS }).notNull(),
    period: text("period").notNull(),
    amountPaise: integer("amount_paise").notNull(),
    /** The challan or payment reference: unique per kind. */
    reference: text("reference").notNull(),
    depositedOn: text("deposited_on").notNull(),
    transactionId: text("transaction_id").notNull(),
    contentHash: text("content_hash").notNull(),
    actorId: text("actor_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("statutory_remittances_reference_unique").on(t.kind, t.reference)],
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
    /**
     * For objects with optimistic versions (batches): the version this event moved the subject to.
     * Unique, so two concurrent changes from the same version cannot both commit.
     */
    subjectVersion: integer("subject_version"),
    details: text("details").notNull().default("{}"),
  },
  (t) => [
    index("audit_events_subject_idx").on(t.subjectType, t.subjectId, t.id),
    uniqueIndex("audit_events_subject_version_unique").on(t.subjectType, t.subjectId, t.subjectVersion),
  ],
);

// ---- Payout batches, pre-payout reconciliation and approvals (maker–checker) ----

export const batches = sqliteTable(
  "batches",
  {
    id: text("id").primaryKey(),
    cycleId: text("cycle_id").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: BATCH_STATUSES }).notNull(),
    makerId: text("maker_id").notNull(),
    /** "all" or the sorted, comma-joined payee ids the maker asked for. */
    payeeScope: text("payee_scope").notNull(),
    /** Set while the batch is live, so one cycle and payee set has at most one live batch. */
    liveScopeKey: text("live_scope_key"),
    totalPaise: integer("total_paise").notNull().default(0),
    itemCount: integer("item_count").notNull().default(0),
    requiredApprovals: integer("required_approvals").notNull().default(1),
    fingerprint: text("fingerprint"),
    finalDecisionId: text("final_decision_id"),
    rejectionReason: text("rejection_reason"),
    submittedAt: text("submitted_at"),
    decidedAt: text("decided_at"),
    releasedAt: text("released_at"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("batches_live_scope_unique").on(t.liveScopeKey),
    index("batches_cycle_idx").on(t.cycleId, t.id),
    index("batches_status_idx").on(t.status, t.id),
  ],
);

export const batchItems = sqliteTable(
  "batch_items",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    cycleId: text("cycle_id").notNull(),
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    amountPaise: integer("amount_paise").notNull(),
    currency: text("currency").notNull(),
    /** JSON: [{ orderId, amountPaise, role }] — the orders that earned this amount. */
    orders: text("orders").notNull().default("[]"),
    status: text("status", { enum: BATCH_ITEM_STATUSES }).notNull(),
    /** JSON: the pre-payout reconciliation checks, each with ok and a reason. */
    reconciliation: text("reconciliation").notNull().default("[]"),
    reconciledAt: text("reconciled_at").notNull(),
    exclusionReason: text("exclusion_reason"),
    /** JSON snapshot of the bank details, frozen at submission. */
    bankSnapshot: text("bank_snapshot"),
    /** "cycle|payee" while the item is live (not excluded, batch not rejected/cancelled). */
    liveKey: text("live_key"),
    /** The payout made for this item, once its payee's gate created one. */
    payoutId: text("payout_id"),
    /** Why the payee's gate refused to create the payout (an exception is raised too). */
    releaseRefusal: text("release_refusal"),
    /** Signed: the balance carried into this cycle from others (deficits netted, reserves released). */
    carriedInPaise: integer("carried_in_paise").notNull().default(0),
    /** The cycle's net is negative: nothing is paid and this much is carried to the next cycle. */
    deficitPaise: integer("deficit_paise").notNull().default(0),
    /** JSON: the remittance lines (orders, adjustments, reserve, carries, earlier payouts) summing to amountPaise. */
    lines: text("lines").notNull().default("[]"),
    /** JSON: the risk flags frozen at submission (domain/risk-flags.ts), each with its reason; part of the fingerprint. */
    riskFlags: text("risk_flags").notNull().default("[]"),
  },
  (t) => [
    index("batch_items_batch_idx").on(t.batchId, t.id),
    // A payee is in at most one live batch per cycle.
    uniqueIndex("batch_items_live_unique").on(t.liveKey),
  ],
);

export const approvals = sqliteTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    checkerId: text("checker_id").notNull(),
    decision: text("decision", { enum: ["approve", "reject"] }).notNull(),
    fingerprint: text("fingerprint").notNull(),
    reason: text("reason"),
    via: text("via", { enum: ["api", "link"] }).notNull(),
    linkId: text("link_id"),
    createdAt: createdAt(),
  },
  // Each checker decides a batch once; this is also what makes a link single-use.
  (t) => [uniqueIndex("approvals_batch_checker_unique").on(t.batchId, t.checkerId)],
);

export const approvalLinks = sqliteTable(
  "approval_links",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    checkerId: text("checker_id").notNull(),
    fingerprint: text("fingerprint").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: createdAt(),
  },
  (t) => [index("approval_links_batch_idx").on(t.batchId)],
);

// ---- Outbound events (Standard Webhooks): the outbox, the endpoints, each delivery ----

/**
 * The event outbox: written in the same atomic batch as the change it reports. `seq` is given
 * at insert by SQLite's single writer, so it grows in commit order and the dispatcher can
 * follow it with a cursor; `sequence` counts the subject's own events for receivers.
 */
export const events = sqliteTable(
  "events",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    type: text("type").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: text("subject_id").notNull(),
    sequence: integer("sequence").notNull(),
    /** The subject's row as it was when the event happened (rendered as the API shows it on the way out). */
    data: text("data").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("events_subject_sequence_idx").on(t.subjectId, t.sequence)],
);

/** How far the dispatcher has fanned events out to endpoints (one row). */
export const eventDispatchCursor = sqliteTable("event_dispatch_cursor", {
  name: text("name").primaryKey(),
  lastSeq: integer("last_seq").notNull(),
});

export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  /** JSON array of event filters ("payout.processed", "payout.*", "*"). */
  eventTypes: text("event_types").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull(),
  /** "api" endpoints are managed through /v1/webhook-endpoints; "config" is NOTIFY_WEBHOOK_URL's. */
  managedBy: text("managed_by", { enum: ["api", "config"] }).notNull(),
  /**
   * Sealed (`sealed:v1:<key id>:…`, AES-256-GCM under WEBHOOK_SECRET_KEYS, src/domain/sealed-secrets.ts);
   * a clear `whsec_…` in rows written before sealing. Null for the config endpoint, whose secret is NOTIFY_SIGNING_SECRET.
   */
  secret: text("secret"),
  /** The secret before the last rotation, stored as it was, which also signs until `previous_secret_expires_at`. */
  previousSecret: text("previous_secret"),
  previousSecretExpiresAt: text("previous_secret_expires_at"),
  createdBy: text("created_by").notNull(),
  createdAt: createdAt(),
  updatedAt: text("updated_at").notNull(),
  /** Deleted endpoints are kept (their deliveries name them) but receive nothing and are not listed. */
  deletedAt: text("deleted_at"),
});

/** One event to one endpoint, tried until it succeeds or runs out of attempts. Its id is made of the two (see store/events.ts). */
export const eventDeliveries = sqliteTable(
  "event_deliveries",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt is due; while an attempt runs, the end of its lease. */
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    createdAt: createdAt(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [index("event_deliveries_event_idx").on(t.eventId), index("event_deliveries_due_idx").on(t.status, t.nextAttemptAt)],
);

export const eventDeliveryAttempts = sqliteTable(
  "event_delivery_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => eventDeliveries.id),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    /** The receiver's HTTP status; null when no response came (timeout, refused connection). */
    responseStatus: integer("response_status"),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("event_delivery_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

// ---- Execution: payouts, their timeline, bank webhooks and exceptions ----

export const payouts = sqliteTable(
  "payouts",
  {
    id: text("id").primaryKey(),
    batchId: text("batch_id")
      .notNull()
      .references(() => batches.id),
    itemId: text("item_id")
      .notNull()
      .references(() => batchItems.id),
    payeeId: text("payee_id")
      .notNull()
      .references(() => payees.id),
    cycleId: text("cycle_id").notNull(),
    amountPaise: integer("amount_paise").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: PAYOUT_STATUSES }).notNull(),
    /** Sent to the bank with every attempt, so the bank never executes this payout twice. */
    idempotencyKey: text("idempotency_key").notNull(),
    bankSnapshot: text("bank_snapshot").notNull(),
    attempts: integer("attempts").notNull().default(0),
    bankReference: text("bank_reference"),
    lastBankStatus: text("last_bank_status"),
    failureCode: text("failure_code"),
    failureReason: text("failure_reason"),
    /** When the poller should next ask the bank about this payout. */
    nextPollAt: text("next_poll_at"),
    /** The failed or returned payout this one retries, after its exception was resolved. */
    retryOf: text("retry_of"),
    statusChangedAt: text("status_changed_at").notNull(),
    processedAt: text("processed_at"),
    version: integer("version").notNull().default(1),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    // A batch item has at most one payout holding money; a new attempt needs the last one to
    // have failed, been cancelled or been returned (an explicit retry).
    uniqueIndex("payouts_item_holding_unique")
      .on(t.itemId)
      .where(sql`status IN ${sqlList(HOLDING_PAYOUT_STATUSES)}`),
    index("payouts_item_idx").on(t.itemId),
    // The payee gate's checks read a payee's payouts on every creation: never scan the table.
    index("payouts_payee_cycle_idx").on(t.payeeId, t.cycleId),
    uniqueIndex("payouts_idempotency_key_unique").on(t.idempotencyKey),
    // At most one transfer in flight per payee, enforced by the database as well as the gate.
    uniqueIndex("payouts_one_in_flight_per_payee")
      .on(t.payeeId)
      .where(sql`status IN ${sqlList(IN_FLIGHT_PAYOUT_STATUSES)}`),
    // At most one payout holding money per payee and cycle.
    uniqueIndex("payouts_one_per_payee_cycle")
      .on(t.payeeId, t.cycleId)
      .where(sql`status IN ${sqlList(HOLDING_PAYOUT_STATUSES)}`),
    index("payouts_status_poll_idx").on(t.status, t.nextPollAt),
    index("payouts_batch_idx").on(t.batchId),
    // Most of a payout's life it has no bank reference yet: index only those that do.
    index("payouts_bank_reference_idx").on(t.bankReference).where(sql`bank_reference IS NOT NULL`),
    index("payouts_created_idx").on(t.createdAt),
    // The ops console's payout list (store/console-payouts.ts): by status, newest first, and by
    // the day the bank paid it. Only paid payouts have a processed_at, so only they are indexed.
    index("payouts_status_created_idx").on(t.status, t.createdAt),
    index("payouts_processed_idx").on(t.processedAt).where(sql`processed_at IS NOT NULL`),
  ],
);

/** A payout's timeline: every state change, bank call, webhook, poll and ledger posting. */
export const payoutEvents = sqliteTable(
  "payout_events",
  {
    // The rowid, not AUTOINCREMENT: append-only, so ids increase anyway (see journal_entries).
    id: integer("id").primaryKey(),
    payoutId: text("payout_id")
      .notNull()
      .references(() => payouts.id),
    at: text("at").notNull(),
    kind: text("kind").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    actorId: text("actor_id").notNull(),
    /** For state changes: the payout version this event moved it to. Unique, so it is the write lock. */
    payoutVersion: integer("payout_version"),
    details: text("details").notNull().default("{}"),
  },
  (t) => [
    index("payout_events_payout_idx").on(t.payoutId, t.id),
    uniqueIndex("payout_events_version_unique").on(t.payoutId, t.payoutVersion).where(sql`payout_version IS NOT NULL`),
  ],
);

/** Bank webhook deliveries, kept to deduplicate by the provider's event id. */
export const bankWebhookEvents = sqliteTable(
  "bank_webhook_events",
  {
    provider: text("provider").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    payoutId: text("payout_id"),
    outcome: text("outcome").notNull(),
    receivedAt: text("received_at").notNull(),
    payload: text("payload").notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.eventId] })],
);

/** Exception tickets: what needs a person. One open ticket per cause and subject. */
export const exceptions = sqliteTable(
  "exceptions",
  {
    id: text("id").primaryKey(),
    cause: text("cause").notNull(),
    status: text("status", { enum: EXCEPTION_STATUSES }).notNull(),
    payoutId: text("payout_id"),
    batchId: text("batch_id"),
    itemId: text("item_id"),
    payeeId: text("payee_id"),
    summary: text("summary").notNull(),
    details: text("details").notNull().default("{}"),
    /** cause|subject while open or in progress; cleared on resolution so a new ticket can open later. */
    openKey: text("open_key"),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
    resolvedAt: text("resolved_at"),
    resolvedBy: text("resolved_by"),
    resolutionNote: text("resolution_note"),
    /**
     * After a resolution that retries the payout: pending until the retry ran (the cron re-drives
     * it), then done; exhausted when it threw on every one of RETRY_MAX_ATTEMPTS attempts.
     */
    retryStatus: text("retry_status", { enum: RETRY_STATUSES }),
    retryResult: text("retry_result"),
    /** How many runs of the retry threw; the cron waits until retryNextAt before the next. */
    retryAttempts: integer("retry_attempts").notNull().default(0),
    retryNextAt: text("retry_next_at"),
  },
  (t) => [
    uniqueIndex("exceptions_open_key_unique").on(t.openKey),
    // The cron's look for due retries reads only the pending ones.
    index("exceptions_pending_retry_idx").on(t.updatedAt).where(sql`retry_status = 'pending'`),
    index("exceptions_status_idx").on(t.status, t.id),
    index("exceptions_payout_idx").on(t.payoutId),
  ],
);

export const exceptionNotes = sqliteTable(
  "exception_notes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    exceptionId: text("exception_id")
      .notNull()
      .references(() => exceptions.id),
    at: text("at").notNull(),
    actorId: text("actor_id").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    note: text("note").notNull(),
  },
  (t) => [index("exception_notes_exception_idx").on(t.exceptionId, t.id)],
);

// ---- Post-payout reconciliation and the daily audit ----

/** Imported bank statements (CSV today; the parser interface takes other formats). */
export const bankStatements = sqliteTable("bank_statements", {
  id: text("id").primaryKey(),
  format: text("format").notNull(),
  fileSha256: text("file_sha256").notNull().unique(),
  lineCount: integer("line_count").notNull(),
  fromAt: text("from_at"),
  toAt: text("to_at"),
  actorId: text("actor_id").notNull(),
  createdAt: createdAt(),
});

export const bankStatementLines = sqliteTable(
  "bank_statement_lines",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    statementId: text("statement_id")
      .notNull()
      .references(() => bankStatements.id),
    lineNo: integer("line_no").notNull(),
    bankReference: text("bank_reference").notNull(),
    reference: text("reference"),
    direction: text("direction", { enum: ["debit", "credit"] }).notNull(),
    amountPaise: integer("amount_paise").notNull(),
    currency: text("currency").notNull(),
    kind: text("kind").notNull(),
    at: text("at").notNull(),
  },
  (t) => [
    // The same bank line in two overlapping statements is one line.
    uniqueIndex("bank_statement_lines_unique").on(t.bankReference, t.direction, t.amountPaise, t.at),
    index("bank_statement_lines_at_idx").on(t.at),
    index("bank_statement_lines_reference_idx").on(t.reference),
  ],
);

export const reconciliationRuns = sqliteTable(
  "reconciliation_runs",
  {
    id: text("id").primaryKey(),
    scope: text("scope", { enum: ["day", "cycle"] }).notNull(),
    scopeKey: text("scope_key").notNull(),
    bankSource: text("bank_source").notNull(),
    totals: text("totals").notNull(),
    mismatches: text("mismatches").notNull(),
    mismatchCount: integer("mismatch_count").notNull(),
    runCount: integer("run_count").notNull().default(1),
    actorId: text("actor_id").notNull(),
    createdAt: createdAt(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("reconciliation_runs_scope_unique").on(t.scope, t.scopeKey)],
);

export const dailyAuditReports = sqliteTable("daily_audit_reports", {
  date: text("date").primaryKey(),
  report: text("report").notNull(),
  generatedAt: text("generated_at").notNull(),
  generatedBy: text("generated_by").notNull(),
  generationCount: integer("generation_count").notNull().default(1),
});

/** Why a console session ended before its time; null while it is live. */
export const SESSION_END_REASONS = ["signed_out", "signed_out_everywhere", "token_removed"] as const;

/**
 * Ops console sessions, server-side so they can be ended: the cookie carries only the id (signed).
 * A session is live while not revoked, before expires_at (the absolute lifetime) and within the
 * idle timeout of last_seen_at (written at most once a minute, not on every page).
 */
export const consoleSessions = sqliteTable(
  "console_sessions",
  {
    id: text("id").primaryKey(),
    actorId: text("actor_id").notNull(),
    /** SHA-256 of the token signed in with, as API_TOKENS lists it: when that entry goes, so does the session. */
    tokenSha256: text("token_sha256").notNull(),
    createdAt: createdAt(),
    lastSeenAt: text("last_seen_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
    revokedReason: text("revoked_reason", { enum: SESSION_END_REASONS }),
  },
  (t) => [index("console_sessions_actor_idx").on(t.actorId)],
);

/**
 * Failed sign-ins and approval-link attempts, one row per failure per limited key (a client, a
 * token's hash prefix, a link): at most the last FAILED_ATTEMPT_LIMIT within the window are kept.
 */
export const failedAttempts = sqliteTable(
  "failed_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    key: text("key").notNull(),
    atMs: integer("at_ms").notNull(),
  },
  (t) => [index("failed_attempts_key_at_idx").on(t.key, t.atMs)],
);
