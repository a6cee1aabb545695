-- Indexes for the ops console's search and payout list (src/store/console-search.ts and
-- console-payouts.ts; their plans are checked in test/integration/query-plans.test.ts). Hand-edited
-- from drizzle-kit's output, which splits an index expression at its comma: the snapshot holds
-- substr("bank_account_number", -4) whole, so later generations see no change.
CREATE INDEX `payees_name_idx` ON `payees` (lower("display_name"));--> statement-breakpoint
CREATE INDEX `payees_account_last_four_idx` ON `payees` (substr("bank_account_number", -4));--> statement-breakpoint
CREATE INDEX `payouts_status_created_idx` ON `payouts` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `payouts_processed_idx` ON `payouts` (`processed_at`) WHERE processed_at IS NOT NULL;