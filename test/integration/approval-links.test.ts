import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { database } from "../../src/store/client";
import { formatPaise } from "../../src/domain/money";
import { renderEvent } from "../../src/services/events";
import { getEvent } from "../../src/store/events";
import { SUBJECT_VIEWS } from "../../src/http/views/events";
import { api } from "../support/api";
import {
  approve,
  auditActions,
  batchAudit,
  cancelBatch,
  decideByLink,
  expectApprovedStatus,
  expectStatus,
  getBatch,
  linkFor,
  linksFor,
  approvalRequestsFor,
  openLink,
  type PageResponse,
  postLink,
  submittedBatch,
  tokenFor,
} from "../support/batches";
import { eventSettings } from "../../src/config";

const TWO_CHECKER_GROSS_PAISE = 20_000_000;

/** A fresh pending batch and checker-chen's token for it. */
async function pendingWithToken(opts: { sellers?: number; grossAmountPaise?: number } = {}) {
  const prepared = await submittedBatch(opts);
  const link = await linkFor(prepared.batch.id, "checker-chen");
  return { ...prepared, link, token: await tokenFor(link) };
}

async function approvalCount(batchId: string) {
  return (await env.DB.prepare("SELECT COUNT(*) AS n FROM approvals WHERE batch_id = ?").bind(batchId).first<{ n: number }>())!.n;
}

/** Asserts that the batch is still pending with no decision and checker-chen's link unused. */
async function expectNothingChanged(batchId: string, version: number) {
  expect((await getBatch(batchId)).body).toMatchObject({ status: "pending_approval", approvalCount: 0, version });
  expect(await approvalCount(batchId)).toBe(0);
  expect((await linkFor(batchId, "checker-chen")).used_at).toBeNull();
  expect(await auditActions(batchId)).not.toContain("approval_link.used");
}

function expectPage(page: PageResponse, status: number, text: RegExp) {
  expect(page.status, page.html.slice(0, 500)).toBe(status);
  expect(page.headers.get("content-type")).toMatch(/^text\/html/);
  expect(page.html).toMatch(text);
}

/** Flips one hex character of the token's signature. */
function tamperSignature(token: string): string {
  const i = token.length - 10;
  const flipped = token[i] === "0" ? "1" : "0";
  return token.slice(0, i) + flipped + token.slice(i + 1);
}

describe("opening an approval link", () => {
  it("shows the batch's cycle, item count, total and maker with Approve and Reject buttons, and sets a CSRF cookie", async () => {
    const { batch, token } = await pendingWithToken({ sellers: 2 });
    const page = await openLink(token);
    expectPage(page, 200, /Approve payouts for cycle/);
    expect(page.html).toContain(batch.cycleId);
    expect(page.html).toContain(batch.id);
    expect(page.html).toMatch(/data-testid="item-count">2</);
    expect(page.html).toContain(formatPaise(180_000));
    expect(page.html).toContain("maker-mira");
    expect(page.html).toContain("checker-chen");
    expect(page.html).toMatch(/<button class="approve" type="submit">Approve/);
    expect(page.html).toMatch(/<button class="reject" type="submit">Reject/);
    expect(page.html).toContain('name="action" value="approve"');
    expect(page.html).toContain('name="action" value="reject"');
    expect(page.csrfField).toMatch(/^[0-9a-f]{64}$/);
    expect(page.csrfCookie).toBeTruthy();
    const cookie = page.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/approvals/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    // Account numbers are masked.
    for (const item of batch.items) expect(page.html).toContain(item.bankDetails.accountNumberMasked);
  });

  it("never changes anything on GET, however often it is opened", async () => {
    const { batch, token } = await pendingWithToken();
    const auditBefore = await batchAudit(batch.id);
    for (let i = 0; i < 3; i++) expect((await openLink(token)).status).toBe(200);
    await expectNothingChanged(batch.id, batch.version);
    expect(await batchAudit(batch.id)).toEqual(auditBefore);
  });

  it("opens from the URL the notifier sends", async () => {
    const { batch } = await submittedBatch();
    const request = (await approvalRequestsFor(batch.id)).find((n) => JSON.parse(n.data).checkerId === "checker-carla")!;
    const rendered = await renderEvent(database(env.DB), eventSettings(env), SUBJECT_VIEWS, await getEvent(database(env.DB), request.id), { forDelivery: true });
    const token = String((rendered.data as { approvalUrl: string }).approvalUrl).split("/approvals/")[1]!;
    const page = await openLink(token);
    expectPage(page, 200, /Approve payouts for cycle/);
    expect(page.html).toContain("checker-carla");
  });
});

