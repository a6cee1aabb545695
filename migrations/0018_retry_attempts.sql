ALTER TABLE `exceptions` ADD `retry_attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `exceptions` ADD `retry_next_at` text;--> statement-breakpoint
CREATE INDEX `exceptions_pending_retry_idx` ON `exceptions` (`updated_at`) WHERE retry_status = 'pending';