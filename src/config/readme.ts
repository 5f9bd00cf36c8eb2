// `bun run docs`: rewrites the config table in README.md from the schema, so the README's
// key list cannot drift (src/config/readme.test.ts fails when it does).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdownRows } from "./render";

export const README = join(import.meta.dir, "../../README.md");
const START = "<!-- config-table:start -->";
const END = "<!-- config-table:end -->";

export function configTable(): string {
  return ["| key | default | meaning |", "|---|---|---|", ...renderMarkdownRows()].join("\n");
}

/** The table currently in README.md (between the markers). */
export function readmeTable(text = readFileSync(README, "utf8")): string {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} … ${END} markers`);
  return text.slice(a + START.length, b).trim();
}

if (import.meta.main) {
  const text = readFileSync(README, "utf8");
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  writeFileSync(README, text.slice(0, a + START.length) + "\n" + configTable() + "\n" + text.slice(b));
  console.error("README.md config table updated");
}
