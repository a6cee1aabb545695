// Exception tickets in the console: the work queue, and one ticket with its notes and the forms
// that move it (resolving runs the same retry as the API does).

import type { FC } from "hono/jsx";
import type { ExceptionView } from "../../views/exceptions";
import { statusLabel } from "../../pages/format";
import { Id, Scroll, Status, Time } from "../../pages/layout";
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
    <form class="card filters" method="get" action="/ops/exceptions" aria-label="Filter exceptions">
      <div>
        <label for="status">Status</label>
        <select id="status" name="status">
          {EXCEPTION_FILTERS.map((s) => (
            <option value={s} selected={filter.status === s}>
              {s === "active" ? "open or in progress" : statusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="cause">Cause</label>
        <select id="cause" name="cause">
          <option value="">any</option>
          {causes.map((c) => (
            <option value={c} selected={filter.cause === c}>
              {statusLabel(c)}
            </option>
          ))}
        </select>
      </div>
      <button class="secondary small" type="submit">
        Filter
      </button>
    </form>
    <section class="card" aria-label="Exception list">
      {rows.length === 0 ? (
        <p class="muted">No exceptions match.</p>
      ) : (
        <Scroll label="Exceptions">
          <table data-testid="exceptions">
            <thead>
              <tr>
                <th>Exception</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr data-exception={e.id}>
                  <td class="summary">
                    <a href={`/ops/exceptions/${e.id}`}>
                      <strong>{statusLabel(e.cause)}</strong>
                    </a>
                    <div class="small">{e.summary}</div>
                    {e.payoutId && (
                      <div class="small muted">
                        Payout <Id value={e.payoutId} href={`/ops/payouts/${e.payoutId}`} />
                      </div>
                    )}
                  </td>
                  <td>
                    <Status value={e.status} />
                    <div class="small muted">
                      <Time iso={e.createdAt} />
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {nextHref && (
        <p class="pager">
          <span />
          <a href={nextHref}>Older exceptions →</a>
        </p>
      )}
    </section>
  </OpsLayout>
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
  const action = `/ops/exceptions/${e.id}`;
  return (
    <OpsLayout title={`Exception ${statusLabel(e.cause)}`} viewer={viewer} section="exceptions">
      <p class="muted small">
        <a href="/ops/exceptions">Exceptions</a> /
      </p>
      <h1>
        {statusLabel(e.cause)} <Status value={e.status} testId="exception-status" />
      </h1>
      {outcome && (
        <div class={`notice ${outcome.tone}`} role={outcome.tone === "bad" ? "alert" : "status"}>
          <p>
            {outcome.title && <strong>{outcome.title}: </strong>}
            <span data-testid="outcome-message">{outcome.message}</span>
          </p>
        </div>
      )}
      {(e.retryResult || e.retryStatus === "pending") && <RetryResult exception={e} />}

      <section class="card" aria-label="Summary">
        <p data-testid="exception-summary">{e.summary}</p>
        <dl>
          <dt>Exception</dt>
          <dd>
            <code>{e.id}</code>
          </dd>
          {e.payoutId && (
            <>
              <dt>Payout</dt>
              <dd>
                <a href={`/ops/payouts/${e.payoutId}`} data-testid="payout-link">
                  <code>{e.payoutId}</code>
                </a>
              </dd>
            </>
          )}
          {e.batchId && (
            <>
              <dt>Batch</dt>
              <dd>
                <a href={`/ops/batches/${e.batchId}`}>
                  <code>{e.batchId}</code>
                </a>
              </dd>
            </>
          )}
          {payee && (
            <>
              <dt>Payee</dt>
              <dd>
                {payee.displayName} · <code>{payee.id}</code>
              </dd>
              <dt>Bank details now</dt>
              <dd data-testid="payee-bank">
                {payee.accountNumberMasked ? `${payee.accountNumberMasked} · ${payee.ifsc}` : "none"}{" "}
                <Status value={payee.verificationStatus} tone={payee.verificationStatus === "verified" ? "ok" : "warn"} />
              </dd>
            </>
          )}
          <dt>Opened</dt>
          <dd>
            <Time iso={e.createdAt} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time iso={e.updatedAt} />
          </dd>
          {e.resolvedAt && (
            <>
              <dt>Closed</dt>
              <dd>
                <Time iso={e.resolvedAt} /> by {e.resolvedBy}
              </dd>
            </>
          )}
        </dl>
      </section>

      <section class="card" aria-label="Details">
        <h2>Details</h2>
        {Object.keys(e.details).length === 0 ? (
          <p class="muted">No details.</p>
        ) : (
          <dl>
            {Object.entries(e.details).map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{detailValue(v)}</dd>
              </>
            ))}
          </dl>
        )}
      </section>

      <section class="card" aria-label="Notes">
        <h2>Notes</h2>
        {e.notes.length === 0 ? (
          <p class="muted">No notes yet.</p>
        ) : (
          <ol class="timeline notes">
            {e.notes.map((n) => (
              <li data-kind={n.toStatus ? "state_change" : "note"} data-to={n.toStatus ?? undefined}>
                <div class="small muted">
                  <Time iso={n.at} /> · {n.actorId}
                  {n.toStatus && (
                    <>
                      {" "}
                      · {n.fromStatus && <Status value={n.fromStatus} />} → <Status value={n.toStatus} />
                    </>
                  )}
                </div>
                <div class="note">{n.note}</div>
              </li>
            ))}
          </ol>
        )}
      </section>

      {!closed && canMoveExceptions(viewer) && (
        <form class="card" method="post" action={`${action}/status`} aria-label="Work this exception">
          <h2>Work this exception</h2>
          <input type="hidden" name="csrf" value={viewer.csrfToken} />
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
        </form>
      )}
      {canAddNotes(viewer) && (
        <form class="card" method="post" action={`${action}/notes`} aria-label="Add a note">
          <h2>Add a note</h2>
          <input type="hidden" name="csrf" value={viewer.csrfToken} />
          <label for="note">Note</label>
          <textarea id="note" name="note" required maxlength={2000}></textarea>
          <div class="actions spaced">
            <button class="secondary" type="submit">
              Add note
            </button>
          </div>
        </form>
      )}
      {!canMoveExceptions(viewer) && !closed && (
        <p class="muted small">Moving, resolving and dismissing exceptions needs the admin role.</p>
      )}
    </OpsLayout>
  );
};

/** Words stay words; identifiers and structured values are shown as code. */
function detailValue(v: unknown) {
  if (v === null || v === undefined || v === "") return <span class="muted">—</span>;
  if (typeof v === "string") return /\s/.test(v) ? v : <code>{v}</code>;
  return <code>{JSON.stringify(v)}</code>;
}

/** What the retry after a resolution did: the new payout as a link, or why nothing was paid. */
const RetryResult: FC<{ exception: ExceptionView }> = ({ exception: e }) => {
  const r = e.retryResult as { kind?: string; outcome?: string; payoutId?: string; reason?: string } | null;
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
  if (r.kind === "requeued") message = <>Payout {payoutLink} was handed back to the transfer worker, which asks the bank before sending anything.</>;
  else if (r.kind === "nothing_to_do") message = <>Nothing was retried: {r.reason}.</>;
  else if (r.outcome === "refused") message = <>The payee's gate refused a new payout: {r.reason}.</>;
  else if (r.outcome === "existing") message = <>The item already has payout {payoutLink}.</>;
  else message = <>A new payout was made: {payoutLink}.</>;
  const tone = r.outcome === "refused" ? "bad" : "ok";
  return (
    <div class={`notice ${tone}`} role="status" data-testid="retry-result">
      <h2>Retry</h2>
      <p>{message}</p>
    </div>
  );
};
