// Hostile clients: at least 100 000 mutated requests (deterministic seed) through the request
// reader, the trace-field envelope and the reply encoder. A broken request may only end in a
// typed spamd error (the door answers it and closes); nothing throws, the reader never holds
// more than the header limit plus the body limit plus one chunk, and it stays fast.
import { expect, test } from "bun:test";
import { parseCidr, type IpRange } from "../../dns/ip";
import type { ScanReply } from "../kas/reply";
import { EX } from "./codes";
import { envelopeFromTrace } from "./received";
import { encodeVerdict } from "./reply";
import { MAX_HEAD_BYTES, SpamdRequestReader } from "./request";
import { MAX_BODY, mutate, requests } from "../../testing/spamd-mutate";
import { rng } from "../../testing/rng";

const TRUSTED = ["127.0.0.0/8", "10.0.0.0/8"].map((c) => parseCidr(c) as IpRange);
const CODES = new Set<number>(Object.values(EX));

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
