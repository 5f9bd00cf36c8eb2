import { expect, test } from "bun:test";
import { formatAddress, parseAddress } from "../address";
import { decodeReply, errorReply, scanReplyOf } from "./reply";
import { decodeScanHeaders, decodeValue, encodeScanHeaders, encodeValue } from "./request";

const headers = (h: Record<string, string>) => new Headers(h);

test.each([
  ["tcp:127.0.0.1:2277", { kind: "tcp", host: "127.0.0.1", port: 2277 }],
  ["tcp:[::1]:25", { kind: "tcp", host: "::1", port: 25 }],
  ["tcp:filter.example:2277", { kind: "tcp", host: "filter.example", port: 2277 }],
  ["unix:/run/kas/kas.sock", { kind: "unix", path: "/run/kas/kas.sock" }],
])("address %s parses and formats back", (text, want) => {
  expect(parseAddress(text)).toEqual(want as never);
  expect(formatAddress(want as never)).toBe(text);
});

test.each(["tcp:127.0.0.1", "tcp:1.2.3.4:70000", "unix:relative.sock", "udp:1.2.3.4:5", "127.0.0.1:2277"])("bad address %s is a reason, not a throw", (text) => {
  expect(typeof parseAddress(text)).toBe("string");
});

test("envelope round-trips through the headers, including commas, % and UTF-8", () => {
  const envelope = { ip: "2001:db8::1", helo: "mx.example", from: "\"a,b\"@ex.com", rcpt: ["x@y.z", "ünï@cödé.de", "100%@q"], queueId: "4F2A1" };
  const h = encodeScanHeaders({ id: "abc-1", envelope });
  for (const v of Object.values(h)) expect(v).toMatch(/^[\x20-\x7e]*$/);
  const d = decodeScanHeaders(headers(h), "fallback");
  expect(d).toEqual({ ok: true, value: { id: "abc-1", envelope } });
});

test("repeated X-KAS-Rcpt headers keep their order; <> is the null sender; missing id uses the fallback", () => {
  const h = new Headers();
  h.append("X-KAS-Rcpt", "a@x");
  h.append("X-KAS-Rcpt", "b@x,c@x");
  h.set("X-KAS-From", "<>");
  expect(decodeScanHeaders(h, "F1")).toEqual({ ok: true, value: { id: "F1", envelope: { rcpt: ["a@x", "b@x", "c@x"], from: "" } } });
});

test.each([
  ["ip", { "X-KAS-IP": "not-an-ip" }, "IPv4 or IPv6"],
  ["id", { "X-KAS-Id": "bad id!" }, "X-KAS-Id"],
  ["from", { "X-KAS-From": "%G1" }, "percent-encoding"],
  ["rcpt", { "X-KAS-Rcpt": "%FF%FE" }, "percent-encoding"],
  ["helo", { "X-KAS-Helo": "h".repeat(2000) }, "longer than"],
])("bad envelope header (%s) is a protocol error", (_n, h, why) => {
  const d = decodeScanHeaders(headers(h as Record<string, string>), "x");
  expect(d.ok).toBe(false);
  expect((d as { reason: string }).reason).toContain(why);
});

test("encodeValue escapes exactly %, comma, controls and non-ASCII", () => {
  expect(encodeValue("a,b%c\td é")).toBe("a%2Cb%25c%09d %C3%A9");
  expect(decodeValue(encodeValue("a,b%c\td é"))).toBe("a,b%c\td é");
});

const result = {
  id: "m1", status: "spam" as const, score: 7.5, threshold: 5, policy: "default", disposition: "reject" as const,
  reply: { code: 550, text: "5.7.1 Message rejected as spam" },
  hits: [{ name: "BODY_VIAGRA", score: 3.5, description: "talks about pills" }],
  edits: [{ op: "set" as const, name: "X-KAS-Status", value: "spam" }, { op: "prefix_subject" as const, prefix: "[SPAM]" }],
  timings: { parseMs: 1, checksMs: 0, rulesMs: 2, totalMs: 3 }, notes: ["n"],
};

test("a verdict round-trips through JSON", () => {
  const wire = JSON.stringify(scanReplyOf(result, 4));
  expect(decodeReply(wire)).toEqual({ ok: true, value: { version: 1, id: "m1", status: "spam", score: 7.5, threshold: 5, policy: "default", action: "reject", reply: result.reply, hits: result.hits, edits: result.edits, notes: ["n"], timings: result.timings, generation: 4 } });
});

test("probable_threshold and policy_action travel when the scan has them, and older replies without them still decode", () => {
  const wire = JSON.stringify(scanReplyOf({ ...result, disposition: "accept", reply: undefined, probableThreshold: 3, policyAction: "prefix" }));
  const d = decodeReply(wire);
  expect(d.ok && !("error" in d.value) && [d.value.action, d.value.policy_action, d.value.probable_threshold]).toEqual(["accept", "prefix", 3]);
  const old = decodeReply(JSON.stringify(scanReplyOf(result)));
  expect(old.ok && !("error" in old.value) && [old.value.policy_action, old.value.probable_threshold]).toEqual([undefined, undefined]);
});

test("error replies carry their HTTP status and temporariness", () => {
  expect(errorReply("too_large", "x")).toEqual({ status: 413, body: { version: 1, error: { code: "too_large", message: "x", temporary: false } } });
  expect(errorReply("busy", "x").body.error.temporary).toBe(true);
  expect(decodeReply(JSON.stringify(errorReply("busy", "full").body))).toEqual({ ok: true, value: { version: 1, error: { code: "busy", message: "full", temporary: true } } });
});

const good = () => JSON.parse(JSON.stringify(scanReplyOf(result)));
test.each([
  ["not JSON", () => "HTTP garbage", "not JSON"],
  ["other version", () => JSON.stringify({ ...good(), version: 2 }), "version"],
  ["unknown status", () => JSON.stringify({ ...good(), status: "meh" }), "status"],
  ["header injection in an edit", () => JSON.stringify({ ...good(), edits: [{ op: "add", name: "X-A", value: "v\r\nBcc: x@y" }] }), "malformed edit"],
  ["bad field name", () => JSON.stringify({ ...good(), edits: [{ op: "add", name: "X A:", value: "v" }] }), "malformed edit"],
  ["CRLF in reply text", () => JSON.stringify({ ...good(), reply: { code: 550, text: "a\r\n250 ok" } }), "reply.text"],
  ["missing score", () => JSON.stringify({ ...good(), score: "7" }), "score"],
  ["unknown policy_action", () => JSON.stringify({ ...good(), policy_action: "discard" }), "policy_action"],
  ["probable_threshold not a number", () => JSON.stringify({ ...good(), probable_threshold: "3" }), "probable_threshold"],
])("a malformed reply is refused: %s", (_n, make, why) => {
  const d = decodeReply(make());
  expect(d.ok).toBe(false);
  expect((d as { reason: string }).reason).toContain(why);
});

test("a folded header value (CRLF + whitespace) is a legal edit", () => {
  const d = decodeReply(JSON.stringify({ ...good(), edits: [{ op: "add", name: "X-KAS-Report", value: "a\r\n\tb" }] }));
  expect(d.ok).toBe(true);
});

test("an id the server would refuse is not sent (the server assigns one)", () => {
  expect(encodeScanHeaders({ id: "queue id with spaces", envelope: { rcpt: [] } })).toEqual({});
  expect(encodeScanHeaders({ id: "4F2A1.x-y_z", envelope: { rcpt: [] } })).toEqual({ "X-KAS-Id": "4F2A1.x-y_z" });
});
