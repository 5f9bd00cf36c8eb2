// The Rspamd codec: endpoints, request headers → envelope, verdict → Rspamd's reply JSON.
import { describe, expect, test } from "bun:test";
import type { HeaderEdit } from "../../model";
import type { ScanReply } from "../kas/reply";
import { encodeLearn, encodeV1, encodeV2, milterOf, rspamdAction, symbolsOf } from "./reply";
import { bareAddress, decodeRspamdHeaders, passwordOf, routeOf, splitList } from "./request";

const hdrs = (o: Record<string, string | string[]>) => {
  const h = new Headers();
  for (const [k, v] of Object.entries(o)) for (const x of Array.isArray(v) ? v : [v]) h.append(k, x);
  return h;
};

describe("routeOf", () => {
  test.each([
    ["POST", "/checkv2", { kind: "scan", shape: "v2" }],
    ["POST", "/CHECKV2", { kind: "scan", shape: "v2" }],
    ["POST", "/check", { kind: "scan", shape: "v1" }],
    ["POST", "/symbols", { kind: "scan", shape: "v1" }],
    ["GET", "/ping", { kind: "ping" }],
    ["HEAD", "/ping", { kind: "ping" }],
    ["POST", "/learnspam", { kind: "learn", op: "spam" }],
    ["POST", "/learnham", { kind: "learn", op: "ham" }],
  ] as const)("%s %s", (method, path, want) => {
    expect(routeOf(method, path)).toEqual(want as never);
  });
  test.each([
    ["GET", "/checkv2", 405],
    ["PUT", "/learnspam", 405],
    ["POST", "/ping", 405],
    ["POST", "/checkv3", 404],
    ["POST", "/fuzzyadd", 404],
    ["GET", "/stat", 404],
    ["POST", "/checkv2/", 404],
    ["POST", "/__proto__", 404],
    ["POST", "/constructor", 404],
    ["POST", "/", 404],
  ] as const)("%s %s is refused with %d", (method, path, status) => {
    const r = routeOf(method, path);
    expect(r.kind).toBe("refused");
    if (r.kind === "refused") expect(r.status).toBe(status);
  });
});

