// Payees: sellers and delivery partners, with bank details and their verification.

import { z } from "@hono/zod-openapi";
import { database } from "../../store/client";
import { createPayee, getPayeeRow, listPayees, updatePayee } from "../../store/payees";
import { verifyBankDetails } from "../../services/bank-detail-changes";
import { bankChangeSettings } from "../../config";
import { bankDetailChangesRouter } from "./bank-detail-changes";
import { mapPage } from "../../store/page";
import { PAYEE_EXAMPLE, payeeSchema, payeeView } from "../views/payees";
import { ACCOUNT_NUMBER_PATTERN, IFSC_PATTERN, PAYEE_TYPES } from "../../domain/payees";
import { routeOf, router } from "../router";
import { requireRole } from "../middleware/auth";
import { currency, cursorQuery, humanText, idempotencyHeader, idParam, jsonBody, jsonContent, limitQuery, pageOf, reference } from "../schemas";

const routePayees = routeOf("Payees");

const bankDetailsInput = z
  .object({
    accountNumber: z.string().regex(ACCOUNT_NUMBER_PATTERN, "must be 9 to 18 digits").openapi({ example: "123456789012" }),
    ifsc: z
      .string()
      .regex(IFSC_PATTERN, "must be 4 capital letters, the digit 0, then 6 capital letters or digits")
      .openapi({ example: "HDFC0001234" }),
    accountHolderName: humanText(140).openapi({ example: "Asha Traders" }),
  })
  .strict()
  .openapi("BankDetailsInput");

/** Checked by the domain (src/domain/tax-ids.ts), so a malformed PAN or GSTIN is a 422 that names its rule. */
const taxIdentityInput = {
  legalName: humanText(200).optional().openapi({ description: "The name as registered for tax (required with a PAN or GSTIN)." }),
  pan: z.string().max(20).optional().openapi({ description: "Permanent Account Number: 5 letters (the 4th the holder's status), 4 digits, a letter.", example: "AAPFU0939F" }),
  gstin: z.string().max(20).optional().openapi({ description: "GSTIN: state code, PAN, entity number, Z, check character; must carry the payee's PAN.", example: "27AAPFU0939F1ZV" }),
};

const createPayeeRoute = routePayees("post", "/", "Create a payee", {
  operationId: "createPayee",
  middleware: [requireRole("admin", "system")] as const,
  request: {
    headers: idempotencyHeader,
    body: jsonBody(
      z
        .object({
          type: z.enum(PAYEE_TYPES),
          displayName: humanText(200),
          email: z.email().max(254).optional(),
          externalId: reference(100).optional().openapi({ description: "Your own id for this payee; unique." }),
          currency: currency.default("INR"),
          bankDetails: bankDetailsInput.optional(),
          ...taxIdentityInput,
        })
        .strict()
        .openapi("CreatePayee", {
          example: {
            type: "seller",
            displayName: "Meena Stores",
            email: "accounts@meenastores.in",
            externalId: "seller-7",
            currency: "INR",
            bankDetails: { accountNumber: "50100012345678", ifsc: "HDFC0001234", accountHolderName: "Meena Stores" },
            legalName: "Meena Stores LLP",
            pan: "AAPFU0939F",
            gstin: "27AAPFU0939F1ZV",
          },
        }),
    ),
  },
  responses: { 201: jsonContent(payeeSchema, "The payee; its bank details are a pending change until someone else approves them") },
});

const listPayeesRoute = routePayees("get", "/", "List payees", {
  operationId: "listPayees",
  request: {
    query: z.object({ limit: limitQuery, cursor: cursorQuery, externalId: z.string().max(100).optional(), type: z.enum(PAYEE_TYPES).optional() }),
  },
  responses: { 200: jsonContent(pageOf(payeeSchema, PAYEE_EXAMPLE), "A page of payees") },
});

const getPayeeRoute = routePayees("get", "/{id}", "Read a payee", {
  operationId: "getPayee",
  request: { params: idParam },
  responses: { 200: jsonContent(payeeSchema, "The payee") },
});

