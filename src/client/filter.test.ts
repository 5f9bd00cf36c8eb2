import { afterEach, expect, test } from "bun:test";
import { format } from "node:util";
import { parseConfig } from "../config/load";
import type { HeaderEdit } from "../model";
import { applyEdits as realApplyEdits } from "../message/edit";
import { scanReplyOf } from "../protocol/kas/reply";
import { filterViaServer, type FilterLog } from "./filter";
import { ClientError, parseResponse, type HttpResponse } from "./http";

// Stand-in for message/edit.ts: prepends fields, so tests can see exactly what was applied.
const applyEdits = (raw: Uint8Array, edits: HeaderEdit[]) =>
  new Uint8Array(Buffer.concat([Buffer.from(edits.map((e) => ("value" in e ? `${e.name}: ${e.value}\r\n` : `#${e.op}\r\n`)).join("")), raw]));
const lines: string[] = [];
const log: FilterLog = { info: (m, ...a) => lines.push("info " + format(m, ...a)), warn: (m, ...a) => lines.push("warn " + format(m, ...a)), error: (m, ...a) => lines.push("error " + format(m, ...a)) };
afterEach(() => void (lines.length = 0));

const msg = new TextEncoder().encode("Subject: hi\r\n\r\nbody\r\n");
const client = (extra = "") => parseConfig(`[client]\nconnect_to = ["tcp:127.0.0.1:1", "unix:/nonexistent/kas.sock"]\n${extra}\n`).client;
const verdict = (over: Record<string, unknown> = {}): HttpResponse => ({
  status: 200,
  headers: {},
  body: new TextEncoder().encode(JSON.stringify({ ...scanReplyOf({ id: "m1", status: "spam", score: 9, threshold: 5, policy: "default", disposition: "accept", hits: [], edits: [{ op: "set", name: "X-KAS-Status", value: "spam" }], timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] }), ...over })),
});
const text = (u: Uint8Array) => new TextDecoder().decode(u);

test("a verdict's edits are applied and the exit code is 0", async () => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(), { applyEdits, log, send: async () => verdict() });
  expect(o.exitCode).toBe(0);
  expect(text(o.output)).toBe("X-KAS-Status: spam\r\nSubject: hi\r\n\r\nbody\r\n");
});

test("a verdict whose edits lack X-KAS-Status still leaves with it (every scanned message carries it)", async () => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(), { applyEdits, log, send: async () => verdict({ status: "not_detected", edits: [{ op: "add", name: "X-Spam-Flag", value: "NO" }] }) });
  expect(text(o.output)).toBe("X-Spam-Flag: NO\r\nX-KAS-Status: not_detected\r\nSubject: hi\r\n\r\nbody\r\n");
});

test("fail-over: the second server answers when the first refuses; the failure is logged", async () => {
  const tried: string[] = [];
  const o = await filterViaServer(msg, { rcpt: [] }, client(), {
    applyEdits, log,
    send: async (a) => {
      tried.push(a.kind);
      if (a.kind === "tcp") throw new ClientError("connect", "ECONNREFUSED");
      return verdict();
    },
  });
  expect(tried).toEqual(["tcp", "unix"]);
  expect(o.exitCode).toBe(0);
  expect(lines.join("\n")).toContain("server tcp:127.0.0.1:1 failed (connect: ECONNREFUSED)");
});

test.each([
  ["reject", 69, "5.7.1 go away"],
  ["tempfail", 75, "4.7.1 later"],
])("a %s verdict exits %d with the reply text and no output", async (action, code, replyText) => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(), { applyEdits, log, send: async () => verdict({ action, reply: { code: action === "reject" ? 550 : 451, text: replyText } }) });
  expect([o.exitCode, o.message, o.output.byteLength]).toEqual([code, replyText, 0]);
});

test("a message over size_limit passes unscanned with headers saying why, without contacting a server", async () => {
  const big = new Uint8Array(2048).fill(0x61);
  const o = await filterViaServer(big, { rcpt: [] }, client("size_limit = 1024"), { applyEdits, log, send: async () => { throw new Error("must not send"); } });
  expect(o.exitCode).toBe(0);
  expect(text(o.output)).toStartWith("X-KAS-Status: unscanned\r\nX-KAS-Unscanned: size 2048 > size_limit 1024\r\naaaa");
  expect(lines[0]).toContain("unscanned");
});

