// Approval links: GET shows the batch to the checker the link was issued to (mail scanners
// prefetch links, so a GET never changes anything); the page's buttons POST, protected by a
// CSRF token bound to a cookie. Every refusal is a clear page that changes nothing.

import { type Context, Hono, type MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { approvalLinkKeys } from "../../config";
import { servicesFor } from "../../deps";
import { getLink } from "../../store/approvals";
import { getBatch } from "../../store/batches";
import { database } from "../../store/client";
import { payeeNames } from "../../store/payees";
import { claimedLinkId, verifyApprovalToken, type ApprovalTokenClaims } from "../../domain/approval-token";
import { keyById } from "../../domain/signing-keys";
import { hmacSha256Hex } from "../../domain/hash";
import type { Env } from "../../env";
import { type Decision, decide } from "../../services/approvals";
import { releaseApprovedBatch } from "../../services/release";
import { httpErrorOf } from "../errors";
import { attemptGuard, clientKey, retryInWords } from "../middleware/failure-limits";
import { type FormFields, type FormRefusal, formPost } from "../middleware/forms";
import { formatTime } from "../pages/format";
import { batchView } from "../views/batches";
import { ApprovalMessage, ApprovalPage } from "./page";

export const CSRF_COOKIE = "disburse_csrf";
export const MAX_FORM_BYTES = 4096;
const CSRF_COOKIE_MAX_AGE_SECONDS = 3600;
const MAX_REASON_CHARS = 500;

/** `csrfSecret`: the secret of the key that signed the link, so its page's form outlives a rotation. */
type ApprovalEnv = { Bindings: Env; Variables: { claims: ApprovalTokenClaims; csrfSecret: string; form: FormFields } };
/** `guess`: the token is not one Disburse issued (as opposed to a real link used, lapsed or stale); these count towards the limit. */
type Refusal = { status: ContentfulStatusCode; title: string; message: string; tone?: "bad" | "warn"; guess?: true };

const TOKEN_REFUSALS: Record<"malformed" | "bad_signature" | "unknown_key" | "expired", Refusal> = {
  malformed: { status: 400, title: "This link is not valid", message: "The approval link is incomplete or damaged. Open it again from the original message.", guess: true },
  bad_signature: {
    status: 403,
    title: "This link is not valid",
    message: "The approval link's signature does not check out, so it was not issued by Disburse or was altered.",
    guess: true,
  },
  unknown_key: {
    status: 403,
    guess: true,
    title: "This link is not valid",
    message: "The approval link was signed with a key Disburse no longer accepts. Ask the batch's maker to resubmit, or approve through the API.",
  },
  expired: { status: 410, title: "This link has expired", message: "Approval links expire for safety. Ask the batch's maker to resubmit, or approve through the API.", tone: "warn" },
};

const STALE_FORM: Refusal = {
  status: 403,
  title: "Please open the link again",
  message: "This form's security token is missing or stale. Open the approval link again and retry; nothing was changed.",
};

const FORM_REFUSALS: Record<FormRefusal, Refusal> = {
  foreign_origin: { status: 403, title: "Request refused", message: "The form was sent from another site." },
  too_large: { status: 413, title: "Request refused", message: "The form is too large." },
  // A body that is not a form carries no CSRF token: the same answer as a stale one.
  not_a_form: STALE_FORM,
  bad_csrf: STALE_FORM,
};

const refusalPage = (c: Context, r: Refusal) => c.html(<ApprovalMessage tone={r.tone ?? "bad"} title={r.title} message={r.message} />, r.status);

/** Verifies the token and that it matches the link issued for it. */
async function checkLink(env: Env, token: string): Promise<{ claims: ApprovalTokenClaims; csrfSecret: string } | Refusal> {
  const keys = approvalLinkKeys(env);
  const checked = await verifyApprovalToken(token, keys, Date.now());
  if (!checked.ok) return TOKEN_REFUSALS[checked.reason];
  const { claims } = checked;
  const link = await getLink(database(env.DB), claims.linkId).catch(() => null);
  // The expiry too: the token's own is only checked against the clock, and must be the one issued.
  if (!link || link.batchId !== claims.batchId || link.checkerId !== claims.checkerId || link.fingerprint !== claims.fingerprint || Date.parse(link.expiresAt) !== claims.expiresAtMs) {
    return { status: 403, title: "This link is not valid", message: "The approval link does not match any link Disburse issued.", guess: true };
  }
  if (link.usedAt) {
    return { status: 409, title: "This link was already used", message: `It was used on ${formatTime(link.usedAt)}. Each approval link works once.`, tone: "warn" };
  }
  return { claims, csrfSecret: keyById(keys, checked.keyId)!.secret };
}

/**
 * The link is checked first, so a bad link is what the page says whatever else is wrong; a
 * client or link with too many failed attempts is answered 429 before it is checked. Failures
 * are counted per link id the token claims, not per checker: checker ids are easy to guess, so
 * anyone could otherwise lock a checker out of all their links.
 */
const validLink: MiddlewareHandler<ApprovalEnv, "/:token"> = async (c, next) => {
  const token = c.req.param("token");
  const linkId = claimedLinkId(token);
  const guard = attemptGuard(c.env, "approval-link", linkId ? [clientKey(c), `link:${linkId}`] : [clientKey(c)]);
  const retryAfter = await guard.retryAfterSeconds();
  if (retryAfter > 0) {
    c.header("retry-after", String(retryAfter));
    return refusalPage(c, {
      status: 429,
      title: "Too many failed attempts",
      message: `Too many approval links that were not valid were opened from here, or for this link. Try again ${retryInWords(retryAfter)}; nothing was changed.`,
      tone: "warn",
    });
  }
  const result = await checkLink(c.env, token);
  if (!("claims" in result)) {
    if (result.guess) await guard.recordFailure();
    return refusalPage(c, result);
  }
  c.set("claims", result.claims);
  c.set("csrfSecret", result.csrfSecret);
  await next();
};

const csrfFor = (secret: string, linkId: string, nonce: string) => hmacSha256Hex(secret, `csrf|${linkId}|${nonce}`);

const approvalForm = formPost<ApprovalEnv>({
  maxBytes: MAX_FORM_BYTES,
  mediaTypes: ["application/x-www-form-urlencoded", "multipart/form-data"],
  expectedCsrf: async (c) => {
    const nonce = getCookie(c, CSRF_COOKIE);
    return nonce ? csrfFor(c.get("csrfSecret"), c.get("claims").linkId, nonce) : null;
  },
  refuse: (c, why) => refusalPage(c, FORM_REFUSALS[why]),
});

async function showBatch(c: Context<ApprovalEnv, "/:token">) {
  const db = database(c.env.DB);
  const claims = c.get("claims");
  const batch = batchView(await getBatch(db, claims.batchId));
  if (batch.status !== "pending_approval") {
    return c.html(<ApprovalMessage tone="warn" title={`This batch is ${batch.status.replace("_", " ")}`} message="There is nothing to approve any more." batch={batch} />, 409);
  }
  if (batch.fingerprint !== claims.fingerprint) {
    return c.html(<ApprovalMessage tone="bad" title="This batch changed" message="The batch is not the one this link was issued for." batch={batch} />, 409);
  }
  const names = await payeeNames(db, batch.items.map((i) => i.payeeId));
  const nonce = crypto.randomUUID();
  const secure = new URL(c.req.url).protocol === "https:";
  setCookie(c, CSRF_COOKIE, nonce, { httpOnly: true, sameSite: "Strict", secure, path: "/approvals", maxAge: CSRF_COOKIE_MAX_AGE_SECONDS });
  c.header("cache-control", "no-store");
  return c.html(
    <ApprovalPage
      batch={batch}
      payeeNames={names}
      checkerId={claims.checkerId}
      actionPath={`/approvals/${c.req.param("token")}`}
      csrfToken={await csrfFor(c.get("csrfSecret"), claims.linkId, nonce)}
      expiresAt={new Date(claims.expiresAtMs).toISOString()}
    />,
  );
}

async function decideByLink(c: Context<ApprovalEnv, "/:token">) {
  const { action, reason: rawReason } = c.get("form");
  const reason = rawReason?.trim() ?? "";
  if (action !== "approve" && action !== "reject") return refusalPage(c, { status: 400, title: "Request refused", message: "Choose Approve or Reject." });
  // Control characters are refused as sent, before trimming could hide one at either end.
  if (action === "reject" && (reason.length === 0 || reason.length > MAX_REASON_CHARS || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(rawReason ?? ""))) {
    return refusalPage(c, { status: 400, title: "A reason is needed", message: "Say why you reject the batch (up to 500 characters); nothing was changed." });
  }
  const claims = c.get("claims");
  const db = database(c.env.DB);
  const decision: Decision = {
    batchId: claims.batchId,
    checkerId: claims.checkerId,
    decision: action,
    fingerprint: claims.fingerprint,
    reason: action === "reject" ? reason : undefined,
    via: "link",
    linkId: claims.linkId,
  };
  let outcome;
  try {
    outcome = await decide(db, decision);
  } catch (error) {
    const refusal = httpErrorOf(error);
    if (refusal) return refusalPage(c, { status: refusal.status, title: "Nothing was changed", message: refusal.message });
    throw error;
  }
  if (outcome.approvedNow) c.executionCtx.waitUntil(releaseApprovedBatch(servicesFor(c.env), outcome.batch.row.id));
  const b = batchView(outcome.batch);
  if (action === "reject") {
    return c.html(<ApprovalMessage tone="warn" title="You rejected this batch" message="The maker can correct it and submit a new batch." batch={b} />);
  }
  const message =
    b.status === "approved"
      ? "The batch has all the approvals it needs and is released for payment."
      : `Your approval is recorded. It still needs ${b.requiredApprovals - b.approvalCount} more approval from another checker.`;
  return c.html(<ApprovalMessage tone="ok" title="You approved this batch" message={message} batch={b} />);
}

export const approvalPages = new Hono<ApprovalEnv>().get("/:token", validLink, showBatch).post("/:token", validLink, approvalForm, decideByLink);
