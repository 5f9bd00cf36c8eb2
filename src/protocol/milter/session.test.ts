import { describe, expect, test } from "bun:test";
import type { MilterCommand } from "./commands";
import { MilterSession, type SessionStep } from "./session";

const enc = new TextEncoder();
const POSTFIX: MilterCommand = { kind: "optneg", version: 6, actions: 0x1ff, protocol: 0x1fffff };
const V2: MilterCommand = { kind: "optneg", version: 2, actions: 0x3f, protocol: 0x7f };
const CONNECT: MilterCommand = { kind: "connect", hostname: "mx.example.net", family: "inet", port: 25, address: "192.0.2.1" };
const MAIL: MilterCommand = { kind: "mail", args: ["<a@example.com>"] };
const RCPT: MilterCommand = { kind: "rcpt", args: ["<b@example.org>"] };
const HDR: MilterCommand = { kind: "header", name: "Subject", value: " hi" };
const BODY = (s: string): MilterCommand => ({ kind: "body", chunk: enc.encode(s) });
const EOB: MilterCommand = { kind: "eob", chunk: new Uint8Array(0) };

/** Runs commands; returns the step kinds (reply packets as their reply letters). */
function run(s: MilterSession, cmds: MilterCommand[]): string[] {
  return cmds.map((c) => describeStep(s.handle(c)));
}
function describeStep(st: SessionStep): string {
  if (st.kind === "reply") return st.packets.map((p) => String.fromCharCode(p[4])).join("") || "-";
  if (st.kind === "error") return `error:${st.error.kind}`;
  return st.kind;
}
const lastMessage = (s: MilterSession, cmds: MilterCommand[]) => {
  let m;
  for (const c of cmds) {
    const st = s.handle(c);
    if (st.kind === "message") m = st.message;
  }
  return m!;
};

