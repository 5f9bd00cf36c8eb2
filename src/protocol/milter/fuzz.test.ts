// Hostile peers: at least 100 000 mutated frames (deterministic seed) through framing,
// decoding and the session. The door may answer a broken stream only with a typed protocol
// error (the server then closes that connection); it never throws, never holds more than one
// packet plus the size limit, and stays fast.
import { expect, test } from "bun:test";
import { fieldBytes, packet } from "../../testing/milter-transcript";
import type { MilterOutcome } from "./actions";
import { MAX_WHILE_WAITING, MilterConnection } from "./connection";
import { MilterProtocolError } from "./error";
import { rng } from "../../testing/rng";

const MAX_PACKET = 8 * 1024;
const SIZE_LIMIT = 4 * 1024;
const p = (code: string, ...fields: string[]) => packet(code, ...fields.map(fieldBytes));

/** A valid Postfix-like session: two messages, the second with a body past the size limit. */
function session(): Uint8Array[] {
  const body = 'b"' + "x".repeat(70) + '\\r\\n"';
  const big = 'b"' + "y".repeat(498) + '\\r\\n"';
  return [
    p("O", "u32:6", "u32:0x1ff", "u32:0x1fffff"),
    p("D", "c:C", '"j"', '"mx.example.org"'),
    p("C", '"mail.example.net"', "c:6", "u16:25", '"2001:db8::25"'),
    p("H", '"mail.example.net"'),
    p("M", '"<>"'),
    p("R", '"<a@example.org>"'),
    p("R", '"<b@example.org>"'),
    p("L", '"Subject"', '" hello"'),
    p("L", '"X-Spam-Flag"', '" YES"'),
    p("N"),
    p("B", body),
    p("E"),
    p("A"),
    p("M", '"<c@example.com>"', '"SIZE=9000"'),
    p("R", '"<a@example.org>"'),
    p("L", '"From"', '" c@example.com"'),
    ...Array.from({ length: 10 }, () => p("B", big)),
    p("E"),
    p("Q"),
  ];
}


function mutate(frame: Uint8Array, r: () => number): Uint8Array {
  const f = new Uint8Array(frame);
  if (f.byteLength < 5) return f.subarray(0, Math.floor(r() * f.byteLength)); // already cut: cut more
  const v = new DataView(f.buffer);
  switch (Math.floor(r() * 8)) {
    case 0: // truncated
      return f.subarray(0, Math.floor(r() * f.byteLength));
    case 1: // wrong length, near the truth
      v.setUint32(0, Math.max(0, v.getUint32(0) + Math.floor(r() * 9) - 4));
      return f;
    case 2: // huge length
      v.setUint32(0, [0xffffffff, 0x7fffffff, MAX_PACKET + 1, 0][Math.floor(r() * 4)]);
      return f;
    case 3: // random command byte
      if (f.byteLength > 4) f[4] = Math.floor(r() * 256);
      return f;
    case 4: // random bytes in the data (NULs, families, lengths inside)
      for (let k = 0; k < 1 + r() * 4; k++) if (f.byteLength > 5) f[5 + Math.floor(r() * (f.byteLength - 5))] = Math.floor(r() * 256);
      return f;
    case 5: // a garbage packet of a plausible size
      return packet(String.fromCharCode(Math.floor(r() * 128)), Uint8Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256)));
    case 6: // data bytes cut off but the length kept: the next packet's header is read as data
      return f.subarray(0, Math.max(5, f.byteLength - 1 - Math.floor(r() * 3)));
    default: // an oversize body chunk
      return packet("B", new Uint8Array(MAX_PACKET + Math.floor(r() * 3)));
  }
}

const OUTCOMES: MilterOutcome[] = [
  { disposition: "accept", edits: [{ op: "set", name: "X-KAS-Status", value: "not_detected" }], stripPrefixes: ["X-KAS-", "X-Spam-"] },
  { disposition: "accept", edits: [{ op: "prefix_subject", prefix: "[SPAM]" }] },
  { disposition: "reject", reply: { code: 550, text: "5.7.1 no" }, edits: [] },
];

