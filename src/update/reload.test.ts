import { expect, test } from "bun:test";
import { UPDATE_EXIT } from "./exit";
import { reloadServer, type ReloadDeps } from "./reload";
import { exitCodeOf } from "../testing/exit-code";

/** A fake server: serves `version`, switches to `next` once HUPed (or refuses). */
function fake(opts: { pid?: number; next?: string; refuse?: boolean; down?: boolean }) {
  let serving = "1";
  let refused = 0;
  const signals: string[] = [];
  let t = 0;
  const deps: ReloadDeps = {
    serverPid: () => opts.pid,
    signal: (pid, sig) => {
      signals.push(`${pid} ${sig}`);
      if (opts.refuse) refused++;
      else if (opts.next) serving = opts.next;
    },
    status: async () => (opts.down ? { ok: false, error: "connect: refused" } : { ok: true, status: { rules: { version: serving }, reloads: { refused, last_error: opts.refuse ? "rules do not compile" : undefined } } }),
    target: "tcp:127.0.0.1:1",
    timeoutMs: 1000,
    sleep: async (ms) => void (t += ms),
    clock: () => t,
  };
  return { deps, signals };
}

const code = exitCodeOf;

test("no server running: nothing to do", async () => {
  const f = fake({});
  expect(await reloadServer("2", f.deps)).toContain("no server running");
  expect(f.signals).toEqual([]);
});

test("HUP, then the server confirms the new version", async () => {
  const f = fake({ pid: 4242, next: "2" });
  expect(await reloadServer("2", f.deps)).toContain("serves version 2");
  expect(f.signals).toEqual(["4242 SIGHUP"]);
});

test("a refused reload fails fast with the server's reason (7)", async () => {
  const f = fake({ pid: 4242, refuse: true });
  await expect(reloadServer("2", f.deps)).rejects.toThrow(/refused the reload.*do not compile/);
  expect(await code(reloadServer("2", fake({ pid: 1, refuse: true }).deps))).toBe(UPDATE_EXIT.RELOAD);
});

test("no confirmation within the timeout → 7", async () => {
  expect(await code(reloadServer("2", fake({ pid: 4242 }).deps))).toBe(UPDATE_EXIT.RELOAD);
  expect(await code(reloadServer("2", fake({ pid: 4242, down: true }).deps))).toBe(UPDATE_EXIT.RELOAD);
});
