// Hits kept as the JSON text a filtering process sent: the reply text takes it while nobody has
// read them, and is then exactly what JSON.stringify gives; reading or assigning them makes
// the array the truth. Through dispatch: the native reply's bytes are the same either way.
import { expect, test } from "bun:test";
import type { Hit, ScanResult } from "../model";
import { dispatch } from "./dispatch";
import { fromWire, toWire } from "./ipc";
import { hitNames, hitsAside, jsonWithHits, lazyHits, shareHits } from "./raw-hits";

const HITS: Hit[] = [{ name: "A", score: 5, description: "a \u00e9 \ud800 \"q\"\n" }, { name: "B", score: -0.5 }];
// The same hits as text JSON.stringify would not write (spaces): shows which one a reply used.
const SPACED = ' [ {"name":"A","score":5,"description":"a \u00e9 \\ud800 \\"q\\"\\n"}, {"name":"B","score":-0.5} ] ';

const result = (): ScanResult => ({
  id: "m1", status: "spam", score: 7.25, threshold: 5, probableThreshold: 3, policy: "default", hits: [], disposition: "reject", policyAction: "reject",
  reply: { code: 550, text: "5.7.1 rejected" }, edits: [{ op: "set", name: "X-KAS-Status", value: "spam" }], timings: { parseMs: 0.1, checksMs: 0, rulesMs: 0.4, totalMs: 0.6 }, notes: ["n"],
});
const lazy = () => {
  const { hits: _, ...rest } = result();
  return lazyHits(rest as ScanResult, SPACED, ["A", "B"]);
};

test("unread hits: the reply text takes their text as it came; names without parsing; once read, JSON.stringify's text", () => {
  const r = lazy();
  expect(hitNames(r)).toEqual(["A", "B"]);
  expect(jsonWithHits(r)).toContain(`"hits":${SPACED}`);
  expect(JSON.parse(jsonWithHits(r))).toEqual(JSON.parse(JSON.stringify({ ...result(), hits: HITS })));
  expect(r.hits).toEqual(HITS); // read: parsed once, the same array after
  expect(r.hits).toBe(r.hits);
  expect(jsonWithHits(r)).toBe(JSON.stringify(r));
  expect(jsonWithHits(r)).not.toContain(SPACED);
});

test("hits assigned: the new array is the truth; shareHits gives a reply the same hits at its own member's place", () => {
  const r = lazy();
  r.hits = [{ name: "C", score: 1 }];
  expect(hitNames(r)).toEqual(["C"]);
  expect(jsonWithHits(r)).toBe(JSON.stringify(r));
  expect(JSON.parse(jsonWithHits(r)).hits).toEqual([{ name: "C", score: 1 }]);

  const from = lazy();
  const reply = { version: 1, hits: [] as Hit[], edits: [], notes: ["x"] };
  shareHits(from, reply);
  expect(Object.keys(reply)).toEqual(["version", "hits", "edits", "notes"]);
  expect(jsonWithHits(reply)).toBe(`{"version":1,"hits":${SPACED},"edits":[],"notes":["x"]}`);
  expect(reply.hits).toBe(from.hits);
  expect(jsonWithHits(reply)).toBe(JSON.stringify(reply)); // read through either: both parsed
  expect(hitsAside(result())).toEqual(result()); // a result with its hits as an array is used as it is
});

test("the text is spliced right whatever members stand around hits", () => {
  for (const keys of [["hits"], ["a", "hits"], ["hits", "z"], ["a", "hits", "u", "z"]]) {
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = k === "hits" ? [] : k === "u" ? undefined : { k };
    shareHits(lazy(), o as { hits: Hit[] });
    const text = jsonWithHits(o as { hits: Hit[] });
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify({ ...o, hits: HITS })));
    expect(text.replace(SPACED, JSON.stringify(HITS))).toBe(JSON.stringify({ ...o, hits: HITS }));
  }
});

test("through IPC and dispatch: the native reply's text is JSON.stringify's, byte for byte, hits unparsed on the way", async () => {
  const sent = result();
  sent.hits = HITS;
  const arrived = (fromWire(structuredClone(toWire({ type: "result", jobId: 1, result: sent }))) as { result: ScanResult }).result;
  const eager = structuredClone(sent);
  const lines: string[] = [];
  const run = (r: ScanResult) => dispatch({ submit: async () => ({ ok: true, result: r, generation: 2, workerPid: 7 }), onScanned: (l) => lines.push(l.replace(/ ms=\d+/, "")) }, { id: "m1", envelope: { rcpt: [] }, raw: new Uint8Array(1) });
  const [a, b] = [await run(arrived), await run(eager)];
  if (!a.ok || !b.ok) throw new Error("dispatch failed");
  expect(jsonWithHits(a.reply)).toBe(JSON.stringify(b.reply));
  expect(lines[0]).toBe(lines[1]);
  expect(jsonWithHits(a.reply)).toBe(JSON.stringify(a.reply)); // now read: the same text from the array
  expect(a.reply.hits).toEqual(HITS);
  // dispatch reads no hit (the scan log line and the Control Center's record take the names).
  const c = await run(lazy());
  if (!c.ok) throw new Error("dispatch failed");
  expect(jsonWithHits(c.reply)).toContain(`"hits":${SPACED}`);
  expect(lines[2]).toBe(lines[1]);
});
