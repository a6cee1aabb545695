// One payout: where it stands, and its whole timeline (every state change, bank call, webhook,
// poll and ledger posting, with who did it and when), linked to its batch and its exceptions.

import type { Child, FC } from "hono/jsx";
import type { ExceptionView } from "../../views/exceptions";
import type { payoutTimeline } from "../../../store/payouts";
import type { payoutView } from "../../views/payouts";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Id, Status, Time } from "../../pages/layout";
import { Beneath, Card, CodeLink, Crumbs, Fact, RowLink, StatusCell, TableCard, TimeFact } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

type TimelineEvent = Awaited<ReturnType<typeof payoutTimeline>>[number];

export interface PayoutPageProps {
  viewer: Viewer;
  payout: ReturnType<typeof payoutView> & { retryOf: string | null };
  payeeName: string | null;
  events: TimelineEvent[];
  exceptions: ExceptionView[];
  /** Every payout made for the same batch item (the failed attempts and their retries), oldest first. */
  attempts: Array<{ id: string; status: string; createdAt: string }>;
}

export const PayoutPage: FC<PayoutPageProps> = ({ viewer, payout: p, payeeName, events, exceptions, attempts }) => (
  <OpsLayout title={`Payout ${p.id}`} viewer={viewer} section="payouts">
    <Crumbs
      trail={[
        ["/ops/batches", "Batches"],
        [`/ops/batches/${p.batchId}`, p.cycleId],
      ]}
    />
    <h1>
      Payout {formatPaise(p.amountPaise)} <Status value={p.status} testId="payout-status" />
    </h1>
    {p.failureCode && (
      <div class="notice bad" role="status">
        <p>
          <strong data-testid="failure-code">{p.failureCode}</strong>
          {p.failureReason && <>: {p.failureReason}</>}
        </p>
      </div>
    )}
    <PayoutSummary payout={p} payeeName={payeeName} />
    {attempts.length > 1 && <Attempts attempts={attempts} current={p.id} />}
    <PayoutExceptions exceptions={exceptions} />
    <Card label="Timeline" title="Timeline">
      <ol class="timeline" data-testid="timeline">
        {events.map((e) => (
          <TimelineItem event={e} />
        ))}
      </ol>
    </Card>
  </OpsLayout>
);

const PayoutSummary: FC<{ payout: PayoutPageProps["payout"]; payeeName: string | null }> = ({ payout: p, payeeName }) => (
  <Card label="Summary">
    <dl>
      <Fact term="Payout">
        <code>{p.id}</code>
      </Fact>
      <Fact term="Amount">{formatPaise(p.amountPaise)}</Fact>
      <Fact term="Payee">
        {payeeName && <>{payeeName} · </>}
        <code>{p.payeeId}</code>
      </Fact>
      <Fact term="Bank account" testId="bank-account">
        {p.bankAccount.accountNumberMasked} · {p.bankAccount.ifsc}
      </Fact>
      <Fact term="Bank reference">{p.bankReference ? <code>{p.bankReference}</code> : <span class="muted">none yet</span>}</Fact>
      <Fact term="Bank calls">{p.attempts}</Fact>
      <Fact term="Batch">
        <CodeLink href={`/ops/batches/${p.batchId}`} value={p.batchId} /> · cycle {p.cycleId}
      </Fact>
      {p.retryOf && (
        <Fact term="Retry of">
          <CodeLink href={`/ops/payouts/${p.retryOf}`} value={p.retryOf} />
        </Fact>
      )}
      <TimeFact term="Created" iso={p.createdAt} />
      <TimeFact term="Processed" iso={p.processedAt} />
      <Fact term="Idempotency key">
        <code>{p.idempotencyKey}</code>
      </Fact>
    </dl>
  </Card>
);

/** Every payout made for the item, the one on this page unlinked. */
const Attempts: FC<{ attempts: PayoutPageProps["attempts"]; current: string }> = ({ attempts, current }) => (
  <Card label="Attempts" title="All attempts for this item">
    <ol class="attempts">
      {attempts.map((a) => (
        <li>
          {a.id === current ? <code>{a.id}</code> : <a href={`/ops/payouts/${a.id}`}>{a.id}</a>} <Status value={a.status} />{" "}
          <span class="muted small">
            <Time iso={a.createdAt} />
          </span>
          {a.id === current && <span class="muted small"> (this one)</span>}
        </li>
      ))}
    </ol>
  </Card>
);

