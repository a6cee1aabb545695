// Exception tickets in the console: the work queue, and one ticket with its notes and the forms
// that move it (resolving runs the same retry as the API does).

import type { FC } from "hono/jsx";
import type { ExceptionView } from "../../views/exceptions";
import { statusLabel } from "../../pages/format";
import { Id, Status, Time } from "../../pages/layout";
import { Beneath, Card, Choice, CodeLink, Crumbs, Fact, Filters, IfAny, Pager, PostCard, RowLink, StatusCell, TableCard, TimeFact } from "./parts";
import { canAddNotes, canMoveExceptions, OpsLayout, type Viewer } from "./shell";

/** The list's status filter: "active" (the default) is open and in progress together. */
export const EXCEPTION_FILTERS = ["active", "open", "in_progress", "resolved", "dismissed", "all"] as const;
export type ExceptionFilter = (typeof EXCEPTION_FILTERS)[number];

export interface ExceptionListProps {
  viewer: Viewer;
  filter: { status: ExceptionFilter; cause?: string | undefined };
  causes: readonly string[];
  rows: ExceptionView[];
  nextHref: string | null;
}

export const ExceptionListPage: FC<ExceptionListProps> = ({ viewer, filter, causes, rows, nextHref }) => (
  <OpsLayout title="Exceptions" viewer={viewer} section="exceptions">
    <h1>Exceptions</h1>
    <Filters action="/ops/exceptions" label="Filter exceptions">
      <Choice name="status" label="Status" options={EXCEPTION_FILTERS} selected={filter.status} optionLabel={filterLabel} />
      <Choice name="cause" label="Cause" options={causes} selected={filter.cause} any />
    </Filters>
    <TableCard
      label="Exception list"
      count={rows.length}
      none="No exceptions match."
      table="Exceptions"
      columns={["Exception", "Status"]}
      testId="exceptions"
      footer={<Pager href={nextHref} label="Older exceptions" />}
    >
      {rows.map((e) => (
        <ExceptionRow exception={e} />
      ))}
    </TableCard>
  </OpsLayout>
);

const filterLabel = (s: string) => (s === "active" ? "open or in progress" : statusLabel(s));

const ExceptionRow: FC<{ exception: ExceptionView }> = ({ exception: e }) => (
  <tr data-exception={e.id}>
    <td class="summary">
      <RowLink href={`/ops/exceptions/${e.id}`}>{statusLabel(e.cause)}</RowLink>
      <div class="small">{e.summary}</div>
      {e.payoutId && (
        <Beneath>
          Payout <Id value={e.payoutId} href={`/ops/payouts/${e.payoutId}`} />
        </Beneath>
      )}
    </td>
    <StatusCell value={e.status} at={e.createdAt} />
  </tr>
);

export interface ExceptionNote {
  id: number;
  at: string;
  actorId: string;
  fromStatus: string | null;
  toStatus: string | null;
  note: string;
}

export interface PayeeFacts {
  id: string;
  displayName: string;
  accountNumberMasked: string | null;
  ifsc: string | null;
  verificationStatus: string;
}

export interface ExceptionPageProps {
  viewer: Viewer;
  exception: ExceptionView & { notes: ExceptionNote[] };
  payee: PayeeFacts | null;
  /** What resolving does for this cause, in words. */
  resolveEffect: string;
  /** The outcome of the form just sent: a confirmation, or a refusal that changed nothing. */
  outcome?: { tone: "ok" | "bad"; title?: string; message: string } | undefined;
  /** The note typed before a refusal, so it is not lost. */
  draft?: string | undefined;
}

