CREATE TABLE `deduction_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`section` text NOT NULL,
	`payee_types` text NOT NULL,
	`pan` text NOT NULL,
	`gstin` text NOT NULL,
	`base` text NOT NULL,
	`rate_basis_points` integer NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`annual_threshold` text,
	`source` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "deduction_rules_rate" CHECK("deduction_rules"."rate_basis_points" >= 0 AND "deduction_rules"."rate_basis_points" <= 10000)
);
--> statement-breakpoint
CREATE INDEX `deduction_rules_kind_idx` ON `deduction_rules` (`kind`,`valid_from`);--> statement-breakpoint
ALTER TABLE `payees` ADD `legal_name` text;--> statement-breakpoint
ALTER TABLE `payees` ADD `pan` text;--> statement-breakpoint
ALTER TABLE `payees` ADD `gstin` text;
--> statement-breakpoint
-- The default deduction rules (src/domain/statutory.ts DEFAULT_DEDUCTION_RULES; sources in docs/statutory.md).
-- A test checks that these rows match the code.
INSERT INTO deduction_rules (id, kind, section, payee_types, pan, gstin, base, rate_basis_points, valid_from, valid_to, annual_threshold, source, created_by, created_at) VALUES
  ('tds-194o-2020', 'tds_194o', 'Income-tax Act 1961, s.194-O', '["seller"]', 'present', 'any', 'gross_sale', 100, '2020-10-01', '2024-10-01', '{"grossPaise":50000000,"holderTypes":["individual","hindu_undivided_family"]}', 'Finance Act 2020 (s.194-O inserted from 1 Oct 2020 at 1 %)', 'migration', '2026-12-02T00:00:00.000Z'),
  ('tds-194o-2024', 'tds_194o', 'Income-tax Act 1961, s.194-O', '["seller"]', 'present', 'any', 'gross_sale', 10, '2024-10-01', NULL, '{"grossPaise":50000000,"holderTypes":["individual","hindu_undivided_family"]}', 'Finance (No. 2) Act 2024, clause 61 of the Bill: 1 % → 0.1 % from 1 Oct 2024', 'migration', '2026-12-02T00:00:00.000Z'),
  ('tds-194o-no-pan', 'tds_194o', 'Income-tax Act 1961, s.194-O with s.206AA', '["seller"]', 'absent', 'any', 'gross_sale', 500, '2020-10-01', NULL, NULL, 's.206AA(1) proviso: 5 % for s.194-O where no PAN is furnished', 'migration', '2026-12-02T00:00:00.000Z'),
  ('gst-tcs-2018', 'gst_tcs', 'CGST Act 2017, s.52', '["seller"]', 'any', 'present', 'net_taxable_value', 100, '2018-10-01', '2024-07-10', NULL, 'Notifications 52/2018-Central Tax and 02/2018-Integrated Tax (0.5 % + 0.5 %, or 1 % IGST)', 'migration', '2026-12-02T00:00:00.000Z'),
  ('gst-tcs-2024', 'gst_tcs', 'CGST Act 2017, s.52', '["seller"]', 'any', 'present', 'net_taxable_value', 50, '2024-07-10', NULL, NULL, 'Notifications 15/2024-Central Tax and 01/2024-Integrated Tax of 10 Jul 2024 (0.25 % + 0.25 %, or 0.5 % IGST)', 'migration', '2026-12-02T00:00:00.000Z'),
  ('gst-on-fee-2017', 'gst_on_fee', 'CGST Act 2017, s.9; IGST Act 2017, s.5 (services, 18 %)', '["seller","delivery_partner"]', 'any', 'any', 'platform_fee', 1800, '2017-07-01', NULL, NULL, 'Notification 11/2017-Central Tax (Rate), residual entry for services: 9 % CGST + 9 % SGST, or 18 % IGST', 'migration', '2026-12-02T00:00:00.000Z');
