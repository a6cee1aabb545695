// The shapes every console page is built from: cards, tables, definition lists, filters and
// forms, so that each page says only what it shows and the markup stays the same everywhere.

import type { Child, FC } from "hono/jsx";
import { formatPaise } from "../../../domain/money";
import { statusLabel, type Tone } from "../../pages/format";
import { Scroll, Status, Time } from "../../pages/layout";

/** A section of a page: the label names it for screen readers, the title (when given) heads it on screen. */
export const Card: FC<{ label: string; title?: Child; class?: string; children?: Child }> = ({ label, title, class: cls, children }) => (
  <section class={cls ? `card ${cls}` : "card"} aria-label={label}>
    {title && <h2>{title}</h2>}
    {children}
  </section>
);

/** What a card shows when it has something to show, or one muted line saying there is nothing. */
export const IfAny: FC<{ count: number; none: string; children?: Child }> = ({ count, none, children }) =>
  count === 0 ? <p class="muted">{none}</p> : <>{children}</>;

/** A column heading; a numeric column is right-aligned like its cells. */
type Column = string | { num: string };

/** A table with its column headings (none for a two-column list of labels and counts). */
const Table: FC<{ columns?: readonly Column[]; testId?: string; children?: Child }> = ({ columns, testId, children }) => (
  <table data-testid={testId}>
    {columns && (
      <thead>
        <tr>{columns.map((c) => (typeof c === "string" ? <th>{c}</th> : <th class="num">{c.num}</th>))}</tr>
      </thead>
    )}
    <tbody>{children}</tbody>
  </table>
);

/** A table that scrolls inside its card on a narrow screen, as a labelled region keyboards can reach. */
export const ScrollTable: FC<{ label: string; columns: readonly Column[]; testId?: string; children?: Child }> = ({ label, columns, testId, children }) => (
  <Scroll label={label}>
    <Table columns={columns} testId={testId}>
      {children}
    </Table>
  </Scroll>
);

/** A card's list: a scrolling table of its rows, or a muted line when there are none; the footer (a pager, a note) either way. */
export const TableCard: FC<{
  label: string;
  title?: string;
  count: number;
  none: string;
  table: string;
  columns: readonly Column[];
  testId?: string;
  footer?: Child;
  children?: Child;
}> = ({ label, title, count, none, table, columns, testId, footer, children }) => (
  <Card label={label} title={title}>
    <IfAny count={count} none={none}>
      <ScrollTable label={table} columns={columns} testId={testId}>
        {children}
      </ScrollTable>
    </IfAny>
    {footer}
  </Card>
);

/** Rows of a label and a count, e.g. mismatches by class. */
export const CountRows: FC<{ rows: ReadonlyArray<readonly [Child, number]> }> = ({ rows }) => (
  <Table>
    {rows.map(([label, n]) => (
      <tr>
        <td>{label}</td>
        <td class="num">{n}</td>
      </tr>
    ))}
  </Table>
);

/** A smaller, muted line under a value: an id, a time, a count. */
export const Beneath: FC<{ children?: Child }> = ({ children }) => <div class="small muted">{children}</div>;

/** A status in a table cell with the time it was reached beneath. */
export const StatusCell: FC<{ value: string; at: string }> = ({ value, at }) => (
  <td>
    <Status value={value} />
    <Beneath>
      <Time iso={at} />
    </Beneath>
  </td>
);

/** The link that names a row, in bold. */
export const RowLink: FC<{ href: string; children?: Child }> = ({ href, children }) => (
  <a href={href}>
    <strong>{children}</strong>
  </a>
);

/** An identifier shown whole as code, linking to its own page. */
export const CodeLink: FC<{ href: string; value: string; testId?: string }> = ({ href, value, testId }) => (
  <a href={href} data-testid={testId}>
    <code>{value}</code>
  </a>
);

/** One term and its value in a definition list. */
export const Fact: FC<{ term: string; testId?: string; children?: Child }> = ({ term, testId, children }) => (
  <>
    <dt>{term}</dt>
    <dd data-testid={testId}>{children}</dd>
  </>
);

/** A moment in a definition list ("—" when it has not happened yet). */
export const TimeFact: FC<{ term: string; iso: string | null | undefined }> = ({ term, iso }) => (
  <Fact term={term}>
    <Time iso={iso} />
  </Fact>
);

/** The way back up: links to the pages above this one, each followed by a slash. */
export const Crumbs: FC<{ trail: ReadonlyArray<readonly [href: string, label: Child]> }> = ({ trail }) => (
  <p class="muted small">
    {trail.map(([href, label], i) => (
      <>
        {i > 0 && " "}
        <a href={href}>{label}</a> /
      </>
    ))}
  </p>
);

/** The link to the next, older page of a list, when there is one. */
export const Pager: FC<{ href: string | null; label: string }> = ({ href, label }) =>
  href ? (
    <p class="pager">
      <span />
      <a href={href}>{label} →</a>
    </p>
  ) : null;

/** The CSRF token every console form posts back. */
export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="csrf" value={token} />;

/** A list's filter form: it reloads the page with the choices in the query string. */
export const Filters: FC<{ action: string; label: string; children?: Child }> = ({ action, label, children }) => (
  <form class="card filters" method="get" action={action} aria-label={label}>
    {children}
    <button class="secondary small" type="submit">
      Filter
    </button>
  </form>
);

/** One filter as a labelled select; "any" (the empty value) first when the filter may be left off. */
export const Choice: FC<{
  name: string;
  label: string;
  options: readonly string[];
  selected: string | undefined;
  any?: boolean;
  optionLabel?: (value: string) => string;
}> = ({ name, label, options, selected, any, optionLabel = statusLabel }) => (
  <div>
    <label for={name}>{label}</label>
    <select id={name} name={name}>
      {any && <option value="">any</option>}
      {options.map((o) => (
        <option value={o} selected={selected === o}>
          {optionLabel(o)}
        </option>
      ))}
    </select>
  </div>
);

/** A form that changes something, as a card with its heading and the CSRF token. */
export const PostCard: FC<{ action: string; title: string; csrfToken: string; children?: Child }> = ({ action, title, csrfToken, children }) => (
  <form class="card" method="post" action={action} aria-label={title}>
    <h2>{title}</h2>
    <Csrf token={csrfToken} />
    {children}
  </form>
);

/** Payouts and their amounts by status, as the daily figures count them. */
export const StatusTotals: FC<{ rows: ReadonlyArray<{ status: string; count: number; amountPaise: number; tone?: Tone | undefined }> }> = ({ rows }) => (
  <Table columns={["Status", { num: "Payouts" }, { num: "Amount" }]}>
    {rows.map((r) => (
      <tr>
        <td>
          <Status value={r.status} tone={r.tone} />
        </td>
        <td class="num">{r.count}</td>
        <td class="num">{formatPaise(r.amountPaise)}</td>
      </tr>
    ))}
  </Table>
);
