// scripts/runtime.mjs: npm start and npm test, started by the machine's Node before the first
// install, run again on the Node that install brought (node_modules/.bin/node).
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../testing/openssl";

const root = path.resolve(import.meta.dirname, "../..");
const bundled = path.join(root, "node_modules", ".bin", "node");
const machineNode = ["/usr/bin/node", "/usr/local/bin/node"].find(existsSync);
const differs = existsSync(bundled) && !!machineNode && realpathSync(machineNode) !== realpathSync(bundled);

describe("runOnCadeskNode", () => {
  it.runIf(differs)("runs the script again on node_modules/.bin/node, with its arguments, and exits with its code", () => {
    const script = path.join(tempDir("cadesk-runtime-"), "probe.mjs");
    writeFileSync(
      script,
      `import { runOnCadeskNode } from ${JSON.stringify(path.join(root, "scripts", "runtime.mjs"))};
await runOnCadeskNode();
console.log(JSON.stringify({ version: process.version, args: process.argv.slice(2) }));
process.exit(7);
`,
    );
    const bundledVersion = spawnSync(bundled, ["--version"], { encoding: "utf8" }).stdout.trim();
    const machine = spawnSync(machineNode!, [script, "one", "two"], { encoding: "utf8" });
    expect(machine.status).toBe(7);
    expect(machine.stdout).toContain(`Running on Node ${bundledVersion}`);
    const printed = JSON.parse(machine.stdout.trim().split("\n").at(-1)!);
    expect(printed).toEqual({ version: bundledVersion, args: ["one", "two"] });
    // Started on the bundled Node itself, it runs once, where it is.
    const direct = spawnSync(bundled, [script, "x"], { encoding: "utf8" });
    expect(direct.status).toBe(7);
    expect(direct.stdout).not.toContain("Running on Node");
  });
});
