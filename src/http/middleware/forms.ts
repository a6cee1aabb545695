// Form posts to our own pages (the ops console, approval links): the Origin check, the size
// limit, the parse and the CSRF comparison they share. Each page says how a refusal looks.

import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { publicBaseUrl } from "../../config";
import { timingSafeEqual } from "../../domain/hash";
import type { Env } from "../../env";

export type FormFields = Record<string, string>;
/** Why a form post was refused, for the page to say. */
export type FormRefusal = "foreign_origin" | "too_large" | "not_a_form" | "bad_csrf";
export type FormMediaType = "application/x-www-form-urlencoded" | "multipart/form-data";

type FormEnv = { Bindings: Env; Variables: { form: FormFields } };

export interface FormRules<E extends FormEnv> {
  maxBytes: number;
  /** What the page's forms are sent as; anything else is refused as not_a_form. */
  mediaTypes: readonly FormMediaType[];
  /** The CSRF token this request's form must carry; null when it cannot carry a valid one. */
  expectedCsrf(c: Context<E>): Promise<string | null>;
  /** The page for a refusal; `form` is there when the body was read before the refusal. */
  refuse(c: Context<E>, why: FormRefusal, form?: FormFields): Response | Promise<Response>;
}

/**
 * A request naming an Origin that is neither its own nor PUBLIC_BASE_URL's. Not Hono's csrf():
 * that refuses a form sent without an Origin header, which we accept (the CSRF token is the
 * defence; Origin is a second one some clients leave out), and answers with a bare "Forbidden".
 */
function foreignOrigin(origin: string | undefined, requestUrl: string, env: Env): boolean {
  return origin !== undefined && origin !== new URL(requestUrl).origin && origin !== new URL(publicBaseUrl(env)).origin;
}

/**
 * Middleware for a form POST: refuses a foreign Origin, a body over maxBytes, a body that is not
 * one of the page's forms, and a CSRF field that does not match; otherwise puts the fields in
 * c.var.form. The checks run in that order, so the first problem is the one the page explains.
 */
export function formPost<E extends FormEnv>(rules: FormRules<E>): MiddlewareHandler<E> {
  const limit = bodyLimit({ maxSize: rules.maxBytes, onError: (c) => rules.refuse(c as Context<E>, "too_large") });
  return async (c, next) => {
    if (foreignOrigin(c.req.header("origin"), c.req.url, c.env)) return rules.refuse(c, "foreign_origin");
    return limit(c, async () => {
      const refusal = await checkForm(c, rules);
      if (refusal) c.res = refusal;
      else await next();
    });
  };
}

async function checkForm<E extends FormEnv>(c: Context<E>, rules: FormRules<E>): Promise<Response | null> {
  const form = await readForm(c, rules.mediaTypes);
  if (!form) return rules.refuse(c, "not_a_form");
  const expected = await rules.expectedCsrf(c);
  if (expected === null || !timingSafeEqual(form.csrf ?? "", expected)) return rules.refuse(c, "bad_csrf", form);
  c.set("form", form);
  return null;
}

/** The form's text fields (a file field is not text, so it is left out); null when it is not a form. */
async function readForm(c: Context, mediaTypes: readonly FormMediaType[]): Promise<FormFields | null> {
  const mediaType = c.req.header("content-type")?.split(";")[0]!.trim().toLowerCase();
  if (!(mediaTypes as readonly string[]).includes(mediaType ?? "")) return null;
  const body = await c.req.parseBody().catch(() => null);
  if (!body) return null;
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}
