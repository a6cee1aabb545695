// Generated requests to the approval pages: tokens forged, expired, altered or for links that
// can no longer act, and form posts without CSRF proof, from another site, too large or wrong.

import { env } from "cloudflare:test";
import fc from "fast-check";
import { approvalLinkKeys, publicBaseUrl } from "../../../src/config";
import { MAX_FORM_BYTES } from "../../../src/http/approval/routes";
import { applyBreakers, broke, type Breaker, type PageCase, type TokenRecipe } from "./recipes";
import { clip, ORIGIN } from "./request";
import { blankText, CONTROL_CHARS, unicodeText } from "./values";
import type { World } from "./world";

/**
 * Tokens checkLink certainly refuses, or that name a link it refuses to act on: used, lapsed, or
 * for a batch no longer pending. Everything but "issued pending" is one of these.
 */
function tokenBreaks(world: World): fc.Arbitrary<TokenRecipe> {
  const now = Date.now();
  const issued = (link: keyof World["links"]) => ({
    linkId: world.links[link].id,
    batchId: world.links[link].batch_id,
    checkerId: world.links[link].checker_id,
    fingerprint: world.links[link].fingerprint,
    expiresAtMs: Date.parse(world.links[link].expires_at),
  });
  const ownSecret = approvalLinkKeys(env)[0]!.secret;
  const secret = fc.string({ minLength: 16, maxLength: 40 }).filter((s) => s !== ownSecret);
  return fc.oneof(
    fc.constant<TokenRecipe>({ kind: "issued", link: "used" }),
    fc.constant<TokenRecipe>({ kind: "issued", link: "settled" }),
    fc.constant<TokenRecipe>({ kind: "issued", link: "lapsed" }),
    fc.constant<TokenRecipe>({ kind: "signed", link: "lapsed", claims: { expiresAtMs: world.lapsedIssuedExpiresAtMs }, why: "link expired; token re-signed with its original expiry" }),
    secret.map((s): TokenRecipe => ({ kind: "signed", link: "pending", claims: {}, secret: s, why: "signed with another secret" })),
    fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }).map((ago): TokenRecipe => ({ kind: "signed", link: "pending", claims: { expiresAtMs: now - ago }, why: `expired ${ago} ms ago` })),
    fc
      .oneof(fc.integer({ min: 1, max: 365 * 86_400_000 }), fc.constantFrom(8.64e15, 8.64e15 + 1, 2 ** 53, 1e300, Number.MAX_VALUE))
      .map((later): TokenRecipe => ({ kind: "signed", link: "pending", claims: { expiresAtMs: later > 1e12 ? later : issued("pending").expiresAtMs + later }, why: "expiry extended past the issued one" })),
    fc
      .record({
        field: fc.constantFrom("linkId", "batchId", "checkerId", "fingerprint"),
        value: fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), fc.constantFrom(...Object.values(issued("pendingOther")).filter((v) => typeof v === "string"))),
      })
      .filter(({ field, value }) => value !== (issued("pending") as Record<string, unknown>)[field])
      .map(({ field, value }): TokenRecipe => ({ kind: "signed", link: "pending", claims: { [field]: value }, why: `${field} swapped for ${JSON.stringify(value)}` })),
    fc.record({ at: fc.nat(), char: fc.constantFrom(..."0123456789abcdefABCDEF-_.=+/ ") }).map(({ at, char }): TokenRecipe => ({ kind: "tampered", link: "pending", at, char })),
    fc
      .oneof(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }),
        fc.string({ unit: "binary", minLength: 1, maxLength: 60 }),
        fc.constantFrom("v1", "v1..", "v1.x.y", "v2.e30.00", "v1.e30", "v1.!!!!.0000", "undefined", "null", "v1." + "A".repeat(2100) + ".00"),
      )
      .filter((t) => t !== "." && t !== "..")
      .map((token): TokenRecipe => ({ kind: "literal", token, why: "not a token Disburse issued" })),
  );
}