export const ExceptionPage: FC<ExceptionPageProps> = ({ viewer, exception: e, payee, resolveEffect, outcome, draft }) => {
  const closed = e.status === "resolved" || e.status === "dismissed";
  return (
    <OpsLayout title={`Exception ${statusLabel(e.cause)}`} viewer={viewer} section="exceptions">
      <Crumbs trail={[["/ops/exceptions", "Exceptions"]]} />
      <h1>
        {statusLabel(e.cause)} <Status value={e.status} testId="exception-status" />
      </h1>
      {outcome && <Outcome {...outcome} />}
      {(e.retryResult || e.retryStatus === "pending") && <RetryResult exception={e} />}
      <ExceptionSummary exception={e} payee={payee} />
      <Details details={e.details} />
      <Notes notes={e.notes} />
      {!closed && canMoveExceptions(viewer) && <StatusForm viewer={viewer} exception={e} resolveEffect={resolveEffect} draft={draft} />}
      {canAddNotes(viewer) && <NoteForm viewer={viewer} exception={e} />}
      {!canMoveExceptions(viewer) && !closed && (
        <p class="muted small">Moving, resolving and dismissing exceptions needs the admin role.</p>
      )}
    </OpsLayout>
  );
};

const Outcome: FC<NonNullable<ExceptionPageProps["outcome"]>> = ({ tone, title, message }) => (
  <div class={`notice ${tone}`} role={tone === "bad" ? "alert" : "status"}>
    <p>
      {title && <strong>{title}: </strong>}
      <span data-testid="outcome-message">{message}</span>
    </p>
  </div>
);

const ExceptionSummary: FC<{ exception: ExceptionView; payee: PayeeFacts | null }> = ({ exception: e, payee }) => (
  <Card label="Summary">
    <p data-testid="exception-summary">{e.summary}</p>
    <dl>
      <Fact term="Exception">
        <code>{e.id}</code>
      </Fact>
      {e.payoutId && (
        <Fact term="Payout">
          <CodeLink href={`/ops/payouts/${e.payoutId}`} value={e.payoutId} testId="payout-link" />
        </Fact>
      )}
      {e.batchId && (
        <Fact term="Batch">
          <CodeLink href={`/ops/batches/${e.batchId}`} value={e.batchId} />
        </Fact>
      )}
      {payee && <PayeeNow payee={payee} />}
      <TimeFact term="Opened" iso={e.createdAt} />
      <TimeFact term="Updated" iso={e.updatedAt} />
      {e.resolvedAt && (
        <Fact term="Closed">
          <Time iso={e.resolvedAt} /> by {e.resolvedBy}
        </Fact>
      )}
    </dl>
  </Card>
);

/** The payee as they are now, which may differ from what the failed payout was sent to. */
const PayeeNow: FC<{ payee: PayeeFacts }> = ({ payee }) => (
  <>
    <Fact term="Payee">
      {payee.displayName} · <code>{payee.id}</code>
    </Fact>
    <Fact term="Bank details now" testId="payee-bank">
      {payee.accountNumberMasked ? `${payee.accountNumberMasked} · ${payee.ifsc}` : "none"}{" "}
      <Status value={payee.verificationStatus} tone={payee.verificationStatus === "verified" ? "ok" : "warn"} />
    </Fact>
  </>
);

const Details: FC<{ details: ExceptionView["details"] }> = ({ details }) => (
  <Card label="Details" title="Details">
    <IfAny count={Object.keys(details).length} none="No details.">
      <dl>
        {Object.entries(details).map(([k, v]) => (
          <Fact term={k}>{detailValue(v)}</Fact>
        ))}
      </dl>
    </IfAny>
  </Card>
);

const Notes: FC<{ notes: ExceptionNote[] }> = ({ notes }) => (
  <Card label="Notes" title="Notes">
    <IfAny count={notes.length} none="No notes yet.">
      <ol class="timeline notes">
        {notes.map((n) => (
          <li data-kind={n.toStatus ? "state_change" : "note"} data-to={n.toStatus ?? undefined}>
            <Beneath>
              <Time iso={n.at} /> · {n.actorId}
              {n.toStatus && (
                <>
                  {" "}
                  · {n.fromStatus && <Status value={n.fromStatus} />} → <Status value={n.toStatus} />
                </>
              )}
            </Beneath>
            <div class="note">{n.note}</div>
          </li>
        ))}
      </ol>
    </IfAny>
  </Card>
);

