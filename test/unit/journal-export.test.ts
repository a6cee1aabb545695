import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AccountType, PLATFORM_ACCOUNTS } from "../../src/domain/accounts";
import {
  accountIdFromHledgerName,
  encodeTagValue,
  exportJournal,
  type ExportTransaction,
  formatAmount,
  HLEDGER_TYPE_ROOT,
  hledgerAccountName,
  isCalendarDate,
  journalText,
  type OpeningBalance,
  sanitizeDescription,
  utcDate,
} from "../../src/domain/journal-export";
import { MAX_AMOUNT_PAISE } from "../../src/domain/money";
import { netByAccountId, parseJournal, unbalancedCodes } from "../support/journal";
import { ACCOUNT_TYPES, dayArbitrary, journalInput, netOfEntries, platformAccounts, splitAt } from "../support/journal-arbitrary";

const ALL: { fromDate: null; toDate: null } = { fromDate: null, toDate: null };

function tx(id: string, createdAt: string, entries: [string, AccountType, "debit" | "credit", number][], over: Partial<ExportTransaction> = {}): ExportTransaction {
  return {
    id,
    externalRef: `ref-${id}`,
    kind: "manual",
    description: `Posting ${id}`,
    cycleId: null,
    orderId: null,
    payeeId: null,
    reversesTransactionId: null,
    actorId: "admin-ada",
    createdAt,
    entries: entries.map(([accountId, accountType, direction, amountPaise]) => ({ accountId, accountType, direction, amountPaise, currency: "INR" })),
    ...over,
  };
}

const opening = (netDebitPaise: number, accountId = "platform:bank", accountType: AccountType = "asset"): OpeningBalance => ({
  accountId,
  accountType,
  currency: "INR",
  netDebitPaise,
});

/** Parses a formatted amount back into minor units, digit by digit (no floating point). */
function amountOf(text: string): number {
  const m = /^INR (-?)(\d+)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`not an amount: ${text}`);
  const magnitude = Number(`${m[2]}${m[3]}`);
  return m[1] === "-" ? -magnitude : magnitude;
}

describe("formatAmount", () => {
  it("writes paise as rupees with exactly two decimals and the INR commodity", () => {
    expect(formatAmount(0, "INR")).toBe("INR 0.00");
    expect(formatAmount(1, "INR")).toBe("INR 0.01");
    expect(formatAmount(5, "INR")).toBe("INR 0.05");
    expect(formatAmount(99, "INR")).toBe("INR 0.99");
    expect(formatAmount(100, "INR")).toBe("INR 1.00");
    expect(formatAmount(123_450, "INR")).toBe("INR 1234.50");
  });

  it("puts a credit's minus sign after the commodity", () => {
    expect(formatAmount(-1, "INR")).toBe("INR -0.01");
    expect(formatAmount(-123_450, "INR")).toBe("INR -1234.50");
  });

  it("stays exact for the largest amounts, where dividing by 100 in floating point would not be", () => {
    expect(formatAmount(MAX_AMOUNT_PAISE, "INR")).toBe("INR 100000000000.00");
    expect(formatAmount(Number.MAX_SAFE_INTEGER, "INR")).toBe("INR 90071992547409.91");
    expect(formatAmount(-Number.MAX_SAFE_INTEGER, "INR")).toBe("INR -90071992547409.91");
    // 9007199254740899 / 100 rounds to 90071992547409 in floating point; the .99 must survive.
    expect(formatAmount(9_007_199_254_740_899, "INR")).toBe("INR 90071992547408.99");
  });

  it("refuses amounts that are not safe integers and currencies it does not know", () => {
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) expect(() => formatAmount(bad, "INR"), String(bad)).toThrow(/invariant/);
    expect(() => formatAmount(100, "USD")).toThrow(/unknown currency/);
  });

  it("reads back to the same number of paise for every safe integer", () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(amountOf(formatAmount(n, "INR"))).toBe(n);
        // 0 - n, not -n: for n = 0, -n is -0, which toBe (Object.is) tells apart from the 0 read back.
        expect(amountOf(formatAmount(0 - n, "INR"))).toBe(0 - n);
      }),
      { examples: [[0], [1], [-1], [Number.MAX_SAFE_INTEGER]] },
    );
  });
});

