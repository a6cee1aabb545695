// The approval page a checker opens from the link in their inbox. A GET only shows; the
// buttons POST with a CSRF token.

import type { FC } from "hono/jsx";
import type { BatchView } from "../views/batches";
import { formatPaise } from "../../domain/money";
import { Layout, Notice, Scroll, Status, Time } from "../pages/layout";
import { RiskFlags } from "../pages/risk-flags";

export interface ApprovalPageProps {
  batch: BatchView;
  payeeNames: Record<string, string>;
  checkerId: string;
  actionPath: string;
  csrfToken: string;
  /** ISO 8601; shown in IST. */
  expiresAt: string;
}

const LARGEST_ITEMS_SHOWN = 10;

export const ApprovalPage: FC<ApprovalPageProps> = ({ batch, payeeNames, checkerId, actionPath, csrfToken, expiresAt }) => {
  const payable = batch.items.filter((i) => i.status === "ok");
  const name = (payeeId: string) => payeeNames[payeeId] ?? payeeId;
  return (
    <Layout title={`Approve payout batch ${batch.cycleId}`}>
      <h1>Approve payouts for cycle {batch.cycleId}</h1>
      <p class="muted">
        You are signed in by this link as <strong>{checkerId}</strong>. It expires <Time iso={expiresAt} />.
      </p>
      <RiskFlags batch={batch} name={name} />
      <Summary batch={batch} payableCount={payable.length} />
      <LargestItems payable={payable} name={name} />
      <SetAside items={batch.items.filter((i) => i.status !== "ok")} name={name} />
      <Decision batch={batch} actionPath={actionPath} csrfToken={csrfToken} />
    </Layout>
  );
};

type Item = BatchView["items"][number];

/** What the checker approves: the payable count and total, and the fingerprint the approval is bound to. */
const Summary: FC<{ batch: BatchView; payableCount: number }> = ({ batch, payableCount }) => (
  <section class="card" aria-label="Summary">
    <dl>
      <dt>Batch</dt>
      <dd><code>{batch.id}</code></dd>
      <dt>Cycle</dt>
      <dd>{batch.cycleId}</dd>
      <dt>Payees</dt>
      <dd data-testid="item-count">{payableCount}</dd>
      <dt>Total</dt>
      <dd data-testid="total"><strong>{formatPaise(batch.totalPaise)}</strong></dd>
      {batch.carriedDeficitPaise > 0 && (
        <>
          <dt>Deficits carried forward</dt>
          <dd data-testid="carried-deficit">
            {formatPaise(batch.carriedDeficitPaise)} ({batch.deficitCount} payee{batch.deficitCount === 1 ? "" : "s"} not paid; netted in their next cycle)
          </dd>
        </>
      )}
      <dt>Maker</dt>
      <dd>{batch.makerId}</dd>
      <dt>Approvals</dt>
      <dd data-testid="approvals">{batch.approvalCount} of {batch.requiredApprovals} needed</dd>
      <dt>Fingerprint</dt>
      <dd><code>{batch.fingerprint}</code></dd>
    </dl>
  </section>
);

const LargestItems: FC<{ payable: Item[]; name: (payeeId: string) => string }> = ({ payable, name }) => {
  const largest = [...payable].sort((a, b) => b.amountPaise - a.amountPaise).slice(0, LARGEST_ITEMS_SHOWN);
  return (
    <section class="card" aria-label="Largest items">
      <h2>Largest payouts</h2>
      <Scroll>
        <table>
          <thead>
            <tr><th>Payee</th><th class="num">Orders</th><th class="num">Amount</th></tr>
          </thead>
          <tbody>
            {largest.map((i) => (
              <tr>
                <td>
                  {name(i.payeeId)}
                  <div class="muted small">{i.bankDetails ? `${i.bankDetails.accountNumberMasked} · ${i.bankDetails.ifsc}` : "—"}</div>
                </td>
                <td class="num">{i.orders.length}</td>
                <td class="num">
                  {formatPaise(i.amountPaise)}
                  {i.carriedInPaise !== 0 && <div class="muted small">incl. {formatPaise(i.carriedInPaise)} carried from other cycles</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
      {payable.length > largest.length && <p class="muted">…and {payable.length - largest.length} smaller payouts.</p>}
    </section>
  );
};

/** Items that will not be paid, with why: excluded by the maker, or blocked by reconciliation. */
const SetAside: FC<{ items: Item[]; name: (payeeId: string) => string }> = ({ items, name }) =>
  items.length === 0 ? null : (
    <section class="card" aria-label="Excluded items">
      <h2>Excluded from this batch</h2>
      <Scroll>
        <table>
          <thead><tr><th>Payee</th><th class="num">Amount</th><th>Reason</th></tr></thead>
          <tbody>
            {items.map((i) => (
              <tr>
                <td>{name(i.payeeId)}</td>
                <td class="num">{formatPaise(i.amountPaise)}</td>
                <td>{i.exclusionReason ?? i.reconciliation.filter((c) => !c.ok).flatMap((c) => c.reasons).join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  );

const Decision: FC<{ batch: BatchView; actionPath: string; csrfToken: string }> = ({ batch, actionPath, csrfToken }) => (
  <section class="card actions" aria-label="Decision">
    <form method="post" action={actionPath}>
      <input type="hidden" name="csrf" value={csrfToken} />
      <input type="hidden" name="action" value="approve" />
      <button class="approve" type="submit">Approve {formatPaise(batch.totalPaise)}</button>
    </form>
    <form method="post" action={actionPath} style="flex:1;min-width:240px">
      <input type="hidden" name="csrf" value={csrfToken} />
      <input type="hidden" name="action" value="reject" />
      <label for="reason">Reason for rejecting</label>
      <textarea id="reason" name="reason" required maxlength={500}></textarea>
      <button class="reject" type="submit">Reject</button>
    </form>
  </section>
);

export const ApprovalMessage: FC<{ tone: "ok" | "bad" | "warn" | "info"; title: string; message: string; batch?: BatchView }> = ({
  tone,
  title,
  message,
  batch,
}) => (
  <Layout title={title}>
    <Notice tone={tone} title={title}>
      <p>{message}</p>
      {batch && (
        <p class="muted">
          Batch <code>{batch.id}</code> · cycle {batch.cycleId} · {formatPaise(batch.totalPaise)} · status <Status value={batch.status} testId="batch-status" /> ·{" "}
          {batch.approvalCount} of {batch.requiredApprovals} approvals
        </p>
      )}
    </Notice>
  </Layout>
);
