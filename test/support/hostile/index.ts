// Hostile input for the whole HTTP surface (issue #6), as test/integration/hostile-input.test.ts
// uses it: what to attack, the generators of broken requests, and the checks on the answers.

export { forbiddenActors } from "./auth";
export { sampleBody } from "./body-tree";
export { maxBodyBytes } from "./bodies";
export { buildOperationRequest, buildPageRequest, buildSimbankRequest, buildWebhookRequest } from "./build";
export { settledDigest, stateDigest } from "./digest";
export { toJsonText } from "./json";
export { collectionOf, operationCases } from "./operation-cases";
export { discoverOperations, type Operation } from "./operations";
export { pageCases } from "./page-cases";
export type { PageCase, WebhookCase } from "./recipes";
export { type Answer, clip, describeExchange, errorCode, type HostileRequest, refusalProblem, safeDecode, send } from "./request";
export { conforms, queryConforms } from "./schema";
export { INVALID_BANK_CONFIGS, INVALID_TICKS, simbankCases } from "./simbank-cases";
export { HOSTILE_AMOUNTS, INVALID_IFSC, RAW_AMOUNTS, TEXT_FIELDS } from "./values";
export { webhookCases } from "./webhook-cases";
export { buildWorld, type World } from "./world";
