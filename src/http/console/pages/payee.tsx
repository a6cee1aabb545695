// One payee: who they are and where their bank details stand, what they have available, reserved
// and owed, their rolling-reserve terms and the shares held back, their holds, and their statement.

import type { FC } from "hono/jsx";
import type { BalancesView } from "../../views/balances";
import type { HoldView } from "../../views/holds";
import type { PayeeView } from "../../views/payees";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Id, Status, Time } from "../../pages/layout";
import { Beneath, Card, Crumbs, Fact, IfAny, ScrollTable, TableCard, TimeFact } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

export interface PayeePageProps {
  viewer: Viewer;
  payee: PayeeView;
  balances: BalancesView;
  /** Every hold placed on the payee, the ones in force first. */
  holds: HoldView[];
}

/** Basis points as a percent for people: 1000 → "10%", 250 → "2.5%" (a display string, never money). */
const percentOf = (basisPoints: number) => `${basisPoints / 100}%`;

export const PayeePage: FC<PayeePageProps> = ({ viewer, payee, balances, holds }) => (
  <OpsLayout title={`Payee ${payee.displayName}`} viewer={viewer}>
    <Crumbs trail={[["/ops", "Dashboard"]]} />
    <h1>
      {payee.displayName} <Status value={payee.verificationStatus} tone={payee.verificationStatus === "verified" ? "ok" : "warn"} testId="payee-verification" />
    </h1>
    {holds.some((h) => h.active) && (
      <div class="notice warn" role="status">
        <p>
          <strong>On hold</strong>: {holds.find((h) => h.active)!.reason}. Payouts to this payee are held until the hold is released.
        </p>
      </div>
    )}
    <PayeeSummary payee={payee} />
    <Balances balances={balances} />
    <CycleNets byCycle={balances.byCycle} />
    <Reserve balances={balances} type={payee.type} />
    <Holds holds={holds} />
    <Statement payeeId={payee.id} />
  </OpsLayout>
);

const PayeeSummary: FC<{ payee: PayeeView }> = ({ payee: p }) => (
  <Card label="Payee">
    <dl>
      <Fact term="Payee">
        <code>{p.id}</code>
      </Fact>
      <Fact term="Name">{p.displayName}</Fact>
      <Fact term="Type">{statusLabel(p.type)}</Fact>
      <Fact term="Bank account" testId="payee-bank">
        {p.bankDetails ? (
          <>
            {p.bankDetails.accountNumberMasked} · {p.bankDetails.ifsc} · {p.bankDetails.accountHolderName}
          </>
        ) : (
          <span class="muted">none</span>
        )}
      </Fact>
      <Fact term="Verification">
        <Status value={p.verificationStatus} tone={p.verificationStatus === "verified" ? "ok" : "warn"} />
      </Fact>
      {p.email && <Fact term="Email">{p.email}</Fact>}
      {p.externalId && (
        <Fact term="External id">
          <code>{p.externalId}</code>
        </Fact>
      )}
      <Fact term="Payable account">
        <code>{p.payableAccountId}</code>
      </Fact>
      <TimeFact term="Created" iso={p.createdAt} />
      <TimeFact term="Updated" iso={p.updatedAt} />
    </dl>
  </Card>
);

/** A cycle, linking to the batches made for it. */
const CycleLink: FC<{ cycleId: string }> = ({ cycleId }) => <a href={`/ops/batches?${new URLSearchParams({ cycle: cycleId })}`}>{cycleId}</a>;

const Balances: FC<{ balances: BalancesView }> = ({ balances: b }) => (
  <Card label="Balances" title="Balances">
    <dl>
      <Fact term="Available" testId="balance-available">
        <strong>{formatPaise(b.availablePaise)}</strong>
        {b.availablePaise < 0 && <span class="muted small"> (the payee owes this back)</span>}
      </Fact>
      <Fact term="Reserved" testId="balance-reserved">
        {formatPaise(b.reservedPaise)}
      </Fact>
      <Fact term="Owed" testId="balance-owed">
        {formatPaise(b.owedPaise)}
      </Fact>
    </dl>
  </Card>
);

