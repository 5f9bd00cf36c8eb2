// A connection's time limit, to the precision the configuration promises. Bun's own socket
// timeout (`socket.timeout(seconds)`, from uSockets) is counted in ticks of 4 s: a limit of 3 s
// fired anywhere from 0 to 4 s after it was set, so a client that connected and sent its
// request 300 ms later was sometimes closed unanswered (4 in 60 on each door, found by fuzzing
// the doors against the binary), and a kept-alive connection in constant use was cut between
// two requests. One timer per connection instead, moved lazily: `touch` (a byte arrived) only
// records the new deadline, and a timer that fires before it sleeps again for what is left,
// so a busy connection costs a clock read per read, not a timer per read.

export class Deadline {
  private at = 0;
  private ms = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `expire` runs once when the limit passes, unless stopped or started again first. */
  constructor(private readonly expire: () => void) {}

  /** The limit runs `seconds` from now (again, if it was running); 0 or less stops it. */
  start(seconds: number): void {
    if (!(seconds > 0)) return this.stop();
    this.ms = seconds * 1000;
    this.at = performance.now() + this.ms;
    if (this.timer === undefined) this.arm(this.ms);
  }

  /** Activity: a running limit counts from now again. A stopped one stays stopped. */
  touch(): void {
    if (this.ms) this.at = performance.now() + this.ms;
  }

  stop(): void {
    this.ms = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get running(): boolean {
    return this.ms > 0;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.fire, ms);
    // A timer of a connection never keeps the process alive on its own (the listener does).
    (this.timer as { unref?: () => void }).unref?.();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    if (!this.ms) return;
    const left = this.at - performance.now();
    if (left > 0.5) return this.arm(left);
    this.ms = 0;
    this.expire();
  };
}
