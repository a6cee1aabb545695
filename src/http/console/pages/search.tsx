// The console search's results: payees and payouts, each linking to its page, with what it
// matched by (the box itself is in search-box.tsx, in the bar of every page).

import type { FC } from "hono/jsx";
import { formatPaise } from "../../../domain/money";
import { statusLabel } from "../../pages/format";
import { Id, Status, Time } from "../../pages/layout";
import { type PayeeHit, type PayoutHit, SEARCH_HINT, SEARCH_HITS_SHOWN, type SearchResults } from "../search";
import { Beneath, Card, IfAny, RowLink, ScrollTable } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

export type SearchPageProps =
  | { viewer: Viewer; outcome: "empty" }
  | { viewer: Viewer; outcome: "refused"; text: string; problem: string }
  | { viewer: Viewer; outcome: "found"; results: SearchResults };

export const SearchPage: FC<SearchPageProps> = (props) => {
  const text = props.outcome === "found" ? props.results.text : props.outcome === "refused" ? props.text : undefined;
  return (
    <OpsLayout title={text ? `Search: ${text}` : "Search"} viewer={props.viewer} search={text}>
      <h1>Search</h1>
      {props.outcome === "empty" && <p class="muted">{SEARCH_HINT}</p>}
      {props.outcome === "refused" && (
        <div class="notice bad" role="alert">
          <p>
            <strong>Nothing was searched: </strong>
            <span data-testid="search-problem">{props.problem}</span>
          </p>
        </div>
      )}
      {props.outcome === "found" && <Results results={props.results} />}
    </OpsLayout>
  );
};

const Results: FC<{ results: SearchResults }> = ({ results: r }) => (
  <>
    <p class="muted" data-testid="search-summary">
      {r.payees.length + r.payouts.length === 0
        ? `Nothing matches “${r.text}”. ${SEARCH_HINT}`
        : `${r.payees.length} ${r.payees.length === 1 ? "payee" : "payees"} and ${r.payouts.length} ${r.payouts.length === 1 ? "payout" : "payouts"} match “${r.text}”.`}
    </p>
    {r.payees.length > 0 && <PayeeHits hits={r.payees} more={r.morePayees} />}
    {r.payouts.length > 0 && <PayoutHits hits={r.payouts} more={r.morePayouts} />}
  </>
);

const More: FC<{ more: boolean; what: string }> = ({ more, what }) =>
  more ? (
    <p class="muted small">
      Only the first {SEARCH_HITS_SHOWN} {what} of each kind are shown; type more of the name or the whole reference.
    </p>
  ) : null;

const PayeeHits: FC<{ hits: PayeeHit[]; more: boolean }> = ({ hits, more }) => (
  <Card label="Payees found" title="Payees">
    <IfAny count={hits.length} none="No payees.">
      <ScrollTable label="Payees found" testId="payee-hits" columns={["Payee", "Bank account", "Matched by"]}>
        {hits.map((p) => (
          <tr>
            <td class="summary">
              <RowLink href={`/ops/payees/${p.id}`}>{p.displayName}</RowLink>
              <Beneath>
                {statusLabel(p.type)} · <Id value={p.id} />
                {p.externalId && <> · {p.externalId}</>}
              </Beneath>
            </td>
            <td>
              {p.accountNumberMasked ?? <span class="muted">none</span>}
              <Beneath>
                <Status value={p.verificationStatus} tone={p.verificationStatus === "verified" ? "ok" : "warn"} />
              </Beneath>
            </td>
            <td>{p.matchedBy}</td>
          </tr>
        ))}
      </ScrollTable>
    </IfAny>
    <More more={more} what="payees" />
  </Card>
);

const PayoutHits: FC<{ hits: PayoutHit[]; more: boolean }> = ({ hits, more }) => (
  <Card label="Payouts found" title="Payouts">
    <ScrollTable label="Payouts found" testId="payout-hits" columns={["Payout", { num: "Amount" }, "Payee", "Bank reference", "Matched by"]}>
      {hits.map((p) => (
        <tr>
          <td>
            <RowLink href={`/ops/payouts/${p.id}`}>
              <code>{p.id}</code>
            </RowLink>
            <div>
              <Status value={p.status} />
            </div>
            <Beneath>
              <Time iso={p.createdAt} />
            </Beneath>
          </td>
          <td class="num">{formatPaise(p.amountPaise)}</td>
          <td class="summary">
            <a href={`/ops/payees/${p.payeeId}`}>{p.payeeName ?? p.payeeId}</a>
          </td>
          <td>{p.bankReference ? <code>{p.bankReference}</code> : <span class="muted">none yet</span>}</td>
          <td>{p.matchedBy}</td>
        </tr>
      ))}
    </ScrollTable>
    <More more={more} what="payouts" />
  </Card>
);
