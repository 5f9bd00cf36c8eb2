// The spamd door proved with the real SpamAssassin client (Debian's spamc 4.0) in front of the
// compiled `kas serve`: check, report, symbols, filter, ping, learning, its safe fallback and
// exit codes, its size limit. Compression: Debian builds spamc without zlib (`spamc -z` is a
// usage error, exit 64), so the Compress: zlib request spamc would send is written here.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { REPO, tempDir } from "../testing/kas-binary";
import { freePort, startServer, type Served } from "../testing/kas-server";

const GTUBE = join(REPO, "fixtures/messages/gtube.eml");
const HAM = join(REPO, "fixtures/messages/ham.eml");
const dirs: string[] = [];
let open: Served;
let closed: Served;
let noTell: Served;
let openPort: number;
let closedPort: number;
let noTellPort: number;

beforeAll(async () => {
  openPort = freePort();
  const a = tempDir("kas-spamc-");
  dirs.push(a);
  open = await startServer(a, { toml: `[spamd]\nlisten = ["tcp:127.0.0.1:${openPort}"]\nlearn_allow = ["127.0.0.1/32"]\n`, server: "start_filters = 1" });
  closedPort = freePort();
  const b = tempDir("kas-spamc-closed-");
  dirs.push(b);
  // Scanning allowed only from a network the test is not in; TELL left at its default (nobody).
  closed = await startServer(b, { toml: `[spamd]\nlisten = ["tcp:127.0.0.1:${closedPort}"]\nallow = ["192.0.2.0/24"]\n`, server: "start_filters = 0\nmin_spare_filters = 0" });
  noTellPort = freePort();
  const c = tempDir("kas-spamc-notell-");
  dirs.push(c);
  // The defaults: scanning from loopback, TELL from nobody.
  noTell = await startServer(c, { toml: `[spamd]\nlisten = ["tcp:127.0.0.1:${noTellPort}"]\n`, server: "start_filters = 1" });
}, 60_000);