describe("hledgerAccountName", () => {
  it("names the platform accounts by their type and purpose", () => {
    const names = Object.fromEntries(PLATFORM_ACCOUNTS.map((a) => [a.id, hledgerAccountName(a.id, a.type)]));
    expect(names).toEqual({
      "platform:bank": "assets:bank",
      "platform:payouts_in_transit": "liabilities:payouts in transit",
      "platform:fee_revenue": "revenue:platform fees",
      "platform:discounts_expense": "expenses:discounts",
      "platform:vouchers_expense": "expenses:vouchers",
      "platform:customer_wallet": "liabilities:customer wallet",
      "platform:refunds_payable": "liabilities:refunds payable",
      "platform:refunds_expense": "expenses:refunds",
      "platform:goodwill_expense": "expenses:goodwill",
      "platform:chargeback_fees_expense": "expenses:chargeback fees",
      "platform:cycle_carry_clearing": "liabilities:cycle carry clearing",
      "platform:tds_194o_payable": "liabilities:tds payable:194-O",
      "platform:gst_tcs_cgst_payable": "liabilities:gst tcs payable:cgst",
      "platform:gst_tcs_sgst_payable": "liabilities:gst tcs payable:sgst",
      "platform:gst_tcs_igst_payable": "liabilities:gst tcs payable:igst",
      "platform:gst_output_cgst": "liabilities:gst output:cgst",
      "platform:gst_output_sgst": "liabilities:gst output:sgst",
      "platform:gst_output_igst": "liabilities:gst output:igst",
      "platform:owner_equity": "equity:owner",
    });
  });

  it("puts each payee's payable under liabilities:payable, named by the payee id", () => {
    expect(hledgerAccountName("payee:pe_01jd0x4q7m8n9p0r1s2t3v4w5x:payable", "liability")).toBe("liabilities:payable:pe_01jd0x4q7m8n9p0r1s2t3v4w5x");
  });

  it("escapes anything in an id that hledger would read as structure", () => {
    expect(hledgerAccountName("payee:a:b c:payable", "liability")).toBe("liabilities:payable:a%3Ab%20c");
    expect(hledgerAccountName("suspense;  x", "asset")).toBe("assets:other:suspense%3B%20%20x");
    expect(hledgerAccountName("(virtual)", "expense")).toBe("expenses:other:%28virtual%29");
  });

  it("gives an account whose id or type is not in the chart an other: name under its type", () => {
    expect(hledgerAccountName("platform:bank", "liability")).toBe("liabilities:other:platform%3Abank");
    expect(hledgerAccountName("payee:pe_1:payable", "asset")).toBe("assets:other:payee%3Ape_1%3Apayable");
    expect(hledgerAccountName("platform:suspense", "equity")).toBe("equity:other:platform%3Asuspense");
  });

  it("is injective: the name always maps back to the id, and every name sits under its type's root", () => {
    const accountId = fc.oneof(
      fc.constantFrom(...PLATFORM_ACCOUNTS.map((a) => a.id)),
      fc.string({ minLength: 1 }).map((s) => `payee:${s}:payable`),
      fc.string({ minLength: 1, unit: "grapheme" }),
      fc.string({ minLength: 1, unit: "binary-ascii" }),
    );
    fc.assert(
      fc.property(accountId, fc.constantFrom(...ACCOUNT_TYPES), (id, type) => {
        const name = hledgerAccountName(id, type);
        expect(accountIdFromHledgerName(name)).toBe(id);
        expect(name.startsWith(`${HLEDGER_TYPE_ROOT[type]}:`)).toBe(true);
        // Nothing that ends an account name or starts a comment in a posting line.
        expect(name).not.toMatch(/ {2}|[\t\n\r;]/);
      }),
      { numRuns: 2_000 },
    );
  });

  it("maps names no account has back to nothing", () => {
    for (const name of ["assets", "assets:bank:extra", "liabilities:payable:a:b", "income:other:x", "liabilities:payable:%ZZ"]) {
      expect(accountIdFromHledgerName(name), name).toBeNull();
    }
  });
});

