// Working exception tickets: moving one along its lifecycle, with the check that a bank-details
// ticket is really fixed before it is resolved, and the retry a resolution asks for.

import { conflict } from "../domain/errors";
import { BANK_DETAIL_CAUSES } from "../domain/exception-state";
import { type BankDetails, bankDetailsEqual, bankDetailsProblem } from "../domain/payees";
import { type Db, nowIso } from "../store/client";
import { type ExceptionRow, getException, transitionException } from "../store/exceptions";
import { findPayee } from "../store/payee-gate";
import { payableBankOf } from "../store/payees";
import { getPayout } from "../store/payouts";
import type { Deps } from "./deps";
import { retryAfterResolution } from "./retries";

export type ExceptionMove = "in_progress" | "resolved" | "dismissed";

/** Moves a ticket with a note; a resolution whose cause retries the payout runs that retry now (the cron re-drives it if this crashes). */
export async function resolveException(deps: Deps, id: string, to: ExceptionMove, note: string, actorId: string) {
  const { db } = deps;
  if (to === "resolved") await assertCauseFixed(db, (await getException(db, id)).row);
  const row = await transitionException(db, id, to, note, actorId);
  if (row.retryStatus === "pending") await retryAfterResolution(deps, row);
  return getException(db, id);
}

/**
 * A bank-details ticket can only be resolved once the payee's details are fixed and verified:
 * when the bank refused a payout, the details it refused must also have been replaced. Only the
 * details that may be paid count (four eyes: approved by a second person, past the cooling-off).
 */
async function assertCauseFixed(db: Db, row: ExceptionRow) {
  if (!(BANK_DETAIL_CAUSES as readonly string[]).includes(row.cause)) return;
  const refused = row.payoutId ? await getPayout(db, row.payoutId) : null;
  const payeeId = row.payeeId ?? refused?.payeeId ?? null;
  if (!payeeId) return;
  const payee = await findPayee(db, payeeId);
  const payable = payee ? payableBankOf(payee, nowIso()) : null;
  const current = payable?.ok ? payable.bank : null;
  const problem = !payee || !payable
    ? "payee_not_found"
    : !payable.ok
      ? payable.code
      : (bankDetailsProblem(current, payable.verificationStatus) ??
      (refused && bankDetailsEqual(current, JSON.parse(refused.bankSnapshot) as BankDetails) ? "bank_details_unchanged" : null));
  if (problem) {
    throw conflict("cause_not_fixed", `Correct and verify payee ${payeeId}'s bank details before resolving this (${problem}).`, { payeeId, problem });
  }
}
