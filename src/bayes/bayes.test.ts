import { expect, test } from "bun:test";
import { parsed } from "../testing/parsed";
import { Bayes, messageDigest } from "./bayes";
import { tokenId } from "./token-id";
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

test("a database learned before list and date fields were skipped: forgetting a message takes back its current tokens, the old field tokens stay unread", async () => {
  const store = new MemoryTokenStore();
  const b = new Bayes(store, { minSpam: 1, minHam: 1 });
  const msg = parsed({ messageId: "l1", headers: { "List-Id": "<disc.lists.example.org>", "Delivery-Date": "Mon, 2 Sep 2002" }, body: "meeting notes attached" });
  // What an older kas learned: today's tokens plus those of the fields it still read.
  const old = ["HN:list-id", "Hlist-id:disc.lists.example.org", "HN:delivery-date", "Hdelivery-date:sep"].map(tokenId);
  await store.learn([{ digest: messageDigest(msg), op: "ham", tokens: [...tokenIds(msg), ...old] }]);
  expect(old.every((id) => !tokenIds(msg).includes(id))).toBe(true);
  expect(await b.learn([msg], "forget")).toEqual(["forgotten"]);
  expect((await store.lookup(tokenIds(msg))).counts.size).toBe(0);
  expect((await store.stats()).nham).toBe(0);
  expect((await store.lookup(old)).counts.size).toBe(old.length); // never looked up by a scan; they expire as unused tokens do
});
