// The protocol-neutral dispatch every front door uses: admission decision, pool, merged edits
// with exactly one X-KAS-Status, one log line naming the door.
import { expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import { actions } from "../engine/actions";
import type { Policy } from "../engine/policy";
import type { ScanRequest, ScanResult } from "../model";
import { verdict } from "../engine/verdict";
import { dispatch, newRequestId, type DispatchDeps } from "./dispatch";
import type { Dispatched } from "./pool";

const config = parseConfig("", "t.toml");
const policy: Policy = { ...config.policy, name: "default" };
const req: ScanRequest = { id: "m1", envelope: { from: "a@example.com", rcpt: ["b@example.net", "c@example.net"], queueId: "4XyZ" }, raw: new TextEncoder().encode("Subject: x\r\n\r\nbody\r\n") };

function resultOf(r: ScanRequest, score: number): ScanResult {
  const status = verdict(score, policy, undefined, r.envelope);
  return { id: r.id, status, score, threshold: policy.spam_score, probableThreshold: policy.probable_spam_score, policy: "default", hits: [], ...actions(status, score, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
}

function deps(over: Partial<DispatchDeps> & { answer?: Dispatched } = {}) {
  const lines: [string, string][] = [];
  let submitted = 0;
  const d: DispatchDeps = {
    submit: async (r) => (submitted++, over.answer ?? { ok: true, generation: 3, workerPid: 77, result: resultOf(r, 9) }),
    onScanned: (line, status) => lines.push([line, status]),
    ...over,
  };
  return { d, lines, submitted: () => submitted };
}

const statusEdits = (edits: { op: string; name?: string }[]) => edits.filter((e) => e.name?.toLowerCase() === "x-kas-status");

test("scanned: the verdict with one X-KAS-Status, the decision's fields and note merged, one log line with the door", async () => {
  const { d, lines } = deps({ beforeDispatch: () => ({ action: "scan", headers: [{ name: "X-KAS-Unlicensed", value: "c@example.net" }], reason: "1 recipient unlicensed" }) });
  const out = await dispatch(d, req, "milter");
  if (!out.ok) throw new Error("expected a verdict");
  expect(out.reply.status).toBe("spam");
  expect(out.reply.generation).toBe(3);
  expect(statusEdits(out.reply.edits)).toHaveLength(1);
  expect(out.reply.edits).toContainEqual({ op: "set", name: "X-KAS-Unlicensed", value: "c@example.net" });
  expect(out.reply.notes).toContain("1 recipient unlicensed");
  expect(lines).toHaveLength(1);
  expect(lines[0][0]).toMatch(/^id=m1 door=milter qid=4XyZ from=<a@example.com> rcpt=2 size=20 status=spam score=9\.0\/5\.0 action=accept ms=\d+ pid=77$/);
  expect(lines[0][1]).toBe("spam");
});

test("pass decision: not submitted to the pool, the pass status and reason", async () => {
  const { d, lines, submitted } = deps({ beforeDispatch: async () => ({ action: "pass", status: "unlicensed", headers: [], reason: "no valid license" }) });
  const out = await dispatch(d, req);
  expect(submitted()).toBe(0);
  expect(out).toMatchObject({ ok: true, reply: { status: "unlicensed", action: "accept", notes: ["no valid license"] } });
  if (out.ok) expect(statusEdits(out.reply.edits)).toEqual([{ op: "set", name: "X-KAS-Status", value: "unlicensed" }]);
  expect(lines[0]).toEqual(["id=m1 qid=4XyZ from=<a@example.com> rcpt=2 size=20 status=unlicensed (not scanned: no valid license)", "unlicensed"]);
});

test("pool failure: an error outcome with the pool's code, logged as failed", async () => {
  const { d, lines } = deps({ answer: { ok: false, code: "busy", message: "every filtering process is busy" } as Dispatched });
  expect(await dispatch(d, req)).toEqual({ ok: false, code: "busy", message: "every filtering process is busy" });
  expect(lines[0][1]).toBe("failed");
  expect(lines[0][0]).toContain("failed=busy every filtering process is busy");
});

test("request ids are unique", () => {
  const ids = new Set(Array.from({ length: 1000 }, newRequestId));
  expect(ids.size).toBe(1000);
});

test("recipients under policies that disagree: a reject does not hit the recipient whose policy accepts", async () => {
  const policyCfg = parseConfig('[policy]\nspam_action = "reject"\n[[policy.group]]\nname = "relaxed"\nrecipients = ["@example.net"]\nspam_action = "accept"\n', "t.toml").policy;
  const strict: Policy = { ...policyCfg, name: "default" };
  const mixed: ScanRequest = { ...req, envelope: { ...req.envelope, rcpt: ["x@example.org", "b@example.net"] } };
  const result = { ...resultOf(mixed, 9), ...actions("spam", 9, [], strict) };
  const { d, lines } = deps({ policy: () => policyCfg, answer: { ok: true, generation: 1, workerPid: 5, result } });
  const out = await dispatch(d, mixed, "milter");
  expect(out).toMatchObject({ ok: true, reply: { status: "spam", action: "accept", policy_action: "accept" } });
  if (out.ok) {
    expect(out.reply.reply).toBeUndefined();
    expect(out.reply.notes.at(-1)).toBe("recipients' policies disagree (default: reject, relaxed: accept): delivered tagged, not refused for all");
  }
  expect(lines[0][0]).toContain("status=spam score=9.0/5.0 action=accept");
  // one recipient only: the reject stands
  const single = await dispatch(deps({ policy: () => policyCfg, answer: { ok: true, generation: 1, workerPid: 5, result } }).d, { ...mixed, envelope: { ...mixed.envelope, rcpt: ["x@example.org"] } });
  expect(single).toMatchObject({ ok: true, reply: { action: "reject", reply: { code: 550 } } });
});

test("the pool gets no more of a message than [scan] max_message_size: the prefix and the real size; the log line keeps the real size", async () => {
  const seen: ScanRequest[] = [];
  const { d, lines } = deps({ forwardLimit: () => 12, submit: async (r) => (seen.push(r), { ok: true, generation: 1, workerPid: 5, result: resultOf(r, 0) }) });
  await dispatch(d, req);
  expect(seen[0].raw.byteLength).toBe(12);
  expect(new TextDecoder().decode(seen[0].raw)).toBe("Subject: x\r\n");
  expect(seen[0].size).toBe(20);
  expect(lines[0][0]).toContain(" size=20 ");
  // At or under the limit the request goes as it came (no copy, no size field).
  const small = deps({ forwardLimit: () => 20, submit: async (r) => (seen.push(r), { ok: true, generation: 1, workerPid: 5, result: resultOf(r, 0) }) });
  await dispatch(small.d, req);
  expect(seen[1]).toBe(req);
  expect(seen[1].size).toBeUndefined();
});
