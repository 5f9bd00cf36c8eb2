import { expect, test } from "bun:test";
import { Deadline } from "./deadline";

const fired = () => {
  const t0 = performance.now();
  let at: number | undefined;
  let count = 0;
  const d = new Deadline(() => ((at = performance.now() - t0), count++));
  return { d, at: () => at, count: () => count };
};

test("a limit fires once, after its time and not before (to the millisecond, not Bun's 4 s socket ticks)", async () => {
  const f = fired();
  f.d.start(0.2);
  await Bun.sleep(150);
  expect(f.count()).toBe(0);
  await Bun.sleep(200);
  expect(f.count()).toBe(1);
  expect(f.at()!).toBeGreaterThanOrEqual(195);
  expect(f.at()!).toBeLessThan(330);
  expect(f.d.running).toBe(false);
});

test("touch counts the time again from now; start restarts it; stop and 0 stop it", async () => {
  const f = fired();
  f.d.start(0.2);
  for (let i = 0; i < 4; i++) {
    await Bun.sleep(120);
    f.d.touch(); // activity every 120 ms: a 200 ms silence never comes
  }
  expect(f.count()).toBe(0);
  await Bun.sleep(300);
  expect(f.count()).toBe(1);
  expect(f.at()!).toBeGreaterThanOrEqual(4 * 120 + 195);

  const g = fired();
  g.d.start(0.1);
  g.d.stop();
  g.d.touch(); // a stopped limit stays stopped
  const h = fired();
  h.d.start(0.1);
  h.d.start(0);
  await Bun.sleep(200);
  expect(g.count() + h.count()).toBe(0);
});
