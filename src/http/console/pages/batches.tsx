// Batches in the console: the list with filters, and one batch with its items, the checkers'
// decisions and the payouts it made.

import { RiskFlags } from "../../pages/risk-flags";
import type { FC } from "hono/jsx";
import type { BatchView } from "../../views/batches";
import type { payoutView } from "../../views/payouts";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Id, Status, Time } from "../../pages/layout";
import { Beneath, Card, Choice, Crumbs, Fact, Filters, Pager, RowLink, ScrollTable, StatusCell, TableCard, TimeFact } from "./parts";
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
    <Filters action="/ops/batches" label="Filter batches">
      <Choice name="status" label="Status" options={statuses} selected={filter.status} any />
      <div>
        <label for="cycle">Cycle</label>
        <input id="cycle" name="cycle" type="text" value={filter.cycleId ?? ""} maxlength={60} placeholder="e.g. 2026-W48" />
      </div>
    </Filters>
    <TableCard
      label="Batch list"
      count={rows.length}
      none="No batches match."
      table="Batches"
      columns={["Cycle", "Status", { num: "Total" }, "Maker"]}
      footer={<Pager href={nextHref} label="Older batches" />}
    >
      {rows.map((b) => (
        <BatchRow batch={b} />
      ))}
    </TableCard>
  </OpsLayout>
);