describe("request headers", () => {
  test.each([
    ["all envelope fields", { IP: "192.0.2.1", Helo: "mx.example.org", From: "<a@example.org>", Rcpt: ["<b@example.com>", "c@example.com"], "Queue-Id": "4ABC" }, { ip: "192.0.2.1", helo: "mx.example.org", from: "a@example.org", rcpt: ["b@example.com", "c@example.com"], queueId: "4ABC" }],
    ["null sender <>", { From: "<>" }, { from: "", rcpt: [] }],
    ["null sender empty", { From: "" }, { from: "", rcpt: [] }],
    ["display-name sender", { From: "Alice <alice@example.org>" }, { from: "alice@example.org", rcpt: [] }],
    ["IPv6 in brackets", { IP: "[2001:db8::1]" }, { ip: "2001:db8::1", rcpt: [] }],
    ["IPv6: prefix", { IP: "IPv6:2001:db8::1" }, { ip: "2001:db8::1", rcpt: [] }],
    ["IPv4 with the client's port (Rspamd's proxy)", { IP: "192.0.2.7:25" }, { ip: "192.0.2.7", rcpt: [] }],
    ["IPv6 with the client's port", { IP: "[2001:db8::1]:25" }, { ip: "2001:db8::1", rcpt: [] }],
    ["rcpt joined by one header", { Rcpt: "b@example.com, c@example.com" }, { rcpt: ["b@example.com", "c@example.com"] }],
    ["comma inside a quoted local part", { Rcpt: ['"x,y"@example.com', "z@example.com"] }, { rcpt: ['"x,y"@example.com', "z@example.com"] }],
    ["Deliver-To without Rcpt is the recipient", { "Deliver-To": "<d@example.com>" }, { rcpt: ["d@example.com"] }],
    ["Rcpt wins over Deliver-To", { Rcpt: "b@example.com", "Deliver-To": "d@example.com" }, { rcpt: ["b@example.com"] }],
    ["UTF-8 address (SMTPUTF8)", { Rcpt: Buffer.from("jörg@example.com", "utf8").toString("latin1") }, { rcpt: ["jörg@example.com"] }],
    ["nothing", {}, { rcpt: [] }],
  ] as const)("%s", (_, h, envelope) => {
    const d = decodeRspamdHeaders(hdrs(h as Record<string, string | string[]>));
    expect(d.ok).toBe(true);
    if (d.ok) expect(d.value.envelope).toEqual(envelope as never);
  });

  test.each([
    [{ Flags: "pass_all,body_block" }, true],
    [{ Flags: "body_block, pass_all" }, true],
    [{ Flags: "no_pass_all" }, false],
    [{ Pass: "ALL" }, true],
    [{ Pass: "some" }, false],
  ])("pass-all from %j = %p", (h, want) => {
    const d = decodeRspamdHeaders(hdrs(h));
    expect(d.ok && d.value.ignored.passAll).toBe(want);
  });

  test("User, Hostname, Pass and Settings-ID are read but do not change the envelope", () => {
    const d = decodeRspamdHeaders(hdrs({ User: "alice", Hostname: "mx.example.org", Pass: "all", "Settings-ID": "outbound" }));
    expect(d.ok && d.value).toEqual({ envelope: { rcpt: [] }, ignored: { user: "alice", hostname: "mx.example.org", passAll: true, settingsId: "outbound" } });
  });

  test.each([
    ["IP not an address", { IP: "unknown" }, /IP must be an IPv4 or IPv6/],
    ["IP with a bad port", { IP: "192.0.2.1:250000" }, /IP must be/],
    ["Helo too long", { Helo: "h".repeat(1025) }, /Helo is longer than 1024/],
    ["From with a tab-free control", { From: "a\x01@example.org" }, /control characters/],
    ["a Rcpt too long", { Rcpt: `${"r".repeat(1100)}@example.com` }, /Rcpt is longer/],
  ] as const)("%s is refused", (_, h, reason) => {
    const d = decodeRspamdHeaders(hdrs(h as Record<string, string>));
    expect(d.ok).toBe(false);
    if (!d.ok) expect(d.reason).toMatch(reason);
  });

  test("more than 10 000 recipients are refused", () => {
    const d = decodeRspamdHeaders(hdrs({ Rcpt: Array.from({ length: 10_001 }, (_, i) => `r${i}@example.com`).join(",") }));
    expect(d.ok).toBe(false);
  });

  test.each([
    ["<a@b>", "a@b"],
    ["  a@b ", "a@b"],
    ["Name <a@b>", "a@b"],
    ["<>", ""],
    ["<a@b", "a@b"],
  ])("bareAddress(%p) = %p", (i, o) => expect(bareAddress(i)).toBe(o));

  test.each([
    ["a, b", ["a", "b"]],
    ['"a,b"@x, c', ['"a,b"@x', "c"]],
    ["<a,b@x>, c", ["<a,b@x>", "c"]],
    ['"a\\",b"@x', ['"a\\",b"@x']],
    [",,", []],
  ])("splitList(%p)", (i, o) => expect(splitList(i)).toEqual(o));

  test("password from the header, else from the query string", () => {
    expect(passwordOf(hdrs({ Password: "p1" }), new URLSearchParams("password=p2"))).toBe("p1");
    expect(passwordOf(hdrs({}), new URLSearchParams("password=p2"))).toBe("p2");
    expect(passwordOf(hdrs({}), new URLSearchParams(""))).toBeUndefined();
  });
});

const base: ScanReply = { version: 1, id: "x", status: "not_detected", score: 0.5, threshold: 5, policy: "default", action: "accept", policy_action: "accept", hits: [], edits: [], notes: [] };
const v = (o: Partial<ScanReply>): ScanReply => ({ ...base, ...o });

