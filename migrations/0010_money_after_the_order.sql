CREATE TABLE `balance_carries` (
	`id` text PRIMARY KEY NOT NULL,
	`payee_id` text NOT NULL,
	`from_cycle_id` text,
	`to_cycle_id` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`out_transaction_id` text NOT NULL,
	`in_transaction_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `balance_carries_to_idx` ON `balance_carries` (`payee_id`,`to_cycle_id`);--> statement-breakpoint
CREATE INDEX `balance_carries_from_idx` ON `balance_carries` (`payee_id`,`from_cycle_id`);--> statement-breakpoint
CREATE TABLE `order_adjustments` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`kind` text NOT NULL,
	`currency` text NOT NULL,
	`reason` text NOT NULL,
	`goods_paise` integer NOT NULL,
	`delivery_paise` integer NOT NULL,
	`goodwill_paise` integer NOT NULL,
	`seller_bears_paise` integer NOT NULL,
	`delivery_partner_bears_paise` integer NOT NULL,
	`fee_returned_paise` integer NOT NULL,
	`chargeback_fee_paise` integer NOT NULL,
	`chargeback_fee_borne_by` text NOT NULL,
	`draw_on_reserve` integer NOT NULL,
	`seller_payable_paise` integer NOT NULL,
	`seller_reserve_paise` integer NOT NULL,
	`delivery_partner_payable_paise` integer NOT NULL,
	`seller_payee_id` text NOT NULL,
	`delivery_partner_payee_id` text,
	`transaction_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `settlements`(`order_id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_id`) REFERENCES `journal_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_adjustments_order_idx` ON `order_adjustments` (`order_id`);--> statement-breakpoint
CREATE INDEX `order_adjustments_cycle_seller_idx` ON `order_adjustments` (`cycle_id`,`seller_payee_id`);--> statement-breakpoint
CREATE INDEX `order_adjustments_cycle_partner_idx` ON `order_adjustments` (`cycle_id`,`delivery_partner_payee_id`);--> statement-breakpoint
CREATE TABLE `order_refund_totals` (
	`order_id` text PRIMARY KEY NOT NULL,
	`goods_cap_paise` integer NOT NULL,
	`delivery_cap_paise` integer NOT NULL,
	`fee_cap_paise` integer NOT NULL,
	`customer_cap_paise` integer NOT NULL,
	`goods_paise` integer NOT NULL,
	`delivery_paise` integer NOT NULL,
	`fee_returned_paise` integer NOT NULL,
	`customer_paise` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `settlements`(`order_id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "order_refund_totals_goods" CHECK("order_refund_totals"."goods_paise" <= "order_refund_totals"."goods_cap_paise"),
	CONSTRAINT "order_refund_totals_delivery" CHECK("order_refund_totals"."delivery_paise" <= "order_refund_totals"."delivery_cap_paise"),
	CONSTRAINT "order_refund_totals_fee" CHECK("order_refund_totals"."fee_returned_paise" <= "order_refund_totals"."fee_cap_paise"),
	CONSTRAINT "order_refund_totals_customer" CHECK("order_refund_totals"."customer_paise" <= "order_refund_totals"."customer_cap_paise")
);
--> statement-breakpoint
CREATE TABLE `reserve_holds` (
	`id` text PRIMARY KEY NOT NULL,
	`payee_id` text NOT NULL,
	`order_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`currency` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`basis_points` integer NOT NULL,
	`release_at` text NOT NULL,
	`hold_transaction_id` text NOT NULL,
	`release_transaction_id` text,
	`released_at` text,
	`released_paise` integer,
	`carried_to_cycle_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reserve_holds_due_idx` ON `reserve_holds` (`release_at`) WHERE released_at IS NULL;--> statement-breakpoint
CREATE INDEX `reserve_holds_payee_idx` ON `reserve_holds` (`payee_id`,`cycle_id`);--> statement-breakpoint
CREATE INDEX `reserve_holds_uncarried_idx` ON `reserve_holds` (`payee_id`) WHERE released_at IS NOT NULL AND carried_to_cycle_id IS NULL;--> statement-breakpoint
CREATE TABLE `reserve_policies` (
	`payee_id` text PRIMARY KEY NOT NULL,
	`basis_points` integer NOT NULL,
	`days` integer NOT NULL,
	`set_by` text NOT NULL,
	`set_at` text NOT NULL,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `batch_items` ADD `carried_in_paise` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `batch_items` ADD `deficit_paise` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `batch_items` ADD `lines` text DEFAULT '[]' NOT NULL;
--> statement-breakpoint
-- Accounts for money after the order (see src/domain/accounts.ts and docs/ledger.md).
INSERT INTO accounts (id, name, type, currency, created_at) VALUES
  ('platform:refunds_payable', 'Refunds payable to customers', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:refunds_expense', 'Refunds expense', 'expense', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:goodwill_expense', 'Goodwill expense', 'expense', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:chargeback_fees_expense', 'Chargeback fees expense', 'expense', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:cycle_carry_clearing', 'Cycle carry-forward clearing', 'liability', 'INR', '2026-12-02T00:00:00.000Z');
--> statement-breakpoint
-- Every payee gets a rolling-reserve account beside its payable (new payees get one when created).
INSERT INTO accounts (id, name, type, currency, payee_id, created_at)
  SELECT 'payee:' || p.id || ':reserve', 'Rolling reserve of ' || p.display_name, 'liability', a.currency, p.id, '2026-12-02T00:00:00.000Z'
  FROM payees p JOIN accounts a ON a.id = p.payable_account_id;
