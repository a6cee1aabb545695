DROP INDEX `journal_entries_account_cycle_idx`;--> statement-breakpoint
DROP INDEX `journal_transactions_reverses_unique`;--> statement-breakpoint
DROP INDEX `journal_transactions_order_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `journal_transactions_reverses_unique` ON `journal_transactions` (`reverses_transaction_id`) WHERE reverses_transaction_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `journal_transactions_order_idx` ON `journal_transactions` (`order_id`) WHERE order_id IS NOT NULL;--> statement-breakpoint
DROP INDEX `payout_events_version_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `payout_events_version_unique` ON `payout_events` (`payout_id`,`payout_version`) WHERE payout_version IS NOT NULL;