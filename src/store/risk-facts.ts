// What the risk flags are computed from, for a batch's payees in a few queries: each payee's
// latest paid payouts (with the details they went to), and other payees on the same account.

import { and, inArray, sql } from "drizzle-orm";
import { HISTORY_PAYOUTS, type PayeeRiskFacts } from "../domain/risk-flags";
import type { BankDetails } from "../domain/payees";
import { type Db, inChunks } from "./client";
import { payeeAccountLastFour } from "./console-search";
import { payees, payouts } from "./schema";

/** Each payee's latest paid payouts, newest first: one query per 90 payees, through the payee index. */
export async function paidHistory(db: Db, payeeIds: readonly string[]): Promise<Map<string, Array<{ amountPaise: number; bank: BankDetails }>>> {
  const rows = await inChunks(payeeIds, (chunk) =>
    db.all<{ payee_id: string; amount_paise: number; bank_snapshot: string }>(sql`
      SELECT payee_id, amount_paise, bank_snapshot FROM (
        SELECT ${payouts.payeeId} AS payee_id, ${payouts.amountPaise} AS amount_paise, ${payouts.bankSnapshot} AS bank_snapshot,
          ROW_NUMBER() OVER (PARTITION BY ${payouts.payeeId} ORDER BY ${payouts.processedAt} DESC, ${payouts.id} DESC) AS n
        FROM ${payouts} WHERE ${inArray(payouts.payeeId, chunk)} AND ${payouts.status} = 'processed'
      ) WHERE n <= ${HISTORY_PAYOUTS} ORDER BY payee_id, n`),
  );
  const byPayee = new Map<string, Array<{ amountPaise: number; bank: BankDetails }>>();
  for (const r of rows) {
    const list = byPayee.get(r.payee_id) ?? [];
    list.push({ amountPaise: r.amount_paise, bank: JSON.parse(r.bank_snapshot) as BankDetails });
    byPayee.set(r.payee_id, list);
  }
  return byPayee;
}

/** For each account (number and IFSC), every payee on it: found through the last-four index. */
export async function payeesOnAccounts(db: Db, accounts: readonly BankDetails[]): Promise<Map<string, string[]>> {
  const numbers = [...new Set(accounts.map((a) => a.accountNumber))];
  const rows = await inChunks(
    numbers,
    (chunk) =>
      db
        .select({ id: payees.id, accountNumber: payees.bankAccountNumber, ifsc: payees.bankIfsc })
        .from(payees)
        .where(and(inArray(payeeAccountLastFour, [...new Set(chunk.map((n) => n.slice(-4)))]), inArray(payees.bankAccountNumber, chunk))),
    45,
  );
  const onAccount = new Map<string, string[]>();
  for (const r of rows) {
    const key = `${r.accountNumber}|${r.ifsc}`;
    onAccount.set(key, [...(onAccount.get(key) ?? []), r.id]);
  }
  return onAccount;
}

/** What each payee's latest verification found (the bank's name and the match), by payee. */
async function nameChecks(db: Db, payeeIds: readonly string[]): Promise<Map<string, PayeeRiskFacts["nameCheck"]>> {
  const rows = await inChunks(payeeIds, (chunk) => db.select({ id: payees.id, bankVerification: payees.bankVerification }).from(payees).where(inArray(payees.id, chunk)));
  return new Map(rows.map((r) => [r.id, r.bankVerification ? (JSON.parse(r.bankVerification) as PayeeRiskFacts["nameCheck"]) : null]));
}

/** The facts riskFlagsFor needs, per payable item. */
export async function riskFactsFor(db: Db, items: ReadonlyArray<{ payeeId: string; amountPaise: number; bank: BankDetails | null }>): Promise<PayeeRiskFacts[]> {
  const history = await paidHistory(
    db,
    items.map((i) => i.payeeId),
  );
  const onAccount = await payeesOnAccounts(
    db,
    items.flatMap((i) => (i.bank ? [i.bank] : [])),
  );
  const checks = await nameChecks(
    db,
    items.map((i) => i.payeeId),
  );
  return items.map((i) => ({
    payeeId: i.payeeId,
    nameCheck: checks.get(i.payeeId) ?? null,
    amountPaise: i.amountPaise,
    bank: i.bank,
    history: history.get(i.payeeId) ?? [],
    sharingAccountWith: i.bank ? (onAccount.get(`${i.bank.accountNumber}|${i.bank.ifsc}`) ?? []).filter((id) => id !== i.payeeId).sort() : [],
  }));
}
