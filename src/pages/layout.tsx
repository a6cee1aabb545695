// The shared page shell: plain server-rendered HTML, readable on a laptop and a phone.

import type { Child, FC } from "hono/jsx";

export const Layout: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      {/* same-origin: the link's token never leaves in a Referer, yet form posts keep their Origin. */}
      <meta name="referrer" content="same-origin" />
      <meta name="robots" content="noindex" />
      <title>{title} · Disburse</title>
      <style>{`
        :root{--ink:#1d2330;--muted:#5b6475;--line:#dde2ea;--ok:#0a7d4f;--bad:#b42318;--warn:#9a6700;--accent:#1d4ed8}
        *{box-sizing:border-box} body{font:16px/1.5 system-ui,-apple-system,Segoe UI,sans-serif;color:var(--ink);margin:0;background:#f6f7f9}
        main{max-width:760px;margin:0 auto;padding:1.25rem}
        header.brand{font-weight:700;letter-spacing:.02em;color:var(--muted);margin-bottom:.5rem}
        .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:1rem 1.1rem;margin:.9rem 0}
        h1{font-size:1.45rem;margin:.2rem 0 .6rem} h2{font-size:1.1rem;margin:.2rem 0 .5rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0} dt{color:var(--muted)} dd{margin:0;font-variant-numeric:tabular-nums}
        table{width:100%;border-collapse:collapse;font-variant-numeric:tabular-nums} th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);vertical-align:top}
        td.num,th.num{text-align:right}
        .actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-start}
        button{font:inherit;border:0;border-radius:8px;padding:.65rem 1.2rem;cursor:pointer}
        button.approve{background:var(--ok);color:#fff} button.reject{background:#fff;color:var(--bad);border:1px solid var(--bad)}
        textarea{font:inherit;width:100%;min-height:4rem;border:1px solid var(--line);border-radius:8px;padding:.5rem}
        .notice{border-left:4px solid var(--accent);padding:.6rem .9rem;background:#fff}
        .notice.ok{border-color:var(--ok)} .notice.bad{border-color:var(--bad)} .notice.warn{border-color:var(--warn)}
        .tag{display:inline-block;font-size:.8rem;padding:0 .45rem;border-radius:999px;border:1px solid var(--line);color:var(--muted)}
        .muted{color:var(--muted)} code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
      `}</style>
    </head>
    <body>
      <main>
        <header class="brand">Disburse</header>
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