const BatchRow: FC<{ batch: BatchListRow }> = ({ batch: b }) => (
  <tr>
    <td class="summary">
      <RowLink href={`/ops/batches/${b.id}`}>{b.cycleId}</RowLink>
      <Beneath>
        <Id value={b.id} />
      </Beneath>
    </td>
    <td>
      <Status value={b.status} />
      <Beneath>
        {b.itemCount} {b.itemCount === 1 ? "payee" : "payees"}
      </Beneath>
    </td>
    <td class="num">{formatPaise(b.totalPaise)}</td>
    <td>
      {b.makerId}
      <Beneath>
        <Time iso={b.createdAt} />
      </Beneath>
    </td>
  </tr>
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

export const BatchPage: FC<BatchPageProps> = ({ viewer, batch, payeeNames, payouts, morePayouts }) => (
  <OpsLayout title={`Batch ${batch.cycleId}`} viewer={viewer} section="batches">
    <Crumbs trail={[["/ops/batches", "Batches"]]} />
    <h1>
      Batch for cycle {batch.cycleId} <Status value={batch.status} testId="batch-status" />
    </h1>
    <RiskFlags batch={batch} name={(id) => payeeNames[id] ?? id} payeeHref={(id) => `/ops/payees/${id}`} />
    <BatchSummary batch={batch} />
    <BatchItems batch={batch} payeeNames={payeeNames} payouts={payouts} />
    <Decisions decisions={batch.decisions} />
    <BatchPayouts batch={batch} payeeNames={payeeNames} payouts={payouts} morePayouts={morePayouts} />
  </OpsLayout>
);

const BatchSummary: FC<{ batch: BatchView }> = ({ batch }) => (
  <Card label="Summary">
    <dl>
      <Fact term="Batch">
        <code>{batch.id}</code>
      </Fact>
      <Fact term="Total">
        <strong data-testid="batch-total">{formatPaise(batch.totalPaise)}</strong>
      </Fact>
      <Fact term="Items">
        {batch.itemCount} ({batch.blockedCount} blocked, {batch.excludedCount} excluded{batch.heldCount > 0 ? `, ${batch.heldCount} held` : ""}
        {batch.deficitCount > 0 ? `, ${batch.deficitCount} in deficit carrying ${formatPaise(batch.carriedDeficitPaise)} forward` : ""})
      </Fact>
      <Fact term="Maker">{batch.makerId}</Fact>
      <Fact term="Approvals">
        {batch.approvalCount} of {batch.requiredApprovals} needed
      </Fact>
      {batch.rejectionReason && <Fact term="Rejected/cancelled because">{batch.rejectionReason}</Fact>}
      <Fact term="Fingerprint">{batch.fingerprint ? <code>{batch.fingerprint}</code> : <span class="muted">not submitted</span>}</Fact>
      <TimeFact term="Created" iso={batch.createdAt} />
      <TimeFact term="Submitted" iso={batch.submittedAt} />
      <TimeFact term="Decided" iso={batch.decidedAt} />
    </dl>
  </Card>
);

/** A payee by name, linking to the payee's page, with the id beneath (the name alone may not be unique). */
const Payee: FC<{ id: string; names: Record<string, string> }> = ({ id, names }) => (
  <>
    {names[id] !== undefined && <a href={`/ops/payees/${id}`}>{names[id]}</a>}
    <Beneath>
      <Id value={id} href={names[id] === undefined ? `/ops/payees/${id}` : undefined} />
    </Beneath>
  </>
);

type Item = BatchView["items"][number];

const BatchItems: FC<{ batch: BatchView; payeeNames: Record<string, string>; payouts: PayoutView[] }> = ({ batch, payeeNames, payouts }) => {
  // Payouts come newest first, so the first one seen for an item is its latest attempt.
  const latestByItem = new Map<string, PayoutView>();
  for (const p of payouts) if (!latestByItem.has(p.itemId)) latestByItem.set(p.itemId, p);
  return (
    <Card label="Items" title="Items">
      <ScrollTable label="Items" columns={["Payee", { num: "Amount" }, "Payout", "Reconciliation"]}>
        {batch.items.map((i) => (
          <ItemRow item={i} payeeNames={payeeNames} latest={latestByItem.get(i.id)} />
        ))}
      </ScrollTable>
    </Card>
  );
};

const ItemRow: FC<{ item: Item; payeeNames: Record<string, string>; latest: PayoutView | undefined }> = ({ item: i, payeeNames, latest }) => {
  const failed = i.reconciliation.filter((c) => !c.ok);
  return (
    <tr>
      <td class="summary">
        <Payee id={i.payeeId} names={payeeNames} />
        <Beneath>{i.bankDetails ? `${i.bankDetails.accountNumberMasked} · ${i.bankDetails.ifsc}` : "no bank details frozen"}</Beneath>
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
        {i.exclusionReason && <div>{i.status === "held" || i.status === "deficit" ? i.exclusionReason : `Excluded: ${i.exclusionReason}`}</div>}
        {i.carriedInPaise !== 0 && <div>Carried in from other cycles: {formatPaise(i.carriedInPaise)}</div>}
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
};

const Decisions: FC<{ decisions: BatchView["decisions"] }> = ({ decisions }) => (
  <TableCard
    label="Decisions"
    title="Approvals and decisions"
    count={decisions.length}
    none="No checker has decided yet."
    table="Decisions"
    columns={["Checker", "Decision", "Reason"]}
  >
    {decisions.map((d) => (
      <tr>
        <td>
          {d.checkerId}
          <Beneath>via {d.via}</Beneath>
        </td>
        <StatusCell value={d.decision === "approve" ? "approved" : "rejected"} at={d.at} />
        <td class="summary">{d.reason ?? <span class="muted">—</span>}</td>
      </tr>
    ))}
  </TableCard>
);

const BatchPayouts: FC<Omit<BatchPageProps, "viewer">> = ({ batch, payeeNames, payouts, morePayouts }) => (
  <TableCard
    label="Payouts"
    title="Payouts"
    count={payouts.length}
    none="No payouts yet."
    table="Payouts"
    columns={["Payout", { num: "Amount" }, "Payee", "Bank"]}
    footer={morePayouts && <p class="muted small">Showing the newest {payouts.length} payouts; list the rest with GET /v1/payouts?batchId={batch.id}.</p>}
  >
    {payouts.map((p) => (
      <PayoutRow payout={p} payeeNames={payeeNames} />
    ))}
  </TableCard>
);

const PayoutRow: FC<{ payout: PayoutView; payeeNames: Record<string, string> }> = ({ payout: p, payeeNames }) => (
  <tr>
    <td>
      <Id value={p.id} href={`/ops/payouts/${p.id}`} />
      <div>
        <Status value={p.status} />
      </div>
      <Beneath>
        <Time iso={p.createdAt} />
      </Beneath>
    </td>
    <td class="num">{formatPaise(p.amountPaise)}</td>
    <td class="summary">
      <Payee id={p.payeeId} names={payeeNames} />
    </td>
    <td class="small">
      {p.failureCode && <div>{p.failureCode}</div>}
      {p.bankReference ? <Id value={p.bankReference} /> : <span class="muted">no reference</span>}
      <div class="muted">
        {p.attempts} {p.attempts === 1 ? "call" : "calls"}
      </div>
    </td>
  </tr>
);
