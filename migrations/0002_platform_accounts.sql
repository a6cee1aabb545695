-- The platform's chart of accounts (see src/domain/accounts.ts and the README). Payee payable
-- accounts are created with their payees. A test checks that this list matches the code.
INSERT INTO accounts (id, name, type, currency, created_at) VALUES
  ('platform:bank', 'Bank — nodal/escrow account', 'asset', 'INR', '2026-01-01T00:00:00.000Z'),
  ('platform:payouts_in_transit', 'Payouts in transit', 'liability', 'INR', '2026-01-01T00:00:00.000Z'),
  ('platform:fee_revenue', 'Platform fee revenue', 'revenue', 'INR', '2026-01-01T00:00:00.000Z'),
  ('platform:discounts_expense', 'Discounts expense', 'expense', 'INR', '2026-01-01T00:00:00.000Z'),
  ('platform:vouchers_expense', 'Vouchers expense', 'expense', 'INR', '2026-01-01T00:00:00.000Z'),
  ('platform:customer_wallet', 'Customer wallet liability', 'liability', 'INR', '2026-01-01T00:00:00.000Z'),
  ('platform:owner_equity', 'Owner''s equity', 'equity', 'INR', '2026-01-01T00:00:00.000Z');
