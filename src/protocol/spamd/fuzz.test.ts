// Hostile clients: at least 100 000 mutated requests (deterministic seed) through the request
// reader, the trace-field envelope and the reply encoder. A broken request may only end in a
// typed spamd error (the door answers it and closes); nothing throws, the reader never holds
// more than the header limit plus the body limit plus one chunk, and it stays fast.
import { expect, test } from "bun:test";
import { deflateSync } from "node:zlib";
import { parseCidr, type IpRange } from "../../dns/ip";
import type { ScanReply } from "../kas/reply";
import { EX } from "./codes";
import { envelopeFromTrace } from "./received";
import { encodeVerdict } from "./reply";
import { MAX_HEAD_BYTES, SpamdRequestReader } from "./request";

const MAX_BODY = 8 * 1024;
const TRUSTED = ["127.0.0.0/8", "10.0.0.0/8"].map((c) => parseCidr(c) as IpRange);
const CODES = new Set<number>(Object.values(EX));

const MSG =
  "Return-Path: <a@example.org>\r\n" +
  "Received: from [127.0.0.1] (helo=me) by mx with esmtp (envelope-from <a@example.org>) id 1\r\n" +
  "Received: from h.example (h.example [192.0.2.1]) by mx.inside with ESMTP id 2\r\n" +
  "Subject: hello\r\nX-Spam-Flag: YES\r\n\r\nbody line\r\n";

function requests(): Uint8Array[] {
  const e = (s: string) => Buffer.from(s, "latin1");
  const z = deflateSync(Buffer.from(MSG));
  return [
    ...["CHECK", "SYMBOLS", "REPORT", "REPORT_IFSPAM", "PROCESS", "HEADERS"].map((c) => e(`${c} SPAMC/1.5\r\nContent-length: ${MSG.length}\r\nUser: u@example.org\r\n\r\n${MSG}`)),
    e(`REPORT SPAMC/1.2\r\nUser: nobody\r\nContent-length: ${MSG.length}\r\n\r\n${MSG}`),
    e(`TELL SPAMC/1.5\r\nMessage-class: spam\r\nSet: local, remote\r\nContent-length: ${MSG.length}\r\n\r\n${MSG}`),
    e("PING SPAMC/1.5\r\n\r\n"),
    e(`CHECK SPAMC/1.1\r\n\r\n${MSG}`),
    Buffer.concat([e(`PROCESS SPAMC/1.5\r\nCompress: zlib\r\nContent-length: ${z.length}\r\n\r\n`), z]),
  ];
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ["\r\n", "\n", "\r", ":", " ", "\0", "SPAMC/", "Content-length: ", "Content-length: 99999999999\r\n", "Compress: zlib\r\n", "Received: from x ([", "]", "\r\n\r\n", "\xff\xfe", "9".repeat(20)];

function mutate(req: Uint8Array, r: () => number): Uint8Array {
  const b = Buffer.from(req);
  const at = () => Math.floor(r() * (b.byteLength + 1));
  switch (Math.floor(r() * 8)) {
    case 0: // truncated
      return b.subarray(0, at());
    case 1: // random bytes anywhere (header, length digits, compressed stream, message)
      for (let k = 0; k < 1 + r() * 6; k++) if (b.byteLength) b[Math.floor(r() * b.byteLength)] = Math.floor(r() * 256);
      return b;
    case 2: {
      // a protocol token inserted
      const i = at();
      return Buffer.concat([b.subarray(0, i), Buffer.from(PIECES[Math.floor(r() * PIECES.length)], "latin1"), b.subarray(i)]);
    }
    case 3: // a wrong Content-length, near the truth or wild
      return Buffer.from(b.toString("latin1").replace(/Content-length: \d+/, `Content-length: ${[0, 1, MAX_BODY + 1, 2 ** 40, Math.floor(r() * 600)][Math.floor(r() * 5)]}`), "latin1");
    case 4: // a slice cut out
      {
        const i = at();
        return Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.byteLength, i + 1 + Math.floor(r() * 40)))]);
      }
    case 5: // a long line with no end
      return Buffer.concat([b.subarray(0, at()), Buffer.alloc(Math.floor(r() * 40_000), 0x41)]);
    case 6: // many header lines
      return Buffer.concat([Buffer.from("CHECK SPAMC/1.5\r\n"), Buffer.from("X-A: b\r\n".repeat(Math.floor(r() * 100))), b]);
    default: // random garbage
      return Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
  }
}

const VERDICT: ScanReply = { version: 1, id: "f", status: "spam", score: 7.5, threshold: 5, policy: "default", action: "accept", hits: [{ name: "R", score: 7.5 }], edits: [{ op: "set", name: "X-KAS-Status", value: "spam" }], notes: [] };

test("100 000 mutated requests: typed errors only, bounded memory, fast", () => {
  const r = rng(20261202);
  const base = requests();
  const counts = { requests: 0, errors: 0, incomplete: 0, badCode: 0, overHeld: 0, overBody: 0 };
  const errorCodes = new Map<number, number>();
  const cpu0 = process.cpuUsage();
  for (let n = 0; n < 100_000; n++) {
    let bytes = base[n % base.length];
    for (let k = 1 + Math.floor(r() * 3); k > 0; k--) bytes = mutate(bytes, r);
    const reader = new SpamdRequestReader({ maxBody: MAX_BODY });
    let result = reader.push(new Uint8Array(0));
    for (let i = 0; i < bytes.byteLength && result.kind === "more"; ) {
      const size = 1 + Math.floor(r() * 2000);
      const chunk = bytes.subarray(i, i + size);
      i += size;
      result = reader.push(chunk); // a throw here fails the test
      if (reader.heldBytes > MAX_HEAD_BYTES + MAX_BODY + chunk.byteLength) counts.overHeld++;
    }
    if (result.kind === "more" && r() < 0.7) result = reader.end();
    if (result.kind === "more") counts.incomplete++;
    else if (result.kind === "error") {
      counts.errors++;
      if (!CODES.has(result.error.code) || !result.error.text) counts.badCode++;
      errorCodes.set(result.error.code, (errorCodes.get(result.error.code) ?? 0) + 1);
    } else {
      counts.requests++;
      const req = result.request;
      if (req.body.byteLength > MAX_BODY) counts.overBody++;
      envelopeFromTrace(req.body, TRUSTED);
      if (req.command !== "PING" && req.command !== "SKIP" && req.command !== "TELL") encodeVerdict(req.command, req.version, VERDICT, req.body, 5);
    }
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`spamd fuzz: 100000 mutated requests: ${JSON.stringify(counts)}, error codes ${JSON.stringify(Object.fromEntries(errorCodes))}, ${Math.round(cpuMs)} ms CPU`);
  expect({ badCode: counts.badCode, overHeld: counts.overHeld, overBody: counts.overBody }).toEqual({ badCode: 0, overHeld: 0, overBody: 0 });
  // Both outcomes were met many times: broken requests refused, survivors read and answered.
  expect(counts.requests).toBeGreaterThan(5000);
  expect(errorCodes.get(EX.PROTOCOL) ?? 0).toBeGreaterThan(5000);
  expect(errorCodes.get(EX.DATAERR) ?? 0).toBeGreaterThan(100);
  // CPU time, not wall time: the test machine is shared.
  expect(cpuMs).toBeLessThan(20_000);
}, 120_000);
