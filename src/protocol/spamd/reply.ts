// The spamd protocol: replies (see request.ts for the texts followed).
//
// Grammar (ABNF, RFC 5234; the server closes the connection after the reply):
//   reply       = status-line *( header CRLF ) CRLF [ body ]
//   status-line = "SPAMD/1.1 0 EX_OK" CRLF          ; a verdict or TELL
//               / "SPAMD/1.5 0 PONG" CRLF           ; PING
//               / "SPAMD/1.5" SP code SP name SP text CRLF   ; an error: nothing follows
//   header      = "Content-length: " 1*DIGIT
//               / "Spam: " ("True" / "False") " ; " score " / " threshold   ; protocol >= 1.3
//               / "DidSet: local" / "DidRemove: local"                        ; TELL
//   body        = CHECK: nothing; SYMBOLS: rule names joined by "," (no line end);
//                 REPORT (REPORT_IFSPAM when spam): the report text; PROCESS: the message with
//                 kas's header fields; HEADERS: that message's header block and blank line.
// Protocol 1.2 and older (Exim sends "REPORT SPAMC/1.2") have no Spam: header; the body then
// starts with "score/threshold" CRLF, which is what Exim's `spam =` condition reads.
// Clients compare the two numbers themselves (Exim: spam when score >= threshold), so the
// numbers are kept on the side of the threshold the flag says (see spamLine).
import { formatScore, type HeaderEdit, type Hit } from "../../model";
import { applyEdits, OWN_FIELD_PREFIXES } from "../../message/edit";
import type { ScanReply } from "../kas/reply";
import { codeName, EX, type SpamdCode } from "./codes";
import type { SpamdCommand } from "./request";

const enc = new TextEncoder();
const CRLF = "\r\n";

/** Statuses that answer `Spam: True`; every other status (probable_spam included) is False. */
export const SPAM_STATUSES: ReadonlySet<string> = new Set(["spam", "blacklisted"]);
const MAX_LEVEL = 50;

export function encodeError(code: SpamdCode, text: string): Uint8Array {
  return enc.encode(`SPAMD/1.5 ${code} ${codeName(code)} ${text.replace(/[\r\n]+/g, " ").slice(0, 400)}${CRLF}`);
}

export const encodePong = () => enc.encode(`SPAMD/1.5 0 PONG${CRLF}`);

/** TELL: DidSet / DidRemove name the database that changed (spamc: "Message successfully un/learned"). */
export function encodeTell(did: { set?: boolean; removed?: boolean }): Uint8Array {
  const h = [`SPAMD/1.1 ${EX.OK} EX_OK`, ...(did.set ? ["DidSet: local"] : []), ...(did.removed ? ["DidRemove: local"] : []), "Content-length: 0"];
  return enc.encode(h.join(CRLF) + CRLF + CRLF);
}

/**
 * The flag and the two numbers of the Spam: line. kas decides by status, not by comparing
 * numbers (a blacklisted sender may score 0), so a True flag never shows a score under the
 * threshold and a False flag never one at or above it; X-KAS-Score carries the real score.
 */
export function spamLine(v: Pick<ScanReply, "status" | "score" | "threshold">, threshold: number): { spam: boolean; score: string; threshold: string } {
  const spam = SPAM_STATUSES.has(v.status);
  const t = formatScore(threshold, [threshold]);
  let s = formatScore(v.score, [threshold]);
  if (spam && Number(s) < Number(t)) s = t;
  if (!spam && Number(s) >= Number(t)) s = formatScore(Number(t) - 0.1, [Number(t)]);
  return { spam, score: s, threshold: t };
}

/**
 * A readable report: one line per rule hit with its score and description. No empty line:
 * Exim puts the report into a header field as $spam_report, where an empty line would end
 * the header (a continuation line of only white space is obsolete syntax, RFC 5322 §4.2).
 */