afterAll(async () => {
  for (const s of [open, closed, noTell]) if (s?.proc.exitCode === null) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function spamc(port: number, args: string[], file?: string): Promise<{ code: number; out: string; err: string }> {
  const p = Bun.spawn(["spamc", "-d", "127.0.0.1", "-p", String(port), ...args], { stdin: file ? Bun.file(file) : "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => p.kill("SIGKILL"), 30_000);
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, out, err };
}

const scanLines = (s: Served) => s.log.filter((l) => l.includes("[scan]") && l.includes("door=spamd"));

test("spamc -c: score/threshold on stdout, exit 1 for spam and 0 for ham", async () => {
  const spam = await spamc(openPort, ["-c"], GTUBE);
  expect(spam.code).toBe(1);
  expect(spam.out).toMatch(/^\d+\.\d\/5\.0\n$/);
  expect(Number(spam.out.split("/")[0])).toBeGreaterThanOrEqual(1000);
  const ham = await spamc(openPort, ["-c"], HAM);
  expect(ham.code).toBe(0);
  expect(ham.out).toMatch(/^-?\d+\.\d\/5\.0\n$/);
  expect(Number(ham.out.split("/")[0])).toBeLessThan(5);
}, 60_000);

test("spamc -R prints the report (rule, score, description); -y the rule names", async () => {
  const r = await spamc(openPort, ["-R"], GTUBE);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/^\d+\.\d\/5\.0\nContent analysis by kas: spam \(/);
  expect(r.out).toMatch(/\n1000 GTUBE +\S.*\r\n/);
  const y = await spamc(openPort, ["-y"], GTUBE);
  expect(y.out.split(",")).toContain("GTUBE");
  expect(y.out).not.toContain("\n");
}, 60_000);

test("spamc as a filter: the message comes back with X-Spam-* and X-KAS-* fields, body untouched; -E sets exit 1 for spam", async () => {
  const r = await spamc(openPort, ["-u", "victim@example.net"], GTUBE);
  expect(r.code).toBe(0);
  const original = readFileSync(GTUBE, "latin1");
  const sep = r.out.search(/\r?\n\r?\n/);
  expect(r.out.slice(sep).replace(/^\r?\n\r?\n/, "")).toBe(original.slice(original.search(/\r?\n\r?\n/)).replace(/^\r?\n\r?\n/, ""));
  expect(r.out).toMatch(/^X-Spam-Flag: YES$/m);
  expect(r.out).toMatch(/^X-Spam-Status: Yes, score=\d+\.\d required=5\.0\s+tests=\S*GTUBE/m);
  expect(r.out).toMatch(/^X-KAS-Status: spam$/m);
  expect(scanLines(open).at(-1)).toContain("rcpt=1");
  const e = await spamc(openPort, ["-E"], GTUBE);
  expect(e.code).toBe(1);
  const headers = await spamc(openPort, ["--headers"], HAM);
  expect(headers.code).toBe(0);
  expect(headers.out).toMatch(/^X-Spam-Status: No, /m);
  expect(headers.out).toEndWith(readFileSync(HAM, "latin1").replace(/^[\s\S]*?\r?\n\r?\n/, ""));
}, 60_000);

test("spamc -K pings", async () => {
  const r = await spamc(openPort, ["-K"]);
  expect(r).toEqual({ code: 0, out: "SPAMD/1.5 0\n", err: "" });
}, 30_000);

test("spamc -L spam|ham|forget learns on an allowed address", async () => {
  expect((await spamc(openPort, ["-L", "spam"], GTUBE)).out).toBe("Message successfully un/learned\n");
  expect((await spamc(openPort, ["-L", "spam"], GTUBE)).out).toBe("Message was already un/learned\n");
  expect((await spamc(openPort, ["-L", "forget"], GTUBE)).out).toBe("Message successfully un/learned\n");
  const ham = await spamc(openPort, ["-L", "ham"], HAM);
  expect(ham).toEqual({ code: 0, out: "Message successfully un/learned\n", err: "" });
  expect(open.log.some((l) => /TELL ham: learned \(spam 0, ham 1\)/.test(l))).toBe(true);
}, 60_000);

test("an address outside [spamd] allow: EX_NOPERM; spamc -x exits 74 (it reports any spamd error as EX_IOERR), without -x it falls back safely; nothing is scanned or learned", async () => {
  const before = closed.log.length;
  const c = await spamc(closedPort, ["-x", "-c"], GTUBE);
  expect(c.code).toBe(74);
  expect(c.out).toBe("0/0\n");
  const safe = await spamc(closedPort, ["-c"], GTUBE);
  expect(safe).toEqual({ code: 0, out: "0/0\n", err: "" });
  const filtered = await spamc(closedPort, [], GTUBE);
  expect(filtered.code).toBe(0);
  expect(filtered.out).toBe(readFileSync(GTUBE, "latin1"));
  const learn = await spamc(closedPort, ["-x", "-L", "spam"], GTUBE);
  expect(learn.code).toBe(74);
  const fresh = closed.log.slice(before);
  expect(fresh.filter((l) => l.includes("may not use the spamd door: add it to [spamd] allow")).length).toBe(4);
  expect(fresh.some((l) => l.includes("[scan]") || l.includes("TELL spam:"))).toBe(false);
}, 60_000);

test("spamc -L from an address outside learn_allow: refused (EX_NOPERM), spamc -x exits 74, nothing learned; scanning from it still works", async () => {
  const before = noTell.log.length;
  const x = await spamc(noTellPort, ["-x", "-L", "spam"], GTUBE);
  expect(x.code).toBe(74);
  const plain = await spamc(noTellPort, ["-L", "ham"], HAM);
  expect(plain.out).not.toContain("successfully");
  const fresh = noTell.log.slice(before);
  expect(fresh.filter((l) => l.includes("TELL is not allowed from 127.0.0.1: add it to [spamd] learn_allow")).length).toBe(2);
  expect(fresh.some((l) => /TELL (spam|ham):/.test(l))).toBe(false);
  expect((await spamc(noTellPort, ["-c"], GTUBE)).code).toBe(1);
}, 60_000);

test("spamc -x with kas down exits 69 (EX_UNAVAILABLE); without -x the message passes unchanged", async () => {
  const down = freePort();
  const x = await spamc(down, ["-x", "-c"], GTUBE);
  expect(x.code).toBe(69);
  const safe = await spamc(down, [], GTUBE);
  expect(safe.code).toBe(0);
  expect(safe.out).toBe(readFileSync(GTUBE, "latin1"));
}, 60_000);

test("spamc -s: a message over the client's size limit is not sent", async () => {
  const n = scanLines(open).length;
  const r = await spamc(openPort, ["-s", "100", "-c"], GTUBE);
  expect(r).toEqual({ code: 0, out: "0/0\n", err: "" });
  const big = await spamc(openPort, ["-s", "100000", "-c"], GTUBE);
  expect(big.code).toBe(1);
  expect(scanLines(open).length).toBe(n + 1);
}, 60_000);

function raw(port: number, req: string | Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const c = connect(port, "127.0.0.1", () => (c.write(req), c.end()));
    const t = setTimeout(() => (c.destroy(), reject(new Error("no reply"))), 20_000);
    c.on("data", (d) => chunks.push(d));
    c.on("close", () => (clearTimeout(t), resolve(Buffer.concat(chunks).toString("latin1"))));
  });
}

test("Compress: zlib (what spamc -z sends) is inflated; Debian's spamc itself has no zlib", async () => {
  const msg = readFileSync(GTUBE);
  const z = deflateSync(msg);
  const reply = await raw(openPort, Buffer.concat([Buffer.from(`SYMBOLS SPAMC/1.5\r\nUser: nobody\r\nCompress: zlib\r\nContent-length: ${z.length}\r\n\r\n`), z]));
  expect(reply).toMatch(/^SPAMD\/1\.1 0 EX_OK\r\nContent-length: \d+\r\nSpam: True ; \d+\.\d \/ 5\.0\r\n\r\n\S*GTUBE/);
  expect(scanLines(open).at(-1)).toContain(`size=${msg.byteLength}`);
  const z64 = await spamc(openPort, ["-z", "-c"], GTUBE);
  expect(z64.code).toBe(64);
}, 60_000);