/** What can be wrong with a form post besides its token; the first (CSRF) applies to every post. */
function formBreakers(): Breaker<PageCase>[] {
  // Where the approval pages accept form posts from besides ORIGIN: the public base URL.
  const publicOrigin = new URL(publicBaseUrl(env)).origin;
  const foreignOrigin = fc.oneof(fc.webUrl().map((u) => new URL(u).origin), fc.constantFrom("null", "https://disburse.test.evil.example", "http://disburse.test")).filter((o) => o !== ORIGIN && o !== publicOrigin);
  const reasonBreak = fc.oneof(
    fc.constant(""),
    blankText.filter((t) => t.trim() === ""),
    fc.tuple(fc.string({ unit: "grapheme", maxLength: 8 }), fc.constantFrom(...CONTROL_CHARS.filter((ch) => ch !== "\t" && ch !== "\n" && ch !== "\r"))).map(([a, ch]) => `${a}${ch}`),
    fc.integer({ min: 501, max: 700 }).map((n) => "r".repeat(n)),
  );
  const unknownAction = fc.option(fc.string({ unit: "grapheme", maxLength: 12 }).filter((a) => a !== "approve" && a !== "reject"), { nil: undefined });
  return [
    (c) => fc.constantFrom<PageCase["csrf"]>("no-cookie", "no-field", "garbage", "other-nonce", "other-link").map((csrf) => broke(c, `CSRF ${csrf}`, { csrf })),
    (c) => foreignOrigin.map((origin) => broke(c, `Origin ${origin}`, { origin })),
    (c) => fc.integer({ min: MAX_FORM_BYTES + 1, max: 20_000 }).map((pad) => broke(c, `form of more than ${pad} bytes`, { pad })),
    (c) =>
      unknownAction.map((action) => {
        const { action: _, ...rest } = c.fields;
        return broke(c, `action ${JSON.stringify(action)}`, { fields: action === undefined ? rest : { ...rest, action } });
      }),
    (c) => reasonBreak.map((reason) => broke(c, `reject with reason ${clip(JSON.stringify(reason), 30)}`, { fields: { ...c.fields, action: "reject", reason } })),
    (c) => fc.constantFrom<PageCase["contentType"]>("json", "text").map((contentType) => broke(c, `form sent as ${contentType}`, { contentType })),
  ];
}

export function pageCases(world: World): fc.Arbitrary<PageCase> {
  const fields = fc
    .record({ action: fc.constantFrom("approve", "reject"), reason: fc.option(unicodeText, { nil: undefined }) }, { requiredKeys: ["action"] })
    .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Record<string, string>);
  const base = fc.record({
    method: fc.constantFrom<"GET" | "POST">("GET", "POST"),
    fields,
    contentType: fc.constantFrom<PageCase["contentType"]>("urlencoded", "multipart"),
  });
  const breakers = formBreakers();
  return fc.tuple(base, fc.option(tokenBreaks(world), { nil: undefined, freq: 3 }), fc.shuffledSubarray(breakers, { minLength: 0, maxLength: 2 })).chain(([b, token, chosen]) => {
    const start: PageCase = { broken: [], method: b.method, token: { kind: "issued", link: "pending" }, csrf: "valid", fields: b.fields, contentType: b.contentType };
    if (token !== undefined) return applyBreakers({ ...start, token, broken: [`token: ${describeToken(token)}`] }, chosen);
    // The pending link's own token is valid: then something else must break (and a GET has nothing else).
    return applyBreakers({ ...start, method: "POST" }, chosen.length === 0 ? [breakers[0]!] : chosen);
  });
}

function describeToken(t: TokenRecipe): string {
  switch (t.kind) {
    case "issued":
      return `the ${t.link} link's token as issued`;
    case "signed":
      return `${t.link} link, ${t.why}`;
    case "tampered":
      return `${t.link} link's token with character ${t.at} changed to ${JSON.stringify(t.char)}`;
    case "literal":
      return `${clip(JSON.stringify(t.token), 60)} (${t.why})`;
  }
}
