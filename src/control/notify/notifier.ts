// Turns monitoring events into log lines, dashboard entries and mails. Every kind is
// rate-limited on its own ([notify] interval; the license countdown at most daily): a
// condition that lasts is reported when it starts and then once per interval, not on every
// look. Mail failures are logged and never stop monitoring; mail goes out in the background.
import { hostname } from "node:os";
import type { KasConfig } from "../../config/schema";
import type { LastRun } from "../../update/last-run";
import { detect, repeatMs, type MonitorEvent, type MonitorMemory } from "./events";
import type { Sent } from "./mail";

export interface NotifierDeps {
  config(): KasConfig;
  status(): Record<string, any>;
  lastRun(): LastRun | undefined;
  send(c: KasConfig["notify"], subject: string, text: string): Promise<Sent>;
  log: { warn(msg: string, ...a: unknown[]): void; error(msg: string, ...a: unknown[]): void; info(msg: string, ...a: unknown[]): void };
  now?: () => number;
}

export interface Reported extends MonitorEvent {
  t: number;
  /** What became of the mail: "sent: 250 …", "failed: …", "no [notify] admin". */
  mail?: string;
}

const KEEP = 100;

export class Notifier {
  readonly recent: Reported[] = [];
  /** Conditions present at the last look (the dashboard shows them even between reports). */
  active: MonitorEvent[] = [];
  private readonly last = new Map<string, number>();
  private readonly mem: MonitorMemory = { crashes: [] };
  private readonly now: () => number;
  /** Mails in flight (tests and shutdown wait for them). */
  readonly pending = new Set<Promise<void>>();

  constructor(private readonly d: NotifierDeps) {
    this.now = d.now ?? Date.now;
  }

  /** One look at the server; reports what is due. */
  tick(): Reported[] {
    const c = this.d.config();
    const t = this.now();
    this.active = detect(t, this.d.status(), this.d.lastRun(), c, this.mem);
    const due = this.active.filter((e) => {
      const at = this.last.get(e.kind);
      return at === undefined || t - at >= repeatMs(e.kind, c);
    });
    return due.map((e) => this.report(e, c, t));
  }

  private report(e: MonitorEvent, c: KasConfig, t: number): Reported {
    this.last.set(e.kind, t);
    const r: Reported = { ...e, t };
    this.d.log[e.severity]("%s (%s)", e.subject, e.text.split("\n").find((l) => l.startsWith("What to do")) ?? e.kind);
    this.recent.push(r);
    if (this.recent.length > KEEP) this.recent.shift();
    if (!c.notify.admin.length) {
      r.mail = "not mailed: [notify] admin is empty";
      return r;
    }
    const body = `${e.text}\n\n-- \nkas on ${hostname()}, ${new Date(t).toISOString()}. Mails about "${e.kind}" repeat at most every ${Math.round(repeatMs(e.kind, c) / 60_000)} minutes while it lasts ([notify] interval).\n`;
    const p = this.d
      .send(c.notify, `[kas] ${hostname()}: ${e.subject}`, body)
      .then((s) => {
        r.mail = `sent to ${s.accepted.join(", ")}: ${s.response}`;
        if (s.rejected.length) this.d.log.warn("notification mail refused for %s", s.rejected.join(", "));
      })
      .catch((err) => {
        r.mail = `failed: ${err instanceof Error ? err.message : String(err)}`;
        this.d.log.error("cannot mail the notification \"%s\" via %s: %s", e.subject, c.notify.smtp, err instanceof Error ? err.message : err);
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
    return r;
  }
}
