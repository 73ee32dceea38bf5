/**
 * The layering rule of lib/data (see find.ts): services may import data, data never imports
 * services, so reads stay free of permission checks and side effects, and no cycle forms.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

describe("lib/data", () => {
  it("imports nothing from lib/services", () => {
    const dir = import.meta.dirname;
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((f) =>
      [...readFileSync(path.join(dir, f), "utf8").matchAll(/from "((?:\.\.\/services|@\/lib\/services)\/[^"]+)"/g)].map((m) => `${f}: ${m[1]}`),
    );
    expect(offenders).toEqual([]);
  });

  it("is the only way app/ reads the store: no route or page imports lib/db", () => {
    const root = path.resolve(import.meta.dirname, "../../app");
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(path.join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [path.join(dir, e.name)] : [],
      );
    const files = walk(root);
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => /from "@\/lib\/db"|getDb\(/.test(readFileSync(f, "utf8"))).map((f) => path.relative(root, f))).toEqual([]);
  });
});
