// Approval links: GET shows the batch to the checker the link was issued to (mail scanners
// prefetch links, so a GET never changes anything); the page's buttons POST, protected by a
// CSRF token bound to a cookie. Every refusal is a clear page that changes nothing.

import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { approvalSecret, publicBaseUrl } from "../../config";
import { getLink } from "../../store/approvals";
import { getBatch } from "../../store/batches";
import { database } from "../../store/client";
import { payeeNames } from "../../store/payees";
import { verifyApprovalToken, type ApprovalTokenClaims } from "../../domain/approval-token";
import { DomainError } from "../../domain/errors";
import { hmacSha256Hex, timingSafeEqual } from "../../domain/hash";
import { decide } from "../../services/approvals";
import { releaseApprovedBatch } from "../../services/release";
import type { AppEnv } from "../app-env";
import { ApprovalMessage, ApprovalPage } from "./page";
import { formatTime } from "../pages/format";
import { batchView } from "../views/batches";

export const CSRF_COOKIE = "disburse_csrf";
export const MAX_FORM_BYTES = 4096;

type Refusal = { status: ContentfulStatusCode; title: string; message: string; tone?: "bad" | "warn" };

const TOKEN_REFUSALS: Record<"malformed" | "bad_signature" | "expired", Refusal> = {
  malformed: { status: 400, title: "This link is not valid", message: "The approval link is incomplete or damaged. Open it again from the original message." },
  bad_signature: { status: 403, title: "This link is not valid", message: "The approval link's signature does not check out, so it was not issued by Disburse or was altered." },
  expired: { status: 410, title: "This link has expired", message: "Approval links expire for safety. Ask the batch's maker to resubmit, or approve through the API.", tone: "warn" },
};

/** Verifies the token and that it matches the link issued for it. */
async function checkLink(c: { env: AppEnv["Bindings"] }, token: string): Promise<{ claims: ApprovalTokenClaims } | Refusal> {
  const checked = await verifyApprovalToken(token, approvalSecret(c.env), Date.now());
  if (!checked.ok) return TOKEN_REFUSALS[checked.reason];
  const { claims } = checked;
  const db = database(c.env.DB);
  const link = await getLink(db, claims.linkId).catch(() => null);
  // The expiry too: the token's own is only checked against the clock, and must be the one issued.
  if (!link || link.batchId !== claims.batchId || link.checkerId !== claims.checkerId || link.fingerprint !== claims.fingerprint || Date.parse(link.expiresAt) !== claims.expiresAtMs) {
    return { status: 403, title: "This link is not valid", message: "The approval link does not match any link Disburse issued." };
  }
  if (link.usedAt) {
    return { status: 409, title: "This link was already used", message: `It was used on ${formatTime(link.usedAt)}. Each approval link works once.`, tone: "warn" };
  }
  return { claims };
}

async function csrfFor(secret: string, linkId: string, nonce: string) {
  return hmacSha256Hex(secret, `csrf|${linkId}|${nonce}`);
}

export const approvalPages = new Hono<AppEnv>()
  .get("/:token", async (c) => {
    const db = database(c.env.DB);
    const result = await checkLink(c, c.req.param("token"));
    if (!("claims" in result)) return c.html(<ApprovalMessage tone={result.tone ?? "bad"} title={result.title} message={result.message} />, result.status);
    const { claims } = result;
    const batch = batchView(await getBatch(db, claims.batchId));
    if (batch.status !== "pending_approval") {
      return c.html(<ApprovalMessage tone="warn" title={`This batch is ${batch.status.replace("_", " ")}`} message="There is nothing to approve any more." batch={batch} />, 409);
    }
    if (batch.fingerprint !== claims.fingerprint) {
      return c.html(<ApprovalMessage tone="bad" title="This batch changed" message="The batch is not the one this link was issued for." batch={batch} />, 409);
    }
    const names = await payeeNames(db, batch.items.map((i) => i.payeeId));
    const nonce = crypto.randomUUID();
    setCookie(c, CSRF_COOKIE, nonce, {
      httpOnly: true,
      sameSite: "Strict",
      secure: new URL(c.req.url).protocol === "https:",
      path: "/approvals",
      maxAge: 3600,
    });
    c.header("cache-control", "no-store");
    return c.html(
      <ApprovalPage
        batch={batch}
        payeeNames={names}
        checkerId={claims.checkerId}
        actionPath={`/approvals/${c.req.param("token")}`}
        csrfToken={await csrfFor(approvalSecret(c.env), claims.linkId, nonce)}
        expiresAt={new Date(claims.expiresAtMs).toISOString()}
      />,
    );
  })
  .post("/:token", async (c) => {
    const result = await checkLink(c, c.req.param("token"));
    if (!("claims" in result)) return c.html(<ApprovalMessage tone={result.tone ?? "bad"} title={result.title} message={result.message} />, result.status);
    const { claims } = result;

    const origin = c.req.header("origin");
    if (origin && origin !== new URL(c.req.url).origin && origin !== new URL(publicBaseUrl(c.env)).origin) {
      return c.html(<ApprovalMessage tone="bad" title="Request refused" message="The form was sent from another site." />, 403);
    }
    if (Number(c.req.header("content-length") ?? "0") > MAX_FORM_BYTES) {
      return c.html(<ApprovalMessage tone="bad" title="Request refused" message="The form is too large." />, 413);
    }
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const nonce = getCookie(c, CSRF_COOKIE);
    const presented = typeof form.csrf === "string" ? form.csrf : "";
    if (!nonce || !timingSafeEqual(presented, await csrfFor(approvalSecret(c.env), claims.linkId, nonce))) {
      return c.html(
        <ApprovalMessage tone="bad" title="Please open the link again" message="This form's security token is missing or stale. Open the approval link again and retry; nothing was changed." />,
        403,
      );
    }
    const action = form.action;
    const reason = typeof form.reason === "string" ? form.reason.trim() : "";
    if (action !== "approve" && action !== "reject") {
      return c.html(<ApprovalMessage tone="bad" title="Request refused" message="Choose Approve or Reject." />, 400);
    }
    if (action === "reject" && (reason.length === 0 || reason.length > 500 || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(reason))) {
      return c.html(<ApprovalMessage tone="bad" title="A reason is needed" message="Say why you reject the batch (up to 500 characters); nothing was changed." />, 400);
    }
    try {
      const outcome = await decide(database(c.env.DB), {
        batchId: claims.batchId,
        checkerId: claims.checkerId,
        decision: action,
        fingerprint: claims.fingerprint,
        reason: action === "reject" ? reason : undefined,
        via: "link",
        linkId: claims.linkId,
      });
      if (outcome.approvedNow) c.executionCtx.waitUntil(releaseApprovedBatch(c.env, outcome.batch.row.id));
      const b = batchView(outcome.batch);
      if (action === "reject") {
        return c.html(<ApprovalMessage tone="warn" title="You rejected this batch" message="The maker can correct it and submit a new batch." batch={b} />);
      }
      const message =
        b.status === "approved"
          ? "The batch has all the approvals it needs and is released for payment."
          : `Your approval is recorded. It still needs ${b.requiredApprovals - b.approvalCount} more approval from another checker.`;
      return c.html(<ApprovalMessage tone="ok" title="You approved this batch" message={message} batch={b} />);
    } catch (error) {
      if (error instanceof DomainError) {
        return c.html(<ApprovalMessage tone="bad" title="Nothing was changed" message={error.message} />, error.kind === "forbidden" ? 403 : 409);
      }
      throw error;
    }
  });
