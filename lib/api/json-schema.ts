/**
 * JSON Schema (2020-12, the dialect of OpenAPI 3.1) of what a client sends, generated from the
 * zod schemas the services parse with (zod 4's z.toJSONSchema), so the OpenAPI document cannot
 * drift from the code. Every object is closed (additionalProperties: false), as readJson and
 * readQuery enforce at the API boundary.
 */
import { z } from "zod";

type JsonSchema = Record<string, unknown>;

export function apiJsonSchema(schema: z.core.$ZodType, io: "input" | "output" = "input"): JsonSchema {
  const generated = z.toJSONSchema(schema, {
    // Requests: what the client sends (defaults make fields optional, preprocessed fields show their
    // JSON form). Responses: what the server answers, closed too, so an undocumented field fails
    // the response test (lib/api/responses.test.ts).
    io,
    // A refinement or transform has no JSON Schema; the field keeps the rest of its description.
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const def = zodSchema._zod.def as { type: string; catchall?: z.core.$ZodType };
      const open = def.catchall !== undefined && def.catchall._zod.def.type !== "never";
      if (def.type === "object" && !open) jsonSchema.additionalProperties = false;
    },
  }) as JsonSchema;
  delete generated.$schema;
  return generated;
}

/** A JSON request body of that schema. */
export function jsonBody(schema: z.core.$ZodType, { required = true, description }: { required?: boolean; description?: string } = {}) {
  return { required, ...(description ? { description } : {}), content: { "application/json": { schema: apiJsonSchema(schema) } } };
}

/** The query parameters of a zod object schema, one OpenAPI parameter each. */
export function queryParameters(schema: z.core.$ZodType) {
  const json = apiJsonSchema(schema) as { properties?: Record<string, JsonSchema & { description?: string }>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, s]) => {
    const { description, ...rest } = s;
    return { name, in: "query", required: json.required?.includes(name) ?? false, schema: rest, ...(description ? { description } : {}) };
  });
}

/** A JSON response of that schema (lib/api/responses*.ts), or a reference to one in components. */
export function jsonResponse(description: string, schema: z.core.$ZodType | { $ref: string }) {
  const json = "$ref" in schema ? schema : apiJsonSchema(schema, "output");
  return { description, content: { "application/json": { schema: json } } };
}
