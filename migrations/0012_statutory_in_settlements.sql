CREATE TABLE `payee_year_gross` (
	`payee_id` text NOT NULL,
	`financial_year` text NOT NULL,
	`gross_paise` integer NOT NULL,
	PRIMARY KEY(`payee_id`, `financial_year`),
	FOREIGN KEY (`payee_id`) REFERENCES `payees`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `settlements` ADD `deductions` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `settlements` ADD `tax_inputs` text;--> statement-breakpoint
-- Liability accounts for statutory deductions (see src/domain/accounts.ts and docs/statutory.md).
INSERT INTO accounts (id, name, type, currency, created_at) VALUES
  ('platform:tds_194o_payable', 'TDS payable (s.194-O)', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:gst_tcs_cgst_payable', 'GST TCS payable — CGST', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:gst_tcs_sgst_payable', 'GST TCS payable — SGST', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:gst_tcs_igst_payable', 'GST TCS payable — IGST', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:gst_output_cgst', 'GST output tax on fees — CGST', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:gst_output_sgst', 'GST output tax on fees — SGST', 'liability', 'INR', '2026-12-02T00:00:00.000Z'),
  ('platform:gst_output_igst', 'GST output tax on fees — IGST', 'liability', 'INR', '2026-12-02T00:00:00.000Z');
