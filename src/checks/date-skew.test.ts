import { describe, expect, test } from "bun:test";
import { parseMessage } from "../message/parse";
import { defaults } from "../config/load";
import { intRng } from "../testing/rng";
import { createDateSkewCheck, dateSkew, dateSymbols, parseDateParts, parseRfc5322Date, utcWeekday } from "./date-skew";

const H = 3_600_000;
const headers = (date: string | undefined, ...received: string[]) => [
  ...received.map((value) => ({ name: "Received", value })),
  ...(date === undefined ? [] : [{ name: "Date", value: date }]),
];

describe("parseRfc5322Date", () => {
  test("numeric zones, obsolete zone names and the comment after the zone", () => {
    expect(parseRfc5322Date("Mon, 12 Aug 2002 10:00:00 -0700")).toBe(Date.UTC(2002, 7, 12, 17, 0, 0));
    expect(parseRfc5322Date("12 Aug 2002 10:00 +0530")).toBe(Date.UTC(2002, 7, 12, 4, 30, 0));
    expect(parseRfc5322Date("Tue, 13 Aug 2002 01:02:03 PDT")).toBe(Date.UTC(2002, 7, 13, 8, 2, 3));
    expect(parseRfc5322Date(" Wed, 4 Sep 2002 09:00:00 +0100 (BST)")).toBe(Date.UTC(2002, 8, 4, 8, 0, 0));
  });
  test("two- and three-digit years as RFC 5322 section 4.3 reads them", () => {
    expect(parseRfc5322Date("1 Jan 02 00:00:00 GMT")).toBe(Date.UTC(2002, 0, 1));
    expect(parseRfc5322Date("1 Jan 99 00:00:00 GMT")).toBe(Date.UTC(1999, 0, 1));
    expect(parseRfc5322Date("1 Jan 102 00:00:00 GMT")).toBe(Date.UTC(2002, 0, 1));
  });
  test("no zone, an unknown zone name, impossible times and other text are unread, not guessed", () => {
    for (const s of ["12 Aug 2002 10:00:00", "12 Aug 2002 10:00:00 XYZ", "12 Aug 2002 25:00:00 +0000", "32 Aug 2002 10:00:00 +0000", "12 Foo 2002 10:00:00 +0000", "yesterday", ""])
      expect(parseRfc5322Date(s)).toBeUndefined();
  });
});

describe("dateSkew and its symbols", () => {
  const relay = (t: string) => `from a.example (a.example [192.0.2.1]) by mx.example with SMTP id x; ${t}`;
  test("measured against the oldest (bottom) Received with a readable time", () => {
    const h = headers("Mon, 12 Aug 2002 20:00:00 +0000", relay("Mon, 12 Aug 2002 21:00:00 +0000"), relay("Mon, 12 Aug 2002 10:00:00 +0000"), "from b.example by c.example; garbage");
    expect(dateSkew(h).skew).toBe(10 * H);
    expect(dateSymbols({ headers: h })).toEqual(["DATE_AHEAD_OF_RELAY"]);
  });
  test("bands: drift is nothing, 6 h ahead, two days ahead, 12 h behind", () => {
    const at = (hours: number) => dateSymbols({ headers: headers(new Date(Date.UTC(2002, 7, 12, 12) + hours * H).toUTCString(), relay("Mon, 12 Aug 2002 12:00:00 +0000")) })[0];
    expect(at(0)).toBeUndefined();
    expect(at(5.9)).toBeUndefined();
    expect(at(-11.9)).toBeUndefined();
    expect(at(6)).toBe("DATE_AHEAD_OF_RELAY");
    expect(at(47.9)).toBe("DATE_AHEAD_OF_RELAY");
    expect(at(48)).toBe("DATE_AHEAD_OF_RELAY_FAR");
    expect(at(-12)).toBe("DATE_BEHIND_RELAY");
  });
  test("nothing without a readable Date or a dated Received (a local submission)", () => {
    expect(dateSkew(headers(undefined, relay("Mon, 12 Aug 2002 12:00:00 +0000"))).skew).toBeUndefined();
    expect(dateSkew(headers("Mon, 12 Aug 2002 12:00:00 +0000")).skew).toBeUndefined();
    expect(dateSkew(headers("Mon, 12 Aug 2002 12:00:00", relay("Mon, 12 Aug 2002 12:00:00 +0000"))).skew).toBeUndefined();
  });
  test("a day-of-week that is not the date's, in the writer's own zone", () => {
    // 12 Aug 2002 was a Monday; 23:30 -0500 is already Tuesday in UTC but Monday where written.
    expect(parseDateParts("Mon, 12 Aug 2002 23:30:00 -0500")?.weekdayWrong).toBe(false);
    expect(parseDateParts("Tue, 12 Aug 2002 23:30:00 -0500")?.weekdayWrong).toBe(true);
    expect(parseDateParts("Monday, 12 Aug 2002 10:00:00 +0000")?.weekdayWrong).toBe(false);
    expect(parseDateParts("12 Aug 2002 10:00:00 +0000")?.weekdayWrong).toBe(false);
    expect(dateSymbols({ headers: headers("Fri, 12 Aug 2002 10:00:00 +0000") })).toEqual(["DATE_WRONG_WEEKDAY"]);
    expect(dateSymbols({ headers: headers("Fri, 12 Aug 2002 23:00:00 +0000", relay("Mon, 12 Aug 2002 10:00:00 +0000")) })).toEqual(["DATE_AHEAD_OF_RELAY", "DATE_WRONG_WEEKDAY"]);
  });
  test("the check reads a parsed message", async () => {
    const raw = new TextEncoder().encode(`Received: ${relay("Mon, 12 Aug 2002 01:00:00 +0000")}\r\nDate: Mon, 12 Aug 2002 23:00:00 +0000\r\nFrom: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n`);
    const message = await parseMessage(raw, defaults().scan);
    const out = await createDateSkewCheck().run({ id: "t", envelope: { rcpt: [] }, raw, message, deadline: Infinity, facts: { get: async () => undefined, set() {} } });
    expect(out.symbols).toEqual(["DATE_AHEAD_OF_RELAY"]);
  });
});

test("every filtering process and local scan runs it: the registry builds it on the default config", async () => {
  const { createChecks } = await import("./registry");
  expect(createChecks(defaults(), {}).checks.map((c) => c.name)).toContain("date-skew");
});

test("utcWeekday is Date's getUTCDay, before 1970 too", () => {
  const rnd = intRng(1970);
  for (let i = 0; i < 20000; i++) {
    const ms = (rnd(2) ? -1 : 1) * (rnd(4_000_000) * 86_400_000 + rnd(86_400_000));
    expect([ms, utcWeekday(ms)]).toEqual([ms, new Date(ms).getUTCDay()]);
  }
  for (const ms of [0, -1, 86_400_000 - 1, 86_400_000, -86_400_000, -86_400_001]) expect([ms, utcWeekday(ms)]).toEqual([ms, new Date(ms).getUTCDay()]);
});
