CREATE TABLE `statutory_dues` (
	`kind` text NOT NULL,
	`head` text NOT NULL,
	`period` text NOT NULL,
	`withheld_paise` integer DEFAULT 0 NOT NULL,
	`deposited_paise` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`kind`, `head`, `period`),
	CONSTRAINT "statutory_dues_not_overpaid" CHECK("statutory_dues"."deposited_paise" <= "statutory_dues"."withheld_paise")
);
--> statement-breakpoint
CREATE TABLE `statutory_remittances` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`head` text NOT NULL,
	`period` text NOT NULL,
	`amount_paise` integer NOT NULL,
	`reference` text NOT NULL,
	`deposited_on` text NOT NULL,
	`transaction_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `statutory_remittances_reference_unique` ON `statutory_remittances` (`kind`,`reference`);