describe("milter session", () => {
  test("with Postfix's offer nothing is answered before end of message except body chunks", () => {
    const s = new MilterSession(1 << 20);
    expect(run(s, [POSTFIX, CONNECT, { kind: "helo", name: "h" }, MAIL, RCPT, RCPT, HDR, { kind: "eoh" }, BODY("x\r\n"), EOB])).toEqual(["O", "-", "-", "-", "-", "-", "-", "-", "c", "message"]);
  });

  test("with a version 2 MTA every step is answered with CONTINUE", () => {
    const s = new MilterSession(1 << 20);
    expect(run(s, [V2, CONNECT, { kind: "helo", name: "h" }, MAIL, RCPT, HDR, { kind: "eoh" }, BODY("x"), EOB])).toEqual(["O", "c", "c", "c", "c", "c", "c", "c", "message"]);
  });

  test.each([
    ["a command before negotiation", [CONNECT]],
    ["macros before negotiation", [{ kind: "macro", stage: "C", macros: [] }]],
    ["a second negotiation", [POSTFIX, POSTFIX]],
    ["HELO before connect", [POSTFIX, { kind: "helo", name: "h" }]],
    ["RCPT before MAIL", [POSTFIX, CONNECT, RCPT]],
    ["DATA before RCPT", [POSTFIX, CONNECT, MAIL, { kind: "data" }]],
    ["a header before RCPT", [POSTFIX, CONNECT, MAIL, HDR]],
    ["end of message before MAIL", [POSTFIX, CONNECT, EOB]],
    ["a header after the body", [POSTFIX, CONNECT, MAIL, RCPT, BODY("x"), HDR]],
    ["MAIL inside a transaction", [POSTFIX, CONNECT, MAIL, MAIL]],
    ["a second connect", [POSTFIX, CONNECT, CONNECT]],
    ["anything after QUIT", [POSTFIX, CONNECT, { kind: "quit" }, MAIL]],
  ] as [string, MilterCommand[]][])("%s is an out_of_order error", (_name, cmds) => {
    const got = run(new MilterSession(1 << 20), cmds);
    expect(got.at(-1)).toBe("error:out_of_order");
  });

  test("a version below 2 is refused", () => {
    expect(run(new MilterSession(100), [{ kind: "optneg", version: 1, actions: 0, protocol: 0 }])).toEqual(["error:unsupported_version"]);
  });

  test("envelope, macros and the exact bytes of the message", () => {
    const s = new MilterSession(1 << 20);
    const m = lastMessage(s, [
      POSTFIX,
      { kind: "macro", stage: "C", macros: [["j", "mx.example.org"], ["{daemon_name}", "smtpd"]] },
      { kind: "connect", hostname: "[2001:db8::5]", family: "inet6", port: 1234, address: "2001:db8::5" },
      { kind: "helo", name: "client.example" },
      { kind: "macro", stage: "M", macros: [["{auth_authen}", "alice"]] },
      { kind: "mail", args: ["<>", "BODY=8BITMIME"] },
      RCPT,
      { kind: "rcpt", args: ["<c@example.org>"] },
      { kind: "header", name: "From", value: " <>" },
      { kind: "header", name: "X-Tab", value: "\tv\n\tw" },
      { kind: "eoh" },
      BODY("line 1\r\n"),
      { kind: "macro", stage: "E", macros: [["i", "QID1"]] },
      { kind: "eob", chunk: enc.encode("line 2\r\n") },
    ]);
    expect(m.envelope).toEqual({ ip: "2001:db8::5", helo: "client.example", from: "", rcpt: ["b@example.org", "c@example.org"], queueId: "QID1" });
    expect(m.ptr).toBeUndefined(); // "[address]" means the MTA found no name
    expect([m.authUser, m.daemonName, m.mtaHost]).toEqual(["alice", "smtpd", "mx.example.org"]);
    expect(m.mailArgs).toEqual(["BODY=8BITMIME"]);
    expect(Buffer.from(m.raw!).toString("latin1")).toBe("From: <>\r\nX-Tab:\tv\r\n\tw\r\n\r\nline 1\r\nline 2\r\n");
    expect(m.size).toBe(m.raw!.byteLength);
  });

  test("without SMFIP_HDR_LEADSPC the space the MTA removed is put back", () => {
    const s = new MilterSession(1 << 20);
    const m = lastMessage(s, [V2, CONNECT, MAIL, RCPT, { kind: "header", name: "Subject", value: "hi" }, EOB]);
    expect(Buffer.from(m.raw!).toString()).toBe("Subject: hi\r\n\r\n");
  });

  test("ABORT drops the message and its macros but keeps the connection's", () => {
    const s = new MilterSession(1 << 20);
    run(s, [POSTFIX, { kind: "macro", stage: "C", macros: [["j", "mx"]] }, CONNECT, { kind: "helo", name: "h1" }, { kind: "macro", stage: "M", macros: [["i", "OLD"]] }, MAIL, RCPT, HDR]);
    expect(run(s, [{ kind: "abort" }])).toEqual(["-"]);
    expect(s.state).toBe("idle");
    const m = lastMessage(s, [{ kind: "mail", args: ["<x@example.com>"] }, { kind: "rcpt", args: ["<y@example.org>"] }, { kind: "header", name: "A", value: " 1" }, EOB]);
    expect(m.envelope).toEqual({ ip: "192.0.2.1", helo: "h1", from: "x@example.com", rcpt: ["y@example.org"], queueId: undefined });
    expect(m.mtaHost).toBe("mx");
    expect(Buffer.from(m.raw!).toString()).toBe("A: 1\r\n\r\n");
  });

  test("EHLO inside a transaction (Postfix sends HELO, then ABORT) keeps the connection", () => {
    const s = new MilterSession(1 << 20);
    expect(run(s, [POSTFIX, CONNECT, { kind: "helo", name: "one" }, MAIL, RCPT, { kind: "helo", name: "two" }, { kind: "abort" }, MAIL, RCPT])).toEqual(["O", "-", "-", "-", "-", "-", "-", "-", "-"]);
    expect(lastMessage(s, [EOB]).envelope.helo).toBe("two");
  });

  test("several messages on one connection; end of message returns to idle", () => {
    const s = new MilterSession(1 << 20);
    run(s, [POSTFIX, CONNECT]);
    for (const n of [1, 2, 3]) {
      const m = lastMessage(s, [{ kind: "mail", args: [`<s${n}@example.com>`] }, RCPT, { kind: "header", name: "N", value: ` ${n}` }, EOB]);
      expect(m.envelope.from).toBe(`s${n}@example.com`);
      expect(Buffer.from(m.raw!).toString()).toBe(`N: ${n}\r\n\r\n`);
      expect(s.progress()?.[4]).toBe(0x70);
      const out = s.endOfMessage({ disposition: "accept", edits: [] });
      expect(out.packets.map((p) => String.fromCharCode(p[4]))).toEqual(["a"]);
      expect(s.state).toBe("idle");
      expect(s.progress()).toBeUndefined();
    }
  });

  test("QUIT_NC forgets the connection but keeps the negotiation", () => {
    const s = new MilterSession(1 << 20);
    run(s, [POSTFIX, CONNECT, { kind: "helo", name: "first" }]);
    expect(run(s, [{ kind: "quitNc" }, { kind: "connect", hostname: "other", family: "unknown" }, MAIL, RCPT])).toEqual(["-", "-", "-", "-"]);
    const m = lastMessage(s, [EOB]);
    expect(m.envelope.helo).toBeUndefined();
    expect(m.envelope.ip).toBeUndefined();
    expect(m.ptr).toBe("other");
  });

  test("over the size limit: bytes dropped, SKIP answered, the reason and full size reported", () => {
    const s = new MilterSession(50);
    run(s, [POSTFIX, CONNECT, MAIL, RCPT, HDR, { kind: "eoh" }]);
    expect(run(s, [BODY("a".repeat(30))])).toEqual(["c"]);
    expect(s.heldBytes).toBe(13 + 2 + 30 + 10); // "Subject: hi" CRLF, blank line, body; the kept field "Subject" " hi"
    expect(run(s, [BODY("b".repeat(30)), BODY("c".repeat(30))])).toEqual(["s", "s"]);
    expect(s.heldBytes).toBe(10); // only the kept field
    const m = lastMessage(s, [EOB]);
    expect(m.raw).toBeUndefined();
    expect(m.overLimit).toBe("larger than the size limit of 50 bytes");
    expect(m.size).toBe(15 + 90);
    expect(m.headers).toEqual([{ name: "Subject", value: " hi" }]);
  });

  test("a message of exactly the size limit is kept", () => {
    const s = new MilterSession(15 + 7);
    const m = lastMessage(s, [POSTFIX, CONNECT, MAIL, RCPT, HDR, BODY("1234567"), EOB]);
    expect(m.overLimit).toBeUndefined();
    expect(m.raw!.byteLength).toBe(22);
  });

  test("header fields are kept only while they fit in the size limit", () => {
    const s = new MilterSession(100);
    run(s, [POSTFIX, CONNECT, MAIL, RCPT]);
    for (let i = 0; i < 20; i++) s.handle({ kind: "header", name: "X-Long", value: " " + "v".repeat(20) });
    s.handle({ kind: "header", name: "Subject", value: " late" });
    expect(s.heldBytes).toBeLessThanOrEqual(100);
    const m = lastMessage(s, [EOB]);
    expect(m.headers.length).toBe(3); // 3 x (6 + 21) = 81 bytes fit, a 4th would not
    expect(m.overLimit).toBe("larger than the size limit of 100 bytes");
    // A Subject may be among the fields not kept, so the prefix does not add a second one.
    const out = s.endOfMessage({ disposition: "accept", edits: [{ op: "prefix_subject", prefix: "[SPAM]" }] });
    expect(out.packets.map((p) => String.fromCharCode(p[4]))).toEqual(["a"]);
    expect(out.skipped.length).toBe(1);
  });

  test("recipients beyond MAX_RCPTS are not kept", async () => {
    const { MAX_RCPTS } = await import("./session");
    const s = new MilterSession(1 << 20);
    run(s, [POSTFIX, CONNECT, MAIL]);
    for (let i = 0; i < MAX_RCPTS + 5; i++) s.handle(RCPT);
    expect(lastMessage(s, [EOB]).envelope.rcpt.length).toBe(MAX_RCPTS);
  });
});
