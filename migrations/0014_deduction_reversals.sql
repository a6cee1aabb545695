ALTER TABLE `order_adjustments` ADD `deduction_reversals` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `statutory_dues` ADD `reversed_paise` integer DEFAULT 0 NOT NULL;