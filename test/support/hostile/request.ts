// One hostile request as sent, its answer, and whether that answer is a proper refusal: a 4xx
// with the JSON error shape, or for approval pages an HTML page that says what happened.

import { SELF } from "cloudflare:test";
import { isPlainObject } from "./json";

export const ORIGIN = "https://disburse.test";

export interface HostileRequest {
  /** What the generator broke, in words: the first line of a failure message. */
  broken: string[];
  method: string;
  /** Path and query, already percent-encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Approval pages refuse with an HTML page; everything else with the JSON error shape. */
  answers: "json" | "html";
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Sends exactly what the request says: no header is added, the body goes as bytes. */
export async function send(req: HostileRequest): Promise<Answer> {
  const init: RequestInit = { method: req.method, headers: req.headers, redirect: "manual" };
  if (req.body !== undefined) init.body = new TextEncoder().encode(req.body);
  const res = await SELF.fetch(`${ORIGIN}${req.url}`, init);
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", text: await res.text() };
}

/** A path segment decoded, or as written when it is not valid percent-encoding. */
export function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** At most `max` code points, lone surrogates replaced: failure messages must stay valid UTF-8. */
export function clip(text: string, max = 300): string {
  const points = Array.from(text);
  const cut = points.length > max ? `${points.slice(0, max).join("")}… (${text.length} chars)` : text;
  return cut.replace(LONE_SURROGATE, "\ufffd");
}

export function describeExchange(req: HostileRequest, answer?: Answer): string {
  const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${clip(v, 120)}`);
  return [
    `broken: ${req.broken.join("; ")}`,
    `${req.method} ${clip(req.url, 200)}`,
    ...headers,
    ...(req.body === undefined ? [] : [`body: ${clip(JSON.stringify(req.body))}`]),
    ...(answer ? [`→ ${answer.status} ${answer.contentType}`, `  ${clip(answer.text)}`] : []),
  ].join("\n  ");
}

/** Why the answer is not a proper refusal, or null when it is one. */
export function refusalProblem(req: HostileRequest, answer: Answer): string | null {
  if (answer.status < 400 || answer.status > 499) return `expected a 4xx, got ${answer.status}`;
  return req.answers === "html" ? pageProblem(answer) : jsonErrorProblem(answer);
}

function pageProblem(answer: Answer): string | null {
  if (!/^text\/html/i.test(answer.contentType)) return `expected an HTML page, got ${answer.contentType}`;
  if (!/<title>[^<]*\S[^<]*<\/title>/.test(answer.text)) return "the page has no title";
  if (!/<h1>[^<]*\S[^<]*<\/h1>/.test(answer.text)) return "the page has no heading saying what happened";
  return null;
}

function jsonErrorProblem(answer: Answer): string | null {
  if (!/^application\/json/i.test(answer.contentType)) return `expected JSON, got ${answer.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return "the body is not JSON";
  }
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (!isPlainObject(body) || Object.keys(body).join() !== "error" || !isPlainObject(error)) return "the body is not { error: {...} }";
  if (typeof error.code !== "string" || !/^[a-z][a-z0-9_]*$/.test(error.code)) return "error.code is not a machine-readable code";
  if (typeof error.message !== "string" || error.message.trim() === "") return "error.message is missing";
  if (Object.keys(error).some((k) => !["code", "message", "details"].includes(k))) return "error has keys besides code, message, details";
  return null;
}

/** The JSON error code of an answer, for focused assertions. */
export const errorCode = (answer: Answer): string | undefined => {
  try {
    return JSON.parse(answer.text)?.error?.code;
  } catch {
    return undefined;
  }
};
