import { describe, expect, test } from "bun:test";
import { PROTO } from "./constants";
import { MilterProtocolError } from "./error";
import { negotiate } from "./negotiate";
import * as R from "./replies";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
/** The text of a 'y' packet (after length, code; without the NUL). */
const replyText = (b: Uint8Array) => Buffer.from(b.subarray(5, -1)).toString("latin1");

describe("milter reply encoding", () => {
  test.each([
    ["continue", R.encodeContinue(), "0000000163"],
    ["accept", R.encodeAccept(), "0000000161"],
    ["reject", R.encodeReject(), "0000000172"],
    ["tempfail", R.encodeTempfail(), "0000000174"],
    ["discard", R.encodeDiscard(), "0000000164"],
    ["progress", R.encodeProgress(), "0000000170"],
    ["skip", R.encodeSkip(), "0000000173"],
    // 'h' "X-A\0" "v\0"
    ["add header", R.encodeAddHeader("X-A", "v"), "00000007" + "68" + "582d4100" + "7600"],
    // 'i' index 0, "X-A\0", " v\0"
    ["insert header at 0", R.encodeInsertHeader(0, "X-A", " v"), "0000000c" + "69" + "00000000" + "582d4100" + "207600"],
    // 'm' index 2, "X-A\0", "\0" (delete)
    ["delete the 2nd X-A", R.encodeChangeHeader(2, "X-A", ""), "0000000a" + "6d" + "00000002" + "582d4100" + "00"],
    // CRLF inside a value goes out as LF (the MTA adds its own CR); a NUL cannot be sent
    ["folded value", R.encodeAddHeader("X", "a\r\n\tb\0"), "00000008" + "68" + "5800" + "610a096200"],
    ["negotiation", R.encodeNegotiation({ version: 6, actions: 0x11, protocol: 0x80, macros: [[2, ["i", "{auth_authen}"]]] }), "000000214f000000060000001100000080" + "00000002" + Buffer.from("i {auth_authen}\0").toString("hex")],
  ])("%s", (_name, bytes, want) => {
    expect(hex(bytes)).toBe(want);
  });

  test.each([
    ["code and enhanced code", 550, "5.7.1 Message rejected as spam", "550 5.7.1 Message rejected as spam"],
    ["no enhanced code: x.7.1 is added", 550, "Go away", "550 5.7.1 Go away"],
    ["tempfail", 451, "4.7.1 Try again later", "451 4.7.1 Try again later"],
    ["enhanced code of the wrong class is corrected (Postfix refuses it)", 451, "5.7.1 Later", "451 4.7.1 Later"],
    ["percent signs are doubled", 550, "5.7.1 100% spam", "550 5.7.1 100%% spam"],
    ["control and non-ASCII characters are replaced", 550, "5.7.1 bad\tcaf\u00e9", "550 5.7.1 bad?caf?"],
    ["several lines become a multi-line reply", 550, "5.7.1 first line\nsecond line\r\n5.7.1 third", "550-5.7.1 first line\r\n550-5.7.1 second line\r\n550 5.7.1 third"],
  ])("reply code: %s", (_name, code, text, want) => {
    const p = R.encodeReplyCode(code, text);
    expect(p[4]).toBe(0x79);
    expect(p[p.byteLength - 1]).toBe(0);
    expect(replyText(p)).toBe(want);
  });

  test("a reply line stays within 512 octets and a doubled % is never cut in half", () => {
    const t = replyText(R.encodeReplyCode(550, "5.7.1 a" + "%".repeat(600)));
    const unescaped = t.replace(/%%/g, "%");
    expect(unescaped.length).toBeLessThanOrEqual(510);
    expect(/(^|[^%])%([^%]|$)/.test(t.replace(/%%/g, ""))).toBe(false);
  });

  test("more than 32 lines are cut to 32 (libmilter's limit)", () => {
    const t = replyText(R.encodeReplyCode(550, Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n")));
    const lines = t.split("\r\n");
    expect(lines.length).toBe(32);
    expect(lines[31]).toBe("550 5.7.1 line 31");
  });

  test("a code that is not 4xx/5xx is a programming error", () => {
    expect(() => R.encodeReplyCode(250, "ok")).toThrow(RangeError);
  });
});

describe("milter option negotiation", () => {
  test("Postfix 3 offer: only what kas needs, no replies before end of message except body chunks (SKIP)", () => {
    const n = negotiate({ version: 6, actions: 0x1ff, protocol: 0x1fffff });
    if (n instanceof MilterProtocolError) throw n;
    expect(n.version).toBe(6);
    expect(n.actions).toBe(0x111);
    expect(n.protocol).toBe(
      PROTO.noData | PROTO.noUnknown | PROTO.headerLeadingSpace | PROTO.skip | PROTO.nrConnect | PROTO.nrHelo | PROTO.nrMail | PROTO.nrRcpt | PROTO.nrData | PROTO.nrUnknown | PROTO.nrHeader | PROTO.nrEoh,
    );
    expect(n.protocol & (PROTO.noConnect | PROTO.noHelo | PROTO.noMail | PROTO.noRcpt | PROTO.noBody | PROTO.noHeaders | PROTO.noEoh | PROTO.rcptRej | PROTO.nrBody)).toBe(0);
    expect(n.replies).toEqual({ connect: false, helo: false, mail: false, rcpt: false, data: false, unknown: false, header: false, eoh: false, body: true });
    expect(n.macros?.length).toBeGreaterThan(0);
  });

  test("without SMFIP_SKIP on offer, body chunks are not answered either", () => {
    const n = negotiate({ version: 6, actions: 0x1ff, protocol: 0x1fffff & ~PROTO.skip });
    if (n instanceof MilterProtocolError) throw n;
    expect(n.skip).toBe(false);
    expect(n.protocol & PROTO.nrBody).toBe(PROTO.nrBody);
    expect(n.replies.body).toBe(false);
  });

  test("we never ask for more than the MTA offered", () => {
    for (const offer of [0, 0x7f, 0x80, 0x1fffff, 0x1234]) {
      for (const actions of [0, 0x1, 0x10, 0x3f, 0x1ff]) {
        const n = negotiate({ version: 6, actions, protocol: offer });
        if (n instanceof MilterProtocolError) throw n;
        expect(n.protocol & ~offer).toBe(0);
        expect(n.actions & ~actions).toBe(0);
        expect(n.macros === undefined).toBe((actions & 0x100) === 0);
      }
    }
  });

  test("an older MTA gets its own version back; version 1 is refused", () => {
    const n = negotiate({ version: 2, actions: 0x3f, protocol: 0x7f });
    expect(n instanceof MilterProtocolError ? n : n.version).toBe(2);
    expect(negotiate({ version: 9, actions: 0, protocol: 0 })).toMatchObject({ version: 6 });
    expect(negotiate({ version: 1, actions: 0, protocol: 0 })).toMatchObject({ kind: "unsupported_version" });
  });
});
