-- journal_entries and payout_events drop AUTOINCREMENT for the plain rowid: both are append-only,
-- so max(id) + 1 keeps ids increasing, and AUTOINCREMENT cost a read and a write of
-- sqlite_sequence on every insert. SQLite cannot alter a primary key, so each table is rebuilt
-- with the same rows and ids, and its indexes (and the journal's immutability triggers, which
-- DROP TABLE removes) are created again. Nothing references either table, so dropping them
-- deletes no dependent row. Hand-edited from drizzle-kit's output: D1 defers foreign keys with
-- defer_foreign_keys, and the CHECK constraints name their columns without the temporary table.
DROP INDEX `payouts_bank_reference_idx`;--> statement-breakpoint
CREATE INDEX `payouts_bank_reference_idx` ON `payouts` (`bank_reference`) WHERE bank_reference IS NOT NULL;--> statement-breakpoint
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_journal_entries` (
	`id` integer PRIMARY KEY NOT NULL,
	`transaction_id` text NOT NULL,
	`account_id` text NOT NULL,
	`direction` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`currency` text NOT NULL,
	`cycle_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`transaction_id`) REFERENCES `journal_transactions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "journal_entries_amount_positive" CHECK("amount_paise" > 0),
	CONSTRAINT "journal_entries_direction" CHECK("direction" IN ('debit', 'credit'))
);
--> statement-breakpoint
INSERT INTO `__new_journal_entries`("id", "transaction_id", "account_id", "direction", "amount_paise", "currency", "cycle_id", "created_at") SELECT "id", "transaction_id", "account_id", "direction", "amount_paise", "currency", "cycle_id", "created_at" FROM `journal_entries`;--> statement-breakpoint
DROP TABLE `journal_entries`;--> statement-breakpoint
ALTER TABLE `__new_journal_entries` RENAME TO `journal_entries`;--> statement-breakpoint
CREATE INDEX `journal_entries_account_idx` ON `journal_entries` (`account_id`,`id`);--> statement-breakpoint
CREATE INDEX `journal_entries_transaction_idx` ON `journal_entries` (`transaction_id`);--> statement-breakpoint
CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal entries are immutable'); END;
--> statement-breakpoint
CREATE TABLE `__new_payout_events` (
	`id` integer PRIMARY KEY NOT NULL,
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
INSERT INTO `__new_payout_events`("id", "payout_id", "at", "kind", "from_status", "to_status", "actor_id", "payout_version", "details") SELECT "id", "payout_id", "at", "kind", "from_status", "to_status", "actor_id", "payout_version", "details" FROM `payout_events`;--> statement-breakpoint
DROP TABLE `payout_events`;--> statement-breakpoint
ALTER TABLE `__new_payout_events` RENAME TO `payout_events`;--> statement-breakpoint
CREATE INDEX `payout_events_payout_idx` ON `payout_events` (`payout_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `payout_events_version_unique` ON `payout_events` (`payout_id`,`payout_version`) WHERE payout_version IS NOT NULL;