import { expect, test } from "bun:test";
import type { ScanResult } from "../model";
import { forwardable } from "./dispatch";
import { fromWire, masterFromWire, masterToWire, toWire, type MasterToWorker, type WorkerToMaster } from "./ipc";

const result = (over: Partial<ScanResult> = {}): ScanResult => ({
  id: "m1",
  status: "spam",
  score: 7.25,
  threshold: 5,
  probableThreshold: 3,
  policy: "default",
  hits: [{ name: "A", score: 5, description: "a \u00e9 \ud83d\ude00 \ud800 \"quoted\"\n" }, { name: "B", score: 2.25 }],
  disposition: "reject",
  policyAction: "reject",
  reply: { code: 550, text: "5.7.1 Message rejected as spam" },
  edits: [{ op: "set", name: "X-KAS-Status", value: "spam" }, { op: "remove", name: "X-KAS-Policy" }],
  timings: { parseMs: 0.12, checksMs: 0.05, rulesMs: 0.4, totalMs: 0.6 },
  notes: ["parsed partly: \u0000 odd"],
  ...over,
});

test("a scan result travels as one JSON string and arrives equal, lone surrogates and all", () => {
  const m: WorkerToMaster = { type: "result", jobId: 3, result: result(), cpuMs: 0.7, rssKiB: 90_000 };
  const wire = toWire(m) as { result: unknown };
  expect(typeof wire.result).toBe("string");
  // Through the structured clone the IPC channel makes, as Bun's "advanced" serialization does.
  expect(fromWire(structuredClone(wire))).toStrictEqual(m);
});

test("a result JSON would change (-0, a non-finite score or threshold) travels as an object", () => {
  for (const over of [{ score: -0 }, { threshold: Infinity }, { probableThreshold: -Infinity }, { hits: [{ name: "X", score: NaN }] }]) {
    const m: WorkerToMaster = { type: "result", jobId: 1, result: result(over) };
    expect(toWire(m)).toBe(m);
    const back = fromWire(structuredClone(m)) as typeof m;
    expect(back).toStrictEqual(m);
  }
  expect(Object.is((fromWire(structuredClone(toWire({ type: "result", jobId: 1, result: result({ score: -0 }) }))) as { result: ScanResult }).result.score, -0)).toBe(true);
});

test("every other message passes unchanged both ways", () => {
  const msgs: WorkerToMaster[] = [
    { type: "scan_error", jobId: 2, error: "boom" },
    { type: "ready", rules: { version: "v", digest: "d", source: "builtin" }, loadMs: 5 },
    { type: "cancelled", jobId: 4 },
  ];
  for (const m of msgs) {
    expect(toWire(m)).toBe(m);
    expect(fromWire(m)).toBe(m);
  }
  expect(fromWire("not a message")).toBe("not a message");
  expect(fromWire({ type: "result", jobId: 1, result: "{}", extra: 1 })).toMatchObject({ result: {} });
});

test("a scan job travels as [\"scan\", JSON, bytes] and arrives equal; other messages to a filtering process pass unchanged", () => {
  const raw = new TextEncoder().encode("Subject: \u00e9\r\n\r\nbody\r\n");
  const m: MasterToWorker = { type: "scan", jobId: 7, request: { id: "m\ud800", envelope: { ip: "192.0.2.1", helo: "h", from: "", rcpt: ["a@example.com", "b,c@example.com"], queueId: "Q1" }, raw, size: 99 } };
  const wire = masterToWire(m) as unknown[];
  expect(wire[0]).toBe("scan");
  expect(typeof wire[1]).toBe("string");
  expect(wire[2]).toBe(raw); // a buffer of its own goes as it is, no copy
  expect(masterFromWire(structuredClone(wire))).toStrictEqual(m);
  for (const other of [{ type: "cancel", jobId: 1 }, { type: "shutdown", reason: "x" }, { type: "learn", jobId: 2, op: "spam", raw }] as MasterToWorker[]) {
    expect(masterToWire(other)).toBe(other);
    expect(masterFromWire(other)).toBe(other);
  }
  expect(masterFromWire(["scan", 1, raw])).toEqual(["scan", 1, raw]);
});

test("a body read with its HTTP head travels as that view, uncopied; a body read with much more beside it is copied", () => {
  const head = "POST /v1/scan HTTP/1.1\r\ncontent-length: 5000\r\n\r\n";
  const read = new Uint8Array(head.length + 5000).fill(66);
  const body = read.subarray(head.length);
  const wire = masterToWire({ type: "scan", jobId: 1, request: { id: "v", envelope: { rcpt: [] }, raw: body } }) as [string, string, Uint8Array];
  expect(wire[2]).toBe(body);
  const back = structuredClone(wire)[2];
  expect([back.byteOffset, back.byteLength]).toEqual([head.length, 5000]);
  expect((masterFromWire(structuredClone(wire)) as Extract<MasterToWorker, { type: "scan" }>).request.raw).toEqual(body);
  // The same body read together with 20 000 bytes of the next requests: copied, 5 000 bytes travel.
  const more = new Uint8Array(head.length + 25_000).fill(67);
  const first = more.subarray(head.length, head.length + 5000);
  const w2 = masterToWire({ type: "scan", jobId: 2, request: { id: "w", envelope: { rcpt: [] }, raw: first } }) as [string, string, Uint8Array];
  expect(w2[2]).not.toBe(first);
  expect([w2[2].byteOffset, w2[2].buffer.byteLength]).toEqual([0, 5000]);
  expect(w2[2]).toEqual(first);
  // A small body beside a head larger than itself is copied (the copy is the cheaper to send).
  const tiny = new Uint8Array(600).subarray(500);
  expect((masterToWire({ type: "scan", jobId: 3, request: { id: "t", envelope: { rcpt: [] }, raw: tiny } }) as [string, string, Uint8Array])[2]).not.toBe(tiny);
});

test("a message cut at max_message_size travels as the cut only: structured clone would send a view's whole buffer", () => {
  const whole = new Uint8Array(100_000).fill(65);
  const cut = forwardable({ id: "big", envelope: { rcpt: [] }, raw: whole }, 1000);
  expect(structuredClone(cut.raw).buffer.byteLength).toBe(100_000); // what sending the view itself costs
  const wire = masterToWire({ type: "scan", jobId: 1, request: cut }) as [string, string, Uint8Array];
  const back = structuredClone(wire)[2];
  expect([back.byteLength, back.buffer.byteLength]).toEqual([1000, 1000]);
  expect((masterFromWire(structuredClone(wire)) as Extract<MasterToWorker, { type: "scan" }>).request).toStrictEqual({ ...cut, raw: whole.slice(0, 1000) });
});
