import { hostname } from "node:os";
import { getDb } from "../db";

const HOLDER = `${hostname()}:${process.pid}`;

/**
 * Claims this period's run of a periodic job for this instance: true for exactly one instance per
 * period across every instance on the store. The claim is one conditional update ("move startedAt
 * to now if it is at least a period old"), which the store serialises, so no lock is held while
 * the job runs. While it runs, its instance renews the claim (renewJobRun), so a run longer than
 * a period is never joined by a second one; an instance that dies mid-run stops renewing, and its
 * claim is taken over a period after its last renewal. The jobs themselves stay safe to repeat
 * after such a takeover: notices are deduplicated by a unique key, deliveries claimed one by one
 * (and never sent twice), CRLs and the dashboard certificate renewed only while still due.
 */
export async function claimJobRun(name: string, periodMs: number, now = new Date(), holder = HOLDER): Promise<boolean> {
  const db = getDb();
  // A tenth of a period of slack, so an instance whose timer fires a little early still takes its turn.
  const due = new Date(now.getTime() - periodMs * 0.9);
  const { count } = await db.jobRun.updateMany({ where: { name, startedAt: { lte: due } }, data: { startedAt: now, holder } });
  if (count === 1) return true;
  try {
    await db.jobRun.create({ data: { name, startedAt: now, holder } });
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") return false; // it exists: another instance ran it this period
    throw error;
  }
}

/**
 * Keeps a claimed run this instance's while it lasts: moves startedAt to now if this holder still
 * has it. False when another instance took it over (this one stalled for a whole period): the
 * caller should then stop starting new steps.
 */
export async function renewJobRun(name: string, now = new Date(), holder = HOLDER): Promise<boolean> {
  const { count } = await getDb().jobRun.updateMany({ where: { name, holder }, data: { startedAt: now } });
  return count === 1;
}