describe("deciding through an approval link", () => {
  it("refuses a POST without the CSRF cookie or field (403) and changes nothing", async () => {
    const { batch, token } = await pendingWithToken();
    const opened = await openLink(token);

    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "approve" }), 403, /security token/);
    expectPage(await postLink(token, { action: "approve" }, { csrfCookie: opened.csrfCookie }), 403, /security token/);
    expectPage(await postLink(token, { csrf: "0".repeat(64), action: "approve" }, { csrfCookie: opened.csrfCookie }), 403, /security token/);
    // A cookie from another opening of the page does not match this form's field.
    const reopened = await openLink(token);
    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: reopened.csrfCookie }), 403, /security token/);
    // Nor does a form sent from another site.
    expectPage(
      await postLink(token, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie, origin: "https://evil.example" }),
      403,
      /another site/,
    );
    await expectNothingChanged(batch.id, batch.version);
  });

  it("does not accept one link's CSRF token on another checker's link", async () => {
    const { batch, token } = await pendingWithToken();
    const carlaToken = await tokenFor(await linkFor(batch.id, "checker-carla"));
    const opened = await openLink(token);
    expectPage(await postLink(carlaToken, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie }), 403, /security token/);
    expect(await approvalCount(batch.id)).toBe(0);
  });

  it("approves with the page's cookie and CSRF field, shows a confirmation and marks the link used", async () => {
    const { batch, link, token } = await pendingWithToken();
    const page = await decideByLink(token, "approve");
    expectPage(page, 200, /You approved this batch/);
    expect(page.html).toMatch(/data-testid="batch-status">approved</);

    const after = (await getBatch(batch.id)).body;
    expect(after.approvalCount).toBe(1);
    expectApprovedStatus(after.status);
    expect(after.decisions).toEqual([{ checkerId: "checker-chen", decision: "approve", reason: null, via: "link", at: expect.any(String) }]);
    expect((await linkFor(batch.id, "checker-chen")).used_at).toEqual(expect.any(String));
    // Other checkers' links stay unused.
    for (const other of (await linksFor(batch.id)).filter((l) => l.id !== link.id)) expect(other.used_at).toBeNull();

    const events = (await batchAudit(batch.id)).filter((e) => ["batch.approval_recorded", "batch.approved", "approval_link.used"].includes(e.action));
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ["batch.approval_recorded", "checker-chen"],
      ["batch.approved", "checker-chen"],
      ["approval_link.used", "checker-chen"],
    ]);
    expect(events[0]!.details).toMatchObject({ via: "link", linkId: link.id, fingerprint: batch.fingerprint });
    expect(events[2]!.details).toEqual({ linkId: link.id });
  });

  it("refuses the same link once it was used (409 'already used'), on GET and POST", async () => {
    const { batch, token } = await pendingWithToken({ grossAmountPaise: TWO_CHECKER_GROSS_PAISE });
    const opened = await openLink(token);
    const approved = await postLink(token, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie });
    expectPage(approved, 200, /still needs 1 more approval/);

    expectPage(await openLink(token), 409, /already used/);
    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie }), 409, /already used/);
    expect((await getBatch(batch.id)).body).toMatchObject({ status: "pending_approval", approvalCount: 1 });
    expect(await approvalCount(batch.id)).toBe(1);
  });

  it("completes a two-checker batch through two checkers' links", async () => {
    const { batch, token } = await pendingWithToken({ grossAmountPaise: TWO_CHECKER_GROSS_PAISE });
    expectPage(await decideByLink(token, "approve"), 200, /still needs 1 more approval/);
    const carla = await tokenFor(await linkFor(batch.id, "checker-carla"));
    expectPage(await decideByLink(carla, "approve"), 200, /has all the approvals it needs/);
    const after = (await getBatch(batch.id)).body;
    expect(after.approvalCount).toBe(2);
    expectApprovedStatus(after.status);
    // The third checker's link now has nothing to approve.
    const dual = await tokenFor(await linkFor(batch.id, "dual-dev"));
    expectPage(await openLink(dual), 409, /This batch is (approved|executing|completed)/);
  });

  it("rejects through the link only with a reason", async () => {
    const { batch, token } = await pendingWithToken();
    const opened = await openLink(token);
    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "reject", reason: "  " }, { csrfCookie: opened.csrfCookie }), 400, /reason is needed/);
    // A control character at either end is refused, not trimmed away (FC_SEED=-1772426908 found "…\u000b").
    for (const reason of ["odd totals\u000b", "\u001bodd totals"]) {
      expectPage(await postLink(token, { csrf: opened.csrfField!, action: "reject", reason }, { csrfCookie: opened.csrfCookie }), 400, /reason is needed/);
    }
    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "delete" }, { csrfCookie: opened.csrfCookie }), 400, /Choose Approve or Reject/);
    await expectNothingChanged(batch.id, batch.version);

    const rejected = await postLink(token, { csrf: opened.csrfField!, action: "reject", reason: "bank details look odd" }, { csrfCookie: opened.csrfCookie });
    expectPage(rejected, 200, /You rejected this batch/);
    expect((await getBatch(batch.id)).body).toMatchObject({ status: "rejected", rejectionReason: "bank details look odd" });
    expect((await linkFor(batch.id, "checker-chen")).used_at).toEqual(expect.any(String));
  });

  it("shows a refusal and changes nothing when the bank details changed after submission", async () => {
    const { batch, sellerIds, token } = await pendingWithToken();
    const opened = await openLink(token);
    await api("admin", "PATCH", `/v1/payees/${sellerIds[0]}`, {
      bankDetails: { accountNumber: "112233445566", ifsc: "SBIN0001111", accountHolderName: "Changed Holder" },
    });
    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie }), 409, /Nothing was changed/);
    await expectNothingChanged(batch.id, batch.version);
  });
});