const updatePayeeRoute = routePayees("patch", "/{id}", "Update a payee", {
  operationId: "updatePayee",
  description:
    "New bank details do not change the payee's details: they are a pending change (`pendingBankDetailsChangeId`) that a checker or admin other than the requester approves at `/v1/payees/{id}/bank-detail-changes/{changeId}/approve`. Until the change is approved and its cooling-off has passed, the payee's payouts are held.",
  middleware: [requireRole("admin", "system")] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z
        .object({
          displayName: humanText(200).optional(),
          email: z.email().max(254).nullable().optional(),
          bankDetails: bankDetailsInput.nullable().optional(),
          legalName: taxIdentityInput.legalName.nullable(),
          pan: taxIdentityInput.pan.nullable(),
          gstin: taxIdentityInput.gstin.nullable(),
        })
        .strict()
        .refine((v) => Object.keys(v).length > 0, "send at least one field to change")
        .openapi("UpdatePayee", { example: { bankDetails: { accountNumber: "002101544410", ifsc: "ICIC0000104", accountHolderName: "Meena Stores" } } }),
    ),
  },
  responses: { 200: jsonContent(payeeSchema, "The updated payee") },
});

const verifyRoute = routePayees("post", "/{id}/verification", "Record the result of verifying a payee's bank details", {
  operationId: "setPayeeVerification",
  description:
    "Typically posted by the integration that runs a penny drop. `verified` needs `bankAccountName`, the holder's name the bank returned; it is scored against the account holder and legal names, and below `BANK_NAME_MATCH_THRESHOLD` (default 0.8) it is `422 name_mismatch` unless `nameMismatchOverride` gives a reason, from someone other than who requested the details.",
  middleware: [requireRole("admin", "system")] as const,
  request: {
    params: idParam,
    body: jsonBody(
      z
        .object({
          status: z.enum(["verified", "invalid"]),
          note: humanText(500).optional(),
          bankAccountName: humanText(200).optional().openapi({ description: "The account holder's name as the bank returned it (penny drop)." }),
          nameMismatchOverride: z.object({ reason: humanText(500) }).strict().optional().openapi({ description: "A reviewer's reason to record verified despite a low name match." }),
        })
        .strict()
        .openapi("SetVerification", { example: { status: "verified", note: "Penny drop of ₹1 via RazorpayX", bankAccountName: "MEENA STORES" } }),
    ),
  },
  responses: { 200: jsonContent(payeeSchema, "The payee") },
});

export const payeesRouter = router()
  // Four eyes on the payee's bank details: listing, approving and rejecting requested changes.
  .route("/", bankDetailChangesRouter)
  .openapi(createPayeeRoute, async (c) => {
    const body = c.req.valid("json");
    const payee = payeeView(await createPayee(database(c.env.DB), body, c.get("actor").actorId));
    return c.json(payee, 201);
  })
  .openapi(listPayeesRoute, async (c) => {
    const q = c.req.valid("query");
    return c.json(mapPage(await listPayees(database(c.env.DB), { ...q, after: q.cursor }), payeeView), 200);
  })
  .openapi(getPayeeRoute, async (c) => {
    return c.json(payeeView(await getPayeeRow(database(c.env.DB), c.req.valid("param").id)), 200);
  })
  .openapi(updatePayeeRoute, async (c) => {
    const settings = bankChangeSettings(c.env);
    const payee = payeeView(await updatePayee(database(c.env.DB), c.req.valid("param").id, c.req.valid("json"), c.get("actor").actorId, settings.paysOldDetails));
    return c.json(payee, 200);
  })
  .openapi(verifyRoute, async (c) => {
    const payee = payeeView(await verifyBankDetails(database(c.env.DB), c.req.valid("param").id, c.req.valid("json"), c.get("actor").actorId, bankChangeSettings(c.env)));
    return c.json(payee, 200);
  });