test("100 000 mutated frames: typed errors only, bounded memory, fast", () => {
  const r = rng(20261202);
  const base = session();
  let mutated = 0;
  let sessions = 0;
  const errors = new Map<string, number>();
  let messages = 0;
  let notTyped = 0;
  let overHeld = 0;
  let overRaw = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  while (mutated < 100_000) {
    sessions++;
    const frames = base.map((f) => f);
    // Mutate 1-4 frames; sometimes also drop, duplicate or swap frames (commands out of order).
    for (let k = 1 + Math.floor(r() * 4); k > 0; k--) {
      const i = Math.floor(r() * frames.length);
      frames[i] = mutate(frames[i], r);
      mutated++;
    }
    const shuffle = r();
    if (shuffle < 0.1) frames.splice(Math.floor(r() * frames.length), 1);
    else if (shuffle < 0.2) frames.splice(Math.floor(r() * frames.length), 0, frames[Math.floor(r() * frames.length)]);
    else if (shuffle < 0.3) {
      const i = Math.floor(r() * (frames.length - 1));
      [frames[i], frames[i + 1]] = [frames[i + 1], frames[i]];
    }
    const stream = Buffer.concat(frames);
    const conn = new MilterConnection({ sizeLimit: SIZE_LIMIT, maxPacket: MAX_PACKET });
    let ended = false;
    const handle = (events: ReturnType<MilterConnection["push"]>): void => {
      for (const e of events) {
        if (e.kind === "error") {
          if (!(e.error instanceof MilterProtocolError)) notTyped++;
          errors.set(e.error.kind, (errors.get(e.error.kind) ?? 0) + 1);
          ended = true;
        } else if (e.kind === "close") ended = true;
        else if (e.kind === "message") {
          messages++;
          if (e.message.raw && e.message.raw.byteLength > SIZE_LIMIT) overRaw++;
          handle(conn.finish(OUTCOMES[messages % OUTCOMES.length]).events);
        }
      }
    };
    for (let i = 0; i < stream.byteLength && !ended; ) {
      const n = 1 + Math.floor(r() * 3000);
      const chunk = stream.subarray(i, i + n);
      i += n;
      handle(conn.push(chunk)); // a throw here fails the test: only typed error events are allowed
      if (conn.heldBytes > Math.max(MAX_PACKET + 5, MAX_WHILE_WAITING) + chunk.byteLength + 2 * SIZE_LIMIT) overHeld++; // message bytes + kept fields
    }
  }
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(`milter fuzz: ${mutated} mutated frames in ${sessions} sessions, ${messages} messages, errors ${JSON.stringify(Object.fromEntries(errors))}, ${Math.round(ms)} ms (${Math.round(cpuMs)} ms CPU)`);
  expect({ notTyped, overHeld, overRaw }).toEqual({ notTyped: 0, overHeld: 0, overRaw: 0 });
  // Every kind of broken input was met, and answered with its typed error.
  for (const kind of ["bad_length", "unknown_command", "malformed", "out_of_order"]) expect(errors.get(kind) ?? 0).toBeGreaterThan(100);
  expect(messages).toBeGreaterThan(1000);
  // CPU time, not wall time: the test machine is shared, and a loaded one must not fail this.
  expect(cpuMs).toBeLessThan(10_000);
}, 60_000);

test("a 4 GiB length is refused before a byte of it is buffered", () => {
  const conn = new MilterConnection({ sizeLimit: SIZE_LIMIT });
  const events = conn.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x42, 1, 2, 3));
  expect(events).toMatchObject([{ kind: "error", error: { kind: "bad_length" } }]);
  expect(conn.heldBytes).toBe(0);
  expect(conn.push(new Uint8Array(10))).toEqual([]);
});

test("an MTA that keeps sending while its end-of-message answer is owed is cut off", () => {
  const conn = new MilterConnection({ sizeLimit: SIZE_LIMIT });
  const start = [p("O", "u32:6", "u32:0x1ff", "u32:0x1fffff"), p("C", '"h"', "c:4", "u16:25", '"192.0.2.1"'), p("M", '"<a@b>"'), p("R", '"<c@d>"'), p("E")];
  const evs = conn.push(Buffer.concat(start));
  expect(evs.map((e) => e.kind)).toEqual(["write", "message"]);
  // An ABORT and a QUIT while we scan are fine: they wait for our answer.
  expect(conn.push(Buffer.concat([p("A"), p("Q")]))).toEqual([]);
  const { events } = conn.finish({ disposition: "accept", edits: [] });
  expect(events.map((e) => e.kind)).toEqual(["write", "close"]);

  const flood = new MilterConnection({ sizeLimit: SIZE_LIMIT });
  flood.push(Buffer.concat(start));
  const body = p("B", 'b"' + "x".repeat(60_000) + '"');
  expect(flood.push(body)).toEqual([]);
  expect(flood.push(body)).toMatchObject([{ kind: "error", error: { kind: "flooded" } }]);
  // The scan that was running ends after the error: nothing more is written.
  expect(flood.finish({ disposition: "accept", edits: [] }).events).toEqual([]);
});
