// The API reference at /docs as a reader meets it in Chromium: Scalar's page, drawn from the
// /openapi.json of the same Worker, loading nothing from anywhere else (its CSP would refuse it),
// listing every operation and webhook event of the document, showing an operation's request and
// response fields, with no WCAG 2.1 A or AA violation axe-core can find.

import { AxeBuilder } from "@axe-core/playwright";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { useChromium } from "./support.ts";

/** axe-core walks every node of Scalar's page, and more once the sidebar is open: minutes on two busy cores. */
const AXE_TIMEOUT_MS = 300_000;
const LOAD_TIMEOUT_MS = 60_000;
const METHODS = ["get", "put", "post", "patch", "delete"] as const;
/** Scalar's name for its sidebar: "Sidebar for" the document's title. */
const SIDEBAR = "Sidebar for Disburse";

type Schema = { $ref?: string; properties?: Record<string, unknown> };
type Operation = { operationId: string; summary: string; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> };
type OpenApiDocument = {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], Operation>>>;
  webhooks: Record<string, { post: Operation }>;
  components: { schemas: Record<string, Schema> };
};

const newPage = useChromium();
let doc: OpenApiDocument;

beforeAll(async () => {
  doc = (await (await fetch(`${inject("baseUrl")}/openapi.json`)).json()) as OpenApiDocument;
});

/** What the page asked for, and what its Content-Security-Policy refused (blocked requests never reach `request`). */
interface Reference {
  page: Page;
  sidebar: Locator;
  requested: string[];
  refusedByPolicy: () => Promise<Array<{ directive: string; blockedURI: string }>>;
}

/**
 * Nothing the page asked for went anywhere but this Worker, and its policy had nothing to refuse
 * but eval: Scalar's bundled zod probes `Function("")` to choose its faster validators, and falls
 * back to the others when the policy refuses it, as this one does.
 */
