// Every payout, newest first, filtered by status, batch, payee, the days it was created or
// settled and its amount; each row links to the payout's page.

import type { FC } from "hono/jsx";
import { formatPaise } from "../../../domain/money";
import { PAYOUT_STATUSES } from "../../../domain/statuses";
import type { PayoutView } from "../../views/payouts";
import { Id, Time } from "../../pages/layout";
import type { FilterField, FilterForm } from "../payout-filters";
import { Beneath, Choice, Filters, Pager, StatusCell, TableCard } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

export interface PayoutListProps {
  viewer: Viewer;
  form: FilterForm;
  problems: string[];
  rows: PayoutView[];
  payeeNames: Record<string, string>;
  nextHref: string | null;
}

const Field: FC<{ name: FilterField; label: string; form: FilterForm; type?: string; placeholder?: string; inputmode?: "decimal" }> = ({
  name,
  label,
  form,
  type = "text",
  placeholder,
  inputmode,
}) => (
  <div>
    <label for={name}>{label}</label>
    <input id={name} name={name} type={type} value={form[name] ?? ""} maxlength={100} placeholder={placeholder} inputmode={inputmode} />
  </div>
);

export const PayoutListPage: FC<PayoutListProps> = ({ viewer, form, problems, rows, payeeNames, nextHref }) => (
  <OpsLayout title="Payouts" viewer={viewer} section="payouts">
    <h1>Payouts</h1>
    <Filters action="/ops/payouts" label="Filter payouts">
      <Choice name="status" label="Status" options={PAYOUT_STATUSES} selected={form.status} any />
      <Field name="batch" label="Batch id" form={form} placeholder="bat_…" />
      <Field name="payee" label="Payee id" form={form} placeholder="pe_…" />
      <Field name="created_from" label="Created from" form={form} type="date" />
      <Field name="created_to" label="Created to" form={form} type="date" />
      <Field name="settled_from" label="Settled from" form={form} type="date" />
      <Field name="settled_to" label="Settled to" form={form} type="date" />
      <Field name="min" label="Amount from (₹)" form={form} inputmode="decimal" placeholder="0.00" />
      <Field name="max" label="Amount to (₹)" form={form} inputmode="decimal" placeholder="0.00" />
    </Filters>
    <p class="muted small">Dates are UTC days, both included (the audit day runs from 05:30 IST). Settled means paid by the bank.</p>
    {problems.length > 0 ? (
      <div class="notice bad" role="alert">
        <p>
          <strong>Check the filters; nothing was listed.</strong>
        </p>
        <ul data-testid="filter-problems">
          {problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      </div>
    ) : (
      <TableCard
        label="Payout list"
        count={rows.length}
        none="No payouts match."
        table="Payouts"
        testId="payout-list"
        columns={["Payout", "Status", { num: "Amount" }, "Payee", "Batch", "Settled", "Bank reference"]}
        footer={<Pager href={nextHref} label="Older payouts" />}
      >
        {rows.map((p) => (
          <PayoutRow payout={p} payeeName={payeeNames[p.payeeId]} />
        ))}
      </TableCard>
    )}
  </OpsLayout>
);

const PayoutRow: FC<{ payout: PayoutView; payeeName: string | undefined }> = ({ payout: p, payeeName }) => (
  <tr data-payout={p.id}>
    <td>
      <Id value={p.id} href={`/ops/payouts/${p.id}`} />
      <Beneath>
        <Time iso={p.createdAt} />
      </Beneath>
    </td>
    <StatusCell value={p.status} at={p.updatedAt} />
    <td class="num">{formatPaise(p.amountPaise)}</td>
    <td class="summary">
      <a href={`/ops/payees/${p.payeeId}`}>{payeeName ?? p.payeeId}</a>
      <Beneath>{p.bankAccount.accountNumberMasked}</Beneath>
    </td>
    <td>
      <Id value={p.batchId} href={`/ops/batches/${p.batchId}`} />
      <Beneath>{p.cycleId}</Beneath>
    </td>
    <td>
      <Time iso={p.processedAt} />
    </td>
    <td class="small">
      {p.bankReference ? <code>{p.bankReference}</code> : <span class="muted">none yet</span>}
      {p.failureCode && <div>{p.failureCode}</div>}
    </td>
  </tr>
);
