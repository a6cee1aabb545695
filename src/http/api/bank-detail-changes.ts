// Four eyes on bank details: list a payee's requested changes, and approve or reject one (a
// checker or admin other than its requester). Requests are made by PATCH /v1/payees/{id}.

import { z } from "@hono/zod-openapi";
import { bankChangeSettings } from "../../config";
import { approveBankChange, listBankChanges, rejectBankChange } from "../../services/bank-detail-changes";
import { database } from "../../store/client";
import { requireRole } from "../middleware/auth";
import { routeOf, router } from "../router";
import { humanText, jsonBody, jsonContent, listOf } from "../schemas";
import { BANK_CHANGE_EXAMPLE, bankChangeApiView, bankChangeSchema } from "../views/bank-detail-changes";

const routeChanges = routeOf("Payees");

const payeeParam = z.object({ id: z.string().regex(/^pe_[0-9a-z]{1,60}$/).openapi({ param: { name: "id", in: "path" }, example: "pe_01m8bgvjkph2rsgrtjy0vv" }) });
const changeParams = payeeParam.extend({
  changeId: z.string().regex(/^bdc_[0-9a-z]{1,60}$/).openapi({ param: { name: "changeId", in: "path" }, example: "bdc_01m8bgvjkph2rsgrtjy0vv" }),
});
const DECIDERS = ["checker", "admin"] as const;

const listRoute = routeChanges("get", "/{id}/bank-detail-changes", "List a payee's bank details changes, newest first", {
  operationId: "listBankDetailChanges",
  middleware: [requireRole("admin", "checker", "auditor", "system", "risk")] as const,
  request: { params: payeeParam },
  responses: { 200: jsonContent(listOf(bankChangeSchema, BANK_CHANGE_EXAMPLE), "The payee's changes (at most 100)") },
});

const approveRoute = routeChanges("post", "/{id}/bank-detail-changes/{changeId}/approve", "Approve a bank details change (someone other than its requester)", {
  operationId: "approveBankDetailChange",
  description:
    "The requested details become the payee's, unverified until verified, and payable after the cooling-off period (`BANK_CHANGE_COOLING_OFF_SECONDS`; none for a payee's first details). The requester may not approve: `403 bank_change_decided_by_requester`.",
  middleware: [requireRole(...DECIDERS)] as const,
  request: { params: changeParams, body: jsonBody(z.object({ note: humanText(500) }).strict().openapi("ApproveBankDetailChange", { example: { note: "Confirmed on a call to the number on file" } })) },
  responses: { 200: jsonContent(bankChangeSchema, "The approved change") },
});

const rejectRoute = routeChanges("post", "/{id}/bank-detail-changes/{changeId}/reject", "Reject a bank details change (someone other than its requester)", {
  operationId: "rejectBankDetailChange",
  middleware: [requireRole(...DECIDERS)] as const,
  request: { params: changeParams, body: jsonBody(z.object({ note: humanText(500) }).strict().openapi("RejectBankDetailChange", { example: { note: "The payee did not ask for this change" } })) },
  responses: { 200: jsonContent(bankChangeSchema, "The rejected change; the payee's details stay as they were") },
});

export const bankDetailChangesRouter = router()
  .openapi(listRoute, async (c) => {
    return c.json({ data: (await listBankChanges(database(c.env.DB), c.req.valid("param").id)).map(bankChangeApiView) }, 200);
  })
  .openapi(approveRoute, async (c) => {
    const { id, changeId } = c.req.valid("param");
    const change = await approveBankChange(database(c.env.DB), id, changeId, c.req.valid("json").note, c.get("actor").actorId, bankChangeSettings(c.env));
    return c.json(bankChangeApiView(change), 200);
  })
  .openapi(rejectRoute, async (c) => {
    const { id, changeId } = c.req.valid("param");
    const change = await rejectBankChange(database(c.env.DB), id, changeId, c.req.valid("json").note, c.get("actor").actorId);
    return c.json(bankChangeApiView(change), 200);
  });
