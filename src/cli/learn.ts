// `kas learn --spam|--ham|--forget PATH...` and `kas learn --stats`: teach the Bayes
// classifier from files, directories (recursively) and mbox files, locally (the token
// database under data_dir) or through a running server (--connect). Idempotent: a message
// learned twice counts once; learning it as the other class moves it.
import { Bayes } from "../bayes/bayes";
import { learnFiles, type LearnTally } from "../bayes/learner";
import { listFiles, type Skipped } from "../bayes/mail-files";
import { openSqliteStore } from "../bayes/sqlite-store";
import { bayesDbPath } from "../config/paths";
import { loadConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { EXIT, UsageError } from "../errors";
import { configureLog, logger } from "../log/index";
import { CONFIG_ARG, kasCommand } from "./command";

export default kasCommand({
  name: "learn",
  description: "Teach the Bayes classifier (files, directories, mbox files), or show its counts with --stats",
  exitCodes: {
    0: "learned (or printed the counts)",
    64: "usage: give exactly one of --spam, --ham, --forget (with paths) or --stats",
    65: "the token database is corrupt (the hint says how to recover)",
    66: "a path does not exist, or --stats found no database",
    69: "--connect: no server took the messages",
    73: "cannot create or write the token database",
    75: "the token database stayed locked by another writer; try again",
  },
  args: {
    ...CONFIG_ARG,
    paths: { type: "positional", required: false, description: "files, directories (recursively) and mbox files to learn", valueHint: "PATH..." },
    spam: { type: "boolean", description: "learn the messages as spam" },
    ham: { type: "boolean", description: "learn the messages as ham (wanted mail)" },
    forget: { type: "boolean", description: "undo earlier learning of the messages" },
    stats: { type: "boolean", description: "print the counts: spam and ham learned, tokens, database size" },
    connect: { type: "string", description: "learn through the server at ADDR (tcp:host:port or unix:/path) instead of the local database", valueHint: "ADDR" },
  },
  async run({ args }) {
    const { config } = loadConfig(args.config);
    configureLog(config.log);
    const paths = (args._ ?? []).map(String);
    const ops = (["spam", "ham", "forget", "stats"] as const).filter((k) => args[k]);
    if (ops.length !== 1) throw new UsageError(`give exactly one of --spam, --ham, --forget, --stats (got ${ops.length ? ops.map((o) => "--" + o).join(" ") : "none"})`, "kas learn --spam DIR... | --ham DIR... | --forget PATH... | --stats");
    const op = ops[0];
    if (op === "stats") {
      if (paths.length) throw new UsageError("--stats takes no paths");
      return printStats(config);
    }
    if (!paths.length) throw new UsageError(`--${op} needs at least one file, directory or mbox file`);
    const files = listFiles(paths);
    if (args.connect) {
      const { learnViaServer } = await import("./learn-remote");
      process.exitCode = await learnViaServer(config, args.connect, op, files);
      return;
    }
    await learnLocally(config, op, files);
  },
});

async function learnLocally(config: KasConfig, op: "spam" | "ham" | "forget", files: string[]): Promise<void> {
  const log = logger("learn");
  const { parseMessage } = await import("../message/parse");
  const store = openSqliteStore(bayesDbPath(config), { busyTimeoutMs: 30_000 });
  try {
    const bayes = new Bayes(store, { minSpam: config.bayes.min_spam, minHam: config.bayes.min_ham });
    const t0 = performance.now();
    const tty = process.stderr.isTTY;
    const tally = await learnFiles({
      bayes,
      files,
      op,
      parse: (raw) => parseMessage(raw, config.scan),
      onProgress: tty ? (t) => process.stderr.write(`\rkas learn: ${t.messages} messages from ${t.files}/${files.length} files`) : undefined,
    });
    if (tty) process.stderr.write("\n");
    reportSkipped(tally.skipped);
    const expired = await store.expire(config.bayes.max_tokens);
    if (expired) log.info("expired %d least recently learned tokens ([bayes] max_tokens = %d)", expired, config.bayes.max_tokens);
    console.log(`${summary(op, tally)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const s = await store.stats();
    console.log(`database: ${s.nspam} spam, ${s.nham} ham, ${s.tokens} tokens, ${mib(s.bytes)} (${s.location})`);
  } finally {
    store.close();
  }
}

/**
 * Every file or mbox message (PATH#N) that was not learned, and why, one line each on stderr:
 * the summary's "skipped N" must be traceable to the files without re-running anything.
 */
export function reportSkipped(skipped: readonly Skipped[], write = (line: string) => process.stderr.write(line)): void {
  for (const s of skipped) write(`kas learn: skipped ${s.label}: ${s.reason}\n`);
}

export function summary(op: "spam" | "ham" | "forget", t: LearnTally): string {
  const o = t.outcomes;
  const skipped = t.skipped.length ? `; skipped ${t.skipped.length} (named on stderr)` : "";
  if (op === "forget") return `forgot ${o.forgotten} of ${t.messages} messages (${o.unknown} were not learned)${skipped}`;
  const other = op === "spam" ? "ham" : "spam";
  return `learned ${t.messages} messages as ${op}: ${o.learned} new, ${o.relearned} moved from ${other}, ${o.already} already known${skipped}`;
}

async function printStats(config: KasConfig): Promise<void> {
  const store = openSqliteStore(bayesDbPath(config), { readonly: true });
  try {
    const s = await store.stats();
    const ready = s.nspam >= config.bayes.min_spam && s.nham >= config.bayes.min_ham;
    console.log(`spam     ${s.nspam}`);
    console.log(`ham      ${s.nham}`);
    console.log(`tokens   ${s.tokens}`);
    console.log(`size     ${mib(s.bytes)}`);
    console.log(`path     ${s.location}`);
    console.log(`status   ${ready ? "classifying" : `abstaining until ${config.bayes.min_spam} spam and ${config.bayes.min_ham} ham are learned`}`);
    process.exitCode = EXIT.OK;
  } finally {
    store.close();
  }
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
