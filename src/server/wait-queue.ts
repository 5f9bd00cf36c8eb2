// Requests waiting for a free filtering process: bounded by [server] queue_size, each with
// its own deadline (queue_timeout), so a wait always ends, in a process or in an explicit
// temporary-failure reply, never in a hang. A request retried after its process died goes to
// the front (it has waited already) and is never refused for a full queue.

export interface Waiting {
  /** The deadline timer; cleared by whoever takes the job out. */
  timer?: ReturnType<typeof setTimeout>;
}

export class WaitQueue<J extends Waiting> {
  private readonly items: J[] = [];

  /** `expired` gets a job whose deadline passed while it waited (already removed). */
  constructor(private readonly expired: (job: J) => void) {}

  get length(): number {
    return this.items.length;
  }

  /** false = the queue is full and the job was not taken. A job keeps a deadline it already has. */
  add(job: J, o: { front: boolean; size: number; timeoutMs: number }): boolean {
    if (!o.front && this.items.length >= o.size) return false;
    if (o.front) this.items.unshift(job);
    else this.items.push(job);
    job.timer ??= setTimeout(() => {
      const i = this.items.indexOf(job);
      if (i < 0) return;
      this.items.splice(i, 1);
      this.expired(job);
    }, o.timeoutMs);
    return true;
  }

  /** Hands waiting jobs, oldest first, to `take` until it declines one. */
  drainInto(take: (job: J) => boolean): void {
    while (this.items.length && take(this.items[0])) this.items.shift();
  }

  /** Takes `job` out of the queue (its client went away); false when it was not waiting. */
  remove(job: J): boolean {
    const i = this.items.indexOf(job);
    if (i < 0) return false;
    this.items.splice(i, 1);
    clearTimeout(job.timer);
    return true;
  }

  /** Removes and returns every waiting job, deadlines cleared (the server is stopping). */
  clear(): J[] {
    const all = this.items.splice(0);
    for (const j of all) clearTimeout(j.timer);
    return all;
  }
}