const CycleNets: FC<{ byCycle: BalancesView["byCycle"] }> = ({ byCycle }) => (
  <TableCard
    label="Net by cycle"
    title="Net by cycle"
    count={byCycle.length}
    none="Every cycle nets to zero."
    table="Net by cycle"
    columns={["Cycle", { num: "Net" }]}
    testId="cycle-nets"
    footer={byCycle.length > 0 && <p class="muted small">A positive net is owed to the payee in that cycle; a negative one is a deficit not yet carried into a later cycle.</p>}
  >
    {byCycle.map((t) => (
      <tr>
        <td>
          <CycleLink cycleId={t.cycleId} />
        </td>
        <td class="num">{formatPaise(t.netPaise)}</td>
      </tr>
    ))}
  </TableCard>
);

const Reserve: FC<{ balances: BalancesView; type: PayeeView["type"] }> = ({ balances: b, type }) => {
  const t = b.reserveTerms;
  return (
    <Card label="Rolling reserve" title="Rolling reserve">
      <p data-testid="reserve-terms">
        {t.basisPoints === 0 ? (
          <>Nothing is held back from settlements</>
        ) : (
          <>
            <strong>{percentOf(t.basisPoints)}</strong> of each settlement held back for{" "}
            <strong>
              {t.days} {t.days === 1 ? "day" : "days"}
            </strong>
          </>
        )}{" "}
        <span class="muted">({t.source === "payee" ? "this payee's own terms" : `the default for a ${statusLabel(type)}`})</span>
      </p>
      <IfAny count={b.reserveHolds.length} none="Nothing has been held back from this payee's settlements.">
        <ScrollTable label="Reserve holds" columns={["Order", "Cycle", { num: "Held" }, "Release", "Released"]} testId="reserve-holds">
          {b.reserveHolds.map((h) => (
            <tr>
              <td>
                <Id value={h.orderId} />
                <Beneath>
                  <Id value={h.id} />
                </Beneath>
              </td>
              <td>
                <CycleLink cycleId={h.cycleId} />
              </td>
              <td class="num">{formatPaise(h.amountPaise)}</td>
              <td>
                <Time iso={h.releaseAt} />
              </td>
              <td>
                {h.releasedAt ? (
                  <>
                    <Status value="released" tone="ok" /> {formatPaise(h.releasedPaise ?? 0)}
                    <Beneath>
                      <Time iso={h.releasedAt} />
                    </Beneath>
                  </>
                ) : (
                  <Status value="held" tone="warn" />
                )}
              </td>
            </tr>
          ))}
        </ScrollTable>
      </IfAny>
    </Card>
  );
};

const holdState = (h: HoldView) => (h.active ? "active" : h.releasedAt ? "released" : "ended");
const HOLD_TONES = { active: "warn", released: "neutral", ended: "neutral" } as const;

const Holds: FC<{ holds: HoldView[] }> = ({ holds }) => (
  <TableCard
    label="Holds"
    title="Holds"
    count={holds.length}
    none="No hold has ever been placed on this payee."
    table="Holds"
    columns={["Reason", "Status", "Placed", "Released"]}
    testId="holds"
  >
    {holds.map((h) => (
      <tr data-active={h.active ? "true" : "false"}>
        <td class="summary">
          {h.reason}
          <Beneath>
            <Id value={h.id} />
          </Beneath>
        </td>
        <td>
          <Status value={holdState(h)} tone={HOLD_TONES[holdState(h)]} />
          {h.endsAt && (
            <Beneath>
              {h.active ? "ends" : "ended"} <Time iso={h.endsAt} />
            </Beneath>
          )}
        </td>
        <td>
          {h.placedBy}
          <Beneath>
            <Time iso={h.placedAt} />
          </Beneath>
        </td>
        <td>
          {h.releasedAt ? (
            <>
              {h.releasedBy}
              <Beneath>
                <Time iso={h.releasedAt} />
              </Beneath>
              {h.releaseNote && <div class="small">{h.releaseNote}</div>}
            </>
          ) : (
            <span class="muted">—</span>
          )}
        </td>
      </tr>
    ))}
  </TableCard>
);

const Statement: FC<{ payeeId: string }> = ({ payeeId }) => (
  <Card label="Statement" title="Statement">
    <p>
      Every movement of the payee's payable over the last 30 days, with the opening and closing balance:{" "}
      <a href={`/ops/payees/${payeeId}/statement`} data-testid="statement-html">
        open the statement
      </a>{" "}
      or{" "}
      <a href={`/ops/payees/${payeeId}/statement.csv`} data-testid="statement-csv">
        download it as CSV
      </a>
      .
    </p>
    <p class="muted small">
      For another period add <code>?from=…&amp;to=…</code> (ISO 8601, <code>to</code> excluded) to either address.
    </p>
  </Card>
);
