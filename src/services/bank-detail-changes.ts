// Four eyes on bank details: approving or rejecting a requested change (someone other than its
// requester), and recording a verification, whose name match must pass or be overridden by a
// reviewer other than who entered the details.

import { assertMayDecide, assertNameMatchAllowsVerified, payableFrom } from "../domain/bank-detail-changes";
import { conflict, invalid, notFound } from "../domain/errors";
import { bestNameMatch } from "../domain/name-match";
import type { VerificationStatus } from "../domain/payees";
import { approveChange, type BankChangeRow, changesOfPayee, getChange, rejectChange } from "../store/bank-detail-changes";
import { type Db, nowIso } from "../store/client";
import { bankDetailsOf, getPayeeRow, type PayeeRow, setVerification } from "../store/payees";

export interface BankChangeSettings {
  /** BANK_CHANGE_COOLING_OFF_SECONDS: how long approved changed details wait before they are paid. */
  coolingOffSeconds: number;
  /** BANK_CHANGE_PAY_OLD_DETAILS_DURING_COOLING_OFF: keep paying the details in force until then. */
  paysOldDetails: boolean;
  /** BANK_NAME_MATCH_THRESHOLD: the least name-match score that may be recorded verified without an override. */
  nameMatchThreshold: number;
}

async function pendingChange(db: Db, payeeId: string, changeId: string): Promise<{ payee: PayeeRow; change: BankChangeRow }> {
  const payee = await getPayeeRow(db, payeeId); // 404 payee_not_found
  const change = await getChange(db, payeeId, changeId);
  if (!change) throw notFound("bank_change_not_found", `Payee ${payeeId} has no bank details change ${changeId}.`);
  return { payee, change };
}

const movedMeanwhile = () => conflict("concurrent_update", "The payee or the change moved while this decision was being recorded; read them again and retry.");

export async function approveBankChange(db: Db, payeeId: string, changeId: string, note: string, actorId: string, settings: BankChangeSettings): Promise<BankChangeRow> {
  const { payee, change } = await pendingChange(db, payeeId, changeId);
  assertMayDecide(change, actorId);
  const at = nowIso();
  const first = bankDetailsOf(payee) === null && payee.bankDetailsChangeId === null;
  if (!(await approveChange(db, payee, change, { actorId, at, note }, payableFrom(at, settings.coolingOffSeconds, first)))) throw movedMeanwhile();
  return (await getChange(db, payeeId, changeId))!;
}

export async function rejectBankChange(db: Db, payeeId: string, changeId: string, note: string, actorId: string): Promise<BankChangeRow> {
  const { payee, change } = await pendingChange(db, payeeId, changeId);
  assertMayDecide(change, actorId);
  if (!(await rejectChange(db, payee, change, { actorId, at: nowIso(), note }))) throw movedMeanwhile();
  return (await getChange(db, payeeId, changeId))!;
}

/** A payee's changes, newest first (at most 100). */
export async function listBankChanges(db: Db, payeeId: string): Promise<BankChangeRow[]> {
  await getPayeeRow(db, payeeId); // 404 payee_not_found
  return changesOfPayee(db, payeeId, 100);
}

export interface VerificationInput {
  status: Exclude<VerificationStatus, "unverified">;
  note?: string | undefined;
  /** The account holder's name as the bank returned it (penny drop). */
  bankAccountName?: string | undefined;
  /** A reviewer's decision to record verified despite a low name match. */
  nameMismatchOverride?: { reason: string } | undefined;
}

/**
 * Records the verification of the payee's approved details. `verified` needs the bank's name,
 * scored against the account holder and legal names (src/domain/name-match.ts); below the
 * threshold it needs an override by someone other than who requested the details.
 */
export async function verifyBankDetails(db: Db, payeeId: string, input: VerificationInput, actorId: string, settings: BankChangeSettings): Promise<PayeeRow> {
  const payee = await getPayeeRow(db, payeeId);
  const bank = bankDetailsOf(payee);
  if (bank === null) {
    throw conflict(
      "bank_details_missing",
      payee.pendingBankChangeId
        ? `The payee has no approved bank details to verify: change ${payee.pendingBankChangeId} awaits a second person's approval.`
        : "The payee has no bank details to verify.",
    );
  }
  const score = input.bankAccountName === undefined ? null : bestNameMatch(input.bankAccountName, [bank.accountHolderName, payee.legalName]);
  if (input.status === "verified") {
    if (score === null) throw invalid("bank_account_name_required", "Recording details as verified needs bankAccountName, the account holder's name the bank returned.", { field: "bankAccountName" });
    const requestedBy = payee.bankDetailsChangeId ? ((await getChange(db, payeeId, payee.bankDetailsChangeId))?.requestedBy ?? null) : null;
    assertNameMatchAllowsVerified({ score, threshold: settings.nameMatchThreshold, override: input.nameMismatchOverride, actorId, requestedBy });
  }
  const override = input.status === "verified" && score !== null && score < settings.nameMatchThreshold && input.nameMismatchOverride ? { by: actorId, reason: input.nameMismatchOverride.reason } : null;
  return setVerification(db, payee, input.status, input.note, { bankAccountName: input.bankAccountName ?? null, nameMatchScore: score, threshold: settings.nameMatchThreshold, override }, actorId);
}