describe("sanitizeDescription", () => {
  it("turns newlines, tabs and other control characters into single spaces", () => {
    expect(sanitizeDescription("line one\nline two\r\n\tthree\u0000four\u2028five")).toBe("line one line two three four five");
  });

  it("collapses runs of spaces, which hledger reads as a field separator, and trims", () => {
    expect(sanitizeDescription("  Payout   to  seller  ")).toBe("Payout to seller");
  });

  it("replaces ; which would start a comment", () => {
    expect(sanitizeDescription("Refund; note: goodwill")).toBe("Refund, note: goodwill");
  });

  it("removes bidirectional overrides, which display text in another order than stored", () => {
    expect(sanitizeDescription("pay \u202eevil\u202c now")).toBe("pay evil now");
  });

  it("never leaves the description empty", () => {
    expect(sanitizeDescription("\n\t ")).toBe("(no description)");
  });

  it("leaves ordinary text alone, including non-ASCII", () => {
    for (const text of ["Order ORD-1 settled", "Payout to Café Ünïcode ₹", "*not a status* !nor this (nor a code)"]) {
      expect(sanitizeDescription(text)).toBe(text);
    }
  });
});

describe("encodeTagValue", () => {
  it("encodes what would end or change an hledger tag value, and decodes back exactly", () => {
    const samples = ["a,b", "100%", "line\nbreak", " padded ", "order:ORD-1/2", "Payable to Foo: Bar"];
    for (const text of samples) {
      const encoded = encodeTagValue(text);
      expect(encoded, text).not.toMatch(/[,\n]|^\s|\s$/);
      expect(decodeURIComponent(encoded)).toBe(text);
    }
    expect(encodeTagValue("order:ORD-1/2")).toBe("order:ORD-1/2");
  });
});

describe("dates", () => {
  it("dates a transaction by the UTC calendar day of created_at", () => {
    expect(utcDate("2026-11-26T00:00:00.000Z")).toBe("2026-11-26");
    expect(utcDate("2026-11-26T23:59:59.999Z")).toBe("2026-11-26");
    expect(() => utcDate("2026-11-26T10:00:00+05:30")).toThrow(/UTC/);
    expect(() => utcDate("2026-11-26 10:00:00")).toThrow(/UTC/);
  });

  it("accepts only real calendar dates", () => {
    for (const good of ["2026-01-01", "2024-02-29", "2000-02-29", "2026-12-31"]) expect(isCalendarDate(good), good).toBe(true);
    for (const bad of ["2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-1-1", "20260101", "0000-01-01"]) {
      expect(isCalendarDate(bad), bad).toBe(false);
    }
  });
});