const StatusForm: FC<{ viewer: Viewer; exception: ExceptionView; resolveEffect: string; draft: string | undefined }> = ({ viewer, exception: e, resolveEffect, draft }) => (
  <PostCard action={`/ops/exceptions/${e.id}/status`} title="Work this exception" csrfToken={viewer.csrfToken}>
    <p class="muted small">{resolveEffect}</p>
    <label for="status-note">Note (required)</label>
    <textarea id="status-note" name="note" required maxlength={2000}>
      {draft ?? ""}
    </textarea>
    <div class="actions spaced">
      <button class="approve" type="submit" name="status" value="resolved">
        Resolve
      </button>
      {e.status === "open" && (
        <button class="secondary" type="submit" name="status" value="in_progress">
          Move to in progress
        </button>
      )}
      <button class="reject" type="submit" name="status" value="dismissed">
        Dismiss
      </button>
    </div>
  </PostCard>
);

const NoteForm: FC<{ viewer: Viewer; exception: ExceptionView }> = ({ viewer, exception: e }) => (
  <PostCard action={`/ops/exceptions/${e.id}/notes`} title="Add a note" csrfToken={viewer.csrfToken}>
    <label for="note">Note</label>
    <textarea id="note" name="note" required maxlength={2000}></textarea>
    <div class="actions spaced">
      <button class="secondary" type="submit">
        Add note
      </button>
    </div>
  </PostCard>
);

/** Words stay words; identifiers and structured values are shown as code. */
function detailValue(v: unknown) {
  if (v === null || v === undefined || v === "") return <span class="muted">—</span>;
  if (typeof v === "string") return /\s/.test(v) ? v : <code>{v}</code>;
  return <code>{JSON.stringify(v)}</code>;
}

/** What the retry after a resolution did: the new payout as a link, or why nothing was paid. */
const RetryResult: FC<{ exception: ExceptionView }> = ({ exception: e }) => {
  const r = e.retryResult as { kind?: string; outcome?: string; payoutId?: string; reason?: string; attempts?: number; nextAttemptAt?: string; error?: string; exceptionId?: string } | null;
  if (!r) {
    return (
      <div class="notice warn" role="status" data-testid="retry-result">
        <p>The retry is pending; the scheduler runs it if it did not finish.</p>
      </div>
    );
  }
  const payoutLink = r.payoutId && (
    <a href={`/ops/payouts/${r.payoutId}`} data-testid="retry-payout-link">
      {r.payoutId}
    </a>
  );
  let message;
  if (r.kind === "attempt_failed") message = <>Retry attempt {String(r.attempts)} failed ({r.error}); the scheduler tries again after {r.nextAttemptAt}.</>;
  else if (r.kind === "exhausted") message = <>The retry failed {String(r.attempts)} times and was stopped ({r.error}); a retry_exhausted ticket says so.</>;
  else if (r.kind === "rearmed") message = <>The retry of exception {r.exceptionId} starts again on the scheduler's next pass.</>;
  else if (r.kind === "requeued") message = <>Payout {payoutLink} was handed back to the transfer worker, which asks the bank before sending anything.</>;
  else if (r.kind === "nothing_to_do") message = <>Nothing was retried: {r.reason}.</>;
  else if (r.outcome === "refused") message = <>The payee's gate refused a new payout: {r.reason}.</>;
  else if (r.outcome === "existing") message = <>The item already has payout {payoutLink}.</>;
  else message = <>A new payout was made: {payoutLink}.</>;
  const tone = r.outcome === "refused" || r.kind === "exhausted" ? "bad" : r.kind === "attempt_failed" ? "warn" : "ok";
  return (
    <div class={`notice ${tone}`} role="status" data-testid="retry-result">
      <h2>Retry</h2>
      <p>{message}</p>
    </div>
  );
};
