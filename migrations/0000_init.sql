CREATE TABLE `account_cycle_totals` (
	`account_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`debits_paise` integer DEFAULT 0 NOT NULL,
	`credits_paise` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`account_id`, `cycle_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`currency` text NOT NULL,
	`payee_id` text,
	`debits_posted_paise` integer DEFAULT 0 NOT NULL,
	`credits_posted_paise` integer DEFAULT 0 NOT NULL,
	`entry_count` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "accounts_totals_nonnegative" CHECK("accounts"."debits_posted_paise" >= 0 AND "accounts"."credits_posted_paise" >= 0)
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor_id` text NOT NULL,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_events_subject_idx` ON `audit_events` (`subject_type`,`subject_id`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`actor_id` text NOT NULL,
	`key` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`request_hash` text NOT NULL,
	`state` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`actor_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `journal_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transaction_id` text NOT NULL,
	`account_id` text NOT NULL,
	`direction` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`currency` text NOT NULL,
	`cycle_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `journal_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "journal_entries_amount_positive" CHECK("journal_entries"."amount_paise" > 0),
	CONSTRAINT "journal_entries_direction" CHECK("journal_entries"."direction" IN ('debit', 'credit'))
);
--> statement-breakpoint
CREATE INDEX `journal_entries_account_idx` ON `journal_entries` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `journal_entries_transaction_idx` ON `journal_entries` (`transaction_id`);--> statement-breakpoint
CREATE INDEX `journal_entries_account_cycle_idx` ON `journal_entries` (`account_id`,`cycle_id`);--> statement-breakpoint
CREATE TABLE `journal_transactions` (
	`id` text PRIMARY KEY NOT NULL,
	`external_ref` text NOT NULL,
	`kind` text NOT NULL,
	`description` text NOT NULL,
	`content_hash` text NOT NULL,
	`cycle_id` text,
	`order_id` text,
	`payee_id` text,
	`reverses_transaction_id` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`reverses_transaction_id`) REFERENCES `journal_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `journal_transactions_external_ref_unique` ON `journal_transactions` (`external_ref`);--> statement-breakpoint
CREATE UNIQUE INDEX `journal_transactions_reverses_unique` ON `journal_transactions` (`reverses_transaction_id`);--> statement-breakpoint
CREATE INDEX `journal_transactions_cycle_idx` ON `journal_transactions` (`cycle_id`);--> statement-breakpoint
CREATE INDEX `journal_transactions_order_idx` ON `journal_transactions` (`order_id`);--> statement-breakpoint
CREATE INDEX `journal_transactions_created_idx` ON `journal_transactions` (`created_at`);--> statement-breakpoint
CREATE TABLE `payees` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`display_name` text NOT NULL,
	`email` text,
	`external_id` text,
	`bank_account_number` text,
	`bank_ifsc` text,
	`bank_account_holder_name` text,
	`bank_verification_status` text DEFAULT 'unverified' NOT NULL,
	`bank_details_updated_at` text,
	`payable_account_id` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payees_external_id_unique` ON `payees` (`external_id`);--> statement-breakpoint
CREATE TABLE `settlements` (
	`order_id` text PRIMARY KEY NOT NULL,
	`cycle_id` text NOT NULL,
	`seller_payee_id` text NOT NULL,
	`delivery_partner_payee_id` text,
	`currency` text NOT NULL,
	`gross_amount_paise` integer NOT NULL,
	`platform_fee_paise` integer NOT NULL,
	`discount_paise` integer NOT NULL,
	`voucher_paise` integer NOT NULL,
	`wallet_amount_paise` integer NOT NULL,
	`delivery_fee_paise` integer NOT NULL,
	`amount_collected_paise` integer NOT NULL,
	`transaction_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`seller_payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`delivery_partner_payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`transaction_id`) REFERENCES `journal_transactions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `settlements_cycle_seller_idx` ON `settlements` (`cycle_id`,`seller_payee_id`);--> statement-breakpoint
CREATE INDEX `settlements_cycle_partner_idx` ON `settlements` (`cycle_id`,`delivery_partner_payee_id`);