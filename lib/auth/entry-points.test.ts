/**
 * Every way into the app sets an actor, so the next endpoint cannot forget: outside a request
 * nobody acts (lib/auth/actor.ts), and these checks read the source of every route handler,
 * server action and dashboard page with the TypeScript parser and name each one that does not
 * go through a wrapper that sets one.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
/** Route wrappers that run the handler as someone: a token, the anonymous public, the signed-in user. */
const ROUTE_WRAPPERS = new Set(["apiRoute", "publicRoute", "pkiRoute", "pkiBytesRoute", "browserDownload", "sessionRoute"]);
/** Handlers exported as they are because they set the actor themselves, each with where. */
const SELF_WRAPPED_HANDLERS: Record<string, string> = {
  handleAcmeRequest: "lib/acme/wfe.ts runs every request as the endpoint's or the account's ACME actor",
};
/** What a server action wraps its service calls in. */
const ACTION_WRAPPERS = new Set(["actAs", "actPublicly", "runAs"]);
/**
 * Functions of lib/services that need no actor, because they touch neither the store nor a key:
 * form parsing, file names. Add to this list only a function of that kind.
 */
const PURE_SERVICE_HELPERS = new Set(["fileBaseName", "issueInputFromForm", "pastedOrUploaded", "FORMAT_FILES"]);

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === "node_modules" ? [] : filesUnder(full, keep);
    return keep(full) ? [full] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
}

const rel = (file: string) => path.relative(ROOT, file);
const isExported = (node: ts.Node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
const calleeName = (call: ts.CallExpression) => (ts.isIdentifier(call.expression) ? call.expression.text : null);

/** The HTTP handlers a route file exports that are not made by one of the route wrappers. */
function unwrappedHandlers(source: ts.SourceFile): string[] {
  const problems: string[] = [];
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && isExported(statement) && statement.name && HTTP_METHODS.has(statement.name.text)) {
      problems.push(
        `${statement.name.text} is a plain function: make it \`export const ${statement.name.text} = apiRoute/publicRoute(...)\``,
      );
    }
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (!ts.isIdentifier(declaration.name) || !HTTP_METHODS.has(declaration.name.text)) continue;
        const init = declaration.initializer;
        if (init && ts.isIdentifier(init) && init.text in SELF_WRAPPED_HANDLERS) continue;
        const wrapper = init && ts.isCallExpression(init) ? calleeName(init) : null;
        if (!wrapper || !ROUTE_WRAPPERS.has(wrapper))
          problems.push(`${declaration.name.text} is not made by ${[...ROUTE_WRAPPERS].join("/")}`);
      }
    }
    if (ts.isExportDeclaration(statement)) problems.push("re-exports a handler: wrap it in this file instead");
  }
  return problems;
}

/** Names imported from lib/services (by "@/lib/services/..." or a relative path). */
function serviceImports(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    if (!/(^@\/lib\/services\/|\/services\/)/.test(statement.moduleSpecifier.text)) continue;
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) if (!element.isTypeOnly) names.add(element.name.text);
  }
  return names;
}

/** Calls to services in a server action file that no actor wrapper encloses. */
function unwrappedServiceCalls(source: ts.SourceFile): string[] {
  const services = serviceImports(source);
  const problems: string[] = [];
  const visit = (node: ts.Node, wrapped: boolean) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      if (name && services.has(name) && !PURE_SERVICE_HELPERS.has(name) && !wrapped) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        problems.push(`line ${line + 1}: ${name}() is called outside ${[...ACTION_WRAPPERS].join("/")}`);
      }
      if (name && ACTION_WRAPPERS.has(name)) {
        visit(node.expression, wrapped);
        node.arguments.forEach((argument) => visit(argument, true));
        return;
      }
    }
    ts.forEachChild(node, (child) => visit(child, wrapped));
  };
  visit(source, false);
  return problems;
}

const isUseServer = (source: ts.SourceFile) => {
  const first = source.statements[0];
  return !!first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === "use server";
};

const routeFiles = filesUnder(path.join(ROOT, "app"), (f) => /\/route\.tsx?$/.test(f));
const serverActionFiles = [
  ...filesUnder(path.join(ROOT, "app"), (f) => /\.tsx?$/.test(f)),
  ...filesUnder(path.join(ROOT, "lib"), (f) => /\.tsx?$/.test(f) && !f.endsWith(".test.ts")),
]
  .map(parse)
  .filter(isUseServer);
const dashboardPages = filesUnder(path.join(ROOT, "app/(dashboard)"), (f) => /\/page\.tsx$/.test(f));

describe("every entry point sets an actor", () => {
  it("finds the route handlers, server actions and pages it checks", () => {
    // Guards the checks below against passing because they found nothing.
    expect(routeFiles.length).toBeGreaterThan(25);
    expect(serverActionFiles.length).toBeGreaterThanOrEqual(8);
    expect(dashboardPages.length).toBeGreaterThan(10);
  });

  it.each(routeFiles.map((f) => [rel(f), f]))("route %s exports only wrapped handlers", (_name, file) => {
    const source = parse(file);
    expect(unwrappedHandlers(source)).toEqual([]);
    // A file that exports no handler at all is not a route.
    expect(source.statements.some((s) => isExported(s))).toBe(true);
  });

  it.each(serverActionFiles.map((s) => [rel(s.fileName), s]))(
    "server actions in %s call services only inside actAs/actPublicly/runAs",
    (_name, source) => {
      expect(unwrappedServiceCalls(source)).toEqual([]);
    },
  );

  it.each(dashboardPages.map((f) => [rel(f), f]))("dashboard page %s checks the signed-in user before it reads", (_name, file) => {
    const text = readFileSync(file, "utf8");
    // A page that imports nothing from lib (a static form) reads nothing; the layout signs it in.
    const reads = /from "@\/lib\//.test(text);
    if (reads) expect(text).toMatch(/\brequireUser\(/);
  });

  it("the checks catch what they are for", () => {
    const source = (text: string) => ts.createSourceFile("x.ts", text, ts.ScriptTarget.Latest, true);
    expect(unwrappedHandlers(source("export async function GET() { return new Response(); }"))).toHaveLength(1);
    expect(unwrappedHandlers(source("export const POST = async () => new Response();"))).toHaveLength(1);
    expect(unwrappedHandlers(source('export const GET = apiRoute("view", async () => new Response());'))).toEqual([]);
    const action = (body: string) =>
      source(`"use server";\nimport { revokeCertificate } from "@/lib/services/revoke-certificate";\n${body}`);
    expect(unwrappedServiceCalls(action("export async function a() { await revokeCertificate('x', {}); }"))).toHaveLength(1);
    expect(unwrappedServiceCalls(action('export async function a() { await actAs("issue", () => revokeCertificate("x", {})); }'))).toEqual(
      [],
    );
  });
});
