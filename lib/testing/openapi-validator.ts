/**
 * Tests: checks requests against the served OpenAPI document with a real JSON Schema validator
 * (Ajv, draft 2020-12 as OpenAPI 3.1 uses, with its format checks), independent of zod.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { openApiDocument } from "../api/openapi";

type Operation = {
  requestBody?: { content?: Record<string, { schema?: object }> };
  parameters?: { name: string; in: string; required?: boolean; schema?: object }[];
};

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
// Query values arrive as text: "2" is a valid integer there.
const ajvQuery = addFormats(new Ajv2020({ allErrors: true, strict: false, coerceTypes: true }));
const cache = new Map<string, ValidateFunction>();

export function operation(method: string, path: string): Operation {
  const op = (openApiDocument.paths as Record<string, Record<string, Operation>>)[path]?.[method.toLowerCase()];
  if (!op) throw new Error(`The OpenAPI document has no ${method} ${path}`);
  return op;
}

/** The Ajv errors of `body` against the JSON request body of `method path` (empty: valid). */
export function bodyErrors(method: string, path: string, body: unknown): ErrorObject[] {
  const key = `${method} ${path} body`;
  if (!cache.has(key)) {
    const schema = operation(method, path).requestBody?.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`${method} ${path} has no JSON request body in the document`);
    cache.set(key, ajv.compile(schema));
  }
  const validate = cache.get(key)!;
  return validate(body) ? [] : [...(validate.errors ?? [])];
}

/** The Ajv errors of a query string against the query parameters of `method path`. */
export function queryErrors(method: string, path: string, query: Record<string, string>): ErrorObject[] {
  const key = `${method} ${path} query`;
  if (!cache.has(key)) {
    const params = (operation(method, path).parameters ?? []).filter((p) => p.in === "query");
    const schema = {
      type: "object",
      additionalProperties: false,
      properties: Object.fromEntries(params.map((p) => [p.name, p.schema ?? {}])),
      required: params.filter((p) => p.required).map((p) => p.name),
    };
    cache.set(key, ajvQuery.compile(schema));
  }
  const validate = cache.get(key)!;
  return validate({ ...query }) ? [] : [...(validate.errors ?? [])];
}

/**
 * The fields Ajv found undeclared, as dotted paths ("sans.dnss"). Under a oneOf only the
 * variants the value's constants pick count (kind: "email" is judged by the e-mail variant).
 */
export function undeclared(errors: ErrorObject[]): string[] {
  const variant = (e: ErrorObject) => /^#\/oneOf\/\d+\//.exec(e.schemaPath)?.[0];
  const ruledOut = new Set(errors.filter((e) => e.keyword === "const").map(variant));
  return errors
    .filter((e) => e.keyword === "additionalProperties" && !(variant(e) && ruledOut.has(variant(e))))
    .map((e) => [...e.instancePath.split("/").filter(Boolean), (e.params as { additionalProperty: string }).additionalProperty].join("."));
}

type Responses = Record<string, { content?: Record<string, { schema?: object }> }>;

/** The schema with every `#/components/schemas/...` reference replaced by the component it names. */
function resolveRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolveRefs);
  if (!node || typeof node !== "object") return node;
  const o = node as Record<string, unknown>;
  if (typeof o.$ref === "string" && o.$ref.startsWith("#/components/schemas/")) {
    const name = o.$ref.slice("#/components/schemas/".length);
    const target = (openApiDocument.components.schemas as Record<string, unknown>)[name];
    if (!target) throw new Error(`The OpenAPI document has no component ${name}`);
    return resolveRefs(target);
  }
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, resolveRefs(v)]));
}

/**
 * The Ajv errors of a JSON response body against what the document says `method path` answers
 * with that status (empty: valid). A status the document does not list is an error too.
 */
export function responseErrors(method: string, path: string, status: number, body: unknown): ErrorObject[] {
  const key = `${method} ${path} ${status}`;
  if (!cache.has(key)) {
    const responses = (operation(method, path) as { responses?: Responses }).responses ?? {};
    const response = responses[String(status)];
    if (!response) throw new Error(`The OpenAPI document does not say ${method} ${path} answers ${status}`);
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) throw new Error(`The OpenAPI document has no JSON schema for ${method} ${path} ${status}`);
    cache.set(key, ajv.compile(resolveRefs(schema) as object));
  }
  const validate = cache.get(key)!;
  return validate(body) ? [] : [...(validate.errors ?? [])];
}