describe("action", () => {
  test.each([
    // status, policy_action, action (disposition), rspamd action
    ["not_detected", "accept", "accept", "no action"],
    ["trusted", "accept", "accept", "no action"],
    ["formal", "accept", "accept", "no action"],
    ["unlicensed", undefined, "accept", "no action"],
    ["unscanned", undefined, "accept", "no action"],
    ["spam", "accept", "accept", "add header"],
    ["probable_spam", "accept", "accept", "add header"],
    ["blacklisted", "accept", "accept", "add header"],
    ["spam", "prefix", "accept", "rewrite subject"],
    ["probable_spam", "prefix", "accept", "rewrite subject"],
    ["spam", "reject", "reject", "reject"],
    ["blacklisted", "reject", "reject", "reject"],
    ["spam", "tempfail", "tempfail", "soft reject"],
    ["formal", "tempfail", "tempfail", "soft reject"],
    // Older servers sent no policy_action: the disposition decides.
    ["spam", undefined, "reject", "reject"],
    ["spam", undefined, "tempfail", "soft reject"],
    ["spam", undefined, "accept", "add header"],
  ] as const)("%s + %s (%s) → %s", (status, policy_action, action, want) => {
    expect(rspamdAction({ status, policy_action, action })).toBe(want);
  });
});

const MSG = "Received: from x\r\nSubject: Hello there\r\nMessage-ID: <abc@example.org>\r\nX-KAS-Status: not_detected\r\nX-Spam-Flag: NO\r\n\r\nbody\r\n";
const raw = new TextEncoder().encode(MSG);

