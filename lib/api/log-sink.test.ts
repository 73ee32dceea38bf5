/**
 * The server's batched log lines (scripts/log-sink.mjs) from a real child process over a real
 * pipe, as an operator's log collector reads them: a line logged on an idle server comes out
 * without waiting for more; lines logged just before SIGTERM, before process.exit, before an
 * uncaught exception or as the event loop runs out all come out, whole and in order, and the
 * process still exits (with the code it would have had); a reader that stops reading for a while
 * (a full pipe) loses nothing; a busy process's lines come out while it runs; processes sharing one
 * pipe (a cluster's workers) never cut into each other's lines.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { describe, expect, it } from "vitest";

const sink = path.resolve(import.meta.dirname, "../../scripts/log-sink.mjs");

/** A child that logs through pino and the sink as scripts/serve.mjs does, then runs `body`. */
function child(body: string) {
  const script = `
    import pino from "pino";
    import { batchedLines } from ${JSON.stringify(sink)};
    const log = pino({ base: { service: "cadesk" } }, batchedLines());
    ${body}
  `;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  proc.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = once(proc, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null }));
  // Only the lines whose newline has arrived: a pipe read can end inside a line (reads are not
  // aligned with the child's writes), and that half line is not JSON yet.
  const lines = () =>
    out
      .slice(0, out.lastIndexOf("\n") + 1)
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { msg: string; n?: number });
  const waitFor = async (msg: string) => {
    while (!lines().some((l) => l.msg === msg)) {
      if (proc.exitCode !== null) throw new Error(`the child exited before "${msg}": ${err}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { proc, exited, lines, waitFor, stderr: () => err };
}

const numbered = (lines: { msg: string; n?: number }[], msg: string) => lines.filter((l) => l.msg === msg).map((l) => l.n);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("batched log lines", () => {
  it("an idle server's line comes out on its own; lines logged just before SIGTERM come out and the process exits", async () => {
    const c = child(`
      process.on("SIGTERM", async () => {
        for (let n = 0; n < 500; n++) log.info({ n }, "in flight");
        await new Promise((r) => setTimeout(r, 20));
        log.info("stopped");
        process.exit(0);
      });
      log.info("listening");
      setInterval(() => {}, 1000);
    `);
    // Nothing else is logged after "listening": it must not wait for a full batch.
    await c.waitFor("listening");
    c.proc.kill("SIGTERM");
    expect(await c.exited).toEqual({ code: 0, signal: null });
    const lines = c.lines();
    expect(numbered(lines, "in flight")).toEqual(range(500));
    expect(lines.at(-1)?.msg).toBe("stopped");
  });

  it("lines logged in the same turn as process.exit, an uncaught exception or the loop running out all come out", async () => {
    const exit = child(`for (let n = 0; n < 3000; n++) log.info({ n }, "line"); process.exit(3);`);
    const thrown = child(`for (let n = 0; n < 10; n++) log.info({ n }, "line"); throw new Error("boom");`);
    const ran = child(`for (let n = 0; n < 10; n++) log.info({ n }, "line"); setTimeout(() => log.info("last"), 5);`);
    expect(await exit.exited).toEqual({ code: 3, signal: null });
    expect(numbered(exit.lines(), "line")).toEqual(range(3000));
    expect(await thrown.exited).toEqual({ code: 1, signal: null });
    expect(numbered(thrown.lines(), "line")).toEqual(range(10));
    expect(thrown.stderr()).toContain("boom");
    expect(await ran.exited).toEqual({ code: 0, signal: null });
    expect(ran.lines().map((l) => l.msg)).toEqual([...range(10).map(() => "line"), "last"]);
  });

  it("a reader that stops reading (a full pipe) loses nothing, and the process still exits", async () => {
    // ~6 MB of lines, far more than a pipe holds; process.stdout touched first, as Next does,
    // which makes the pipe non-blocking in the child (the EAGAIN path).
    const c = child(`
      process.stdout;
      const pad = "x".repeat(200);
      for (let n = 0; n < 30000; n++) log.info({ n, pad }, "line");
      setTimeout(() => { log.info("last"); process.exit(0); }, 10);
    `);
    c.proc.stdout.pause();
    await new Promise((r) => setTimeout(r, 300));
    c.proc.stdout.resume();
    expect(await c.exited).toEqual({ code: 0, signal: null });
    const lines = c.lines();
    expect(numbered(lines, "line")).toEqual(range(30000));
    expect(lines.at(-1)?.msg).toBe("last");
  });

  it("a busy process's lines come out while it keeps running", async () => {
    const c = child(`
      let n = 0;
      const spin = () => { log.info({ n: n++ }, "busy"); setImmediate(spin); };
      spin();
    `);
    try {
      // Never idle, so no quiet moment: its lines still arrive, in order, while it runs.
      while (numbered(c.lines(), "busy").length < 2000) {
        if (c.proc.exitCode !== null) throw new Error(c.stderr());
        await new Promise((r) => setTimeout(r, 10));
      }
      const seen = numbered(c.lines(), "busy");
      expect(seen).toEqual(range(seen.length));
    } finally {
      c.proc.kill("SIGKILL");
      await c.exited;
    }
  });

  it("processes writing to one pipe (a cluster's workers) never cut into each other's lines", async () => {
    // Two children share the parent's stdout pipe, as node:cluster's workers share the primary's.
    const c = child(`
      import { spawn } from "node:child_process";
      const worker = (w) => \`
        import pino from "pino";
        import { batchedLines } from \${JSON.stringify(${JSON.stringify(sink)})};
        const log = pino({ base: { worker: \${w} } }, batchedLines());
        const pad = "y".repeat(300);
        let n = 0;
        const more = () => { for (let i = 0; i < 100; i++) log.info({ n: n++, pad }, "w"); if (n < 20000) setImmediate(more); };
        more();
      \`;
      const kids = [1, 2].map((w) => spawn(process.execPath, ["--input-type=module", "-e", worker(w)], { stdio: "inherit" }));
      await Promise.all(kids.map((k) => new Promise((r) => k.on("exit", r))));
      log.info("both done");
    `);
    expect(await c.exited).toEqual({ code: 0, signal: null });
    const lines = c.lines() as { msg: string; n?: number; worker?: number }[]; // JSON.parse throws on a cut line
    for (const w of [1, 2]) expect(lines.filter((l) => l.worker === w).map((l) => l.n)).toEqual(range(20000));
  });
});
