CREATE TABLE `bank_webhook_events` (
	`provider` text NOT NULL,
	`event_id` text NOT NULL,
	`event_type` text NOT NULL,
	`payout_id` text,
	`outcome` text NOT NULL,
	`received_at` text NOT NULL,
	`payload` text NOT NULL,
	PRIMARY KEY(`provider`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `exceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`cause` text NOT NULL,
	`status` text NOT NULL,
	`payout_id` text,
	`batch_id` text,
	`item_id` text,
	`payee_id` text,
	`summary` text NOT NULL,
	`details` text DEFAULT '{}' NOT NULL,
	`open_key` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`resolved_at` text,
	`resolved_by` text,
	`resolution_note` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `exceptions_open_key_unique` ON `exceptions` (`open_key`);--> statement-breakpoint
CREATE INDEX `exceptions_status_idx` ON `exceptions` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `exceptions_payout_idx` ON `exceptions` (`payout_id`);--> statement-breakpoint
CREATE TABLE `payout_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`payout_id` text NOT NULL,
	`at` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`actor_id` text NOT NULL,
	`payout_version` integer,
	`details` text DEFAULT '{}' NOT NULL,
	FOREIGN KEY (`payout_id`) REFERENCES `payouts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payout_events_payout_idx` ON `payout_events` (`payout_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payout_events_version_unique` ON `payout_events` (`payout_id`,`payout_version`);--> statement-breakpoint
CREATE TABLE `payouts` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`item_id` text NOT NULL,
	`payee_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`bank_snapshot` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`bank_reference` text,
	`last_bank_status` text,
	`failure_code` text,
	`failure_reason` text,
	`next_poll_at` text,
	`status_changed_at` text NOT NULL,
	`processed_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `batch_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_item_unique` ON `payouts` (`item_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_idempotency_key_unique` ON `payouts` (`idempotency_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_one_in_flight_per_payee` ON `payouts` (`payee_id`) WHERE status IN ('created', 'queued', 'processing', 'unknown');--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_one_per_payee_cycle` ON `payouts` (`payee_id`,`cycle_id`) WHERE status IN ('created', 'queued', 'processing', 'unknown', 'processed');--> statement-breakpoint
CREATE INDEX `payouts_status_poll_idx` ON `payouts` (`status`,`next_poll_at`);--> statement-breakpoint
CREATE INDEX `payouts_batch_idx` ON `payouts` (`batch_id`);--> statement-breakpoint
CREATE INDEX `payouts_bank_reference_idx` ON `payouts` (`bank_reference`);--> statement-breakpoint
CREATE INDEX `payouts_created_idx` ON `payouts` (`created_at`);--> statement-breakpoint
ALTER TABLE `batch_items` ADD `payout_id` text;--> statement-breakpoint
ALTER TABLE `batch_items` ADD `release_refusal` text;