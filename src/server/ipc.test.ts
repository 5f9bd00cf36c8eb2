import { expect, test } from "bun:test";
import type { ScanResult } from "../model";
import { fromWire, toWire, type WorkerToMaster } from "./ipc";

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
