// spamd replies: golden bytes per command and protocol version, the Spam: line's numbers on
// the flag's side of the threshold, PROCESS/HEADERS header fields.
import { expect, test } from "bun:test";
import type { ScanReply } from "../kas/reply";
import { EX } from "./codes";
import { encodeError, encodePong, encodeTell, encodeVerdict, headerBlock, spamLine } from "./reply";

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const MSG = new TextEncoder().encode("Subject: hi\r\nX-Spam-Status: Yes, forged\r\nx-kas-status: trusted\r\n\r\nbody\r\n");

function verdict(status: ScanReply["status"], score: number, hits = [{ name: "RULE_A", score, description: "a rule" }]): ScanReply {
  return { version: 1, id: "t", status, score, threshold: 5, policy: "default", action: "accept", hits, edits: [{ op: "set", name: "X-KAS-Status", value: status }], notes: [] };
}

test.each([
  ["spam", 7.3, { spam: true, score: "7.3", threshold: "5.0" }],
  ["not_detected", 1.25, { spam: false, score: "1.2", threshold: "5.0" }],
  ["probable_spam", 4.2, { spam: false, score: "4.2", threshold: "5.0" }],
  // Lists decide, not scores: the numbers follow the flag so Exim (score >= threshold) agrees.
  ["blacklisted", 0, { spam: true, score: "5.0", threshold: "5.0" }],
  ["trusted", 9, { spam: false, score: "4.9", threshold: "5.0" }],
  ["spam", 4.99, { spam: true, score: "5.0", threshold: "5.0" }],
  ["not_detected", 4.96, { spam: false, score: "4.9", threshold: "5.0" }],
  ["not_detected", -2.0, { spam: false, score: "-2.0", threshold: "5.0" }],
] as const)("spamLine %s %d", (status, score, want) => {
  expect(spamLine({ status, score, threshold: 5 }, 5)).toEqual(want);
});

test("golden replies, protocol 1.5", () => {
  const v = verdict("spam", 7.3);
  expect(dec(encodeVerdict("CHECK", 1.5, v, MSG, 5))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: True ; 7.3 / 5.0\r\n\r\n");
  expect(dec(encodeVerdict("SYMBOLS", 1.5, v, MSG, 5))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 6\r\nSpam: True ; 7.3 / 5.0\r\n\r\nRULE_A");
  const report =
    "Content analysis by kas: spam (7.3 points, 5.0 required), policy default\r\n" +
    " pts rule name              description\r\n" +
    "---- ---------------------- --------------------------------------------------\r\n" +
    " 7.3 RULE_A                 a rule\r\n";
  expect(dec(encodeVerdict("REPORT", 1.5, v, MSG, 5))).toBe(`SPAMD/1.1 0 EX_OK\r\nContent-length: ${report.length}\r\nSpam: True ; 7.3 / 5.0\r\n\r\n${report}`);
  expect(dec(encodeVerdict("REPORT_IFSPAM", 1.5, verdict("not_detected", 1), MSG, 5))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: False ; 1.0 / 5.0\r\n\r\n");
  expect(dec(encodePong())).toBe("SPAMD/1.5 0 PONG\r\n");
  expect(dec(encodeTell({ set: true }))).toBe("SPAMD/1.1 0 EX_OK\r\nDidSet: local\r\nContent-length: 0\r\n\r\n");
  expect(dec(encodeTell({ removed: true }))).toBe("SPAMD/1.1 0 EX_OK\r\nDidRemove: local\r\nContent-length: 0\r\n\r\n");
  expect(dec(encodeTell({}))).toBe("SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\n\r\n");
  expect(dec(encodeError(EX.NOPERM, "no\r\nway"))).toBe("SPAMD/1.5 77 EX_NOPERM no way\r\n");
  expect(dec(encodeError(EX.TEMPFAIL, "busy"))).toBe("SPAMD/1.5 75 EX_TEMPFAIL busy\r\n");
});

test("protocol 1.2 (Exim): score/threshold opens the body, no Spam: header, Content-length counts it", () => {
  const r = dec(encodeVerdict("REPORT", 1.2, verdict("spam", 1001.3, [{ name: "GTUBE", score: 1000, description: "test string" }]), MSG, 5));
  const body = r.slice(r.indexOf("\r\n\r\n") + 4);
  expect(r).toStartWith(`SPAMD/1.1 0 EX_OK\r\nContent-length: ${body.length}\r\n\r\n1001.3/5.0\r\nContent analysis by kas: spam`);
  expect(body).toContain("\r\n1000 GTUBE                  test string\r\n");
  expect(r).not.toContain("Spam:");
  expect(body).not.toContain("\r\n\r\n"); // $spam_report goes into a header field
});

test("PROCESS: forged X-Spam-*/X-KAS-* fields go, kas's and spamd's come; HEADERS stops after the blank line", () => {
  const p = dec(encodeVerdict("PROCESS", 1.5, verdict("spam", 7.3), MSG, 5));
  const body = p.slice(p.indexOf("\r\n\r\n") + 4);
  expect(p).toContain(`Content-length: ${body.length}\r\n`);
  expect(body).toBe(
    "Subject: hi\r\nX-KAS-Status: spam\r\nX-Spam-Flag: YES\r\nX-Spam-Score: 7.3\r\nX-Spam-Level: *******\r\nX-Spam-Status: Yes, score=7.3 required=5.0 tests=RULE_A status=spam\r\n\r\nbody\r\n",
  );
  const h = dec(encodeVerdict("HEADERS", 1.5, verdict("not_detected", -0.5), MSG, 5));
  expect(h.slice(h.indexOf("\r\n\r\n") + 4)).toBe("Subject: hi\r\nX-KAS-Status: not_detected\r\nX-Spam-Score: -0.5\r\nX-Spam-Status: No, score=-0.5 required=5.0 tests=RULE_A status=not_detected\r\n\r\n");
});

test("headerBlock keeps the blank line; a field hidden behind a bare CR is no field, and the CR goes out as a space", () => {
  const m = new TextEncoder().encode("X-Spam-A: 1\n folded\nOther: 2\nx-kas-b: 3\n\nX-Spam-Body: not a field\n");
  expect(dec(headerBlock(m))).toBe("X-Spam-A: 1\n folded\nOther: 2\nx-kas-b: 3\n\n");
  expect(dec(headerBlock(new TextEncoder().encode("Only: header\r\n")))).toBe("Only: header\r\n");
  const p = dec(encodeVerdict("HEADERS", 1.5, verdict("not_detected", 0), new TextEncoder().encode("Subject: a\rX-Spam-Flag: YES\r\nX-Spam-Flag: YES\r\n\r\nb\r\n"), 5));
  expect(p.slice(p.indexOf("\r\n\r\n") + 4)).toStartWith("Subject: a X-Spam-Flag: YES\r\nX-KAS-Status: not_detected\r\n");
  expect(p).not.toMatch(/^X-Spam-Flag/m);
});
