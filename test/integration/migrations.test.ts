// Migrations that rebuild a table must carry every row over unchanged and keep its guarantees.
// These apply the real migration files to an empty database up to a point, write data the way
// the application did then, apply the rest, and compare.

import { applyD1Migrations, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

type Migrations = Parameters<typeof applyD1Migrations>[1];
const MIGRATIONS = (env as unknown as { TEST_MIGRATIONS: Migrations }).TEST_MIGRATIONS;
const db = (env as unknown as { MIGRATION_TEST_DB: D1Database }).MIGRATION_TEST_DB;

const upTo = (prefix: string) => {
  const i = MIGRATIONS.findIndex((m) => m.name.startsWith(prefix));
  expect(i, `migration ${prefix}`).toBeGreaterThan(0);
  return i;
};

const all = async (sql: string) => (await db.prepare(sql).all<Record<string, unknown>>()).results;

describe("0008: journal entries and payout events keep their rows and ids without AUTOINCREMENT", () => {
  it("carries every row over, keeps the journal immutable, and stops touching sqlite_sequence", async () => {
    const cut = upTo("0008_");
    await applyD1Migrations(db, MIGRATIONS.slice(0, cut));

    // A ledger and a timeline as they were before 0008, with a gap in the ids.
    const now = "2031-02-01T10:00:00.000Z";
    await db.batch([
      db.prepare("INSERT INTO payees (id, type, display_name, bank_verification_status, payable_account_id, version, created_at, updated_at) VALUES ('pe_1', 'seller', 'One', 'verified', 'payee:pe_1:payable', 1, ?, ?)").bind(now, now),
      db.prepare("INSERT INTO accounts (id, name, type, currency, payee_id, created_at) VALUES ('payee:pe_1:payable', 'Payable', 'liability', 'INR', 'pe_1', ?)").bind(now),
      ...["txn_1", "txn_2"].map((id) =>
        db.prepare("INSERT INTO journal_transactions (id, external_ref, kind, description, content_hash, metadata, actor_id, created_at) VALUES (?, ?, 'adjustment', 'd', 'h', '{}', 'a', ?)").bind(id, `ref:${id}`, now),
      ),
      db.prepare("INSERT INTO journal_entries (transaction_id, account_id, direction, amount_paise, currency, created_at) VALUES ('txn_1', 'platform:bank', 'debit', 500, 'INR', ?), ('txn_1', 'payee:pe_1:payable', 'credit', 500, 'INR', ?)").bind(now, now),
      db.prepare("INSERT INTO journal_entries (id, transaction_id, account_id, direction, amount_paise, currency, created_at) VALUES (10, 'txn_2', 'platform:bank', 'credit', 7, 'INR', ?), (11, 'txn_2', 'payee:pe_1:payable', 'debit', 7, 'INR', ?)").bind(now, now),
    ]);
    const entriesBefore = await all("SELECT * FROM journal_entries ORDER BY id");
    expect(entriesBefore.map((e) => e.id)).toEqual([1, 2, 10, 11]);
    expect(await all("SELECT name FROM sqlite_sequence WHERE name = 'journal_entries'")).toHaveLength(1);

    await applyD1Migrations(db, MIGRATIONS);

    expect(await all("SELECT * FROM journal_entries ORDER BY id")).toEqual(entriesBefore);
    const schema = await all("SELECT name, sql FROM sqlite_master WHERE tbl_name IN ('journal_entries', 'payout_events') ORDER BY name");
    expect(schema.map((s) => s.name)).toEqual([
      "journal_entries",
      "journal_entries_account_idx",
      "journal_entries_no_delete",
      "journal_entries_no_update",
      "journal_entries_transaction_idx",
      "payout_events",
      "payout_events_payout_idx",
      "payout_events_version_unique",
    ]);
    for (const s of schema) expect(String(s.sql)).not.toMatch(/AUTOINCREMENT|__new_/i);

    // Still immutable, still checked, and new ids continue after the highest.
    await expect(db.prepare("UPDATE journal_entries SET amount_paise = 1 WHERE id = 1").run()).rejects.toThrow(/immutable/);
    await expect(db.prepare("DELETE FROM journal_entries WHERE id = 10").run()).rejects.toThrow(/immutable/);
    await expect(
      db.prepare("INSERT INTO journal_entries (transaction_id, account_id, direction, amount_paise, currency, created_at) VALUES ('txn_2', 'platform:bank', 'debit', 0, 'INR', ?)").bind(now).run(),
    ).rejects.toThrow(/CHECK/);
    await expect(
      db.prepare("INSERT INTO journal_entries (transaction_id, account_id, direction, amount_paise, currency, created_at) VALUES ('txn_nope', 'platform:bank', 'debit', 5, 'INR', ?)").bind(now).run(),
    ).rejects.toThrow(/FOREIGN KEY/);
    const inserted = await db
      .prepare("INSERT INTO journal_entries (transaction_id, account_id, direction, amount_paise, currency, created_at) VALUES ('txn_2', 'platform:bank', 'debit', 3, 'INR', ?) RETURNING id")
      .bind(now)
      .first<{ id: number }>();
    expect(inserted?.id).toBe(12);
  });
});
