// Golden transcripts (fixtures/milter/*.transcript, format in testing/milter-transcript.ts):
// bytes in → bytes out for whole Postfix-like sessions. Each transcript is replayed three
// ways: consecutive MTA packets in one chunk, one byte at a time, and in random-sized
// pieces, since the MTA's packets reach us in whatever pieces TCP makes of them.
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseTranscript } from "../../testing/milter-transcript";
import { MilterConnection, type MilterEvent } from "./connection";
import type { MilterOutcome } from "./actions";
import type { MilterMessage } from "./session";

const DIR = join(import.meta.dir, "../../../fixtures/milter");
const SIZE_LIMIT: Record<string, number> = { "oversize-skip.transcript": 200 };
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

type Split = "whole" | "bytes" | "random";

function pieces(bytes: Uint8Array, split: Split, seed: { n: number }): Uint8Array[] {
  if (split === "whole") return [bytes];
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.byteLength; ) {
    // 32-bit arithmetic (Math.imul): a plain product of two 31-bit numbers loses its low bits in a double.
    seed.n = (Math.imul(seed.n, 1103515245) + 12345) >>> 0;
    const n = split === "bytes" ? 1 : 1 + (seed.n % 23);
    out.push(bytes.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** The finished message as plain data, raw as latin1 text, for a JSON-subset comparison. */
const plain = (m: MilterMessage) => JSON.parse(JSON.stringify({ ...m, raw: m.raw ? Buffer.from(m.raw).toString("latin1") : undefined }));

function replay(name: string, split: Split): void {
  const steps = parseTranscript(readFileSync(join(DIR, name), "utf8"));
  const conn = new MilterConnection({ sizeLimit: SIZE_LIMIT[name] ?? 1024 * 1024 });
  const written: Uint8Array[] = [];
  const events: MilterEvent[] = [];
  const take = (evs: MilterEvent[]) => {
    for (const e of evs) (e.kind === "write" ? written.push(e.bytes) : events.push(e));
  };
  const seed = { n: 7 };
  let input: Uint8Array[] = [];
  let expectedOut: Uint8Array[] = [];
  const feed = () => {
    if (!input.length) return;
    for (const p of pieces(Buffer.concat(input), split, seed)) take(conn.push(p));
    input = [];
  };
  const checkOut = (line: number) => {
    expect({ line, out: hex(Buffer.concat(written)) }).toEqual({ line, out: hex(Buffer.concat(expectedOut)) });
    written.length = 0;
    expectedOut = [];
  };
  for (const s of steps) {
    if (s.op === "in") {
      if (expectedOut.length) checkOut(s.line);
      input.push(s.bytes);
      continue;
    }
    feed();
    if (s.op === "out") expectedOut.push(s.bytes);
    else {
      checkOut(s.line);
      const e = events.shift();
      if (s.op === "message") {
        expect(e?.kind).toBe("message");
        if (e?.kind === "message") expect(plain(e.message)).toMatchObject(s.expect);
      } else if (s.op === "outcome") {
        if (e) events.unshift(e);
        take(conn.finish(s.outcome as MilterOutcome).events);
      } else if (s.op === "error") {
        expect(e?.kind === "error" ? e.error.kind : e?.kind).toBe(s.kind);
      } else {
        expect(e?.kind).toBe("close");
      }
    }
  }
  feed();
  checkOut(-1);
  expect(events).toEqual([]);
}

const files = readdirSync(DIR).filter((f) => f.endsWith(".transcript"));

describe("milter golden transcripts", () => {
  test("the fixtures are there", () => {
    expect(files).toContain("postfix-two-messages.transcript");
  });
  for (const f of files) {
    for (const split of ["whole", "bytes", "random"] as const) {
      test(`${f} (${split})`, () => replay(f, split));
    }
  }
});
