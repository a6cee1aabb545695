// A small reader of the journal export, written separately from the writer so the tests check
// the text itself: it knows only the hledger syntax the export promises, and refuses anything else.

export interface ParsedPosting {
  account: string;
  commodity: string;
  /** Signed minor units: debits positive, credits negative. */
  amountMinor: number;
}

export interface ParsedTransaction {
  date: string;
  code: string;
  description: string;
  tags: Record<string, string>;
  postings: ParsedPosting[];
}

export interface ParsedAccount {
  name: string;
  tags: Record<string, string>;
}

export interface ParsedJournal {
  commodities: string[];
  /** Tag names declared with `tag` directives. */
  declaredTags: string[];
  /** By hledger name. */
  accounts: Map<string, ParsedAccount>;
  transactions: ParsedTransaction[];
  /** The transaction count the last line announces, or null if the file has no such line. */
  announcedCount: number | null;
}

const TRANSACTION_HEADER = /^(\d{4}-\d{2}-\d{2}) \(([^)]+)\) (\S.*)$/;
const TAG_LINE = /^ {4}; ([A-Za-z_]+): (.*)$/;
const POSTING = /^ {4}(\S(?:\S| (?! ))*) {2,}([A-Z]+) (-?)(\d+)\.(\d{2})$/;
const ACCOUNT = /^account (\S(?:\S| (?! ))*)$/;
const ACCOUNT_TAGS = /^ {4}; (.*)$/;
const TAG_DIRECTIVE = /^tag ([A-Za-z_]+)$/;
const COMMODITY = /^commodity ([A-Z]+) 1,000\.00$/;
const TRAILER = /^; End of Disburse export: (\d+) transactions?\.$/;

export function parseJournal(text: string): ParsedJournal {
  const journal: ParsedJournal = { commodities: [], declaredTags: [], accounts: new Map(), transactions: [], announcedCount: null };
  let current: ParsedTransaction | null = null;
  let account: ParsedAccount | null = null;
  text.split("\n").forEach((line, index) => {
    const fail = (why: string) => new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`);
    if (journal.announcedCount !== null && line !== "") throw fail("text after the end line");
    let m: RegExpExecArray | null;
    if (account !== null) {
      // An account directive's tags are on the line after it.
      if (!(m = ACCOUNT_TAGS.exec(line))) throw fail("account directive without its tag line");
      account.tags = parseTags(m[1]!.split(", "));
      account = null;
    } else if (line === "") {
      current = null;
    } else if ((m = TRAILER.exec(line))) {
      journal.announcedCount = Number(m[1]);
    } else if (line.startsWith(";")) {
      if (journal.transactions.length > 0 || journal.accounts.size > 0) throw fail("file comment after the header");
    } else if ((m = COMMODITY.exec(line))) {
      journal.commodities.push(m[1]!);
    } else if ((m = TAG_DIRECTIVE.exec(line))) {
      journal.declaredTags.push(m[1]!);
    } else if ((m = ACCOUNT.exec(line))) {
      if (journal.accounts.has(m[1]!)) throw fail("account declared twice");
      account = { name: m[1]!, tags: {} };
      journal.accounts.set(m[1]!, account);
    } else if ((m = TRANSACTION_HEADER.exec(line))) {
      current = { date: m[1]!, code: m[2]!, description: m[3]!, tags: {}, postings: [] };
      journal.transactions.push(current);
    } else if (current !== null && (m = TAG_LINE.exec(line))) {
      const tx: ParsedTransaction = current;
      if (tx.postings.length > 0) throw fail("tag after a posting");
      if (!journal.declaredTags.includes(m[1]!)) throw fail("undeclared tag");
      Object.assign(tx.tags, parseTags([`${m[1]}: ${m[2]}`]));
    } else if (current !== null && (m = POSTING.exec(line))) {
      const magnitude = Number(`${m[4]}${m[5]}`);
      (current as ParsedTransaction).postings.push({ account: m[1]!, commodity: m[2]!, amountMinor: m[3] === "-" ? -magnitude : magnitude });
    } else {
      throw fail("not a line the export writes");
    }
  });
  return journal;
}

/** `key: value` pairs; values are percent-decoded as the export encodes them. */
function parseTags(parts: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of parts) {
    const m = /^([A-Za-z_]+): (.*)$/.exec(part);
    if (!m) throw new Error(`not a tag: ${JSON.stringify(part)}`);
    tags[m[1]!] = decodeURIComponent(m[2]!);
  }
  return tags;
}

/** The Disburse account id of an hledger name, from its account directive's disburse_id tag. */
export function disburseId(journal: ParsedJournal, name: string): string {
  const id = journal.accounts.get(name)?.tags.disburse_id;
  if (id === undefined) throw new Error(`account ${name} is used but not declared`);
  return id;
}

/** Net debits minus credits per Disburse account id, over every posting in the file. */
export function netByAccountId(journal: ParsedJournal): Map<string, number> {
  const net = new Map<string, number>();
  for (const tx of journal.transactions) {
    for (const p of tx.postings) {
      const id = disburseId(journal, p.account);
      net.set(id, (net.get(id) ?? 0) + p.amountMinor);
    }
  }
  return net;
}

/** The codes of transactions whose postings do not sum to zero in every commodity. */
export function unbalancedCodes(journal: ParsedJournal): string[] {
  return journal.transactions
    .filter((tx) => {
      const sums = new Map<string, number>();
      for (const p of tx.postings) sums.set(p.commodity, (sums.get(p.commodity) ?? 0) + p.amountMinor);
      return tx.postings.length < 2 || [...sums.values()].some((s) => s !== 0);
    })
    .map((tx) => tx.code);
}

/** Debit-side net to the account's own normal side, as Disburse reports balancePaise. */
export function normalSide(type: string, netDebit: number): number {
  return type === "asset" || type === "expense" ? netDebit : 0 - netDebit;
}
