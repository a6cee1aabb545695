// Schemas shared by several routes. Each is the single source of the request validation, the
// TypeScript type and the OpenAPI description.

import { z } from "@hono/zod-openapi";
import { CURRENCY_CODES, MAX_AMOUNT_PAISE } from "../domain/money";

export const amountPaise = z
  .number()
  .int()
  .min(1)
  .max(MAX_AMOUNT_PAISE)
  .openapi({ description: "Integer count of minor units (paise). Never a float.", example: 125000 });

export const componentPaise = z
  .number()
  .int()
  .min(0)
  .max(MAX_AMOUNT_PAISE)
  .openapi({ description: "Integer paise; zero when the component does not apply.", example: 0 });

export const currency = z.enum(CURRENCY_CODES).openapi({ description: "ISO 4217 code.", example: "INR" });

/** Identifiers chosen by callers (order ids, cycle ids, external refs): printable, no spaces. */
export const reference = (max = 120) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:\-/]*$/, "letters, digits and _ . : - / only, starting with a letter or digit");

export const humanText = (max: number) =>
  z
    .string()
    // Control characters have no place in names and reasons; they break logs, CSVs and pages.
    // Checked before trimming, so a stray CR or tab at either end is refused, not quietly cut off.
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters")
    .trim()
    .min(1)
    .max(max);

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error", {
    example: { error: { code: "validation_failed", message: "The request json is not valid.", details: [{ path: "bankDetails.ifsc", message: "must be 4 capital letters, the digit 0, then 6 capital letters or digits" }] } },
  });

/** The `{id}` path parameter every resource route takes. */
export const idParam = z.object({ id: z.string().max(100).openapi({ param: { name: "id", in: "path" } }) });

/**
 * A page of a list: the rows and the cursor of the next page (null on the last). `example` is one
 * row (usually the component's own example), so the page has an example of its own.
 */
export const pageOf = <T extends z.ZodType>(schema: T, example: z.input<T>) =>
  z.object({ data: z.array(schema), nextCursor: z.string().nullable() }).openapi({ example: { data: [example], nextCursor: null } });

/** A whole (short) list, `{ data: [...] }`, with `example` as its one row. */
export const listOf = <T extends z.ZodType>(schema: T, example: z.input<T>) => z.object({ data: z.array(schema) }).openapi({ example: { data: [example] } });

export const limitQuery = z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "Page size, 1–200." });
export const cursorQuery = z.string().max(200).optional().openapi({ description: "`nextCursor` from the previous page." });

export const errorResponses = {
  400: { description: "Malformed request", content: { "application/json": { schema: errorSchema } } },
  401: { description: "Missing or unknown API token", content: { "application/json": { schema: errorSchema } } },
  403: { description: "The token's role may not do this", content: { "application/json": { schema: errorSchema } } },
  404: { description: "Not found", content: { "application/json": { schema: errorSchema } } },
  409: { description: "Conflicts with the current state", content: { "application/json": { schema: errorSchema } } },
  422: { description: "Breaks a business rule", content: { "application/json": { schema: errorSchema } } },
} as const;

export const idempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .optional()
    .openapi({ description: "Repeat a request safely: the same key and body return the original result." }),
});

/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({ required: true, content: { "application/json": { schema } } });

export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
