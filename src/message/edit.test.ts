import { describe, expect, test } from "bun:test";
import type { HeaderEdit } from "../model";
import { applyEdits, isTraceField, OWN_FIELD_PREFIXES } from "./edit";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => Buffer.from(b).toString("latin1");
const run = (s: string, e: HeaderEdit[]) => dec(applyEdits(Buffer.from(s, "latin1"), e));

/** The output minus the lines we inserted must be the input, byte for byte. */
function withoutInserted(out: string, names: string[]): string {
  const lines = out.split(/(?<=\n)/);
  const kept: string[] = [];
  let skipping = false;
  for (const l of lines) {
    if (/^[ \t]/.test(l) && skipping) continue;
    skipping = names.some((n) => l.toLowerCase().startsWith(n.toLowerCase() + ":"));
    if (!skipping) kept.push(l);
  }
  return kept.join("");
}

describe("byte-exact header insertion", () => {
  for (const eol of ["\r\n", "\n"]) {
    const name = eol === "\r\n" ? "CRLF" : "LF";
    // 8-bit bytes, odd spacing, a folded field and a body with header-like lines: all must survive.
    const input = ["Received: from x\tby y", "\t; Tue, 3 Sep 2002", "From:  \xe9t\xe9 <a@b>", "Subject:\tHello", "X-Odd :  spaced  ", "", "Body line", "X-Not-A-Header: in body", "\x80\x81\xff", ""].join(eol);
    test(`${name}: added fields use the message's line ending and nothing else changes`, () => {
      const out = run(input, [{ op: "add", name: "X-KAS-Status", value: "spam" }, { op: "set", name: "X-KAS-Score", value: "7.0 / 5.0" }]);
      expect(out).toContain(`X-KAS-Status: spam${eol}X-KAS-Score: 7.0 / 5.0${eol}${eol}Body line`);
      expect(withoutInserted(out, ["X-KAS-Status", "X-KAS-Score"])).toBe(input);
    });
    test(`${name}: set replaces forged copies, also folded ones`, () => {
      const forged = input.replace("Subject:", `X-KAS-Status: not_detected${eol}\tcontinued${eol}Subject:`);
      const out = run(forged, [{ op: "set", name: "X-KAS-Status", value: "spam" }]);
      expect(out.match(/X-KAS-Status/g)!.length).toBe(1);
      expect(withoutInserted(out, ["X-KAS-Status"])).toBe(input);
    });
    // Issue 12 item 10: RFC 7208 §9.1 says prepend; readers take the topmost Received-SPF, so a
    // forged "Received-SPF: pass" the sender put in the header must stay below ours.
    test(`${name}: trace fields are prepended, in edit order, above a forged copy; our status fields stay at the end`, () => {
      const forged = input.replace("Subject:", `Received-SPF: pass (forged)${eol}Subject:`);
      const out = run(forged, [
        { op: "add", name: "Received-SPF", value: "fail (kas: mailfrom) client-ip=192.0.2.1" },
        { op: "add", name: "Received-SPF", value: "none (kas: helo) client-ip=192.0.2.1" },
        { op: "set", name: "X-KAS-Status", value: "spam" },
        { op: "add", name: "Authentication-Results", value: "filter.test; spf=fail" },
      ]);
      expect(out).toStartWith(`Received-SPF: fail (kas: mailfrom) client-ip=192.0.2.1${eol}Received-SPF: none (kas: helo) client-ip=192.0.2.1${eol}Authentication-Results: filter.test; spf=fail${eol}Received: from x`);
      expect(out.match(/^Received-SPF: [^\r\n]*/m)![0]).toBe("Received-SPF: fail (kas: mailfrom) client-ip=192.0.2.1");
      expect(out).toContain(`X-KAS-Status: spam${eol}${eol}Body line`);
      expect(withoutInserted(out, ["X-KAS-Status", "Authentication-Results"]).replace(/^(Received-SPF: [fn][^\n]*\n)+/, "")).toBe(forged);
    });
    test(`${name}: subject prefix once`, () => {
      const once = run(input, [{ op: "prefix_subject", prefix: "[SPAM]" }]);
      expect(once).toContain(`Subject:\t[SPAM] Hello${eol}`);
      expect(run(once, [{ op: "prefix_subject", prefix: "[SPAM]" }])).toBe(once);
    });
  }
  test("no edits: the same bytes", () => {
    const b = enc("Subject: x\n\nbody");
    expect(applyEdits(b, [])).toBe(b);
  });
  test("missing Subject: one is added with the prefix", () => {
    expect(run("From: a@b\n\nx\n", [{ op: "prefix_subject", prefix: "[SPAM]" }])).toBe("From: a@b\nSubject: [SPAM]\n\nx\n");
  });
  test("header-only message without a final newline", () => {
    expect(run("Subject: x", [{ op: "add", name: "X-A", value: "1" }])).toBe("Subject: x\nX-A: 1\n");
  });
  test("a message that starts with body text gets the fields and a blank line before it", () => {
    expect(run("hello world\n", [{ op: "add", name: "X-A", value: "1" }])).toBe("X-A: 1\n\nhello world\n");
    expect(run("hello world\n", [{ op: "add", name: "X-A", value: "1" }, { op: "add", name: "Received-SPF", value: "pass" }])).toBe("Received-SPF: pass\nX-A: 1\n\nhello world\n");
  });
  test("trace fields go below an mbox From_ line, above the first field, and above a field removed at the top", () => {
    expect(run("From a@b Tue Sep  3 2002\nSubject: x\n\nb", [{ op: "add", name: "received-spf", value: "pass" }])).toBe("From a@b Tue Sep  3 2002\nreceived-spf: pass\nSubject: x\n\nb");
    expect(run("X-KAS-Status: ham\nSubject: x\n\nb", [{ op: "add", name: "Received-SPF", value: "pass" }, { op: "set", name: "X-KAS-Status", value: "spam" }])).toBe("Received-SPF: pass\nSubject: x\nX-KAS-Status: spam\n\nb");
    expect(run("Subject: x", [{ op: "add", name: "Received-SPF", value: "pass" }])).toBe("Received-SPF: pass\nSubject: x");
  });
  test("isTraceField: the RFC trace fields, any case; not our status fields", () => {
    for (const n of ["Received", "Return-Path", "Received-SPF", "received-spf", "Authentication-Results", "ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results", "DKIM-Signature"]) expect(isTraceField(n)).toBe(true);
    for (const n of ["X-KAS-Status", "X-Spam-Flag", "Subject", "X-Received-SPF"]) expect(isTraceField(n)).toBe(false);
  });
  test("remove drops every copy; values are sanitised and folded", () => {
    expect(run("A: 1\nB: 2\nA: 3\n\nx", [{ op: "remove", name: "a" }])).toBe("B: 2\n\nx");
    const out = run("S: x\n\nb", [{ op: "add", name: "X-KAS-Hits", value: Array.from({ length: 20 }, (_, i) => `RULE_NUMBER_${i}=1.5,`).join(" ") }]);
    for (const line of out.split("\n")) expect(line.length).toBeLessThanOrEqual(78);
    expect(run("S: x\n\nb", [{ op: "add", name: "X-R", value: "a\r\nInjected: yes" }])).toBe("S: x\nX-R: a Injected: yes\n\nb");
    expect(run("S: x\n\nb", [{ op: "add", name: "X-R", value: "é" }])).toBe("S: x\nX-R: =?UTF-8?B?w6k=?=\n\nb");
  });
});

