import { describe, expect, test } from "bun:test";
import type { HeaderField, ParsedMessage } from "../message/types";
import { HeaderTargets, Targets } from "./targets";

const field = (name: string, value = "v"): HeaderField => ({ name, value, raw: value });
function targetsOf(headers: HeaderField[], specs: HeaderTargets): Targets {
  const msg = { headers, body: "", rawbody: "", full: "", uris: [] } as unknown as ParsedMessage;
  return new Targets(msg, specs, Infinity);
}

describe("header fields are found by name without lower-casing each field name", () => {
  test("property: the fields of a name are those whose name lower-cases to it, in message order", () => {
    // Names in every casing, with the non-ASCII characters that lower-case to ASCII (U+212A
    // KELVIN SIGN to k; U+0130 to i + U+0307), and lengths that collide.
    const alphabet = ["k", "K", "\u212a", "i", "I", "\u0130", "-", "x", "X", "e", "y"];
    const asked = ["key", "kik", "x-key", "i", "ik", "xy", "k"];
    const ht = new HeaderTargets();
    const specs = asked.map((n) => ht.spec(n));
    let seed = 9;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed >>> 8);
    let found = 0;
    for (let n = 0; n < 2000; n++) {
      const headers = Array.from({ length: rnd() % 8 }, (_, i) => field(Array.from({ length: 1 + (rnd() % 5) }, () => alphabet[rnd() % alphabet.length]).join(""), String(i)));
      const t = targetsOf(headers, ht);
      asked.forEach((name, k) => {
        const want = headers.filter((h) => h.name.toLowerCase() === name);
        found += want.length;
        expect({ headers, name, got: t.fields(specs[k]) }).toEqual({ headers, name, got: want });
      });
    }
    expect(found).toBeGreaterThan(500);
  });

  test("pseudo-headers: ToCc is To then Cc, MessageId the three id fields, ALL every field", () => {
    const ht = new HeaderTargets();
    const tocc = ht.spec("tocc"), mid = ht.spec("messageid"), all = ht.spec("all", ["raw"]);
    const headers = [field("Cc", "c1"), field("TO", "t1"), field("X-Message-ID", "x"), field("Message-Id", "m"), field("to", "t2"), field("Resent-Message-ID", "r")];
    const t = targetsOf(headers, ht);
    expect(t.fields(tocc).map((f) => f.value)).toEqual(["t1", "t2", "c1"]);
    expect(t.fields(mid).map((f) => f.value)).toEqual(["m", "r", "x"]);
    expect(t.headerTarget(all)!.s).toBe("Cc: c1\nTO: t1\nX-Message-ID: x\nMessage-Id: m\nto: t2\nResent-Message-ID: r");
  });

  test("modifiers: first, last, addr, name; an absent header has no target; a target is built once", () => {
    const ht = new HeaderTargets();
    const first = ht.spec("received", ["first"]), last = ht.spec("received", ["last"]), addr = ht.spec("from", ["addr"]), name = ht.spec("from", ["name"]), subject = ht.spec("subject");
    expect(ht.spec("received", ["first"])).toBe(first);
    const t = targetsOf([field("Received", "a"), field("From", '"Joe" <joe@x.test>'), field("Received", "b")], ht);
    expect([t.headerTarget(first)!.s, t.headerTarget(last)!.s, t.headerTarget(addr)!.s, t.headerTarget(name)!.s]).toEqual(["a", "b", "joe@x.test", "Joe"]);
    expect(t.headerTarget(subject)).toBeUndefined();
    expect(t.headerTarget(first)).toBe(t.headerTarget(first));
  });
});
