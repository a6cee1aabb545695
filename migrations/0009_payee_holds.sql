CREATE TABLE `payee_holds` (
	`id` text PRIMARY KEY NOT NULL,
	`payee_id` text NOT NULL,
	`reason` text NOT NULL,
	`placed_by` text NOT NULL,
	`placed_at` text NOT NULL,
	`ends_at` text,
	`released_by` text,
	`released_at` text,
	`release_note` text,
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `payee_holds_payee_idx` ON `payee_holds` (`payee_id`,`released_at`);