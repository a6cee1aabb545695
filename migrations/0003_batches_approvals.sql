CREATE TABLE `approval_links` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`checker_id` text NOT NULL,
	`fingerprint` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `approval_links_batch_idx` ON `approval_links` (`batch_id`);--> statement-breakpoint
CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`checker_id` text NOT NULL,
	`decision` text NOT NULL,
	`fingerprint` text NOT NULL,
	`reason` text,
	`via` text NOT NULL,
	`link_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_batch_checker_unique` ON `approvals` (`batch_id`,`checker_id`);--> statement-breakpoint
CREATE TABLE `batch_items` (
	`id` text PRIMARY KEY NOT NULL,
	`batch_id` text NOT NULL,
	`cycle_id` text NOT NULL,
	`payee_id` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`currency` text NOT NULL,
	`orders` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`reconciliation` text DEFAULT '[]' NOT NULL,
	`reconciled_at` text NOT NULL,
	`exclusion_reason` text,
	`bank_snapshot` text,
	`live_key` text,
	FOREIGN KEY (`batch_id`) REFERENCES `batches`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `batch_items_batch_idx` ON `batch_items` (`batch_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `batch_items_live_unique` ON `batch_items` (`live_key`);--> statement-breakpoint
CREATE TABLE `batches` (
	`id` text PRIMARY KEY NOT NULL,
	`cycle_id` text NOT NULL,
	`currency` text NOT NULL,
	`status` text NOT NULL,
	`maker_id` text NOT NULL,
	`payee_scope` text NOT NULL,
	`live_scope_key` text,
	`total_paise` integer DEFAULT 0 NOT NULL,
	`item_count` integer DEFAULT 0 NOT NULL,
	`required_approvals` integer DEFAULT 1 NOT NULL,
	`fingerprint` text,
	`final_decision_id` text,
	`rejection_reason` text,
	`submitted_at` text,
	`decided_at` text,
	`released_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `batches_live_scope_unique` ON `batches` (`live_scope_key`);--> statement-breakpoint
CREATE INDEX `batches_cycle_idx` ON `batches` (`cycle_id`,`id`);--> statement-breakpoint
CREATE INDEX `batches_status_idx` ON `batches` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`created_at` text NOT NULL,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `notifications_due_idx` ON `notifications` (`status`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `audit_events` ADD `subject_version` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_subject_version_unique` ON `audit_events` (`subject_type`,`subject_id`,`subject_version`);