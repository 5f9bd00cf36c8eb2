import { expect, test } from "bun:test";
import { parsed } from "../testing/parsed";
import { Bayes, messageDigest } from "./bayes";
import { tokenIds } from "./tokenize";
import { MemoryTokenStore } from "./memory-store";

test("the digest ignores header fields added on the way and line-end style; the body and Message-ID count", () => {
  const a = parsed({ messageId: "1@x", headers: { Subject: "hi" }, body: "line one\r\nline two\r\n" });
  const marked = parsed({ messageId: "1@x", headers: { Subject: "[!! SPAM] hi", "X-KAS-Status": "spam", Received: "from a by b" }, body: "line one\nline two\n\n" });
  expect(messageDigest(marked)).toBe(messageDigest(a));
  expect(messageDigest(parsed({ messageId: "1@x", body: "line one\nline 2" }))).not.toBe(messageDigest(a));
  expect(messageDigest(parsed({ messageId: "2@x", body: "line one\nline two" }))).not.toBe(messageDigest(a));
});

test("token ids are distinct per token and stable", () => {
  const m = parsed({ body: "alpha beta gamma alpha" });
  const ids = tokenIds(m);
  expect(new Set(ids).size).toBe(ids.length);
  expect(tokenIds(m)).toEqual(ids);
  expect(ids.every((id) => Number.isSafeInteger(id) && id >= 0)).toBe(true);
});

test("abstains below min_spam/min_ham with the counts in the reason; scores once reached", async () => {
  const b = new Bayes(new MemoryTokenStore(), { minSpam: 2, minHam: 1 });
  const spam = (i: number) => parsed({ messageId: `s${i}`, body: `casino jackpot winner bonus ${i}` });
  await b.learn([spam(1)], "spam");
  await b.learn([parsed({ messageId: "h1", body: "lunch tomorrow with the team" })], "ham");
  const v = await b.classify(spam(3));
  expect(v).toMatchObject({ kind: "abstain", reason: "learned 1 spam and 1 ham, needs 2 and 1" });
  await b.learn([spam(2)], "spam");
  const w = await b.classify(spam(3));
  expect(w.kind).toBe("scored");
  if (w.kind === "scored") expect(w.probability).toBeGreaterThan(0.5);
});
