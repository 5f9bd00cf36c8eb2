// Two filtering processes scan with Bayes while a third process learns: WAL + busy_timeout
// + bounded write transactions must keep "database is locked" away from every scan.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { REPO, tempDir } from "../testing/kas-binary";

const script = join(REPO, "src/testing/bayes-load.ts");
const run = (args: string[]) => Bun.spawn([process.execPath, script, ...args], { stdout: "pipe", stderr: "pipe", timeout: 60_000 });
const result = async (p: ReturnType<typeof run>) => {
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  expect(await p.exited).toBe(0);
  if (!out.trim()) throw new Error(err);
  return JSON.parse(out) as { ops: number; failures: string[]; failureCount: number };
};

test("two scanning processes and one learning process: no lock error reaches a scan", async () => {
  const dir = tempDir("kas-bayes-conc-");
  // Seed so the readers classify from the start, then write and read at the same time.
  expect((await result(run(["write", dir, "2"]))).ops).toBe(2);
  const readers = [run(["read", dir, "4000"]), run(["read", dir, "4000"])];
  const writer = run(["write", dir, "12"]);
  const w = await result(writer);
  const rs = await Promise.all(readers.map(result));
  expect(w).toMatchObject({ ops: 12, failureCount: 0 });
  for (const r of rs) {
    expect(r.failures).toEqual([]);
    expect(r.ops).toBeGreaterThan(10);
  }
}, 60_000);
