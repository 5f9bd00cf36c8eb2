// `kas scan [--local | --connect ADDR] [-j N] [--json] [--summary] PATH...`: scan files,
// directories (recursively) and mbox files and print one line per message, in input order:
//   PATH<TAB>STATUS<TAB>SCORE<TAB>HIT,HIT,...     or, with --json, one object per line:
//   {"path": ..., "status": ..., "score": ..., "hits": [{"name","score"}], "notes": [...]}
// Through the server (the native protocol; [client] connect_to unless --connect) with N
// requests in flight, or in-process with --local (the engine plus the Bayes check). At the
// end, on a terminal or with --summary, one line on stderr: counts per status, elapsed, rate.
import { eachMessage, listFiles, type MessageFile, type Skipped } from "../bayes/mail-files";
import { loadConfig } from "../config/load";
import type { KasConfig } from "../config/schema";
import { STATUSES, type Hit } from "../model";
import { shownScore } from "../model";
import { EXIT, UsageError } from "../errors";
import { configureLog, logger } from "../log/index";
import { CONFIG_ARG, kasCommand } from "./command";

export interface ScanLine {
  path: string;
  status: string;
  score: number;
  hits: Hit[];
  notes: string[];
  error?: string;
}

/** A line with the thresholds its score is shown against (not printed with --json). */
type Scanned = ScanLine & { thresholds: { spam: number; probable?: number } };

/** The plain form: PATH TAB STATUS TAB SCORE TAB HITS [TAB ERROR]; the score as X-KAS-Score shows it. */
export function plainLine(l: Scanned): string {
  const score = shownScore(l.score, l.thresholds.spam, l.thresholds.probable).score;
  return `${l.path}\t${l.status}\t${score}\t${l.hits.map((h) => h.name).join(",")}${l.error ? `\t${l.error}` : ""}\n`;
}

type ScanOne = (m: MessageFile, seq: number) => Promise<Scanned>;

