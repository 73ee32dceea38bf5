import { hostname } from "node:os";
import { getDb } from "../db";

const HOLDER = `${hostname()}:${process.pid}`;

/**
 * Claims this period's run of a periodic job for this instance: true for exactly one instance per
 * period across every instance on the store. The claim is one conditional update ("move startedAt
 * to now if it is at least a period old"), which the store serialises, so no lock is held while
 * the job runs; an instance that dies mid-run is replaced a period later, and the jobs themselves
 * stay safe to repeat (notices are deduplicated by a unique key, deliveries claimed one by one).
 */
export async function claimJobRun(name: string, periodMs: number, now = new Date()): Promise<boolean> {
  const db = getDb();
  // A tenth of a period of slack, so an instance whose timer fires a little early still takes its turn.
  const due = new Date(now.getTime() - periodMs * 0.9);
  const { count } = await db.jobRun.updateMany({ where: { name, startedAt: { lte: due } }, data: { startedAt: now, holder: HOLDER } });
  if (count === 1) return true;
  try {
    await db.jobRun.create({ data: { name, startedAt: now, holder: HOLDER } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false; // it exists: another instance ran it this period
    throw error;
  }
}