describe("refusing bad approval links", () => {
  it("refuses a token whose signature was tampered with (403)", async () => {
    const { batch, token } = await pendingWithToken();
    const tampered = tamperSignature(token);
    expect(tampered).not.toBe(token);
    expectPage(await openLink(tampered), 403, /not valid/);
    const opened = await openLink(token);
    expectPage(await postLink(tampered, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie }), 403, /not valid/);
    await expectNothingChanged(batch.id, batch.version);
  });

  it("refuses a token signed with another secret (403)", async () => {
    const { link } = await pendingWithToken();
    expectPage(await openLink(await tokenFor(link, {}, "an-attacker-chosen-secret-value")), 403, /not valid/);
  });

  it("refuses an expired token (410)", async () => {
    const { batch, link } = await pendingWithToken();
    const expired = await tokenFor(link, { expiresAtMs: Date.now() - 1000 });
    const page = await openLink(expired);
    expectPage(page, 410, /expired/);
    expect(page.csrfCookie).toBeNull();
    expectPage(await postLink(expired, { action: "approve" }), 410, /expired/);
    await expectNothingChanged(batch.id, batch.version);
  });

  it("refuses a malformed token (400)", async () => {
    expectPage(await openLink("not-a-token"), 400, /not valid/);
  });

  it("refuses a token signed for one checker but naming another checker's link (403)", async () => {
    const { batch } = await pendingWithToken();
    const carlasLink = await linkFor(batch.id, "checker-carla");
    // Validly signed, but the link it names was issued to checker-carla, not checker-chen.
    const misbound = await tokenFor(carlasLink, { checkerId: "checker-chen" });
    expectPage(await openLink(misbound), 403, /does not match/);
    expectPage(await postLink(misbound, { action: "approve" }), 403, /does not match/);
    // Nor may a link be pointed at another batch or fingerprint.
    const other = await submittedBatch();
    expectPage(await openLink(await tokenFor(carlasLink, { batchId: other.batch.id })), 403, /does not match/);
    expectPage(await openLink(await tokenFor(carlasLink, { fingerprint: other.batch.fingerprint })), 403, /does not match/);
    expectPage(await openLink(await tokenFor(carlasLink, { linkId: "lnk_does_not_exist" })), 403, /does not match/);
    expect(await approvalCount(batch.id)).toBe(0);
  });

  it("refuses a link whose batch was cancelled (409)", async () => {
    const { batch, token } = await pendingWithToken();
    const opened = await openLink(token);
    expectStatus(await cancelBatch("maker", batch.id), 200);
    expectPage(await openLink(token), 409, /This batch is cancelled/);
    expectPage(await postLink(token, { csrf: opened.csrfField!, action: "approve" }, { csrfCookie: opened.csrfCookie }), 409, /Nothing was changed/);
    expect((await getBatch(batch.id)).body.status).toBe("cancelled");
    expect(await approvalCount(batch.id)).toBe(0);
    expect((await linkFor(batch.id, "checker-chen")).used_at).toBeNull();
  });

  it("refuses a link after another checker approved the batch through the API (409)", async () => {
    const { batch, token } = await pendingWithToken();
    expectStatus(await approve("checker2", batch.id, batch.fingerprint), 200);
    expectPage(await openLink(token), 409, /This batch is (approved|executing|completed)/);
  });
});