export default kasCommand({
  name: "scan",
  description: "Scan files, directories and mbox files; print one line (or JSON object) per message",
  exitCodes: {
    0: "every message was scanned",
    64: "usage error",
    66: "a path does not exist",
    74: "standard output was closed before every line was written (`kas scan DIR | head`): the scan stopped there",
    75: "some messages could not be scanned (server unreachable or failing); their lines say why",
  },
  args: {
    ...CONFIG_ARG,
    paths: { type: "positional", required: false, description: "files, directories (recursively) and mbox files to scan", valueHint: "PATH..." },
    local: { type: "boolean", description: "scan in this process (engine + Bayes) instead of through a server" },
    connect: { type: "string", description: "server address (tcp:host:port or unix:/path); default: [client] connect_to", valueHint: "ADDR" },
    jobs: { type: "string", alias: "j", description: "messages in flight at once (default 4)", valueHint: "N" },
    json: { type: "boolean", description: "one JSON object per line: path, status, score, hits, notes" },
    summary: { type: "boolean", description: "at the end, counts per status, elapsed time and messages/s on stderr (the default when stderr is a terminal)", negativeDescription: "no summary, even on a terminal" },
  },
  async run({ args }) {
    const { config } = loadConfig(args.config);
    configureLog(config.log);
    const log = logger("scan");
    const paths = (args._ ?? []).map(String);
    if (!paths.length) throw new UsageError("name at least one file, directory or mbox file to scan");
    if (args.local && args.connect) throw new UsageError("--local and --connect exclude each other");
    const jobs = args.jobs === undefined ? 4 : Number(args.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UsageError(`-j must be a whole number from 1 to 256, got ${args.jobs}`);
    const files = listFiles(paths);
    const { scanOne, close } = args.local ? await localScanner(config) : await remoteScanner(config, args.connect);
    const tally: ScanTally = { byStatus: new Map(), failed: 0, skipped: 0 };
    const print = (l: Scanned) => {
      if (l.error) tally.failed++;
      tally.byStatus.set(l.status, (tally.byStatus.get(l.status) ?? 0) + 1);
      const { thresholds: _t, ...line } = l;
      process.stdout.write(args.json ? JSON.stringify(line) + "\n" : plainLine(l));
    };
    const onSkip = (s: Skipped) => {
      tally.skipped++;
      log.warn("skipped %s: %s", s.label, s.reason);
    };
    // Timed from the first message: loading the rule database (--local) is not scanning.
    const t0 = performance.now();
    try {
      await inOrder(eachMessage(files, { onSkip }), jobs, scanOne, print);
    } finally {
      await close();
    }
    if (args.summary ?? process.stderr.isTTY) process.stderr.write(scanSummary(tally, performance.now() - t0) + "\n");
    process.exitCode = tally.failed ? EXIT.TEMPFAIL : EXIT.OK;
  },
});

export interface ScanTally {
  byStatus: Map<string, number>;
  /** Messages without a verdict (their lines say why). */
  failed: number;
  /** Files (or mbox messages) that were not messages. */
  skipped: number;
}

/** The closing line of kas scan: "kas scan: 12 messages in 1.3 s (9.2 messages/s): spam 2, not_detected 10; …". */
export function scanSummary(t: ScanTally, elapsedMs: number): string {
  const total = [...t.byStatus.values()].reduce((a, n) => a + n, 0);
  const order = (k: string) => ((STATUSES as readonly string[]).indexOf(k) + 1 || STATUSES.length + 1);
  const counts = [...t.byStatus].sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b)).map(([k, n]) => `${k} ${n}`);
  const s = elapsedMs / 1000;
  const rate = s > 0 ? `${(total / s).toFixed(1)} messages/s` : "-";
  const tail = [t.skipped ? `${t.skipped} skipped (not messages)` : "", t.failed ? `${t.failed} not scanned (their lines say why)` : ""].filter(Boolean);
  return `kas scan: ${total} message${total === 1 ? "" : "s"} in ${s.toFixed(s < 10 ? 2 : 1)} s (${rate})${counts.length ? `: ${counts.join(", ")}` : ""}${tail.length ? `; ${tail.join("; ")}` : ""}`;
}

/** Run `fn` over `items` with at most `jobs` in flight; results are printed in input order. */
export async function inOrder<T, R>(items: Iterable<T>, jobs: number, fn: (item: T, seq: number) => Promise<R>, out: (r: R) => void): Promise<void> {
  const window: Promise<R>[] = [];
  let seq = 0;
  for (const item of items) {
    window.push(fn(item, seq++));
    if (window.length >= jobs) out(await window.shift()!);
  }
  while (window.length) out(await window.shift()!);
}

async function localScanner(config: KasConfig): Promise<{ scanOne: ScanOne; close: () => void }> {
  const { createLocalScanner } = await import("./local-scanner");
  const { scanner, close } = await createLocalScanner(config);
  return {
    close,
    scanOne: async (m, seq) => {
      const r = await scanner.scan({ id: `scan-${seq + 1}`, envelope: { rcpt: [] }, raw: m.raw });
      return { path: m.label, status: r.status, score: round(r.score), hits: r.hits, notes: r.notes, thresholds: { spam: r.threshold, probable: r.probableThreshold } };
    },
  };
}

async function remoteScanner(config: KasConfig, connect?: string): Promise<{ scanOne: ScanOne; close: () => void }> {
  const { scanViaServer } = await import("../client/scan");
  const client = connect ? { ...config.client, connect_to: [connect] } : config.client;
  return {
    close: () => {},
    scanOne: async (m, seq) => {
      const a = await scanViaServer(m.raw, { rcpt: [] }, client, { id: `scan-${seq + 1}` });
      if (!a.ok) return { path: m.label, status: "unscanned", score: 0, hits: [], notes: [], error: a.errors.join("; "), thresholds: { spam: 0 } };
      const v = a.reply;
      return { path: m.label, status: v.status, score: round(v.score), hits: v.hits, notes: v.notes, thresholds: { spam: v.threshold, probable: v.probable_threshold } };
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
