import { describe, expect, it } from "vitest";
import { claimJobRun, renewJobRun } from "./job-run";

describe("claimJobRun (one scheduler run per period across instances)", () => {
  it("lets exactly one of several racing claimants run a period, and the next period again", async () => {
    const t0 = new Date("2026-12-01T10:00:00Z");
    // As several instances whose timers fire together would.
    const first = await Promise.all(Array.from({ length: 8 }, () => claimJobRun("test-job", 60_000, t0)));
    expect(first.filter(Boolean)).toHaveLength(1);
    // Half a period later nobody runs it; a period later exactly one does.
    const early = await Promise.all(Array.from({ length: 4 }, () => claimJobRun("test-job", 60_000, new Date(t0.getTime() + 30_000))));
    expect(early.filter(Boolean)).toHaveLength(0);
    const next = await Promise.all(Array.from({ length: 4 }, () => claimJobRun("test-job", 60_000, new Date(t0.getTime() + 60_000))));
    expect(next.filter(Boolean)).toHaveLength(1);
  });

  it("keeps jobs apart by name", async () => {
    const now = new Date("2026-12-01T11:00:00Z");
    expect(await claimJobRun("job-a", 60_000, now)).toBe(true);
    expect(await claimJobRun("job-b", 60_000, now)).toBe(true);
  });
});

describe("a run that lasts, and an instance that dies mid-run", () => {
  it("is not joined while its holder renews it, and is taken over a period after the renewals stop", async () => {
    const t0 = new Date("2026-12-01T12:00:00Z");
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await claimJobRun("long-job", 60_000, t0, "a:1")).toBe(true);
    // A long run: A renews at 40 s and 80 s; B's claims at 60 s and 100 s find it taken.
    expect(await renewJobRun("long-job", at(40_000), "a:1")).toBe(true);
    expect(await claimJobRun("long-job", 60_000, at(60_000), "b:2")).toBe(false);
    expect(await renewJobRun("long-job", at(80_000), "a:1")).toBe(true);
    expect(await claimJobRun("long-job", 60_000, at(100_000), "b:2")).toBe(false);
    // A dies after its last renewal (80 s): B takes over once a period has passed since.
    expect(await claimJobRun("long-job", 60_000, at(130_000), "b:2")).toBe(false);
    expect(await claimJobRun("long-job", 60_000, at(140_000), "b:2")).toBe(true);
    // A's late renewal (a stalled process coming back) does not take it back.
    expect(await renewJobRun("long-job", at(141_000), "a:1")).toBe(false);
    expect(await renewJobRun("long-job", at(160_000), "b:2")).toBe(true);
  });
});