test("stripPrefixes removes every field of those prefixes (any case, folded lines too) before the edits add theirs", () => {
  const raw = new TextEncoder().encode("Received: x\r\nX-Spam-Flag: NO\r\nSubject: s\r\nX-KAS-Score: -10\r\n\tfolded\r\nx-spam-level: ***\r\n\r\nX-Spam-Flag: body\r\n");
  const out = new TextDecoder().decode(applyEdits(raw, [{ op: "set", name: "X-KAS-Status", value: "unscanned" }], { stripPrefixes: OWN_FIELD_PREFIXES }));
  expect(out).toBe("Received: x\r\nSubject: s\r\nX-KAS-Status: unscanned\r\n\r\nX-Spam-Flag: body\r\n");
  // No edits: the strip alone still applies.
  expect(new TextDecoder().decode(applyEdits(raw, [], { stripPrefixes: ["X-KAS-"] }))).not.toContain("X-KAS-Score");
});

describe("bare CR (a CR not followed by LF) is data, never a line end, as for Postfix and the scanner", () => {
  const raw = new TextEncoder().encode("From: a@example.net\r\nSubject: hello\rX-Spam-Flag: NO\rX-KAS-Status: trusted\r\nTo: u@kas.test\r\n\r\nbody\rline\r\n");
  test("passed on (stripPrefixes): one Subject field, its bare CRs written as spaces; our field added once; the body byte for byte", () => {
    const out = new TextDecoder().decode(applyEdits(raw, [{ op: "set", name: "X-KAS-Status", value: "not_detected" }], { stripPrefixes: OWN_FIELD_PREFIXES }));
    expect(out).toBe("From: a@example.net\r\nSubject: hello X-Spam-Flag: NO X-KAS-Status: trusted\r\nTo: u@kas.test\r\nX-KAS-Status: not_detected\r\n\r\nbody\rline\r\n");
    // No reader, however it breaks lines, finds a forged field at the start of a line.
    expect(out.split(/\r\n|\r|\n/).filter((l) => /^X-(Spam|KAS)-/i.test(l))).toEqual(["X-KAS-Status: not_detected"]);
  });
  test("without stripPrefixes the edit stays byte-exact", () => {
    const out = new TextDecoder().decode(applyEdits(raw, [{ op: "add", name: "X-Test", value: "1" }]));
    expect(out).toBe("From: a@example.net\r\nSubject: hello\rX-Spam-Flag: NO\rX-KAS-Status: trusted\r\nTo: u@kas.test\r\nX-Test: 1\r\n\r\nbody\rline\r\n");
  });
});
