// The QR reader process (`kas _qr`, server/qr-helper.ts) with the compiled binary: it reads a
// fixture's QR code, exits after its idle time, is replaced after a kill, and a reader that
// never answers costs the picture its deadline only. Then through `kas serve`: the filtering
// process reads the picture through a reader of its own.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import { imageParts } from "../message/beside";
import { parseMessageSync } from "../message/parse";
import { kasBinary, REPO, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";
import { alive } from "../testing/run-tmp";
import { qrHelper } from "./qr-helper";

const fixture = (f: string) => new Uint8Array(readFileSync(join(REPO, "fixtures/messages/phishing", f)));
const picture = (f: string) => imageParts(parseMessageSync(fixture(f), defaults().scan))[0].bytes();
// (tempDir's directories go with the test run's own, testing/run-tmp.ts.)
const servers: Served[] = [];
afterAll(() => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGKILL");
});

test("reads pictures in order, exits when idle, and a killed reader is replaced", async () => {
  const h = qrHelper({ command: [kasBinary(), "_qr"], idleMs: 500 });
  expect(await h.decode(picture("qr-image.eml"))).toEqual(["https://bit.ly/3Kq7vXw"]);
  const [a, b] = await Promise.all([h.decode(picture("qr-ticket.eml")), h.decode(picture("qr-image-jpeg.eml"))]);
  expect([a, b]).toEqual([["https://tickets.example-arena.com/t/84KD2Q"], ["http://203.0.113.45/m365/verify"]]);
  const pid = h.pid()!;
  expect(alive(pid)).toBe(true);
  await Bun.sleep(1500);
  expect(h.pid()).toBeUndefined();
  expect(alive(pid)).toBe(false);
  // Killed between two pictures: the next one starts a new reader.
  await h.decode(picture("qr-image.eml"));
  const first = h.pid()!;
  process.kill(first, "SIGKILL");
  await Bun.sleep(100);
  const next = await h.decode(picture("qr-image.eml")).catch((e: Error) => e);
  // The kill may be seen by this picture (an error naming it) or only by the write before it.
  if (next instanceof Error) expect(next.message).toMatch(/QR reader/);
  expect(await h.decode(picture("qr-image.eml"))).toEqual(["https://bit.ly/3Kq7vXw"]);
  expect(h.pid()).not.toBe(first);
  h.close();
}, 30_000);

test("a reader that never answers: the picture fails at its deadline and the reader is killed", async () => {
  // `sleep` reads nothing and writes nothing: the worst reader there is.
  const h = qrHelper({ command: ["sleep", "60"], answerMs: 10_000 });
  const t = performance.now();
  const e = await h.decode(picture("qr-image.eml"), performance.now() + 300).catch((x: Error) => x);
  expect(e).toBeInstanceOf(Error);
  expect((e as Error).message).toContain("did not answer within");
  expect(performance.now() - t).toBeLessThan(2000);
  expect(h.pid()).toBeUndefined();
  h.close();
});

test("kas serve: a filtering process reads a picture-only lure's QR code through its own reader", async () => {
  const s = await startServer(tempDir("kas-qr-serve-"), { toml: "[bayes]\nenabled = false\n", server: "start_filters = 1\nmax_filters = 1" });
  servers.push(s);
  const r = await s.scan(fixture("qr-image.eml"));
  expect(r.status).toBe(200);
  expect(r.json.hits.map((h: { name: string }) => h.name)).toEqual(expect.arrayContaining(["QR_CODE_URL", "QR_URI_SUSPICIOUS", "PHISH_QR_CODE"]));
  // The reader is a child of the filtering process, not of the master, and runs kas _qr.
  const kids = (pid: number) => readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  const workers = kids(s.proc.pid);
  const readers = workers.flatMap(kids).filter((p) => readFileSync(`/proc/${p}/cmdline`, "latin1").split("\0").includes("_qr"));
  expect(readers).toHaveLength(1);
  expect(readFileSync(`/proc/${readers[0]}/environ`, "latin1")).not.toContain("MIMALLOC_PURGE_DELAY=-1");
  expect(await s.stop()).toBe(0);
  // Its input closed with the filtering process: it ends (gone, or a zombie its new parent has
  // yet to reap).
  const gone = () => !alive(readers[0]) || /^State:\s+Z/m.test(readFileSync(`/proc/${readers[0]}/status`, "latin1"));
  for (let i = 0; i < 50 && !gone(); i++) await Bun.sleep(100);
  expect(gone()).toBe(true);
}, 60_000);
