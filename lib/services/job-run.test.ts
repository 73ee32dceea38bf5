import { describe, expect, it } from "vitest";
import { claimJobRun } from "./job-run";

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
