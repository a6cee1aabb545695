CREATE TABLE `bank_detail_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`payee_id` text NOT NULL,
	`status` text NOT NULL,
	`account_number` text,
	`ifsc` text,
	`account_holder_name` text,
	`previous_details` text,
	`previous_email` text,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_note` text,
	`payable_from` text,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `bank_detail_changes_payee_idx` ON `bank_detail_changes` (`payee_id`,`requested_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `bank_detail_changes_one_pending` ON `bank_detail_changes` (`payee_id`) WHERE status = 'pending';--> statement-breakpoint
ALTER TABLE `payees` ADD `bank_details_change_id` text;--> statement-breakpoint
ALTER TABLE `payees` ADD `bank_details_payable_from` text;--> statement-breakpoint
ALTER TABLE `payees` ADD `pending_bank_change_id` text;--> statement-breakpoint
ALTER TABLE `payees` ADD `bank_change_pays_old` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `payees` ADD `previous_bank_details` text;--> statement-breakpoint
ALTER TABLE `payees` ADD `bank_verification` text;