const failures: [string, () => Promise<HttpResponse>][] = [
  ["down", async () => { throw new ClientError("connect", "ECONNREFUSED"); }],
  ["garbage", async () => ({ status: 200, headers: {}, body: new TextEncoder().encode("<html>hello</html>") })],
  ["stalling", async () => { throw new ClientError("timeout", "no data for data_timeout 1s"); }],
  ["refusing", async () => ({ status: 503, headers: {}, body: new TextEncoder().encode('{"version":1,"error":{"code":"busy","message":"full","temporary":true}}') })],
];
for (const [name, send] of failures) {
  test.each([
    ["tempfail", 75],
    ["reject", 69],
    ["accept", 0],
  ])(`server ${name}: on_error=%s exits %d`, async (mode, code) => {
    const o = await filterViaServer(msg, { rcpt: [] }, client(`on_error = "${mode}"`), { applyEdits, log, send });
    expect(o.exitCode).toBe(code);
    if (mode === "accept") {
      expect(text(o.output)).toMatch(/^X-KAS-Status: unscanned\r\nX-KAS-Unscanned: error: tcp:127\.0\.0\.1:1: .+\r\nSubject: hi\r\n\r\nbody\r\n$/);
    } else {
      expect(o.output.byteLength).toBe(0);
      expect(o.message).toMatch(mode === "reject" ? /^5\.3\.0 / : /^4\.3\.0 /);
    }
    expect(lines.some((l) => l.includes(`on_error=${mode}`))).toBe(true);
  });
}

test.each([
  ["content-length", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", false, "{}"],
  ["chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n1\r\n \r\n0\r\n\r\n", false, "{} "],
  ["read to close", "HTTP/1.0 200 OK\r\n\r\nabc", true, "abc"],
])("parseResponse: %s", (_n, wire, closed, body) => {
  expect(text(parseResponse(Buffer.from(wire), closed, 1000)!.body)).toBe(body);
});

test("parseResponse: incomplete is undefined, garbage and truncation are protocol errors", () => {
  expect(parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"), false, 1000)).toBeUndefined();
  expect(() => parseResponse(Buffer.from("SPAMD/1.1 0 EX_OK\r\n\r\n"), false, 1000)).toThrow("not an HTTP reply");
  expect(() => parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"), true, 1000)).toThrow("after 2 of 5");
  expect(() => parseResponse(Buffer.from(""), true, 1000)).toThrow("without a reply");
});

test("the --json report: the verdict's fields, the server, the score as the header shows it; without a verdict, why", async () => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(), {
    applyEdits, log, id: "q9",
    send: async (a) => {
      if (a.kind === "tcp") throw new ClientError("connect", "ECONNREFUSED");
      return verdict({ id: "q9", score: 4.95, status: "probable_spam", probable_threshold: 3, policy_action: "prefix", hits: [{ name: "A", score: 4.95, description: "a rule" }], notes: ["n1"] });
    },
  });
  expect(o.report).toMatchObject({ id: "q9", status: "probable_spam", score: 4.95, score_shown: "4.9", threshold: 5, probable_threshold: 3, policy: "default", action: "prefix", hits: [{ name: "A", score: 4.95, description: "a rule" }], notes: ["n1"], server: "unix:/nonexistent/kas.sock" });
  expect(o.report.timings).toMatchObject({ parse_ms: 0, scan_ms: 0 });
  const none = await filterViaServer(msg, { rcpt: [] }, client('on_error = "tempfail"'), { applyEdits, log, id: "q10", send: async () => { throw new ClientError("connect", "ECONNREFUSED"); } });
  expect([none.exitCode, none.report.status, none.report.action, none.report.score, none.report.reply?.code]).toEqual([75, "error", "tempfail", null, 451]);
  expect(none.report.error).toContain("ECONNREFUSED");
});

// After the queue (`kas filter … -- sendmail …`): nothing may bounce to a possibly forged sender.
const afterQueue = { subjectPrefix: (status: string, policy: string) => `[${status}/${policy}]` };

test("after the queue a policy reject is delivered with the verdict's headers and the subject prefix, exit 0", async () => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(), { applyEdits, log, afterQueue, send: async () => verdict({ action: "reject", policy_action: "reject", reply: { code: 550, text: "5.7.1 go away" } }) });
  expect([o.exitCode, o.message]).toEqual([0, undefined]);
  expect(text(o.output)).toBe("X-KAS-Status: spam\r\n#prefix_subject\r\nSubject: hi\r\n\r\nbody\r\n");
  expect(lines.join("\n")).toContain("reject after the queue: delivered tagged");
});

