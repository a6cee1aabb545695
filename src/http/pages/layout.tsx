// The shared page shell: plain server-rendered HTML, readable on a laptop and a phone, and the
// small pieces every page uses to show times, statuses and tables.

import type { Child, FC } from "hono/jsx";
import { formatTime, statusLabel, statusTone, type Tone } from "./format";

const STYLE = `
:root{--ink:#1d2330;--muted:#5b6475;--line:#dde2ea;--ok:#0a7d4f;--bad:#b42318;--warn:#9a6700;--accent:#1d4ed8}
*{box-sizing:border-box} html{-webkit-text-size-adjust:100%}
body{font:16px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--ink);margin:0;background:#f6f7f9}
main{max-width:760px;margin:0 auto;padding:1.25rem} main.wide{max-width:1120px}
header.brand{font-weight:700;letter-spacing:.02em;color:var(--muted);margin-bottom:.5rem}
a{color:var(--accent)}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1rem 1.1rem;margin:.9rem 0;min-width:0} .card>:first-child{margin-top:0}
h1{font-size:1.45rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere} h2{font-size:1.1rem;margin:.2rem 0 .5rem}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.25rem 1rem;margin:0} dt{color:var(--muted)}
dd{margin:0;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
/* Tables wider than the screen scroll inside their card; shadows at the edges say there is more. */
.scroll{overflow-x:auto;max-width:100%;background:
  linear-gradient(to right,#fff 30%,rgba(255,255,255,0)) left/2rem 100% no-repeat local,
  linear-gradient(to left,#fff 30%,rgba(255,255,255,0)) right/2rem 100% no-repeat local,
  radial-gradient(farthest-side at 0 50%,rgba(29,35,48,.18),rgba(29,35,48,0)) left/.75rem 100% no-repeat scroll,
  radial-gradient(farthest-side at 100% 50%,rgba(29,35,48,.18),rgba(29,35,48,0)) right/.75rem 100% no-repeat scroll}
table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:break-word}
th{white-space:nowrap;color:var(--muted);font-weight:600;font-size:.9rem}
td.num,th.num{text-align:right;white-space:nowrap}
.nowrap{white-space:nowrap}
.id{display:inline-block;max-width:15ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom;font-family:ui-monospace,monospace;font-size:.88em}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-start} .actions.spaced{margin-top:.6rem}
button{font:inherit;border:0;border-radius:8px;padding:.65rem 1.2rem;cursor:pointer}
button.approve{background:var(--ok);color:#fff} button.reject{background:#fff;color:var(--bad);border:1px solid var(--bad)}
button.primary{background:var(--accent);color:#fff} button.secondary{background:#fff;color:var(--ink);border:1px solid #b8c0cc}
button.small{padding:.35rem .8rem}
label{display:block;font-weight:600;margin:.2rem 0}
input,select{font:inherit;border:1px solid #b8c0cc;border-radius:8px;padding:.45rem .6rem;background:#fff;max-width:100%} .full{width:100%}
textarea{font:inherit;width:100%;min-height:4rem;border:1px solid var(--line);border-radius:8px;padding:.5rem}
.notice{border-left:4px solid var(--accent);padding:.6rem .9rem;background:#fff;margin:.9rem 0}
.notice.ok{border-color:var(--ok)} .notice.bad{border-color:var(--bad)} .notice.warn{border-color:var(--warn)}
.notice h1,.notice h2{margin-top:0} .notice p{margin:.3rem 0}
.badge{display:inline-block;font-size:.8rem;line-height:1.55;padding:0 .5rem;border-radius:999px;border:1px solid;white-space:nowrap}
.badge.ok{color:var(--ok);background:#e7f5ee;border-color:#b7e1cc} .badge.bad{color:var(--bad);background:#fdecea;border-color:#f5c2bd}
.badge.warn{color:#7a5200;background:#fff6db;border-color:#f0d98c} .badge.info{color:var(--accent);background:#e8efff;border-color:#bfd0fb}
.badge.neutral{color:var(--muted);background:#f1f3f6;border-color:var(--line)}
.muted{color:var(--muted)} .small{font-size:.88rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,260px),1fr));gap:.9rem;margin:.9rem 0} .grid>.card{margin:0}
.big{font-size:2.2rem;font-weight:700;margin:.1rem 0;line-height:1.2} .big a{text-decoration:none}
.card.attention{border-left:4px solid var(--bad)}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end} .filters>div{min-width:0;max-width:100%} .filters select{width:100%} .filters label{font-weight:600;font-size:.9rem}
td.summary{overflow-wrap:anywhere;min-width:10rem} td.reasons{min-width:12rem}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{position:relative;padding:0 0 .85rem 1.1rem;border-left:2px solid var(--line);margin-left:.4rem}
.timeline li:last-child{border-left-color:transparent}
.timeline li::before{content:"";position:absolute;left:-.45rem;top:.3rem;width:.6rem;height:.6rem;border-radius:50%;background:#fff;border:2px solid #98a2b3}
.timeline li[data-kind=state_change]::before{border-color:var(--accent)}
.timeline .posting{margin-top:.15rem;font-size:.9em}
.timeline li[data-to=processed]::before,.timeline li[data-to=resolved]::before{border-color:var(--ok);background:var(--ok)}
.timeline li[data-to=failed]::before,.timeline li[data-to=reversed]::before{border-color:var(--bad);background:var(--bad)}
.timeline .what{overflow-wrap:anywhere} .timeline .facts{display:flex;flex-wrap:wrap;gap:0 .9rem;color:var(--muted);overflow-wrap:anywhere}
li .note{white-space:pre-wrap;overflow-wrap:anywhere}
ol.attempts{margin:0;padding-left:1.2rem} ol.attempts li{margin:.2rem 0}
.pager{display:flex;justify-content:space-between;gap:1rem;margin-top:.6rem}
code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
/* the ops console's nav bar */
nav.ops{background:#1d2330;color:#fff}
nav.ops .bar{max-width:1120px;margin:0 auto;padding:.55rem 1.25rem;display:flex;flex-wrap:wrap;gap:.35rem 1.1rem;align-items:center}
nav.ops .links{display:flex;flex-wrap:wrap;gap:.2rem 1.1rem}
nav.ops a{color:#fff;text-decoration:none;padding:.15rem 0;border-bottom:2px solid transparent}
nav.ops a:hover,nav.ops a[aria-current=page]{border-bottom-color:#8fb0ff}
nav.ops .brand{font-weight:700;letter-spacing:.02em;margin-right:.4rem;white-space:nowrap}
nav.ops .who{margin-left:auto;display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;color:#c9d1de;font-size:.9rem;min-width:0}
nav.ops .who span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
nav.ops form{margin:0} nav.ops button{background:transparent;color:#fff;border:1px solid #6b7689;padding:.2rem .7rem;font-size:.9rem;white-space:nowrap}
@media (max-width:600px){nav.ops .bar{padding:.5rem .75rem} nav.ops .links{order:3;width:100%}}
@media (max-width:600px){
  body{font-size:15px} main{padding:.75rem} .card{padding:.8rem .85rem}
  th,td{padding:.3rem .35rem} h1{font-size:1.25rem}
}
`;