describe("exportJournal", () => {
  const payee = { id: "payee:pe_1:payable", type: "liability" as const, name: "Payable to Asha, Stores" };
  const settlement = tx(
    "txn_b",
    "2026-11-26T10:00:00.000Z",
    [
      ["platform:bank", "asset", "debit", 123_450],
      ["payee:pe_1:payable", "liability", "credit", 111_105],
      ["platform:fee_revenue", "revenue", "credit", 12_345],
    ],
    { kind: "settlement", externalRef: "order:ORD-1", orderId: "ORD-1", cycleId: "2026-W48", payeeId: "pe_1", description: "Order ORD-1 settled" },
  );
  const reversal = tx(
    "txn_c",
    "2026-11-27T09:00:00.000Z",
    [
      ["platform:bank", "asset", "credit", 123_450],
      ["payee:pe_1:payable", "liability", "debit", 111_105],
      ["platform:fee_revenue", "revenue", "debit", 12_345],
    ],
    { kind: "reversal", externalRef: "reversal:txn_b", reversesTransactionId: "txn_b", description: "Reversal of txn_b: duplicate\norder" },
  );
  const funding = tx("txn_a", "2026-11-25T18:30:00.000Z", [
    ["platform:bank", "asset", "debit", 5],
    ["platform:owner_equity", "equity", "credit", 5],
  ]);

  it("writes the header, commodity, account directives and transactions hledger reads", async () => {
    const text = await exportJournal({ range: ALL, accounts: [...platformAccounts, payee], transactions: [settlement] });
    expect(text).toContain("\ncommodity INR 1,000.00\n");
    expect(text).toContain("\ntag ref\ntag kind\ntag cycle\ntag order\ntag payee\ntag reverses\ntag actor\ntag created\ntag original_description\n");
    expect(text).toContain("account assets:bank\n    ; type: A, disburse_id: platform:bank, name: Bank — nodal/escrow account\n");
    expect(text).toContain("account liabilities:payable:pe_1\n    ; type: L, disburse_id: payee:pe_1:payable, name: Payable to Asha%2C Stores\n");
    expect(text).toContain("account revenue:platform fees\n    ; type: R, ");
    expect(text).toContain("account expenses:vouchers\n    ; type: X, ");
    expect(text).toContain("account equity:owner\n    ; type: E, ");
    expect(text).toContain(
      [
        "2026-11-26 (txn_b) Order ORD-1 settled",
        "    ; ref: order:ORD-1",
        "    ; kind: settlement",
        "    ; cycle: 2026-W48",
        "    ; order: ORD-1",
        "    ; payee: pe_1",
        "    ; actor: admin-ada",
        "    ; created: 2026-11-26T10:00:00.000Z",
        `    ${"assets:bank".padEnd(48)}  ${"INR 1234.50".padStart(22)}`,
        `    ${"liabilities:payable:pe_1".padEnd(48)}  ${"INR -1111.05".padStart(22)}`,
        `    ${"revenue:platform fees".padEnd(48)}  ${"INR -123.45".padStart(22)}`,
        "",
      ].join("\n"),
    );
    expect(text.endsWith("\n; End of Disburse export: 1 transaction.\n")).toBe(true);
  });

  it("links a reversal to what it reverses and keeps a sanitized description's original in a tag", async () => {
    const journal = parseJournal(await exportJournal({ range: ALL, accounts: [...platformAccounts, payee], transactions: [settlement, reversal] }));
    const parsed = journal.transactions.find((t) => t.code === "txn_c")!;
    expect(parsed.description).toBe("Reversal of txn_b: duplicate order");
    expect(parsed.tags).toMatchObject({ reverses: "txn_b", kind: "reversal", original_description: "Reversal of txn_b: duplicate\norder" });
    expect(journal.transactions.find((t) => t.code === "txn_b")!.tags.original_description).toBeUndefined();
  });

  it("orders accounts by id and transactions by creation time, whatever order they come in", async () => {
    const input = { range: ALL, accounts: [...platformAccounts, payee], transactions: [settlement, reversal, funding] };
    const text = await exportJournal(input);
    expect(parseJournal(text).transactions.map((t) => t.code)).toEqual(["txn_a", "txn_b", "txn_c"]);
    // Every account and every transaction, shuffled (awaited: an async property's failure must fail this test).
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(input.accounts, { minLength: input.accounts.length, maxLength: input.accounts.length }), fc.shuffledSubarray(input.transactions, { minLength: 3, maxLength: 3 }), async (accounts, transactions) => {
        expect(await exportJournal({ range: ALL, accounts, transactions })).toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it("breaks a tie in creation time by transaction id", async () => {
    const at = "2026-11-26T10:00:00.000Z";
    const text = await exportJournal({ range: ALL, accounts: platformAccounts, transactions: [{ ...funding, id: "txn_z", createdAt: at }, { ...funding, id: "txn_m", createdAt: at }] });
    expect(parseJournal(text).transactions.map((t) => t.code)).toEqual(["txn_m", "txn_z"]);
  });

  it("opens a date range with the balances carried in, dated the first day, skipping zero balances", async () => {
    const text = await exportJournal({
      range: { fromDate: "2026-11-26", toDate: "2026-11-28" },
      accounts: [...platformAccounts, payee],
      openingBalances: [opening(500), opening(-500, "platform:owner_equity", "equity"), opening(0, "platform:fee_revenue", "revenue")],
      transactions: [settlement, reversal],
    });
    expect(text).toContain("; Transactions created from 2026-11-26 00:00 UTC (inclusive) to 2026-11-28 00:00 UTC (exclusive).\n");
    const journal = parseJournal(text);
    expect(journal.transactions[0]).toMatchObject({
      date: "2026-11-26",
      code: "opening:2026-11-26",
      tags: { kind: "opening_balances" },
      postings: [
        { account: "assets:bank", commodity: "INR", amountMinor: 500 },
        { account: "equity:owner", commodity: "INR", amountMinor: -500 },
      ],
    });
    expect(journal.transactions.map((t) => t.code)).toEqual(["opening:2026-11-26", "txn_b", "txn_c"]);
    expect(journal.announcedCount).toBe(2);
  });

  it("writes no opening transaction when nothing came before the range", async () => {
    const text = await exportJournal({ range: { fromDate: "2026-11-26", toDate: null }, accounts: platformAccounts, openingBalances: [opening(0)], transactions: [] });
    expect(text).not.toContain("(opening:");
    expect(parseJournal(text).transactions).toEqual([]);
  });

  it("refuses, rather than writes, a transaction that does not balance", async () => {
    const unbalanced = tx("txn_x", "2026-11-26T10:00:00.000Z", [
      ["platform:bank", "asset", "debit", 100],
      ["platform:owner_equity", "equity", "credit", 99],
    ]);
    await expect(exportJournal({ range: ALL, accounts: platformAccounts, transactions: [unbalanced] })).rejects.toThrow(/txn_x does not balance/);
  });

  it("refuses opening balances that do not sum to zero", async () => {
    await expect(
      exportJournal({ range: { fromDate: "2026-11-26", toDate: null }, accounts: platformAccounts, openingBalances: [opening(500)], transactions: [] }),
    ).rejects.toThrow(/opening balances do not sum to zero/);
  });

  it("refuses transactions outside the range or out of order, which a database reader must not give it", async () => {
    const range = { fromDate: "2026-11-26", toDate: "2026-11-27" };
    const read = async (transactions: ExportTransaction[]) => {
      for await (const _ of journalText({ range, accounts: [platformAccounts], openingBalances: [], transactions: [transactions] }));
    };
    await expect(read([funding])).rejects.toThrow(/before the range/);
    await expect(read([reversal])).rejects.toThrow(/after the range/);
    await expect(read([{ ...settlement, id: "txn_z" }, settlement])).rejects.toThrow(/out of order/);
  });
});

describe("exportJournal, read back", () => {
  it("gives back every transaction balanced and every account's sum equal to its entries", async () => {
    await fc.assert(
      fc.asyncProperty(journalInput, async ({ accounts, transactions }) => {
        const journal = parseJournal(await exportJournal({ range: ALL, accounts, transactions }));

        expect(unbalancedCodes(journal)).toEqual([]);
        expect(journal.announcedCount).toBe(transactions.length);
        expect(journal.transactions.map((t) => t.code).sort()).toEqual(transactions.map((t) => t.id).sort());
        expect([...journal.accounts.values()].map((a) => a.tags.disburse_id).sort()).toEqual(accounts.map((a) => a.id).sort());
        expect(netByAccountId(journal)).toEqual(netOfEntries(transactions));

        for (const t of transactions) {
          const parsed = journal.transactions.find((p) => p.code === t.id)!;
          expect(parsed.date).toBe(t.createdAt.slice(0, 10));
          expect(parsed.description).toBe(sanitizeDescription(t.description));
          expect(parsed.tags.original_description ?? parsed.description).toBe(t.description);
          expect(parsed.tags.ref).toBe(t.externalRef);
          expect(parsed.tags.cycle).toBe(t.cycleId ?? undefined);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("carries opening balances so that range balances equal whole-journal balances", async () => {
    await fc.assert(
      fc.asyncProperty(journalInput, dayArbitrary, async ({ accounts, transactions }, fromDate) => {
        const whole = parseJournal(await exportJournal({ range: ALL, accounts, transactions }));
        const ranged = parseJournal(await exportJournal({ range: { fromDate, toDate: null }, accounts, ...splitAt(transactions, fromDate) }));
        expect(unbalancedCodes(ranged)).toEqual([]);
        const nonZero = (m: Map<string, number>) => new Map([...m].filter(([, v]) => v !== 0));
        expect(nonZero(netByAccountId(ranged))).toEqual(nonZero(netByAccountId(whole)));
        expect(ranged.transactions.every((t) => t.date >= fromDate)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