async function expectOnlyThisWorker({ requested, refusedByPolicy }: Reference) {
  const origin = new URL(inject("baseUrl")).origin;
  expect(requested.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  expect((await refusedByPolicy()).filter((refused) => refused.blockedURI !== "eval")).toEqual([]);
}

async function openReference(colorScheme: "light" | "dark" = "light"): Promise<Reference> {
  const page = await newPage();
  await page.emulateMedia({ colorScheme });
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.addInitScript(`window.__refused = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__refused.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI }));`);
  await page.goto(`${inject("baseUrl")}/docs`);
  const sidebar = page.getByLabel(SIDEBAR);
  await sidebar.waitFor({ timeout: LOAD_TIMEOUT_MS });
  // The reference has read the document once the sidebar lists its operations.
  await sidebar.getByRole("link", { name: /^Create a payee/ }).waitFor({ timeout: LOAD_TIMEOUT_MS });
  return { page, sidebar, requested, refusedByPolicy: () => page.evaluate("window.__refused") };
}

/** Opens every collapsed group of the sidebar (tags, webhook events, models), one click each. */
async function expandSidebar(sidebar: Locator) {
  const closed = sidebar.getByRole("button", { name: /^Open Group/ });
  for (let clicks = 0; (await closed.count()) > 0; clicks++) {
    expect(clicks, "sidebar groups keep appearing").toBeLessThan(100);
    await closed.first().click();
  }
}

/** The sidebar's entries as `{ id, label }`: Scalar's id names the method and path, the label is the summary. */
async function sidebarEntries(page: Page): Promise<Array<{ id: string; label: string }>> {
  const entries = (await page.evaluate(
    `[...document.querySelectorAll('[aria-label="${SIDEBAR}"] li[data-sidebar-id] > a')].map((a) => ({ id: a.parentElement.dataset.sidebarId, text: a.textContent }))`,
  )) as Array<{ id: string; text: string }>;
  // Each operation's link ends with a screen-reader note of its method: "Create a payeeHTTP Method: POST".
  return entries.map(({ id, text }) => ({ id, label: text.replace(/HTTP Method:\s+\S+\s*$/u, "").trim() }));
}

/** Follows the sidebar's link to createPayee; its section once the request body is drawn. */
async function openCreatePayee(page: Page, sidebar: Locator): Promise<Locator> {
  await sidebar.getByRole("link", { name: /^Create a payee/ }).click();
  const section = page.getByRole("region", { name: "Create a payee" });
  await section.getByRole("group", { name: "Request Body" }).waitFor();
  return section;
}

const schemaOf = (schema: Schema): Schema => (schema.$ref ? doc.components.schemas[schema.$ref.replace("#/components/schemas/", "")]! : schema);

describe("the API reference at /docs", () => {
  it("loads only from this Worker, and its Content-Security-Policy refuses any other origin", async () => {
    const reference = await openReference();
    const { page, requested, refusedByPolicy } = reference;
    await expectOnlyThisWorker(reference);
    expect(requested.map((url) => new URL(url).pathname)).toEqual(expect.arrayContaining(["/docs", "/docs/scalar.js", "/openapi.json"]));

    // Were the script to fetch from elsewhere, the page's policy stops it before the network.
    const outcome = await page.evaluate(`fetch("https://cdn.jsdelivr.net/npm/@scalar/api-reference").then(() => "fetched", () => "refused")`);
    expect(outcome).toBe("refused");
    await expect
      .poll(async () => (await refusedByPolicy()).filter((refused) => refused.blockedURI !== "eval"))
      .toEqual([{ directive: "connect-src", blockedURI: "https://cdn.jsdelivr.net/npm/@scalar/api-reference" }]);
    expect(requested.filter((url) => new URL(url).origin !== new URL(inject("baseUrl")).origin)).toEqual([]);
  });

  it("lists every operation and every webhook event type of /openapi.json", async () => {
    const reference = await openReference();
    const { page, sidebar } = reference;
    await expandSidebar(sidebar);
    const entries = await sidebarEntries(page);

    const expectedOperations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.flatMap((method) => (item[method] ? [`${method.toUpperCase()} ${path} ${item[method].summary}`] : [])),
    );
    expect(expectedOperations).toHaveLength(70);
    const shownOperations = entries.flatMap(({ id, label }) => {
      const operation = /\/tag\/[^/]+\/(GET|PUT|POST|PATCH|DELETE)(\/.*)$/.exec(id);
      return operation ? [`${operation[1]} ${operation[2]} ${label}`] : [];
    });
    expect(shownOperations.sort()).toEqual(expectedOperations.sort());

    const expectedEvents = Object.values(doc.webhooks).map((webhook) => webhook.post.summary);
    expect(expectedEvents).toHaveLength(24);
    const shownEvents = entries.filter(({ id }) => id.includes("/webhook/POST/")).map(({ label }) => label);
    expect(shownEvents.sort()).toEqual(expectedEvents.sort());
    await expectOnlyThisWorker(reference);
  });

  it("shows createPayee's request body fields and, opened, its 201 response's fields", async () => {
    const reference = await openReference();
    const { page, sidebar } = reference;
    const createPayee = doc.paths["/v1/payees"]!.post!;
    expect(createPayee.operationId).toBe("createPayee");
    const requestFields = Object.keys(schemaOf(createPayee.requestBody!.content["application/json"]!.schema).properties!);
    const responseFields = Object.keys(schemaOf(createPayee.responses["201"]!.content!["application/json"]!.schema).properties!);
    expect(requestFields).toEqual(expect.arrayContaining(["type", "displayName", "bankDetails"]));
    expect(responseFields).toEqual(expect.arrayContaining(["id", "verificationStatus", "pendingBankDetailsChangeId"]));

    const section = await openCreatePayee(page, sidebar);
    const lines = async (locator: Locator) => (await locator.innerText()).split("\n").map((line) => line.trim());
    expect(await lines(section.getByRole("group", { name: "Request Body" }))).toEqual(expect.arrayContaining(requestFields));

    const responses = section.getByRole("list", { name: "Responses" });
    expect(await lines(responses)).not.toContain("pendingBankDetailsChangeId");
    await responses.getByRole("button", { name: /^201/ }).click();
    await expect.poll(() => lines(responses)).toEqual(expect.arrayContaining(responseFields));
    await expectOnlyThisWorker(reference);
  });

  for (const colorScheme of ["light", "dark"] as const) {
    it(
      `has no WCAG 2.1 A or AA violation axe-core can find, in the ${colorScheme} colour scheme`,
      async () => {
        const { page, sidebar } = await openReference(colorScheme);
        // What a reader opens: every sidebar group, an operation with its fields and a response,
        // and a webhook event (its section has badges no operation has).
        await expandSidebar(sidebar);
        const section = await openCreatePayee(page, sidebar);
        await section.getByRole("list", { name: "Responses" }).getByRole("button", { name: /^201/ }).click();
        await sidebar.getByRole("link", { name: /^payout\.processed/ }).click();
        await page.getByRole("region", { name: "payout.processed" }).getByText("webhook-signature").first().waitFor();
        const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        expect(violations.map((v) => `${v.id}: ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      },
      AXE_TIMEOUT_MS,
    );
  }

  // Scalar draws sections as they scroll into view, so the tests above check what a reader opens.
  // This one scrolls the whole reference first (about 46,000 elements; minutes per scheme), so it
  // runs only from `npm run test:docs-a11y`, not in `npm test`.
  for (const colorScheme of ["light", "dark"] as const) {
    it.runIf(process.env.DOCS_AXE_FULL === "1")(
      `has no WCAG 2.1 A or AA violation on the whole page, scrolled to the end, in the ${colorScheme} colour scheme`,
      async () => {
        const { page, sidebar } = await openReference(colorScheme);
        await expandSidebar(sidebar);
        let height = 0;
        for (let step = 0; step < 2_000; step++) {
          const now = (await page.evaluate(`(window.scrollBy(0, window.innerHeight), document.documentElement.scrollHeight)`)) as number;
          const atEnd = (await page.evaluate(`window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2`)) as boolean;
          if (atEnd && now === height) break;
          height = now;
          await page.waitForTimeout(20);
        }
        const { violations } = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        expect(violations.map((v) => `${v.id}: ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
      },
      2 * AXE_TIMEOUT_MS,
    );
  }
});
