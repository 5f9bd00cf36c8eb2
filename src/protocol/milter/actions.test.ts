import { describe, expect, test } from "bun:test";
import type { HeaderEdit } from "../../model";
import { encodeOutcome, FORGED_FIELD_PREFIXES, type Capabilities, type MilterOutcome } from "./actions";
import type { ReceivedField } from "./assemble";

const ALL: Capabilities = { canAddHeaders: true, canChangeHeaders: true, leadingSpace: true };

/** Packets as readable strings: letter, index for i/m, name, value. */
function show(packets: Uint8Array[]): string[] {
  return packets.map((p) => {
    const code = String.fromCharCode(p[4]);
    let data = Buffer.from(p.subarray(5)).toString("latin1");
    if (code === "i" || code === "m") data = `${new DataView(p.buffer, p.byteOffset).getUint32(5)} ${data.slice(4)}`;
    return (code + " " + data.replace(/\0$/, "").replace(/\0/g, "|")).trim();
  });
}
const hdrs = (...pairs: [string, string][]): ReceivedField[] => pairs.map(([name, value]) => ({ name, value }));
const accept = (edits: HeaderEdit[], extra: Partial<MilterOutcome> = {}): MilterOutcome => ({ disposition: "accept", edits, ...extra });

describe("milter end-of-message actions", () => {
  test.each([
    ["accept, no edits", accept([]), [], ["a"]],
    ["discard", { disposition: "discard", edits: [] } as MilterOutcome, [], ["d"]],
    ["reject with the policy text", { disposition: "reject", reply: { code: 550, text: "5.7.1 Message rejected as spam" }, edits: [{ op: "set", name: "X-KAS-Status", value: "spam" }] } as MilterOutcome, [], ["y 550 5.7.1 Message rejected as spam"]],
    ["tempfail with text", { disposition: "tempfail", reply: { code: 451, text: "4.7.1 Try later" }, edits: [] } as MilterOutcome, [], ["y 451 4.7.1 Try later"]],
    ["reject without text", { disposition: "reject", edits: [] } as MilterOutcome, [], ["r"]],
    ["tempfail without text", { disposition: "tempfail", edits: [] } as MilterOutcome, [], ["t"]],
    [
      "own fields are appended in the engine's order; trace fields go on top, the first edit topmost",
      accept([
        { op: "set", name: "X-KAS-Status", value: "not_detected" },
        { op: "add", name: "Received-SPF", value: "pass" },
        { op: "add", name: "X-KAS-Report", value: "r" },
        { op: "add", name: "Authentication-Results", value: "mx; spf=pass" },
      ]),
      hdrs(["Subject", " s"]),
      ["i 0 Authentication-Results| mx; spf=pass", "i 0 Received-SPF| pass", "h X-KAS-Status| not_detected", "h X-KAS-Report| r", "a"],
    ],
    [
      "set replaces every received copy (highest index first), remove deletes",
      accept([
        { op: "set", name: "X-KAS-Status", value: "spam" },
        { op: "remove", name: "X-KAS-Hits" },
      ]),
      hdrs(["X-KAS-Status", " trusted"], ["Subject", " s"], ["x-kas-status", " x"], ["X-KAS-Hits", " A=1"]),
      ["m 2 x-kas-status|", "m 1 X-KAS-Status|", "m 1 X-KAS-Hits|", "h X-KAS-Status| spam", "a"],
    ],
    [
      "a later set/remove cancels an earlier insert of that name",
      accept([
        { op: "add", name: "X-A", value: "1" },
        { op: "set", name: "X-A", value: "2" },
        { op: "add", name: "X-B", value: "3" },
        { op: "remove", name: "X-B" },
      ]),
      [],
      ["h X-A| 2", "a"],
    ],
    ["forged fields stripped by prefix", accept([], { stripPrefixes: FORGED_FIELD_PREFIXES }), hdrs(["X-Spam-Status", " No"], ["Received", " r"], ["X-KAS-Whatever", " 1"], ["X-Spamish", " kept"]), ["m 1 X-KAS-Whatever|", "m 1 X-Spam-Status|", "a"]],
    ["subject prefix on the first Subject, before any deletion", accept([{ op: "remove", name: "X-Old" }, { op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["X-Old", " 1"], ["Subject", " Hello\n world"]), ["m 1 Subject| [SPAM] Hello\n world", "m 1 X-Old|", "a"]],
    ["subject already prefixed: unchanged", accept([{ op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["Subject", " [SPAM] Hello"]), ["a"]],
    ["subject keeps its own leading white space", accept([{ op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["Subject", "\tHello"]), ["m 1 Subject|\t[SPAM] Hello", "a"]],
    ["empty subject", accept([{ op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["Subject", ""]), ["m 1 Subject| [SPAM]", "a"]],
    ["no Subject: one is added", accept([{ op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["From", " a"]), ["h Subject| [SPAM]", "a"]],
    ["non-ASCII prefix goes out as an RFC 2047 word", accept([{ op: "prefix_subject", prefix: "[Pourriel é]" }]), hdrs(["Subject", " x"]), ["m 1 Subject| =?UTF-8?B?W1BvdXJyaWVsIMOpXQ==?= x", "a"]],
    ["an encoded prefix is not added twice", accept([{ op: "prefix_subject", prefix: "[Pourriel é]" }]), hdrs(["Subject", " =?UTF-8?B?W1BvdXJyaWVsIMOpXQ==?= x"]), ["a"]],
  ] as [string, MilterOutcome, ReceivedField[], string[]][])("%s", (_name, outcome, fields, want) => {
    expect(show(encodeOutcome(outcome, fields, ALL).packets)).toEqual(want);
  });

  test("without SMFIP_HDR_LEADSPC values go without the leading space (the MTA adds it)", () => {
    const caps = { ...ALL, leadingSpace: false };
    const out = encodeOutcome(accept([{ op: "set", name: "X-KAS-Status", value: "spam" }, { op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["Subject", "Hello"]), caps);
    expect(show(out.packets)).toEqual(["m 1 Subject|[SPAM] Hello", "h X-KAS-Status|spam", "a"]);
  });

  test("long values are folded with LF + TAB", () => {
    const hits = Array.from({ length: 20 }, (_, i) => `RULE_NUMBER_${i}=1.5`).join(", ");
    const [ins] = show(encodeOutcome(accept([{ op: "set", name: "X-KAS-Hits", value: hits }]), [], ALL).packets);
    const value = ins.slice("h X-KAS-Hits|".length);
    expect(value.replace(/\n\t/g, " ")).toBe(" " + hits);
    expect(Math.max(...("X-KAS-Hits:" + value).split("\n").map((l) => l.length))).toBeLessThanOrEqual(78);
  });

  test("when not every field could be kept, no second Subject is added", () => {
    const out = encodeOutcome(accept([{ op: "prefix_subject", prefix: "[SPAM]" }]), hdrs(["From", " a"]), ALL, false);
    expect(show(out.packets)).toEqual(["a"]);
    expect(out.skipped).toEqual(["prefix Subject (the header was too large to keep every field)"]);
  });

  test("actions the MTA did not offer are left out and reported", () => {
    const outcome = accept([{ op: "set", name: "X-KAS-Status", value: "spam" }, { op: "prefix_subject", prefix: "[SPAM]" }]);
    const fields = hdrs(["Subject", " s"], ["X-KAS-Status", " forged"]);
    const noChange = encodeOutcome(outcome, fields, { ...ALL, canChangeHeaders: false });
    expect(show(noChange.packets)).toEqual(["h X-KAS-Status| spam", "a"]);
    expect(noChange.skipped).toEqual(["change Subject", "delete X-KAS-Status"]);
    const noAdd = encodeOutcome(outcome, fields, { ...ALL, canAddHeaders: false });
    expect(show(noAdd.packets)).toEqual(["m 1 Subject| [SPAM] s", "m 1 X-KAS-Status|", "a"]);
    expect(noAdd.skipped).toEqual(["add X-KAS-Status"]);
  });
});
