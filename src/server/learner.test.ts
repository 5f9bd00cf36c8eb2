// The filtering process's half of POST /v1/learn against a real token database in a temp
// data_dir: learned, then already; forget; a message the store cannot take is a typed answer.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaults } from "../config/load";
import type { KasConfig } from "../config/schema";
import { tempDir } from "../testing/kas-binary";
import { createLearner } from "./learner";

const MSG = new TextEncoder().encode("From: a@example.org\r\nTo: b@example.com\r\nSubject: cheap pills\r\nMessage-ID: <l1@example.org>\r\n\r\nBuy cheap pills now, limited offer.\r\n");
const config = (data_dir: string, path = "") => ({ ...defaults(), data_dir, bayes: { ...defaults().bayes, path } }) as KasConfig;

test("opens the token database on first use, learns, answers the totals, closes", async () => {
  const dir = tempDir("kas-learner-");
  const l = createLearner(config(dir));
  expect(existsSync(join(dir, "bayes", "bayes.sqlite"))).toBe(false); // nothing opened before the first request
  expect(await l.learn("spam", MSG)).toEqual({ ok: true, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 } });
  expect(await l.learn("spam", MSG)).toEqual({ ok: true, reply: { version: 1, outcome: "already", spam: 1, ham: 0 } });
  expect(await l.learn("forget", MSG)).toEqual({ ok: true, reply: { version: 1, outcome: "forgotten", spam: 0, ham: 0 } });
  l.close();
  expect(existsSync(join(dir, "bayes", "bayes.sqlite"))).toBe(true);
});

test("a token database that cannot be opened is `unavailable` (temporary), not a crash", async () => {
  const dir = tempDir("kas-learner-");
  mkdirSync(join(dir, "x"));
  writeFileSync(join(dir, "x", "file"), "");
  const l = createLearner(config(dir, join(dir, "x", "file", "bayes.sqlite")));
  const a = await l.learn("ham", MSG);
  expect(a).toMatchObject({ ok: false, code: "unavailable" });
  l.close();
});
