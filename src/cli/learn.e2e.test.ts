// kas learn and kas scan --local against the compiled binary: idempotent learning, moving
// a message between classes, --stats, a corrupt database, and scanning processes running
// while kas learn writes.
import { expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, runKas, tempDir, writeConfig } from "../testing/kas-binary";
import { corpus, message } from "../testing/mail-corpus";
import { freePort } from "../testing/kas-server";

const stats = async (cfg: string) => {
  const r = await runKas(["learn", "--stats", "--config", cfg]);
  expect(r.exitCode).toBe(0);
  const num = (k: string) => Number(new RegExp(`^${k}\\s+(\\d+)`, "m").exec(r.text)?.[1]);
  return { spam: num("spam"), ham: num("ham"), tokens: num("tokens") };
};

test("learn is idempotent, relearning moves a message, mbox files split, --stats counts", async () => {
  const dir = tempDir();
  const cfg = writeConfig(dir, "[bayes]\nmin_spam = 5\nmin_ham = 5\n");
  const spam = corpus(dir, "spam", 6);
  const ham = corpus(dir, "ham", 6);
  writeFileSync(join(spam, "index.json"), '{"not": "mail"}');
  let r = await runKas(["learn", "--spam", spam, "--config", cfg]);
  expect(r.exitCode).toBe(0);
  expect(r.text).toContain("learned 6 messages as spam: 6 new, 0 moved from ham, 0 already known; skipped 1");
  r = await runKas(["learn", "--spam", spam, "--config", cfg]);
  expect(r.text).toContain("6 messages as spam: 0 new, 0 moved from ham, 6 already known");
  expect(await stats(cfg)).toMatchObject({ spam: 6, ham: 0 });

  // An mbox of the ham messages: postmark lines split it into 6 messages.
  const mbox = join(dir, "ham.mbox");
  writeFileSync(mbox, Array.from({ length: 6 }, (_, i) => `From ham${i}@ham.example Mon Jan  1 00:00:0${i} 2024\n${message("ham", i).replace(/\r\n/g, "\n")}\n`).join(""));
  r = await runKas(["learn", "--ham", mbox, "--config", cfg]);
  expect(r.text).toContain("learned 6 messages as ham: 6 new");
  r = await runKas(["learn", "--ham", ham, "--config", cfg]); // the same messages as files
  expect(r.text).toContain("0 new, 0 moved from spam, 6 already known");

  // One spam relearned as ham moves; forgetting it removes it.
  const one = join(spam, "0000.eml");
  r = await runKas(["learn", "--ham", one, "--config", cfg]);
  expect(r.text).toContain("0 new, 1 moved from spam");
  expect(await stats(cfg)).toMatchObject({ spam: 5, ham: 7 });
  r = await runKas(["learn", "--forget", one, "--config", cfg]);
  expect(r.text).toContain("forgot 1 of 1 messages");
  expect(await stats(cfg)).toMatchObject({ spam: 5, ham: 6 });

  // Scanning in-process now gives Bayes bands.
  const fresh = join(dir, "fresh.eml");
  writeFileSync(fresh, message("spam", 77));
  r = await runKas(["scan", "--local", "--json", fresh, "--config", cfg]);
  expect(r.exitCode).toBe(0);
  const line = JSON.parse(r.text.trim());
  expect(line.path).toBe(fresh);
  expect(line.hits.map((h: { name: string }) => h.name)).toContain("BAYES_99");
}, 30_000);

test("usage errors: no class, two classes, missing path", async () => {
  const dir = tempDir();
  const cfg = writeConfig(dir);
  expect((await runKas(["learn", dir, "--config", cfg])).exitCode).toBe(64);
  expect((await runKas(["learn", "--spam", "--ham", dir, "--config", cfg])).exitCode).toBe(64);
  const r = await runKas(["learn", "--spam", join(dir, "nope"), "--config", cfg]);
  expect(r.exitCode).toBe(66);
  expect(r.stderr).toContain("no such file or directory");
}, 30_000);

