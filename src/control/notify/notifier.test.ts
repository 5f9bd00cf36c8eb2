import { expect, test } from "bun:test";
import { parseConfig } from "../../config/load";
import { Notifier } from "./notifier";

const config = parseConfig(`[notify]\nadmin = ["admin@example.com"]\ninterval = 600\n`);

function setup(opts: { fail?: boolean; admin?: boolean } = {}) {
  let now = 0;
  let status: Record<string, any> = { pool: { idle: 1 }, counters: { refused: 0, crashed: 0 }, rules_freshness: { stale: true, warning: "rules are 9 days old" } };
  const mails: string[] = [];
  const logs: string[] = [];
  const c = opts.admin === false ? parseConfig("") : config;
  const n = new Notifier({
    config: () => c,
    status: () => status,
    lastRun: () => undefined,
    send: async (_c, subject) => {
      if (opts.fail) throw new Error("connect ECONNREFUSED 127.0.0.1:25");
      mails.push(subject);
      return { response: "250 2.0.0 Ok: queued as X", accepted: ["admin@example.com"], rejected: [] };
    },
    log: { info: (m) => logs.push(m), warn: (m, ...a) => logs.push(`warn ${m} ${a.join(" ")}`), error: (m, ...a) => logs.push(`error ${m} ${a.join(" ")}`) },
    now: () => now,
  });
  return { n, mails, logs, advance: (ms: number) => (now += ms), set: (s: Record<string, any>) => (status = { ...status, ...s }), flush: () => Promise.all(n.pending) };
}

test("a lasting condition is reported when it starts, then once per interval; each kind on its own", async () => {
  const { n, mails, advance, set, flush } = setup();
  expect(n.tick().map((r) => r.kind)).toEqual(["rules_stale"]);
  await flush();
  expect(mails).toEqual([expect.stringContaining("the rule database is stale")]);
  advance(30_000);
  set({ counters: { refused: 5, crashed: 0 } });
  expect(n.tick().map((r) => r.kind)).toEqual(["queue_full"]); // stale is rate-limited, queue_full is new
  advance(569_000); // t = 599 s
  set({ counters: { refused: 6, crashed: 0 } });
  expect(n.tick().map((r) => r.kind)).toEqual([]);
  expect(n.active.map((e) => e.kind)).toEqual(["rules_stale", "queue_full"]);
  advance(1000); // t = 600 s: the interval since the stale report is over, not since queue_full's
  set({ counters: { refused: 7, crashed: 0 } });
  expect(n.tick().map((r) => r.kind)).toEqual(["rules_stale"]);
  advance(30_000);
  set({ counters: { refused: 8, crashed: 0 } });
  expect(n.tick().map((r) => r.kind)).toEqual(["queue_full"]);
  await flush();
  expect(mails).toHaveLength(4);
  expect(n.recent.map((r) => r.mail)).toEqual(Array(4).fill("sent to admin@example.com: 250 2.0.0 Ok: queued as X"));
});

test("a mail that cannot be sent is logged with the server and the reason; monitoring goes on", async () => {
  const { n, logs, flush } = setup({ fail: true });
  const [r] = n.tick();
  await flush();
  expect(r.mail).toBe("failed: connect ECONNREFUSED 127.0.0.1:25");
  expect(logs.some((l) => l.includes("cannot mail the notification") && l.includes("tcp:127.0.0.1:25") && l.includes("ECONNREFUSED"))).toBe(true);
});

test("without [notify] admin events go to the log and the dashboard only", async () => {
  const { n, mails, logs } = setup({ admin: false });
  expect(n.tick()[0].mail).toBe("not mailed: [notify] admin is empty");
  expect(mails).toEqual([]);
  expect(logs[0]).toContain("the rule database is stale");
});
