// Printable pages a marketplace can hand to its sellers: the remittance advice of one payout and
// a payee's statement for a date range. Same data as the JSON and CSV forms.

import type { FC } from "hono/jsx";
import { formatPaise } from "../../domain/money";
import type { PayeeStatement, RemittanceAdvice } from "../../domain/remittance";
import { Layout, Scroll, Status, Time } from "./layout";

export const RemittancePage: FC<{ advice: RemittanceAdvice }> = ({ advice: a }) => (
  <Layout title={`Remittance advice — payout ${a.payoutId}`}>
    <h1>Remittance advice</h1>
    <section class="card" aria-label="Payout">
      <dl>
        <dt>Paid to</dt>
        <dd>{a.payeeName} ({a.payeeId})</dd>
        <dt>Payout</dt>
        <dd>
          {a.payoutId} <Status value={a.status} />
        </dd>
        <dt>Cycle</dt>
        <dd>{a.cycleId}</dd>
        <dt>Bank reference</dt>
        <dd>{a.bankReference ?? "—"}</dd>
        <dt>Paid on</dt>
        <dd>{a.processedAt ? <Time iso={a.processedAt} /> : "not yet paid"}</dd>
        <dt>Amount</dt>
        <dd data-testid="amount">
          <strong>{formatPaise(a.amountPaise)}</strong>
        </dd>
      </dl>
    </section>
    <section class="card" aria-label="What makes up this payout">
      <h2>What makes up this payout</h2>
      <Scroll label="Remittance lines">
        <table data-testid="lines">
          <thead>
            <tr>
              <th>Line</th>
              <th>Ledger transaction</th>
              <th class="num">Amount</th>
            </tr>
          </thead>
          <tbody>
            {a.lines.map((l) => (
              <tr>
                <td>{l.description}</td>
                <td class="small">{l.transactionId ?? "—"}</td>
                <td class="num">{formatPaise(l.amountPaise)}</td>
              </tr>
            ))}
            <tr>
              <td>
                <strong>Total paid</strong>
              </td>
              <td />
              <td class="num">
                <strong>{formatPaise(a.amountPaise)}</strong>
              </td>
            </tr>
          </tbody>
        </table>
      </Scroll>
    </section>
  </Layout>
);

export const StatementPage: FC<{ statement: PayeeStatement }> = ({ statement: s }) => (
  <Layout title={`Statement — ${s.payeeName}`}>
    <h1>Statement for {s.payeeName}</h1>
    <section class="card" aria-label="Summary">
      <dl>
        <dt>Period</dt>
        <dd>
          <Time iso={s.from} /> to <Time iso={s.to} />
        </dd>
        <dt>Opening balance</dt>
        <dd data-testid="opening">{formatPaise(s.openingBalancePaise)}</dd>
        <dt>Earnings</dt>
        <dd>{formatPaise(s.totals.earningsPaise)}</dd>
        <dt>Refunds and other adjustments</dt>
        <dd>{formatPaise(s.totals.adjustmentsPaise)}</dd>
        <dt>Rolling reserve (held − released)</dt>
        <dd>{formatPaise(s.totals.reservePaise)}</dd>
        <dt>Payouts</dt>
        <dd>{formatPaise(s.totals.payoutsPaise)}</dd>
        {s.totals.otherPaise !== 0 && (
          <>
            <dt>Other</dt>
            <dd>{formatPaise(s.totals.otherPaise)}</dd>
          </>
        )}
        <dt>Closing balance</dt>
        <dd data-testid="closing">
          <strong>{formatPaise(s.closingBalancePaise)}</strong>
        </dd>
        <dt>In reserve now</dt>
        <dd>{formatPaise(s.reserveBalancePaise)}</dd>
      </dl>
    </section>
    <section class="card" aria-label="Movements">
      <h2>Movements</h2>
      <Scroll label="Statement lines">
        <table data-testid="lines">
          <thead>
            <tr>
              <th>Date</th>
              <th>Description</th>
              <th class="num">Amount</th>
              <th class="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            {s.lines.map((l) => (
              <tr>
                <td class="nowrap">
                  <Time iso={l.at} />
                </td>
                <td>{l.description}</td>
                <td class="num">{formatPaise(l.amountPaise)}</td>
                <td class="num">{formatPaise(l.balancePaise)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Scroll>
    </section>
  </Layout>
);
