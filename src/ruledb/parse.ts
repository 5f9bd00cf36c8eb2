// Rule source text → statements with file:line. SpamAssassin's line syntax: `keyword args`,
// blank lines ignored, a `#` not preceded by a backslash starts a comment (\# is a literal #).
// One kas extension: a `#` inside a rule's regex delimiters is part of the regex (SA would
// cut the line there), so the compiler strips comments per statement (stripComment) after
// it has taken the regex off; files written for SA (with \#) mean the same in both.
// Also a kas addition: a line ending in `\` continues on the next line, whose leading
// whitespace is dropped (so a long regex can be split anywhere).
// `if` / `ifplugin` blocks: kas has no Perl plugins and evaluates no conditions, so a block's
// body is skipped (with a warning) and its `else` branch is loaded — the branch SA itself
// takes when the plugin is absent.
import type { Diagnostic } from "./types";

export interface Statement {
  file: string;
  line: number;
  keyword: string;
  args: string;
}

export function parseRuleText(file: string, text: string, diags: Diagnostic[]): Statement[] {
  const out: Statement[] = [];
  const lines = text.split(/\r?\n/);
  // One entry per open if/ifplugin: true while its current branch is skipped.
  const blocks: { skipping: boolean; line: number }[] = [];
  const skipping = () => blocks.some((b) => b.skipping);
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    let raw = lines[n];
    while (/(?<!\\)\\$/.test(raw) && n + 1 < lines.length) raw = raw.slice(0, -1) + lines[++n].replace(/^\s+/, "");
    const text = raw.trim();
    if (!text || text.startsWith("#")) continue;
    const m = /^(\S+)\s*(.*)$/.exec(text)!;
    const keyword = m[1].toLowerCase();
    const args = m[2];
    const cond = stripComment(args);
    if (keyword === "if" || keyword === "ifplugin") {
      if (!skipping()) diags.push({ file, line: lineNo, severity: "warning", message: `\`${keyword} ${cond}\` block skipped: kas evaluates no conditions or plugins (its \`else\` branch, if any, is loaded)` });
      blocks.push({ skipping: true, line: lineNo });
      continue;
    }
    if (keyword === "else") {
      if (!blocks.length) diags.push({ file, line: lineNo, severity: "error", message: "`else` without `if`/`ifplugin`" });
      else blocks[blocks.length - 1].skipping = !blocks[blocks.length - 1].skipping;
      continue;
    }
    if (keyword === "endif") {
      if (!blocks.pop()) diags.push({ file, line: lineNo, severity: "error", message: "`endif` without `if`/`ifplugin`" });
      continue;
    }
    if (skipping()) continue;
    out.push({ file, line: lineNo, keyword, args });
  }
  for (const b of blocks) diags.push({ file, line: b.line, severity: "error", message: "`if`/`ifplugin` without `endif`" });
  return out;
}

/** SA comment rule for the text after a statement's regex (or a whole non-regex statement). */
export function stripComment(s: string): string {
  return s.replace(/(?<!\\)#.*$/, "").replace(/\\#/g, "#").trim();
}