test("after the queue a policy tempfail still defers (75), with nothing to deliver", async () => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(), { applyEdits, log, afterQueue, send: async () => verdict({ action: "tempfail", reply: { code: 451, text: "4.7.1 later" } }) });
  expect([o.exitCode, o.output.byteLength, o.message]).toEqual([75, 0, "4.7.1 later"]);
});

test.each([
  ["tempfail", 75],
  ["reject", 75],
  ["accept", 0],
])("after the queue with the server down, on_error=%s exits %d (reject defers instead of bouncing)", async (mode, code) => {
  const o = await filterViaServer(msg, { rcpt: [] }, client(`on_error = "${mode}"`), { applyEdits, log, afterQueue, send: async () => { throw new ClientError("connect", "ECONNREFUSED"); } });
  expect(o.exitCode).toBe(code);
  if (mode === "reject") expect(lines.join("\n")).toContain("on_error=reject after the queue, message deferred");
});

test("afterQueueOf: the prefix of the reply's status under the named policy (a group's own, else [policy]'s)", async () => {
  const { afterQueueOf } = await import("./run");
  const cfg = parseConfig(`[policy]\nspam_subject_prefix = "[S]"\nprobable_spam_subject_prefix = "[P]"\n[[policy.group]]\nname = "sales"\nrecipients = ["@sales.test"]\nspam_subject_prefix = "[SALES]"\n`);
  const q = afterQueueOf(cfg);
  expect([q.subjectPrefix("spam", "default"), q.subjectPrefix("probable_spam", "default"), q.subjectPrefix("blacklisted", "sales"), q.subjectPrefix("probable_spam", "sales"), q.subjectPrefix("spam", "gone")]).toEqual(["[S]", "[P]", "[SALES]", "[P]", "[S]"]);
});

// A sender's forged verdict fields, on every path that passes the message on (with the real header editor).
const forged = new TextEncoder().encode("Subject: hi\r\nX-Spam-Flag: NO\r\nx-kas-score: -10\r\nX-Spam-Status: No,\r\n score=-10\r\nX-Other: kept\r\n\r\nbody X-Spam-Flag: NO\r\n");
test.each([
  ["over size_limit", "size_limit = 1024", async () => { throw new Error("must not send"); }, 2048],
  ["no verdict, on_error = accept", 'on_error = "accept"', async () => { throw new ClientError("connect", "ECONNREFUSED"); }, 0],
  ["scanned", "", async () => verdict({ status: "not_detected", edits: [{ op: "set", name: "X-KAS-Status", value: "not_detected" }] }), 0],
] as const)("%s: the sender's X-Spam-* / X-KAS-* fields are removed, ours added, the rest byte for byte", async (_n, cfg, send, pad) => {
  const raw = pad ? new Uint8Array([...forged, ...new Uint8Array(pad).fill(0x61)]) : forged;
  const o = await filterViaServer(raw, { rcpt: [] }, client(cfg), { applyEdits: realApplyEdits, log, send: send as never });
  const out = text(o.output);
  expect(out).toStartWith("Subject: hi\r\nX-Other: kept\r\nX-KAS-Status: ");
  expect(out).not.toMatch(/^X-Spam-Flag: NO|^x-kas-score|^X-Spam-Status|^ score=-10/m);
  expect(out).toContain("\r\n\r\nbody X-Spam-Flag: NO\r\n");
});
