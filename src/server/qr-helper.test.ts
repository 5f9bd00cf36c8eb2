// The reader's side of the QR channel (answerQr) with an injected decoder: the answer carries
// the question's id; a decoder error answers that picture only; a message that is no picture
// request is answered with an error, not a crash.
import { expect, test } from "bun:test";
import { answerQr } from "./qr-helper";

const decode = async (p: Uint8Array) => {
  const s = new TextDecoder().decode(p);
  if (s === "boom") throw new Error("bad picture");
  return s ? [`t:${s.length}`] : [];
};
const ask = (id: number, s: string) => ({ id, picture: new TextEncoder().encode(s) });

test("each answer carries its question's id; an error answers its picture only", async () => {
  expect(await answerQr(ask(1, "one"), decode)).toEqual({ id: 1, texts: ["t:3"] });
  expect(await answerQr(ask(2, "boom"), decode)).toEqual({ id: 2, error: "bad picture" });
  expect(await answerQr(ask(3, ""), decode)).toEqual({ id: 3, texts: [] });
  expect(await answerQr(ask(4, "x".repeat(5000)), decode)).toEqual({ id: 4, texts: ["t:5000"] });
});

test("a message that is no picture request gets an error answer", async () => {
  let calls = 0;
  const counting = async () => (calls++, []);
  expect(await answerQr({ id: 7, picture: "not bytes" }, counting)).toEqual({ id: 7, error: "not a picture" });
  expect(await answerQr(null, counting)).toEqual({ id: -1, error: "not a picture" });
  expect(calls).toBe(0);
});
