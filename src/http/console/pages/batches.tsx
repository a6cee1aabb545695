// Batches in the console: the list with filters, and one batch with its items, the checkers'
// decisions and the payouts it made.

import type { FC } from "hono/jsx";
import type { BatchView } from "../../views/batches";
import type { payoutView } from "../../views/payouts";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Id, Scroll, Status, Time } from "../../pages/layout";
import { OpsLayout, type Viewer } from "./shell";

type PayoutView = ReturnType<typeof payoutView>;

export interface BatchListRow {
  id: string;
  cycleId: string;
  status: string;
  makerId: string;
  totalPaise: number;
  itemCount: number;
  requiredApprovals: number;
  createdAt: string;
}

export interface BatchListProps {
  viewer: Viewer;
  statuses: readonly string[];
  filter: { status?: string | undefined; cycleId?: string | undefined };
  rows: BatchListRow[];
  nextHref: string | null;
}

export const BatchListPage: FC<BatchListProps> = ({ viewer, statuses, filter, rows, nextHref }) => (
  <OpsLayout title="Batches" viewer={viewer} section="batches">
    <h1>Batches</h1>
    <form class="card filters" method="get" action="/ops/batches" aria-label="Filter batches">
      <div>
        <label for="status">Status</label>
        <select id="status" name="status">
          <option value="">any</option>
          {statuses.map((s) => (
            <option value={s} selected={filter.status === s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="cycle">Cycle</label>
        <input id="cycle" name="cycle" type="text" value={filter.cycleId ?? ""} maxlength={60} placeholder="e.g. 2026-W48" />
      </div>
      <button class="secondary small" type="submit">
        Filter
      </button>
    </form>
    <section class="card" aria-label="Batch list">
      {rows.length === 0 ? (
        <p class="muted">No batches match.</p>
      ) : (
        <Scroll label="Batches">
          <table>
            <thead>
              <tr>
                <th>Cycle</th>
                <th>Status</th>
                <th class="num">Total</th>
                <th>Maker</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((b) => (
                <tr>
                  <td class="summary">
                    <a href={`/ops/batches/${b.id}`}>
                      <strong>{b.cycleId}</strong>
                    </a>
                    <div class="small muted">
                      <Id value={b.id} />
                    </div>
                  </td>
                  <td>
                    <Status value={b.status} />
                    <div class="small muted">
                      {b.itemCount} {b.itemCount === 1 ? "payee" : "payees"}
                    </div>
                  </td>
                  <td class="num">{formatPaise(b.totalPaise)}</td>
                  <td>
                    {b.makerId}
                    <div class="small muted">
                      <Time iso={b.createdAt} />
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
          <a href={nextHref}>Older batches →</a>
        </p>
      )}
    </section>
  </OpsLayout>
);

export interface BatchPageProps {
  viewer: Viewer;
  batch: BatchView;
  payeeNames: Record<string, string>;
  /** The payouts the batch made, newest first (retries add more than one per item). */
  payouts: PayoutView[];
  /** More payouts exist than are shown. */
  morePayouts: boolean;
}

export const BatchPage: FC<BatchPageProps> = ({ viewer, batch, payeeNames, payouts, morePayouts }) => {
  const latestByItem = new Map<string, PayoutView>();
  for (const p of payouts) if (!latestByItem.has(p.itemId)) latestByItem.set(p.itemId, p);
  const payee = (id: string) => (
    <>
      {payeeNames[id] ?? ""}
      <div class="small muted">
        <Id value={id} />
      </div>
    </>
  );
  return (
    <OpsLayout title={`Batch ${batch.cycleId}`} viewer={viewer} section="batches">
      <p class="muted small">
        <a href="/ops/batches">Batches</a> /
      </p>
      <h1>
        Batch for cycle {batch.cycleId} <Status value={batch.status} testId="batch-status" />
      </h1>
      <section class="card" aria-label="Summary">
        <dl>
          <dt>Batch</dt>
          <dd>
            <code>{batch.id}</code>
          </dd>
          <dt>Total</dt>
          <dd>
            <strong data-testid="batch-total">{formatPaise(batch.totalPaise)}</strong>
          </dd>
          <dt>Items</dt>
          <dd>
            {batch.itemCount} ({batch.blockedCount} blocked, {batch.excludedCount} excluded)
          </dd>
          <dt>Maker</dt>
          <dd>{batch.makerId}</dd>
          <dt>Approvals</dt>
          <dd>
            {batch.approvalCount} of {batch.requiredApprovals} needed
          </dd>
          {batch.rejectionReason && (
            <>
              <dt>Rejected/cancelled because</dt>
              <dd>{batch.rejectionReason}</dd>
            </>
          )}
          <dt>Fingerprint</dt>
          <dd>{batch.fingerprint ? <code>{batch.fingerprint}</code> : <span class="muted">not submitted</span>}</dd>
          <dt>Created</dt>
          <dd>
            <Time iso={batch.createdAt} />
          </dd>
          <dt>Submitted</dt>
          <dd>
            <Time iso={batch.submittedAt} />
          </dd>
          <dt>Decided</dt>
          <dd>
            <Time iso={batch.decidedAt} />
          </dd>
        </dl>
      </section>

      <section class="card" aria-label="Items">
        <h2>Items</h2>
        <Scroll label="Items">
          <table>
            <thead>
              <tr>
                <th>Payee</th>
                <th class="num">Amount</th>
                <th>Payout</th>
                <th>Reconciliation</th>
              </tr>
            </thead>
            <tbody>
              {batch.items.map((i) => {
                const failed = i.reconciliation.filter((c) => !c.ok);
                const latest = latestByItem.get(i.id);
                return (
                  <tr>
                    <td class="summary">
                      {payee(i.payeeId)}
                      <div class="small muted">{i.bankDetails ? `${i.bankDetails.accountNumberMasked} · ${i.bankDetails.ifsc}` : "no bank details frozen"}</div>
                    </td>
                    <td class="num">
                      {formatPaise(i.amountPaise)}
                      <div>
                        <Status value={i.status} />
                      </div>
                    </td>
                    <td>
                      {latest ? (
                        <>
                          <Id value={latest.id} href={`/ops/payouts/${latest.id}`} />
                          <div>
                            <Status value={latest.status} />
                          </div>
                        </>
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                    <td class="small reasons">
                      {i.exclusionReason && <div>Excluded: {i.exclusionReason}</div>}
                      {failed.length === 0 ? (
                        <span class="muted">{i.reconciliation.length} checks passed</span>
                      ) : (
                        failed.map((c) => (
                          <div>
                            <strong>{statusLabel(c.check)}</strong>: {c.reasons.join("; ")}
                          </div>
                        ))
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Scroll>
      </section>

      <section class="card" aria-label="Decisions">
        <h2>Approvals and decisions</h2>
        {batch.decisions.length === 0 ? (
          <p class="muted">No checker has decided yet.</p>
        ) : (
          <Scroll label="Decisions">
            <table>
              <thead>
                <tr>
                  <th>Checker</th>
                  <th>Decision</th>
                  <th>Reason</th>
                </tr>
              </thead>
              <tbody>
                {batch.decisions.map((d) => (
                  <tr>
                    <td>
                      {d.checkerId}
                      <div class="small muted">via {d.via}</div>
                    </td>
                    <td>
                      <Status value={d.decision === "approve" ? "approved" : "rejected"} />
                      <div class="small muted">
                        <Time iso={d.at} />
                      </div>
                    </td>
                    <td class="summary">{d.reason ?? <span class="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </section>

      <section class="card" aria-label="Payouts">
        <h2>Payouts</h2>
        {payouts.length === 0 ? (
          <p class="muted">No payouts yet.</p>
        ) : (
          <Scroll label="Payouts">
            <table>
              <thead>
                <tr>
                  <th>Payout</th>
                  <th class="num">Amount</th>
                  <th>Payee</th>
                  <th>Bank</th>
                </tr>
              </thead>
              <tbody>
                {payouts.map((p) => (
                  <tr>
                    <td>
                      <Id value={p.id} href={`/ops/payouts/${p.id}`} />
                      <div>
                        <Status value={p.status} />
                      </div>
                      <div class="small muted">
                        <Time iso={p.createdAt} />
                      </div>
                    </td>
                    <td class="num">{formatPaise(p.amountPaise)}</td>
                    <td class="summary">{payee(p.payeeId)}</td>
                    <td class="small">
                      {p.failureCode && <div>{p.failureCode}</div>}
                      {p.bankReference ? <Id value={p.bankReference} /> : <span class="muted">no reference</span>}
                      <div class="muted">
                        {p.attempts} {p.attempts === 1 ? "call" : "calls"}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
        {morePayouts && <p class="muted small">Showing the newest {payouts.length} payouts; list the rest with GET /v1/payouts?batchId={batch.id}.</p>}
      </section>
    </OpsLayout>
  );
};
