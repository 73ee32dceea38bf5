/**
 * Tests act as cadesk itself, and say so: outside a request nobody acts (lib/auth/actor.ts), so a
 * test that calls services imports `it`/`beforeAll`/`afterAll` from here instead of "vitest".
 * Each body runs inside `runAs(SYSTEM_ACTOR, ...)`; a test that wants another actor nests its own
 * `runAs`, and a test that wants nobody uses vitest's own `it`.
 */
import * as vitest from "vitest";
import { runAs, SYSTEM_ACTOR } from "../auth/actor";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (...args: any[]) => unknown;

/**
 * `fn`, run as the system. The wrapper declares no parameters on purpose: vitest reads a test
 * function's first parameter to find fixtures, and a rest parameter is refused. Test contexts are
 * not passed on (no test here uses one); `it.each` rows are, through `withRow`.
 */
export function asSystem<F extends Fn>(fn: F): F {
  return (() => runAs(SYSTEM_ACTOR, async () => fn())) as unknown as F;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTest = any;

function wrapTest(base: AnyTest): AnyTest {
  const wrapped = (name: string, fn?: Fn, options?: unknown) => base(name, fn && asSystem(fn), options);
  wrapped.each =
    (...table: unknown[]) =>
    (name: string, fn: Fn, options?: unknown) =>
      // vitest spreads each row into the function's arguments.
      base.each(...table)(name, (...row: unknown[]) => runAs(SYSTEM_ACTOR, async () => fn(...row)), options);
  wrapped.skipIf = (condition: unknown) => wrapTest(base.skipIf(condition));
  wrapped.runIf = (condition: unknown) => wrapTest(base.runIf(condition));
  wrapped.skip = base.skip;
  wrapped.todo = base.todo;
  return wrapped;
}

export const it: typeof vitest.it = wrapTest(vitest.it);
export const test: typeof vitest.test = wrapTest(vitest.test);
export const beforeAll: typeof vitest.beforeAll = (fn, timeout) => vitest.beforeAll(asSystem(fn), timeout);
export const afterAll: typeof vitest.afterAll = (fn, timeout) => vitest.afterAll(asSystem(fn), timeout);
export const beforeEach: typeof vitest.beforeEach = (fn, timeout) => vitest.beforeEach(asSystem(fn), timeout);
export const afterEach: typeof vitest.afterEach = (fn, timeout) => vitest.afterEach(asSystem(fn), timeout);
