/**
 * Group commit (issue #13): issuances that arrive while a commit is under way wait for the next
 * one and go into the store together, in one transaction, instead of one transaction (and one
 * fsync: SQLite runs with synchronous=FULL) each. Nobody is answered before the transaction that
 * holds their row has committed: `add` resolves only then. Under no load a batch is one item and
 * the cost is one event-loop turn. This is the classic database technique (PostgreSQL's
 * commit_delay, InnoDB's binlog group commit), done here because cadesk is the only writer that
 * knows which writes may share a commit.
 */

/** A result that refuses its one item (the others of the batch still commit): `add` rejects with `error`. */
export class ItemRefused {
  constructor(readonly error: unknown) {}
}

export interface GroupCommitOptions<T, R> {
  /**
   * Commits every item in one transaction and returns their results in the same order; a throw
   * fails them all, an ItemRefused in place of a result refuses that item only (it was not committed).
   */
  commit: (items: T[]) => Promise<(R | ItemRefused)[]>;
  /** Upper bound of one batch (keeps each statement under the store's bound-parameter limits). */
  maxBatch: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export class GroupCommit<T, R> {
  private queue: Pending<T, R>[] = [];
  private running = false;
  private scheduled = false;
  /** Batches committed and items in them, for tests and the bench. */
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  /** Resolves with the item's result once the transaction that contains it has committed. */
  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop: requests that are already parsed and signed join this batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.options.maxBatch);
    try {
      await this.commitBatch(batch);
    } finally {
      this.running = false;
      if (this.queue.length) this.schedule();
    }
  }

  private async commitBatch(batch: Pending<T, R>[]): Promise<void> {
    let results: (R | ItemRefused)[];
    try {
      results = await this.options.commit(batch.map((p) => p.item));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      // One bad row must not fail its neighbours: each is tried again alone, and only the
      // failing one is refused (its own error). The rolled-back batch left nothing behind.
      for (const pending of batch) await this.commitBatch([pending]);
      return;
    }
    this.stats.batches++;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    batch.forEach((pending, i) => {
      const result = results[i]!;
      if (result instanceof ItemRefused) pending.reject(result.error);
      else pending.resolve(result);
    });
  }
}
