// A readable API reference rendered on the server from the same OpenAPI document the API
// serves at /openapi.json: no client framework, no assets fetched from elsewhere.

import type { FC } from "hono/jsx";

type Operation = { summary?: string; description?: string; tags?: string[]; parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; responses?: Record<string, { description?: string }> };
type Doc = { info: { title: string; version: string; description?: string }; paths: Record<string, Record<string, Operation>> };

export const DocsPage: FC<{ doc: Doc }> = ({ doc }) => {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op, tag: op.tags?.[0] ?? "Other" })),
  );
  const tags = [...new Set(operations.map((o) => o.tag))];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title} API</title>
        <style>{`
          body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:1.5rem;color:#1d2330}
          h1{margin-bottom:.2rem} h2{margin-top:2rem;border-bottom:1px solid #dde2ea;padding-bottom:.3rem}
          .op{border:1px solid #dde2ea;border-radius:8px;padding:.6rem .9rem;margin:.6rem 0}
          .m{display:inline-block;min-width:4.5rem;font-weight:700;font-family:ui-monospace,monospace}
          .GET{color:#0a6} .POST{color:#06c} .PATCH{color:#a60} .DELETE{color:#c22}
          code{font-family:ui-monospace,monospace} .codes{color:#566;font-size:13px}
        `}</style>
      </head>
      <body>
        <h1>{doc.info.title}</h1>
        <p>
          Version {doc.info.version}. Machine-readable description: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).
        </p>
        {doc.info.description && <p>{doc.info.description}</p>}
        {tags.map((tag) => (
          <section>
            <h2>{tag}</h2>
            {operations
              .filter((o) => o.tag === tag)
              .map(({ path, method, op }) => (
                <div class="op">
                  <span class={`m ${method}`}>{method}</span> <code>{path}</code>
                  {op.summary && <div><strong>{op.summary}</strong></div>}
                  {op.description && <div>{op.description}</div>}
                  <div class="codes">Responses: {Object.keys(op.responses ?? {}).join(", ")}</div>
                </div>
              ))}
          </section>
        ))}
      </body>
    </html>
  );
};
