// `bun run rules:diff`: what a change to the rules does, message by message, on the training
// split and our fixtures only, for whoever writes or re-weighs rules.
//
//   bun run rules:diff --write FILE     scan spam-1, easy-ham-1 and fixtures/messages/ now
//   bun run rules:diff --against FILE   scan again and list every message whose verdict,
//                                       score or hits moved, with the hits gained and lost
//
// engine-equal.ts compares engines over the whole corpus; reading its output while choosing
// a rule would show the evaluation split message by message, which DESIGN.md §7 forbids
// (rules are chosen on the training split; `bun run eval` reports the evaluation split's
// figures once a change is decided). This tool never scans the evaluation split.
import { readFileSync, writeFileSync } from "node:fs";
import { benchArgs } from "./bench-args";
import { TRAIN } from "./corpus";
import { engineLines } from "./engine-equal";

interface Row {
  status: string;
  score: number;
  hits: string[];
}

function rows(lines: readonly string[]): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const [name, status, score, hits] = line.split("\t");
    out.set(name, { status, score: Number(score), hits: hits ? hits.split(",") : [] });
  }
  return out;
}

/** The group a message line belongs to: the corpus group, or the fixtures' directory. */
export function groupOf(name: string): string {
  const parts = name.split("/");
  return parts[0] === "corpus" ? parts[1] : parts.length > 3 ? `fixtures/${parts[2]}` : "fixtures";
}

/**
 * The messages of `now` that differ from `base` (one line each: the verdict and score before
 * and after, the hits gained and lost; messages only in one side say so), then one line per
 * group with how many moved and how many changed verdict.
 */
export function diffLines(base: readonly string[], now: readonly string[]): string[] {
  const before = rows(base);
  const after = rows(now);
  const out: string[] = [];
  const moved = new Map<string, { moved: number; verdict: number }>();
  const count = (name: string, verdict: boolean) => {
    const g = moved.get(groupOf(name)) ?? { moved: 0, verdict: 0 };
    g.moved++;
    if (verdict) g.verdict++;
    moved.set(groupOf(name), g);
  };
  for (const [name, a] of after) {
    const b = before.get(name);
    if (!b) {
      out.push(`${name}\tnew: ${a.status} ${a.score}`);
      continue;
    }
    if (b.status === a.status && b.score === a.score && b.hits.join() === a.hits.join()) continue;
    const gained = a.hits.filter((h) => !b.hits.includes(h));
    const lost = b.hits.filter((h) => !a.hits.includes(h));
    out.push(`${name}\t${b.status} ${b.score} -> ${a.status} ${a.score}\t${gained.map((h) => `+${h}`).concat(lost.map((h) => `-${h}`)).join(" ")}`);
    count(name, b.status !== a.status);
  }
  for (const name of before.keys()) if (!after.has(name)) out.push(`${name}\tgone`);
  for (const [g, n] of [...moved].sort()) out.push(`${g}: ${n.moved} moved, ${n.verdict} changed verdict`);
  if (!moved.size) out.push("no message moved");
  return out;
}

if (import.meta.main) {
  const args = benchArgs("rules:diff", {
    write: { type: "string", help: "store the training split's and the fixtures' results in this file" },
    against: { type: "string", help: "scan again and list what moved since this file" },
    help: { type: "boolean", help: "this text" },
  });
  if (!args.write === !args.against) {
    console.error("rules:diff: give exactly one of --write <file> or --against <file> (see --help)");
    process.exit(2);
  }
  const lines = await engineLines([...TRAIN.spam, ...TRAIN.ham]);
  if (args.write) {
    writeFileSync(args.write, lines.join("\n") + "\n");
    console.log(`rules:diff: ${lines.length - 1} messages written to ${args.write}`);
  } else {
    for (const l of diffLines(readFileSync(args.against, "utf8").trimEnd().split("\n"), lines)) console.log(l);
  }
}
