// The event log in the console: what Disburse told the marketplace's endpoints, each delivery
// with every attempt, and (for admins) a button that delivers an event again.

import type { FC } from "hono/jsx";
import { statusLabel } from "../../pages/format";
import { Id, Status, Time } from "../../pages/layout";
import type { deliveryView } from "../../views/events";
import { Beneath, Card, Choice, Crumbs, Fact, Filters, IfAny, Pager, PostCard, RowLink, ScrollTable, TableCard, TimeFact } from "./parts";
import { OpsLayout, type Viewer } from "./shell";

export const canRedeliver = (v: Viewer) => v.roles.includes("admin");
export const canReadEvents = (v: Viewer) => v.roles.includes("admin") || v.roles.includes("auditor");

export interface EventRowView {
  id: string;
  type: string;
  timestamp: string;
  subject: { type: string; id: string };
  sequence: number;
}

type Delivery = ReturnType<typeof deliveryView> & { endpointUrl: string };

/** Where each subject lives in the console, when it has a page. */
const SUBJECT_PAGES: Record<string, string> = { payout: "/ops/payouts/", batch: "/ops/batches/", exception: "/ops/exceptions/", payee: "/ops/payees/" };

const SubjectLink: FC<{ subject: EventRowView["subject"] }> = ({ subject }) => {
  const base = SUBJECT_PAGES[subject.type];
  return (
    <>
      {statusLabel(subject.type)} {base ? <Id value={subject.id} href={`${base}${subject.id}`} /> : <Id value={subject.id} />}
    </>
  );
};

export const EventListPage: FC<{ viewer: Viewer; types: readonly string[]; filter: { type?: string | undefined; subjectId?: string | undefined }; rows: EventRowView[]; nextHref: string | null }> = ({
  viewer,
  types,
  filter,
  rows,
  nextHref,
}) => (
  <OpsLayout title="Events" viewer={viewer} section="events">
    <h1>Events</h1>
    <p class="muted">What Disburse sent the marketplace's webhook endpoints, newest first.</p>
    <Filters action="/ops/events" label="Filter events">
      <Choice name="type" label="Type" options={types} selected={filter.type} any optionLabel={(t) => t} />
      <div>
        <label for="subject">Payout, batch, ticket or payee id</label>
        <input id="subject" name="subject" value={filter.subjectId ?? ""} maxlength={100} />
      </div>
    </Filters>
    <TableCard label="Event list" count={rows.length} none="No events match." table="Events" columns={["Event", "Subject", "Sequence"]} testId="events" footer={<Pager href={nextHref} label="Older events" />}>
      {rows.map((e) => (
        <tr data-event={e.id}>
          <td class="summary">
            <RowLink href={`/ops/events/${e.id}`}>{e.type}</RowLink>
            <Beneath>
              <Time iso={e.timestamp} />
            </Beneath>
          </td>
          <td>
            <SubjectLink subject={e.subject} />
          </td>
          <td class="num">{e.sequence}</td>
        </tr>
      ))}
    </TableCard>
  </OpsLayout>
);

export interface EventPageProps {
  viewer: Viewer;
  event: EventRowView & { data: unknown };
  deliveries: Delivery[];
  outcome?: { tone: "ok" | "bad"; message: string } | undefined;
}

export const EventPage: FC<EventPageProps> = ({ viewer, event, deliveries, outcome }) => (
  <OpsLayout title={`Event ${event.type}`} viewer={viewer} section="events">
    <Crumbs trail={[["/ops/events", "Events"]]} />
    <h1>{event.type}</h1>
    {outcome && (
      <div class={`notice ${outcome.tone}`} role={outcome.tone === "bad" ? "alert" : "status"}>
        <p data-testid="outcome-message">{outcome.message}</p>
      </div>
    )}
    <Card label="Summary">
      <dl>
        <Fact term="Event">
          <code>{event.id}</code>
        </Fact>
        <Fact term="Subject">
          <SubjectLink subject={event.subject} />
        </Fact>
        <Fact term="Sequence">{event.sequence}</Fact>
        <TimeFact term="Happened" iso={event.timestamp} />
      </dl>
    </Card>
    <Card label="Deliveries" title="Deliveries">
      <IfAny count={deliveries.length} none="No endpoint wanted this event when it was sent.">
        {deliveries.map((d) => (
          <section class="delivery" data-delivery={d.endpointId} aria-label={`Delivery to ${d.endpointUrl}`}>
            <h3>
              <code>{d.endpointUrl}</code> <Status value={d.status} tone={d.status === "delivered" ? "ok" : d.status === "failed" ? "bad" : "warn"} testId={`delivery-status-${d.endpointId}`} />
            </h3>
            {d.nextAttemptAt && (
              <Beneath>
                Next attempt <Time iso={d.nextAttemptAt} />
              </Beneath>
            )}
            <ScrollTable label={`Attempts to ${d.endpointUrl}`} columns={["Attempt", "At", "Answer", { num: "Took" }]}>
              {d.attemptLog.map((a) => (
                <tr>
                  <td class="num">{a.attempt}</td>
                  <td>
                    <Time iso={a.at} />
                  </td>
                  <td>
                    {a.responseStatus === null ? "no answer" : `HTTP ${a.responseStatus}`}
                    {a.error && <Beneath>{a.error}</Beneath>}
                  </td>
                  <td class="num">{a.durationMs} ms</td>
                </tr>
              ))}
            </ScrollTable>
          </section>
        ))}
      </IfAny>
    </Card>
    {canRedeliver(viewer) ? (
      <PostCard action={`/ops/events/${event.id}/redeliver`} title="Deliver again" csrfToken={viewer.csrfToken}>
        <p class="small">Sends this event again, with the same id, to every enabled endpoint that wants it now, with a fresh retry schedule.</p>
        <button type="submit">Deliver again</button>
      </PostCard>
    ) : (
      <p class="muted small">Delivering an event again needs the admin role.</p>
    )}
    <Card label="Body" title="What the endpoint receives">
      {/* Wide JSON scrolls sideways on a phone; focusable, so a keyboard can scroll it too (WCAG 2.1.1). */}
      <pre class="small scroll" data-testid="event-body" tabindex={0} role="region" aria-label="Event body">
        {JSON.stringify(event.data, null, 2)}
      </pre>
    </Card>
  </OpsLayout>
);