export const Layout: FC<{ title: string; wide?: boolean; nav?: Child; children?: Child }> = ({ title, wide, nav, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {/* same-origin: the link's token never leaves in a Referer, yet form posts keep their Origin. */}
      <meta name="referrer" content="same-origin" />
      <meta name="robots" content="noindex" />
      <title>{title} · Disburse</title>
      {/* A constant, never user data: set raw, since text children would be HTML-escaped (">" and quotes). */}
      <style dangerouslySetInnerHTML={{ __html: STYLE }} />
    </head>
    <body>
      {nav}
      <main class={wide ? "wide" : undefined}>
        {!nav && <header class="brand">Disburse</header>}
        {children}
      </main>
    </body>
  </html>
);

export const Notice: FC<{ tone: "ok" | "bad" | "warn" | "info"; title: string; children?: Child }> = ({ tone, title, children }) => (
  <div class={`notice ${tone}`} role={tone === "bad" ? "alert" : "status"}>
    <h1>{title}</h1>
    {children}
  </div>
);

/** A time in IST for people, with the exact ISO value on hover and for machines. */
export const Time: FC<{ iso: string | null | undefined; seconds?: boolean }> = ({ iso, seconds }) =>
  iso ? (
    <time datetime={iso} title={iso}>
      {formatTime(iso, { seconds })}
    </time>
  ) : (
    <span class="muted">—</span>
  );

/** A status as a coloured badge with words ("pending approval"); the raw value stays in data-status. */
export const Status: FC<{ value: string; tone?: Tone; testId?: string }> = ({ value, tone, testId }) => (
  <span class={`badge ${tone ?? statusTone(value)}`} data-status={value} data-testid={testId}>
    {statusLabel(value)}
  </span>
);

/** Tables scroll sideways inside their card on a narrow screen instead of widening the page. */
export const Scroll: FC<{ label?: string; children?: Child }> = ({ label, children }) => (
  <div class="scroll" role={label ? "region" : undefined} aria-label={label} tabindex={label ? 0 : undefined}>
    {children}
  </div>
);

/** A long identifier shortened in a table cell; the full value is in the title and the link. */
export const Id: FC<{ value: string; href?: string }> = ({ value, href }) =>
  href ? (
    <a class="id" href={href} title={value}>
      {value}
    </a>
  ) : (
    <span class="id" title={value}>
      {value}
    </span>
  );
