import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../testing/kas-binary";
import { listFiles, readMessages, splitMessages } from "./mail-files";

const enc = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test("an mbox splits on postmark lines only; >From is unescaped; a body 'From ' line is not a split", () => {
  const mbox = [
    "From a@example.com Thu Aug 22 13:17:22 2002",
    "Subject: one",
    "",
    "From the start, this line is body text.",
    ">From escaped",
    "",
    "From b@example.com  Fri Aug 23 01:02:03 2002",
    "Subject: two",
    "",
    "body two",
    "",
  ].join("\n");
  const { messages } = splitMessages("box", enc(mbox));
  expect(messages.map((m) => m.label)).toEqual(["box#1", "box#2"]);
  expect(text(messages[0].raw)).toBe("Subject: one\n\nFrom the start, this line is body text.\nFrom escaped");
  expect(text(messages[1].raw)).toBe("Subject: two\n\nbody two\n");
});

test("a single message with a postmark is one message labelled by its path", () => {
  const { messages } = splitMessages("m.txt", enc("From x@y Mon Jan  1 00:00:00 2024\nSubject: hi\n\nbody\n"));
  expect(messages.map((m) => m.label)).toEqual(["m.txt"]);
  expect(text(messages[0].raw)).toBe("Subject: hi\n\nbody\n");
});

test("a plain message is kept byte for byte; non-mail files are skipped with a reason", () => {
  const raw = new Uint8Array([...enc("Subject: caf"), 0xe9, ...enc("\r\n\r\nbody\r\n")]);
  expect(splitMessages("a.eml", raw).messages[0].raw).toEqual(raw);
  const j = splitMessages("a.json", enc('{"id": 1}'));
  expect(j.messages).toEqual([]);
  expect(j.skipped).toEqual([{ label: "a.json", reason: expect.stringContaining("not a message") }]);
  expect(splitMessages("e", new Uint8Array()).skipped).toEqual([{ label: "e", reason: "empty file" }]);
});

test("an mbox message that is not a message is skipped by its index, with why; the others keep their index", () => {
  const mbox = ["From a@x Mon Jan  1 00:00:00 2024", "Subject: one", "", "body", "", "From b@x Mon Jan  1 00:00:01 2024", "", "", "From c@x Mon Jan  1 00:00:02 2024", "<html>not mail</html>", "", "From d@x Mon Jan  1 00:00:03 2024", "Subject: four", "", "x", ""].join("\n");
  const { messages, skipped } = splitMessages("box", enc(mbox));
  expect(messages.map((m) => m.label)).toEqual(["box#1", "box#4"]);
  expect(skipped).toEqual([
    { label: "box#2", reason: "empty message after the From line" },
    { label: "box#3", reason: "no header field after the From line: not a message" },
  ]);
});

test("directories are walked recursively in name order; a missing path is exit 66", () => {
  const d = tempDir("kas-files-");
  mkdirSync(join(d, "sub"));
  writeFileSync(join(d, "b.eml"), "Subject: b\n\nx\n");
  writeFileSync(join(d, "sub", "a.eml"), "Subject: a\n\nx\n");
  writeFileSync(join(d, "a.eml"), "Subject: a\n\nx\n");
  expect(listFiles([d])).toEqual([join(d, "a.eml"), join(d, "b.eml"), join(d, "sub", "a.eml")]);
  expect(readMessages(join(d, "b.eml")).messages.length).toBe(1);
  expect(() => listFiles([join(d, "missing")])).toThrow(/no such file or directory/);
  try {
    listFiles([join(d, "missing")]);
  } catch (e) {
    expect((e as { exitCode: number }).exitCode).toBe(66);
  }
});

test("a path named on the command line is read whatever it is (a pipe, /dev/null); inside a directory a FIFO is not", () => {
  const d = tempDir("kas-files-");
  writeFileSync(join(d, "a.eml"), "Subject: a\n\nx\n");
  expect(Bun.spawnSync(["mkfifo", join(d, "pipe")]).exitCode).toBe(0);
  expect(listFiles([d])).toEqual([join(d, "a.eml")]);
  expect(listFiles(["/dev/null", join(d, "pipe")])).toEqual(["/dev/null", join(d, "pipe")]);
  expect(readMessages("/dev/null")).toEqual({ messages: [], skipped: [{ label: "/dev/null", reason: "empty file" }] });
});
