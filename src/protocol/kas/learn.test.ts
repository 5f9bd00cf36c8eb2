import { expect, test } from "bun:test";
import { decodeLearnOp, decodeLearnReply } from "./learn";

const headers = (v?: string) => new Headers(v === undefined ? {} : { "X-KAS-Learn": v });

test.each([
  ["spam", { ok: true, value: "spam" }],
  [" HAM ", { ok: true, value: "ham" }],
  ["forget", { ok: true, value: "forget" }],
])("X-KAS-Learn: %p", (v, want) => {
  expect(decodeLearnOp(headers(v))).toEqual(want as never);
});

test("a missing or unknown class is a reason, not a guess", () => {
  expect(decodeLearnOp(headers())).toEqual({ ok: false, reason: "X-KAS-Learn must be spam, ham or forget, got nothing" });
  expect(decodeLearnOp(headers("junk"))).toMatchObject({ ok: false });
});

test("learn replies: valid ones decode, anything else says why", () => {
  expect(decodeLearnReply('{"version":1,"outcome":"relearned","spam":3,"ham":4}')).toEqual({ ok: true, value: { version: 1, outcome: "relearned", spam: 3, ham: 4 } });
  expect(decodeLearnReply("nope")).toEqual({ ok: false, reason: "reply is not JSON" });
  expect(decodeLearnReply('{"version":1,"outcome":"maybe","spam":1,"ham":1}')).toMatchObject({ ok: false });
  expect(decodeLearnReply('{"version":2}')).toMatchObject({ ok: false });
});
