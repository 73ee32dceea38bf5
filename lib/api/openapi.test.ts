/**
 * The OpenAPI document is generated from the zod schemas the routes check requests with: it is
 * served, it lists every route and method there is (and no other), and every request schema in it
 * compiles in a real JSON Schema validator (Ajv, strict mode). The request examples, valid and
 * refused, are checked against it in unknown-fields.test.ts.
 */
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routeFiles, serveRoutes, type RouteServer } from "../testing/route-server";
import { openApiDocument } from "./openapi";

type Operation = {
  requestBody?: { content: Record<string, { schema: object }> };
  parameters?: { in: string; name: string; schema: object }[];
};
const paths = openApiDocument.paths as Record<string, Record<string, Operation>>;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** "METHOD /path/{id}" for every handler a route file exports, with what it reads. */
function routeOperations() {
  return routeFiles("api/v1")
    .filter((r) => r.route !== "/api/v1/openapi.json")
    .flatMap((r) =>
      readFileSync(r.file, "utf8")
        .split(/^export /m)
        .map((part) => ({ part, method: /^(?:const|async function|function) (\w+)/.exec(part)?.[1] ?? "" }))
        .filter(({ method }) => METHODS.includes(method))
        .map(({ part, method }) => ({
          key: `${method} ${r.route.replace(/^\/api\/v1/, "").replace(/\[(\w+)\]/g, "{$1}")}`,
          readsJson: part.includes("readJson("),
          readsQuery: part.includes("readQuery("),
        })),
    );
}

let server: RouteServer;
beforeAll(async () => {
  server = await serveRoutes(routeFiles("api/v1"));
});
afterAll(() => server?.close());

describe("the OpenAPI document", () => {
  it("is served at /api/v1/openapi.json without a token", async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it("lists every route handler of /api/v1, and nothing else", () => {
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(
      routeOperations()
        .map((o) => o.key)
        .sort(),
    );
  });

  it("has a JSON body for every handler that reads one, and the query parameters of every handler that reads them", () => {
    for (const op of routeOperations()) {
      const [method, path] = op.key.split(" ") as [string, string];
      const doc = paths[path]![method.toLowerCase()]!;
      if (op.readsJson) expect(doc.requestBody?.content["application/json"]?.schema, op.key).toBeDefined();
      if (op.readsQuery)
        expect(
          doc.parameters?.some((p) => p.in === "query"),
          op.key,
        ).toBe(true);
    }
  });

  it("has request schemas a strict JSON Schema validator compiles, every object in them closed", () => {
    const ajv = addFormats(new Ajv2020({ strict: true, strictRequired: false, allErrors: true }));
    let objects = 0;
    const visit = (node: unknown, where: string) => {
      if (Array.isArray(node)) node.forEach((n, i) => visit(n, `${where}/${i}`));
      else if (node && typeof node === "object") {
        const o = node as Record<string, unknown>;
        if (o.type === "object" && o.properties) {
          objects++;
          expect(o.additionalProperties, where).toBe(false);
        }
        for (const [k, v] of Object.entries(o)) visit(v, `${where}/${k}`);
      }
    };
    for (const [path, ops] of Object.entries(paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const schema = op.requestBody?.content["application/json"]?.schema;
        if (schema) {
          expect(() => ajv.compile(schema), `${method} ${path}`).not.toThrow();
          visit(schema, `${method} ${path}`);
        }
        for (const p of op.parameters ?? []) expect(() => ajv.compile(p.schema), `${method} ${path} ${p.name}`).not.toThrow();
      }
    }
    expect(objects).toBeGreaterThan(15);
  });

  it("says what the zod schemas say: required fields, enums, bounds and defaults", () => {
    const cas = paths["/cas"]!.post!.requestBody!.content["application/json"]!.schema as {
      required: string[];
      properties: Record<string, { enum?: string[]; default?: unknown; maximum?: number; maxLength?: number }>;
    };
    expect(cas.required).toEqual(["commonName"]);
    expect(cas.properties.keyType).toMatchObject({ default: "ecdsa-p256", enum: expect.arrayContaining(["rsa-2048", "ed25519"]) });
    expect(cas.properties.commonName!.maxLength).toBe(64);
    expect(cas.properties.pathLen!.maximum).toBe(10);
    const rules = paths["/notifications/rules"]!.post!.requestBody!.content["application/json"]!.schema as {
      properties: Record<string, { default?: unknown }>;
    };
    expect(rules.properties.daysBefore!.default).toEqual([30, 7, 1]);
  });
});