test("a corrupt database: learn exits 65 and says how to recover; scan goes on without Bayes", async () => {
  const dir = tempDir();
  const cfg = writeConfig(dir);
  const db = join(dir, "data", "bayes", "bayes.sqlite");
  mkdirSync(join(dir, "data", "bayes"), { recursive: true });
  writeFileSync(db, "not a database ".repeat(500));
  const msg = join(dir, "m.eml");
  writeFileSync(msg, message("spam", 1));
  const l = await runKas(["learn", "--spam", msg, "--config", cfg]);
  expect(l.exitCode).toBe(65);
  expect(l.stderr).toContain(`remove ${db}`);
  expect(l.stderr).toContain("relearn");
  const s = await runKas(["scan", "--local", "--json", msg, "--config", cfg]);
  expect(s.exitCode).toBe(0);
  const line = JSON.parse(s.text.trim());
  expect(line.notes.join("\n")).toContain("is corrupt");
  expect(s.stderr).toContain("is corrupt"); // logged once, not only in the line
  expect(line.hits.some((h: { name: string }) => h.name.startsWith("BAYES_"))).toBe(false);
}, 30_000);

test("two kas scan --local processes while kas learn writes: no lock error reaches a scan", async () => {
  const dir = tempDir();
  const cfg = writeConfig(dir, "[bayes]\nmin_spam = 20\nmin_ham = 20\n");
  await runKas(["learn", "--spam", corpus(dir, "spam", 30), "--config", cfg]);
  await runKas(["learn", "--ham", corpus(dir, "ham", 30), "--config", cfg]);
  const more = join(dir, "more");
  corpus(more, "spam", 600, 100);
  const toScan = corpus(join(dir, "scan"), "ham", 150, 2000);
  const spawn = (args: string[]) => Bun.spawn([kasBinary(), ...args, "--config", cfg], { stdout: "pipe", stderr: "pipe", env: { ...process.env, KAS_CONFIG: "" }, timeout: 60_000 });
  const learn = spawn(["learn", "--spam", join(more, "spam")]);
  const scans = [spawn(["scan", "--local", "--json", toScan]), spawn(["scan", "--local", "--json", toScan])];
  const outs = await Promise.all(scans.map(async (p) => ({ code: await p.exited, out: await new Response(p.stdout).text(), err: await new Response(p.stderr).text() })));
  expect(await learn.exited).toBe(0);
  for (const o of outs) {
    expect(o.err).not.toMatch(/locked|busy/i);
    expect(o.code).toBe(0);
    const lines = o.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(150);
    for (const l of lines) {
      expect(l.notes.join(" ")).not.toMatch(/locked|busy|unavailable|corrupt/i);
      expect(l.hits.some((h: { name: string }) => h.name.startsWith("BAYES_"))).toBe(true);
    }
  }
}, 60_000);

test("every skipped file and mbox message is named on stderr with why, locally and with --connect", async () => {
  const dir = tempDir();
  try {
    const cfg = writeConfig(dir);
    const mail = join(dir, "mail");
    mkdirSync(mail);
    writeFileSync(join(mail, "good.eml"), message("spam", 1));
    const junk = Array.from({ length: 7 }, (_, i) => join(mail, `junk${i}.json`));
    for (const j of junk) writeFileSync(j, '{"not": "mail"}');
    writeFileSync(join(mail, "empty.eml"), "");
    const box = join(mail, "box.mbox");
    writeFileSync(box, `From a@x Mon Jan  1 00:00:00 2024\n${message("spam", 2).replace(/\r\n/g, "\n")}\nFrom b@x Mon Jan  1 00:00:01 2024\n<html>no header</html>\n`);
    const r = await runKas(["learn", "--spam", mail, "--config", cfg]);
    expect(r.exitCode).toBe(0);
    expect(r.text).toContain("learned 2 messages as spam: 2 new, 0 moved from ham, 0 already known; skipped 9 (named on stderr)");
    for (const j of junk) expect(r.stderr).toContain(`kas learn: skipped ${j}: does not start with a header field or an mbox From line: not a message\n`);
    expect(r.stderr).toContain(`kas learn: skipped ${join(mail, "empty.eml")}: empty file\n`);
    expect(r.stderr).toContain(`kas learn: skipped ${box}#2: no header field after the From line: not a message\n`);

    // Through a server: skipping happens before sending, so no server is needed to see it.
    const only = join(dir, "only-junk");
    mkdirSync(only);
    writeFileSync(join(only, "index.json"), "{}");
    const c = await runKas(["learn", "--spam", only, "--connect", `tcp:127.0.0.1:${freePort()}`, "--config", cfg]);
    expect(c.exitCode).toBe(0);
    expect(c.text).toContain("skipped 1 (named on stderr)");
    expect(c.stderr).toContain(`kas learn: skipped ${join(only, "index.json")}: does not start with a header field`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
