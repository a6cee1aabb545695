CREATE TABLE `bank_statement_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`statement_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`bank_reference` text NOT NULL,
	`reference` text,
	`direction` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`currency` text NOT NULL,
	`kind` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`statement_id`) REFERENCES `bank_statements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_statement_lines_unique` ON `bank_statement_lines` (`bank_reference`,`direction`,`amount_paise`,`at`);--> statement-breakpoint
CREATE INDEX `bank_statement_lines_at_idx` ON `bank_statement_lines` (`at`);--> statement-breakpoint
CREATE INDEX `bank_statement_lines_reference_idx` ON `bank_statement_lines` (`reference`);--> statement-breakpoint
CREATE TABLE `bank_statements` (
	`id` text PRIMARY KEY NOT NULL,
	`format` text NOT NULL,
	`file_sha256` text NOT NULL,
	`line_count` integer NOT NULL,
	`from_at` text,
	`to_at` text,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bank_statements_file_sha256_unique` ON `bank_statements` (`file_sha256`);--> statement-breakpoint
CREATE TABLE `daily_audit_reports` (
	`date` text PRIMARY KEY NOT NULL,
	`report` text NOT NULL,
	`generated_at` text NOT NULL,
	`generated_by` text NOT NULL,
	`generation_count` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `exception_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`exception_id` text NOT NULL,
	`at` text NOT NULL,
	`actor_id` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`note` text NOT NULL,
	FOREIGN KEY (`exception_id`) REFERENCES `exceptions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `exception_notes_exception_idx` ON `exception_notes` (`exception_id`,`id`);--> statement-breakpoint
CREATE TABLE `reconciliation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`scope_key` text NOT NULL,
	`bank_source` text NOT NULL,
	`totals` text NOT NULL,
	`mismatches` text NOT NULL,
	`mismatch_count` integer NOT NULL,
	`run_count` integer DEFAULT 1 NOT NULL,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reconciliation_runs_scope_unique` ON `reconciliation_runs` (`scope`,`scope_key`);--> statement-breakpoint
DROP INDEX `payouts_item_unique`;--> statement-breakpoint
ALTER TABLE `payouts` ADD `retry_of` text;--> statement-breakpoint
CREATE UNIQUE INDEX `payouts_item_holding_unique` ON `payouts` (`item_id`) WHERE status IN ('created', 'queued', 'processing', 'unknown', 'processed');--> statement-breakpoint
CREATE INDEX `payouts_item_idx` ON `payouts` (`item_id`);--> statement-breakpoint
ALTER TABLE `exceptions` ADD `retry_status` text;--> statement-breakpoint
ALTER TABLE `exceptions` ADD `retry_result` text;