describe("reply", () => {
  test("v2 reply: verdict, symbols, message-id, milter block with kas's edits", () => {
    const edits: HeaderEdit[] = [
      { op: "add", name: "Received-SPF", value: "pass (example.org: 192.0.2.1 is permitted)" },
      { op: "add", name: "Authentication-Results", value: "mx; spf=pass" },
      { op: "set", name: "X-KAS-Status", value: "spam" },
      { op: "set", name: "X-KAS-Score", value: "7.2" },
      { op: "remove", name: "X-Old" },
    ];
    const r = encodeV2(v({ status: "spam", score: 7.2, hits: [{ name: "GTUBE", score: 7, description: "the spam test string" }, { name: "BAYES_99", score: 0.2 }], edits }), raw, 0.0123456789);
    expect(r).toEqual({
      action: "add header",
      score: 7.2,
      required_score: 5,
      is_skipped: false,
      symbols: {
        GTUBE: { name: "GTUBE", score: 7, metric_score: 7, description: "the spam test string" },
        BAYES_99: { name: "BAYES_99", score: 0.2, metric_score: 0.2 },
      },
      messages: {},
      "message-id": "abc@example.org",
      time_real: 0.012346,
      milter: {
        remove_headers: { "X-KAS-Status": 0, "X-Spam-Flag": 0, "X-KAS-Score": 0, "X-Old": 0 },
        add_headers: {
          "Received-SPF": { value: "pass (example.org: 192.0.2.1 is permitted)", order: 0 },
          "Authentication-Results": { value: "mx; spf=pass", order: 1 },
          "X-KAS-Status": { value: "spam" },
          "X-KAS-Score": { value: "7.2" },
        },
      },
    });
    // Object keys are the order JSON carries; the MTA adds in this order.
    expect(JSON.parse(JSON.stringify(r)).symbols.GTUBE.name).toBe("GTUBE");
  });

  test("reject: no milter block, smtp_message without kas's enhanced code", () => {
    const r = encodeV2(v({ status: "spam", score: 9, action: "reject", policy_action: "reject", reply: { code: 550, text: "5.7.1 Message rejected as spam" }, edits: [{ op: "set", name: "X-KAS-Status", value: "spam" }] }), raw, 0);
    expect(r.action).toBe("reject");
    expect(r.messages).toEqual({ smtp_message: "Message rejected as spam" });
    expect(r.milter).toBeUndefined();
  });

  test("tempfail: soft reject with its text", () => {
    const r = encodeV2(v({ status: "spam", action: "tempfail", policy_action: "tempfail", reply: { code: 451, text: "4.7.1 Message deferred, try again later" } }), raw, 0);
    expect(r.action).toBe("soft reject");
    expect(r.messages).toEqual({ smtp_message: "Message deferred, try again later" });
  });

  test.each([
    ["a Subject", MSG, "[!! SPAM] Hello there"],
    ["a folded UTF-8 Subject", "Subject: Gr\xc3\xbc\xc3\x9fe\r\n  aus Wien\r\n\r\nb", "[!! SPAM] Grüße  aus Wien"],
    ["no Subject", "From: a@b\r\n\r\nb", "[!! SPAM]"],
    ["a Subject already prefixed", "Subject: [!! SPAM] Hello\r\n\r\nb", "[!! SPAM] Hello"],
  ])("rewrite subject with %s", (_, message, subject) => {
    const r = encodeV2(v({ status: "spam", policy_action: "prefix", edits: [{ op: "prefix_subject", prefix: "[!! SPAM]" }] }), Buffer.from(message, "latin1"), 0);
    expect(r.action).toBe("rewrite subject");
    expect(r.subject).toBe(subject);
  });

  test("no Message-ID is 'undef'; unscanned is skipped", () => {
    const r = encodeV2(v({ status: "unscanned", edits: [] }), new TextEncoder().encode("From: a@b\r\n\r\nx"), 0);
    expect(r["message-id"]).toBe("undef");
    expect(r.is_skipped).toBe(true);
    expect(r.action).toBe("no action");
    expect(r.milter).toBeUndefined();
  });

  test("v1 reply: the verdict and symbols inside the 'default' metric", () => {
    const r = encodeV1(v({ status: "spam", score: 7, hits: [{ name: "GTUBE", score: 7 }] }), raw, 0.5);
    expect(r.default).toEqual({ is_spam: true, is_skipped: false, score: 7, required_score: 5, action: "add header", GTUBE: { name: "GTUBE", score: 7, metric_score: 7 } });
    expect(r["message-id"]).toBe("abc@example.org");
    expect(r.time_real).toBe(0.5);
    expect(encodeV1(v({}), raw, 0).default).toMatchObject({ is_spam: false, action: "no action" });
  });

  test("a symbol that hit twice is one symbol with the summed score; odd names stay data", () => {
    const s = symbolsOf([{ name: "A", score: 1 }, { name: "A", score: 0.5 }, { name: "__proto__", score: 2 }]);
    expect(JSON.stringify(s)).toBe('{"A":{"name":"A","score":1.5,"metric_score":1.5},"__proto__":{"name":"__proto__","score":2,"metric_score":2}}');
  });

  test("milter: several values of one name become an array; a set drops earlier adds of that name", () => {
    const m = milterOf(v({ edits: [{ op: "add", name: "X-A", value: "1" }, { op: "add", name: "x-a", value: "2" }, { op: "add", name: "X-B", value: "old" }, { op: "set", name: "X-B", value: "new" }] }), []);
    expect(m).toEqual({ remove_headers: { "X-B": 0 }, add_headers: { "X-A": [{ value: "1" }, { value: "2" }], "X-B": { value: "new" } } });
  });

  test("milter: a field named like an object member is data, not a prototype", () => {
    const m = milterOf(v({ edits: [{ op: "add", name: "__proto__", value: "x" }, { op: "add", name: "constructor", value: "y" }] }), []);
    expect(JSON.stringify(m)).toBe('{"add_headers":{"__proto__":{"value":"x"},"constructor":{"value":"y"}}}');
  });

  test("milter: long values are folded, non-ASCII as an RFC 2047 word, no CR", () => {
    const m = milterOf(v({ edits: [{ op: "set", name: "X-KAS-Hits", value: Array.from({ length: 30 }, (_, i) => `RULE_${i}`).join(" ") }, { op: "set", name: "X-Note", value: "größer\r\nzwei" }] }), [])!;
    const hits = m.add_headers!["X-KAS-Hits"] as { value: string };
    expect(hits.value).toContain("\n\t");
    expect(hits.value).not.toContain("\r");
    expect((m.add_headers!["X-Note"] as { value: string }).value).toMatch(/^=\?UTF-8\?B\?/);
  });

  test("learn reply", () => {
    expect(encodeLearn({ version: 1, outcome: "learned", spam: 3, ham: 1 })).toEqual({ success: true, outcome: "learned", spam: 3, ham: 1 });
  });
});