export function reportText(v: Pick<ScanReply, "status" | "policy" | "hits">, line: ReturnType<typeof spamLine>): string {
  const rows = [...v.hits]
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .map((h: Hit) => `${(Math.abs(h.score) >= 100 ? h.score.toFixed(0) : h.score.toFixed(1)).padStart(4)} ${h.name.padEnd(22)} ${(h.description ?? "").replace(/[\r\n]+/g, " ").slice(0, 200)}`.trimEnd());
  return [
    `Content analysis by kas: ${v.status} (${line.score} points, ${line.threshold} required), policy ${v.policy}`,
    " pts rule name              description",
    "---- ---------------------- --------------------------------------------------",
    ...rows,
    "",
  ].join(CRLF);
}

/** The edits of PROCESS/HEADERS: kas's fields and the X-Spam-* ones spamd users filter on (forged copies are stripped by applyEdits). */
export function spamdEdits(v: Pick<ScanReply, "status" | "hits" | "edits">, line: ReturnType<typeof spamLine>): HeaderEdit[] {
  const tests = v.hits.map((h) => h.name).join(",") || "none";
  const level = "*".repeat(Math.min(MAX_LEVEL, Math.max(0, Math.floor(Number(line.score)))));
  return [
    ...v.edits,
    ...(line.spam ? [{ op: "set" as const, name: "X-Spam-Flag", value: "YES" }] : []),
    { op: "set", name: "X-Spam-Score", value: line.score },
    ...(level ? [{ op: "set" as const, name: "X-Spam-Level", value: level }] : []),
    { op: "set", name: "X-Spam-Status", value: `${line.spam ? "Yes" : "No"}, score=${line.score} required=${line.threshold} tests=${tests} status=${v.status}` },
  ];
}

/** The header block of a message, blank line included (HEADERS). */
export function headerBlock(msg: Uint8Array): Uint8Array {
  for (let i = msg.indexOf(0x0a); i >= 0; i = msg.indexOf(0x0a, i + 1)) {
    if (msg[i + 1] === 0x0a) return msg.subarray(0, i + 2);
    if (msg[i + 1] === 0x0d && msg[i + 2] === 0x0a) return msg.subarray(0, i + 3);
  }
  return msg;
}

/**
 * A verdict as the reply to `command`. `threshold` is the spam threshold the numbers are shown
 * against (the policy's; a message kas did not scan has none of its own).
 */
export function encodeVerdict(command: SpamdCommand, version: number, v: ScanReply, raw: Uint8Array, threshold: number): Uint8Array {
  const line = spamLine(v, threshold);
  let body: Uint8Array;
  switch (command) {
    case "SYMBOLS":
      body = enc.encode(v.hits.map((h) => h.name).join(","));
      break;
    case "REPORT":
    case "REPORT_IFSPAM":
      body = command === "REPORT" || line.spam ? enc.encode(reportText(v, line)) : new Uint8Array(0);
      break;
    case "PROCESS":
    case "HEADERS": {
      // Every X-Spam-*/X-KAS-* field the message arrived with goes (also one hidden behind a bare CR).
      const edited = applyEdits(raw, spamdEdits(v, line), { stripPrefixes: OWN_FIELD_PREFIXES });
      body = command === "PROCESS" ? edited : headerBlock(edited);
      break;
    }
    default:
      body = new Uint8Array(0);
  }
  const head = [`SPAMD/1.1 ${EX.OK} EX_OK`];
  if (version >= 1.3) {
    head.push(`Content-length: ${body.byteLength}`, `Spam: ${line.spam ? "True" : "False"} ; ${line.score} / ${line.threshold}`);
  } else if (command === "PROCESS" || command === "HEADERS") {
    head.push(`Content-length: ${body.byteLength}`);
  } else {
    body = Buffer.concat([enc.encode(`${line.score}/${line.threshold}${CRLF}`), body]);
    head.push(`Content-length: ${body.byteLength}`);
  }
  return Buffer.concat([enc.encode(head.join(CRLF) + CRLF + CRLF), body]);
}
