// Bank statement parsing: RFC 4180 CSV, the two column layouts banks export, Indian dates and
// rupee amounts read into paise exactly, and errors that name the offending line.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors";
import { formatPaise, MAX_AMOUNT_PAISE } from "../../src/domain/money";
import { CsvStatementParser, DEFAULT_CSV_MAPPING, MAX_STATEMENT_LINES, parseCsv, parseRupeesToPaise, statementParser } from "../../src/domain/statement";

const HEADER = "Value Date,UTR,Customer Reference,Debit,Credit,Currency,Narration";
const parse = (content: string) => new CsvStatementParser().parse(content);

/** The DomainError a parse throws (fails the test if it does not throw one). */
function parseError(content: string, parser = new CsvStatementParser()): DomainError {
  try {
    parser.parse(content);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error("expected the statement to be refused");
}

describe("parseRupeesToPaise", () => {
  it.each([
    ["1,23,456.78", 12_345_678],
    ["123456.78", 12_345_678],
    ["1,234.50", 123_450],
    ["1234.5", 123_450],
    ["₹ 1,234", 123_400],
    ["₹1,23,456.78", 12_345_678],
    ["INR 10.05", 1_005],
    ["0.01", 1],
    ["0.10", 10],
    ["  42  ", 4_200],
    ["1,00,00,00,00,000.00", MAX_AMOUNT_PAISE],
  ])("reads %s as %i paise", (text, paise) => {
    expect(parseRupeesToPaise(text)).toBe(paise);
  });

  it.each(["", "abc", "-5", "(5.00)", "1.234", ".5", "1e3", "12.3.4", "+5", "1,00,00,00,00,000.01", "99999999999999"])("refuses %j", (text) => {
    expect(parseRupeesToPaise(text)).toBeNull();
  });

  it("reads every amount in range exactly, formatted the Indian way or plain", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_AMOUNT_PAISE }), (paise) => {
        expect(parseRupeesToPaise(formatPaise(paise))).toBe(paise);
        const plain = `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, "0")}`;
        expect(parseRupeesToPaise(plain)).toBe(paise);
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("parseCsv", () => {
  it("handles quoted fields with commas, doubled quotes and line breaks", () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\n')).toEqual([["a", "b,c", 'say "hi"', "two\nlines"]]);
  });

  it("accepts CRLF, LF and a lone CR, and skips blank lines", () => {
    expect(parseCsv("h1,h2\r\nx,1\n\ny,2\rz,3\r\n\r\n")).toEqual([
      ["h1", "h2"],
      ["x", "1"],
      ["y", "2"],
      ["z", "3"],
    ]);
  });

  it("keeps a last line without a newline and empty fields", () => {
    expect(parseCsv("a,,c\n,b,")).toEqual([
      ["a", "", "c"],
      ["", "b", ""],
    ]);
  });

  it("refuses a file that ends inside a quoted field", () => {
    expect(() => parseCsv('a,"unterminated\n')).toThrow(expect.objectContaining({ code: "malformed_statement" }));
  });
});

describe("the default layout (debit and credit columns)", () => {
  it("reads debits, returns and other lines with DD/MM/YYYY, ISO and timestamp dates", () => {
    const csv = [
      HEADER,
      '05/01/2031,SIMUTR0000000001,po_abc,"1,23,456.78",,INR,"Payout, cycle 7"',
      "2031-01-06,SIMUTR0000000001,po_abc,,\"1,23,456.78\",INR,Returned",
      "2031-01-07T10:15:00Z,NEFTIN77,,,500.00,INR,Top-up",
      "07/01/2031,CHGS1,,17.70,,,Bank charges",
    ].join("\r\n");
    expect(parse(csv)).toEqual([
      { lineNo: 2, bankReference: "SIMUTR0000000001", reference: "po_abc", direction: "debit", amountPaise: 12_345_678, currency: "INR", kind: "payout", at: "2031-01-05T00:00:00.000Z" },
      { lineNo: 3, bankReference: "SIMUTR0000000001", reference: "po_abc", direction: "credit", amountPaise: 12_345_678, currency: "INR", kind: "return", at: "2031-01-06T00:00:00.000Z" },
      { lineNo: 4, bankReference: "NEFTIN77", reference: null, direction: "credit", amountPaise: 50_000, currency: "INR", kind: "other", at: "2031-01-07T10:15:00.000Z" },
      { lineNo: 5, bankReference: "CHGS1", reference: null, direction: "debit", amountPaise: 1_770, currency: "INR", kind: "other", at: "2031-01-07T00:00:00.000Z" },
    ]);
  });

  it("finds columns in any order, ignores extra ones, and trims headers, cells and a byte-order mark", () => {
    const csv = ["\uFEFF Narration , Credit,Debit,Balance, Customer Reference ,UTR,Value Date,Currency", "x,, 250.00 ,9999.00, po_1 , U1 ,01/02/2031,INR"].join("\n");
    expect(parse(csv)).toEqual([
      { lineNo: 2, bankReference: "U1", reference: "po_1", direction: "debit", amountPaise: 25_000, currency: "INR", kind: "payout", at: "2031-02-01T00:00:00.000Z" },
    ]);
  });

  it("is what statementParser('csv') uses by default", () => {
    const csv = `${HEADER}\n05/01/2031,U1,po_1,1.00,,INR,x\n`;
    expect(statementParser("csv").parse(csv)).toEqual(parse(csv));
    expect(statementParser("csv").format).toBe("csv");
  });

  it("reads a missing or lower-case currency as INR", () => {
    const csv = `${HEADER}\n05/01/2031,U1,po_1,1.00,,,x\n05/01/2031,U2,po_2,1.00,,inr,x\n`;
    expect(parse(csv).map((l) => l.currency)).toEqual(["INR", "INR"]);
  });

  it("reads a header-only statement as no lines", () => {
    expect(parse(`${HEADER}\r\n`)).toEqual([]);
  });
});

describe("an amount and direction mapping", () => {
  const parser = new CsvStatementParser({ date: "Txn Date", bankReference: "Ref No", reference: "Remarks", amount: "Amount", direction: "Dr/Cr" });

  it("reads DR/CR in any case and the long forms", () => {
    const csv = ["Txn Date,Ref No,Remarks,Amount,Dr/Cr", "05/01/2031,R1,po_1,\"1,000.00\",DR", "05/01/2031,R2,po_2,1.5,cr", "05/01/2031,R3,,2,Debit", "05/01/2031,R4,,3,c", "05/01/2031,R5,,4,D"].join("\n");
    expect(parser.parse(csv).map((l) => [l.bankReference, l.direction, l.amountPaise, l.kind, l.currency])).toEqual([
      ["R1", "debit", 100_000, "payout", "INR"],
      ["R2", "credit", 150, "return", "INR"],
      ["R3", "debit", 200, "other", "INR"],
      ["R4", "credit", 300, "other", "INR"],
      ["R5", "debit", 400, "other", "INR"],
    ]);
  });

  it("refuses a direction that is neither", () => {
    const error = parseError("Txn Date,Ref No,Remarks,Amount,Dr/Cr\n05/01/2031,R1,po_1,5,X\n", parser);
    expect(error.code).toBe("malformed_statement");
    expect(error.message).toMatch(/^Line 2: direction "X"/);
  });

  it("needs the mapped columns, not the default ones", () => {
    const error = parseError(`${HEADER}\n05/01/2031,U1,po_1,1.00,,INR,x\n`, parser);
    expect(error).toMatchObject({ kind: "invalid", code: "malformed_statement", details: { missing: ["Txn Date", "Ref No", "Remarks", "Amount", "Dr/Cr"] } });
  });
});

describe("refusals name the line", () => {
  const row = (over: Partial<Record<"date" | "utr" | "ref" | "debit" | "credit" | "currency", string>>) =>
    [over.date ?? "05/01/2031", over.utr ?? "U1", over.ref ?? "po_1", over.debit ?? "1.00", over.credit ?? "", over.currency ?? "INR", "n"].join(",");

  it.each([
    ["an unreadable date", row({ date: "5 Jan 2031" }), /Line 3: "5 Jan 2031" is not a date/],
    ["a month that does not exist", row({ date: "05/13/2031" }), /Line 3: "05\/13\/2031" is not a date/],
    ["a day the month does not have", row({ date: "31/02/2031" }), /Line 3: "31\/02\/2031" is not a date/],
    ["an ISO day the month does not have", row({ date: "2031-04-31" }), /Line 3: "2031-04-31" is not a date/],
    ["both debit and credit", row({ credit: "1.00" }), /Line 3: exactly one of the debit and credit columns/],
    ["neither debit nor credit", row({ debit: "" }), /Line 3: exactly one of the debit and credit columns/],
    ["an amount that is not rupees", row({ debit: "12.345" }), /Line 3: "12.345" is not an amount/],
    ["a zero amount", row({ debit: "0.00" }), /Line 3: "0.00" is not an amount/],
    ["a negative amount", row({ debit: "-5.00" }), /Line 3: "-5.00" is not an amount/],
    ["an empty bank reference", row({ utr: " " }), /Line 3: the bank reference is empty/],
    ["a currency Disburse does not pay in", row({ currency: "USD" }), /Line 3: currency "USD" is not one Disburse pays in \(INR\)/],
    ["a currency that is not a code", row({ currency: "rupees" }), /Line 3: currency "rupees" is not one/],
  ])("%s", (_what, bad, message) => {
    const error = parseError([HEADER, row({}), bad, row({ utr: "U9" })].join("\n"));
    expect(error).toMatchObject({ kind: "invalid", code: "malformed_statement", details: { line: 3 } });
    expect(error.message).toMatch(message);
  });

  it("counts physical lines, past blank lines and line breaks inside quoted fields", () => {
    const csv = [HEADER, "", '05/01/2031,U1,po_1,1.00,,INR,"a narration', 'over two lines"', "", "05/01/2031,U2,po_2,oops,,INR,n"].join("\r\n");
    const error = parseError(csv);
    expect(error).toMatchObject({ code: "malformed_statement", details: { line: 6 } });
    expect(error.message).toMatch(/^Line 6: "oops"/);
  });

  it("numbers good lines by where they start in the file", () => {
    const csv = [HEADER, "", '05/01/2031,U1,po_1,1.00,,INR,"two', 'lines"', "05/01/2031,U2,po_2,2.00,,INR,n"].join("\n");
    expect(parse(csv).map((l) => [l.bankReference, l.lineNo])).toEqual([
      ["U1", 3],
      ["U2", 5],
    ]);
  });

  it("refuses a statement without the mapped columns, naming them", () => {
    const error = parseError("Date,UTR,Debit\n05/01/2031,U1,1.00\n");
    expect(error).toMatchObject({ code: "malformed_statement", details: { missing: ["Value Date", "Customer Reference", "Credit"] } });
    expect(error.message).toContain('"Value Date"');
  });

  it("refuses an empty statement", () => {
    expect(parseError("\r\n\r\n")).toMatchObject({ code: "malformed_statement" });
  });

  it("refuses a statement longer than the limit", () => {
    const lines = Array.from({ length: MAX_STATEMENT_LINES + 1 }, (_, i) => `05/01/2031,U${i},,1.00,,INR,n`);
    expect(parseError([HEADER, ...lines].join("\n"))).toMatchObject({ kind: "invalid", code: "statement_too_large" });
  });

  it("uses the documented default column names", () => {
    expect(DEFAULT_CSV_MAPPING).toMatchObject({ date: "Value Date", bankReference: "UTR", reference: "Customer Reference", debit: "Debit", credit: "Credit" });
  });
});
