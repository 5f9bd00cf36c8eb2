import { describe, expect, test } from "bun:test";
import { fieldBytes } from "../../testing/milter-transcript";
import { decodeCommand } from "./commands";
import { MilterProtocolError } from "./error";

/** A frame from transcript notation: "C" then fields ("text" with NUL, b"raw", u16:N, c:X). */
function frame(code: string, ...fields: string[]) {
  return { code: code.charCodeAt(0), data: Buffer.concat(fields.map(fieldBytes)) };
}
const decode = (code: string, ...fields: string[]) => {
  const c = decodeCommand(frame(code, ...fields));
  return c instanceof MilterProtocolError ? { error: c.kind } : c;
};

describe("milter command decoding", () => {
  test.each([
    ["optneg", ["O", "u32:6", "u32:0x1ff", "u32:0x1fffff"], { kind: "optneg", version: 6, actions: 0x1ff, protocol: 0x1fffff }],
    ["optneg with trailing bytes", ["O", "u32:2", "u32:0x3f", "u32:0x7f", "u32:0"], { kind: "optneg", version: 2, actions: 0x3f, protocol: 0x7f }],
    ["macros", ["D", "c:C", '"j"', '"mx.example.org"', '"{daemon_name}"', '"smtpd"', '"{i}"', '"Q1"'], { kind: "macro", stage: "C", macros: [["j", "mx.example.org"], ["{daemon_name}", "smtpd"], ["i", "Q1"]] }],
    ["macros, empty list", ["D", "c:T"], { kind: "macro", stage: "T", macros: [] }],
    ["connect IPv4", ["C", '"mail.example.net"', "c:4", "u16:25", '"192.0.2.1"'], { kind: "connect", hostname: "mail.example.net", family: "inet", port: 25, address: "192.0.2.1" }],
    ["connect IPv6", ["C", '"[2001:db8::1]"', "c:6", "u16:65535", '"2001:db8::1"'], { kind: "connect", hostname: "[2001:db8::1]", family: "inet6", port: 65535, address: "2001:db8::1" }],
    ["connect IPv6, sendmail's IPv6: prefix", ["C", '"h"', "c:6", "u16:25", '"IPv6:2001:db8::2"'], { kind: "connect", family: "inet6", address: "2001:db8::2" }],
    ["connect IPv4-mapped IPv6", ["C", '"h"', "c:6", "u16:25", '"::ffff:192.0.2.9"'], { kind: "connect", family: "inet6", address: "192.0.2.9" }],
    ["connect unix socket", ["C", '"localhost"', "c:L", "u16:0", '"/run/smtpd.sock"'], { kind: "connect", family: "unix", port: 0, address: "/run/smtpd.sock" }],
    ["connect unknown family (sendmail -bs)", ["C", '"localhost"', "c:U"], { kind: "connect", hostname: "localhost", family: "unknown" }],
    ["helo", ["H", '"client.example.com"'], { kind: "helo", name: "client.example.com" }],
    ["mail, null sender with ESMTP args", ["M", '"<>"', '"SIZE=1000"', '"BODY=8BITMIME"'], { kind: "mail", args: ["<>", "SIZE=1000", "BODY=8BITMIME"] }],
    ["mail, UTF-8 address", ["M", '"<d\u00c3\u00a9j\u00c3\u00a0@example.com>"'], { kind: "mail", args: ["<déjà@example.com>"] }],
    ["rcpt", ["R", '"<a@example.org>"', '"NOTIFY=NEVER"'], { kind: "rcpt", args: ["<a@example.org>", "NOTIFY=NEVER"] }],
    ["header keeps bytes as latin1", ["L", '"Subject"', '" caf\u00c3\u00a9\\n\\tmore"'], { kind: "header", name: "Subject", value: " caf\u00c3\u00a9\n\tmore" }],
    ["header with empty value", ["L", '"X-Empty"', '""'], { kind: "header", name: "X-Empty", value: "" }],
    ["body chunk is raw bytes", ["B", 'b"a\\u0000b\\r\\n"'], { kind: "body" }],
    ["end of body", ["E"], { kind: "eob" }],
    ["unknown SMTP command", ["U", '"XFOO bar"'], { kind: "unknown", command: "XFOO bar" }],
    ["data", ["T"], { kind: "data" }],
    ["end of headers", ["N"], { kind: "eoh" }],
    ["abort", ["A"], { kind: "abort" }],
    ["quit", ["Q"], { kind: "quit" }],
    ["quit, new connection follows", ["K"], { kind: "quitNc" }],
  ] as const)("%s", (_name, [code, ...fields], want) => {
    expect(decode(code, ...fields)).toMatchObject(want);
  });

  test("a body chunk is the packet's data, NULs included", () => {
    const c = decodeCommand(frame("B", 'b"a\\u0000b"'));
    expect(c instanceof MilterProtocolError ? c : [...(c as { chunk: Uint8Array }).chunk]).toEqual([0x61, 0, 0x62]);
  });

  test.each([
    ["unknown command byte", ["Z"], "unknown_command"],
    ["lower-case reply letter sent as a command", ["c"], "unknown_command"],
    ["optneg too short", ["O", "u32:6", "u32:1"], "malformed"],
    ["macro without its stage byte", ["D"], "malformed"],
    ["macro name without value", ["D", "c:C", '"j"'], "malformed"],
    ["macro string without NUL", ["D", "c:C", 'b"j"'], "malformed"],
    ["connect without family", ["C", '"h"'], "malformed"],
    ["connect with bad family", ["C", '"h"', "c:9", "u16:25", '"1.2.3.4"'], "malformed"],
    ["connect without port", ["C", '"h"', "c:4", 'b"\\u0000"'], "malformed"],
    ["connect with a non-IP address", ["C", '"h"', "c:4", "u16:25", '"not-an-ip"'], "malformed"],
    ["connect address without NUL", ["C", '"h"', "c:4", "u16:25", 'b"1.2.3.4"'], "malformed"],
    ["helo without NUL", ["H", 'b"x"'], "malformed"],
    ["mail without address", ["M"], "malformed"],
    ["rcpt with unterminated arg", ["R", '"<a@b>"', 'b"X"'], "malformed"],
    ["header without value", ["L", '"Subject"'], "malformed"],
    ["header with empty name", ["L", '""', '"v"'], "malformed"],
    ["unknown without NUL", ["U", 'b"XFOO"'], "malformed"],
  ] as const)("%s is an error", (_name, [code, ...fields], kind) => {
    expect(decode(code, ...fields)).toEqual({ error: kind });
  });
});
