// The destination of the server's JSON log lines (issue #13): pino's default destination writes
// every line with its own write(2) to stdout, which was 6-15% of an OCSP answer's CPU on a new
// connection (bench/README.md, "HTTP layer per request"). A busy server handles about one
// connection per event-loop turn, so batching per turn alone saves little; this sink writes the
// lines it has at most once per `intervalMs` with one write(2) of whole lines up to PIPE_BUF bytes.
// Every line still comes out, in order, and soon:
// - the first line after a quiet `intervalMs` goes out when its turn is over (setImmediate): an
//   idle server's line is not held; under load a line waits at most `intervalMs` (4 ms);
// - on process.exit (the SIGTERM/SIGINT shutdown ends with it), on an uncaught exception, and when
//   the event loop runs out, the 'exit' handler writes what is left, synchronously;
// - the write is the same blocking fs.writeSync pino's sync destination does (no flushSync of an
//   asynchronous stream, which can spin forever on a full pipe at exit), retried on EAGAIN when
//   stdout is a non-blocking pipe, and on a short write.
import { writeSync } from "node:fs";

const WAIT = new Int32Array(new SharedArrayBuffer(4));
/**
 * The most one write(2) carries: POSIX makes a pipe write of up to PIPE_BUF (4096 on Linux) bytes
 * atomic, and a cluster's workers share one stdout pipe, so a batch this size cannot be interleaved
 * with another worker's mid-line (as one line per write could not before).
 */
const PIPE_BUF = 4096;

/**
 * A pino destination (`pino(options, batchedLines())`): `write(line)` keeps the line, `flush()`
 * writes what is kept. One per process: each registers one 'exit' handler.
 */
export function batchedLines({ fd = 1, limit = PIPE_BUF, intervalMs = 4 } = {}) {
  let pending = [];
  let size = 0;
  let scheduled = null; // the Immediate or Timeout that will flush
  let timed = false; // which of the two it is
  let lastWrite = 0;
  let broken = false;

  function flush() {
    if (scheduled) {
      if (timed) clearTimeout(scheduled);
      else clearImmediate(scheduled);
      scheduled = null;
    }
    if (size === 0 || broken) return void ((pending = []), (size = 0));
    const text = pending.length === 1 ? pending[0] : pending.join("");
    pending = [];
    size = 0;
    lastWrite = performance.now();
    try {
      writeAll(fd, Buffer.from(text));
    } catch (error) {
      // Nobody reads stdout any more (EPIPE) or it failed: as pino's own destination does, the
      // server keeps serving rather than die of its log; a reader gone for good stays gone.
      if (error.code === "EPIPE") broken = true;
    }
  }

  process.on("exit", flush);
  return {
    write(line) {
      if (size > 0 && size + Buffer.byteLength(line) > limit) flush(); // a longer line goes alone
      pending.push(line);
      size += Buffer.byteLength(line);
      if (size >= limit) flush();
      else if (!scheduled) {
        const wait = lastWrite + intervalMs - performance.now();
        timed = wait > 0;
        scheduled = timed ? setTimeout(flush, wait) : setImmediate(flush);
        scheduled.unref(); // a pending line does not keep a finished process alive: 'exit' writes it
      }
    },
    flush,
  };
}

/** Writes all of `bytes` to `fd`: whole, blocking, as pino's sync destination (sonic-boom) does. */
function writeAll(fd, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (error.code !== "EAGAIN") throw error;
      Atomics.wait(WAIT, 0, 0, 1); // stdout is a full non-blocking pipe: wait 1 ms for the reader
    }
  }
}