const PayoutExceptions: FC<{ exceptions: ExceptionView[] }> = ({ exceptions }) => (
  <TableCard
    label="Exceptions"
    title="Exceptions"
    count={exceptions.length}
    none="None raised for this payout."
    table="Exceptions for this payout"
    columns={["Exception", "Status"]}
  >
    {exceptions.map((e) => (
      <tr>
        <td class="summary">
          <RowLink href={`/ops/exceptions/${e.id}`}>{statusLabel(e.cause)}</RowLink>
          <Beneath>
            <Id value={e.id} />
          </Beneath>
        </td>
        <StatusCell value={e.status} at={e.createdAt} />
      </tr>
    ))}
  </TableCard>
);

const CAUSES: Record<string, string> = {
  bank_response: "the bank's response",
  webhook: "a bank webhook",
  poll: "polling the bank",
  status_check: "asking the bank before a retry",
  enqueued: "the payee's gate",
  dequeued: "the transfer worker",
  bank_rejected: "the bank refusing it",
  ambiguous_bank_response: "an ambiguous bank response",
  dead_letter: "dead-lettering",
};

const str = (v: unknown) => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v));

const LedgerPosting: FC<{ posting: unknown; transactionId: unknown }> = ({ posting, transactionId }) => (
  <>
    Ledger posting: <strong>{str(posting)}</strong>, transaction <code data-testid="ledger-transaction">{str(transactionId)}</code>
  </>
);

/** The posting a creation or a status change made in the same atomic batch, if it made one. */
const postingLine = (d: Record<string, unknown>): Child =>
  d.transactionId ? (
    <div class="posting" data-testid="ledger-posting">
      <LedgerPosting posting={d.posting} transactionId={d.transactionId} />
    </div>
  ) : null;

/** A headline for an event, and the detail keys it already tells. */
function describe(e: TimelineEvent): { headline: Child; shown: string[] } {
  const d = e.details;
  const move = (
    <>
      {e.fromStatus && <Status value={e.fromStatus} />} → {e.toStatus && <Status value={e.toStatus} />}
    </>
  );
  switch (e.kind) {
    case "created":
      return {
        headline: (
          <>
            Created for {typeof d.amountPaise === "number" ? formatPaise(d.amountPaise) : "?"}
            {d.retryOf ? (
              <>
                , retrying <a href={`/ops/payouts/${str(d.retryOf)}`}>{str(d.retryOf)}</a>
              </>
            ) : null}
            {postingLine(d)}
          </>
        ),
        shown: ["amountPaise", "retryOf", "posting", "transactionId"],
      };
    case "state_change":
      return {
        headline: (
          <>
            Status {move}
            {postingLine(d)}
          </>
        ),
        shown: ["cause", "posting", "transactionId"],
      };
    case "ignored_event":
      return { headline: <>Ignored a move {move} (not allowed from the current status)</>, shown: ["cause"] };
    case "bank_call":
      return { headline: <>Bank call #{str(d.attempt)}: {statusLabel(str(d.operation) ?? "call")}</>, shown: ["attempt", "operation"] };
    case "bank_response":
      return { headline: <>Bank response: {statusLabel(str(d.outcome) ?? "received")}</>, shown: ["outcome"] };
    case "ledger": // timelines written before postings were named on their state change
      return { headline: <LedgerPosting posting={d.posting} transactionId={d.transactionId} />, shown: ["posting", "transactionId"] };
    case "poll":
      return { headline: <>Polled the bank: {statusLabel(str(d.result) ?? "asked")}{d.bankStatus ? <> (bank says {str(d.bankStatus)})</> : null}</>, shown: ["result", "bankStatus"] };
    case "dead_lettered":
      return { headline: <>Dead-lettered while {str(d.status)} after {str(d.attempts)} bank calls</>, shown: ["status", "attempts"] };
    default:
      return { headline: <>{statusLabel(e.kind)}</>, shown: [] };
  }
}

const TimelineItem: FC<{ event: TimelineEvent }> = ({ event: e }) => {
  const { headline, shown } = describe(e);
  const cause = str(e.details.cause);
  const rest = Object.entries(e.details).filter(([k, v]) => !shown.includes(k) && v !== null && v !== undefined && v !== "");
  return (
    <li data-kind={e.kind} data-to={e.toStatus ?? undefined}>
      <div class="when small muted">
        <Time iso={e.at} seconds />
      </div>
      <div class="what">{headline}</div>
      <div class="small muted">
        by <span class="actor">{e.actorId}</span>
        {cause && <> · caused by {CAUSES[cause] ?? statusLabel(cause)}</>}
      </div>
      {rest.length > 0 && (
        <div class="facts small">
          {rest.map(([k, v]) => (
            <span>
              {k}: <code>{str(v)}</code>
            </span>
          ))}
        </div>
      )}
    </li>
  );
};
