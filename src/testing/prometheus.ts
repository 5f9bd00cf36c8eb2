// Test-only: a strict parser of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), so tests
// check /metrics the way a scraper reads it: HELP/TYPE before the samples of their family,
// one TYPE per family, label values escaped, histogram buckets cumulative with le="+Inf"
// equal to _count. Throws on anything a scraper would reject. Never imported by production code.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function parseValue(s: string, line: number): number {
  if (s === "+Inf") return Infinity;
  if (s === "-Inf") return -Infinity;
  if (s === "NaN") return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value ${JSON.stringify(s)}`);
  return Number(s);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    while (text[i] === " ") i++;
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf("=", i);
    if (eq < 0) throw new Error(`line ${line}: label without =`);
    const name = text.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`line ${line}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`line ${line}: label ${name} twice`);
    if (text[eq + 1] !== '"') throw new Error(`line ${line}: label value must be quoted`);
    let v = "";
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === "\\") {
        const c = text[++j];
        if (c === "n") v += "\n";
        else if (c === "\\" || c === '"') v += c;
        else throw new Error(`line ${line}: bad escape \\${c}`);
      } else if (text[j] === "\n") throw new Error(`line ${line}: newline in label value`);
      else v += text[j];
    }
    if (j >= text.length) throw new Error(`line ${line}: unterminated label value`);
    labels[name] = v;
    i = j + 1;
    while (text[i] === " ") i++;
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

/** The family a sample belongs to: histogram samples carry _bucket/_sum/_count suffixes. */
function familyOf(name: string, families: Map<string, Family>): Family | undefined {
  if (families.has(name)) return families.get(name);
  const base = name.replace(/_(bucket|sum|count)$/, "");
  const f = families.get(base);
  return f && (f.type === "histogram" || f.type === "summary") ? f : undefined;
}

export function parsePrometheus(text: string): Map<string, Family> {
  if (text && !text.endsWith("\n")) throw new Error("the exposition must end with a newline");
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  const lines = text.split("\n");
  let current: Family | undefined;
  for (const [i, raw] of lines.entries()) {
    const n = i + 1;
    if (raw === "") continue;
    if (raw.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) continue; // a plain comment
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name ${name}`);
      let f = families.get(name);
      if (!f) {
        if (seen.has(name)) throw new Error(`line ${n}: family ${name} is split`);
        f = { name, type: "untyped", samples: [] };
        families.set(name, f);
      } else if (f.samples.length) throw new Error(`line ${n}: ${kind} for ${name} after its samples`);
      if (kind === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) throw new Error(`line ${n}: bad type ${rest}`);
        f.type = rest as Family["type"];
      } else f.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      current = f;
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(.*)$/.exec(raw);
    if (!m) throw new Error(`line ${n}: not a sample: ${raw}`);
    const name = m[1];
    let rest = m[2];
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, n));
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || !rest.startsWith(" ")) throw new Error(`line ${n}: expected 'name{labels} value [timestamp]'`);
    const value = parseValue(parts[0], n);
    let f = familyOf(name, families);
    if (!f) {
      f = { name, type: "untyped", samples: [] };
      families.set(name, f);
    }
    if (current && f !== current && seen.has(f.name)) throw new Error(`line ${n}: samples of ${f.name} are not together`);
    if (current && current !== f) seen.add(current.name);
    current = f;
    seen.add(f.name);
    if (f.samples.some((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))) throw new Error(`line ${n}: duplicate sample ${raw}`);
    f.samples.push({ name, labels, value });
  }
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

function checkHistogram(f: Family): void {
  const buckets = f.samples.filter((s) => s.name === `${f.name}_bucket`);
  const count = f.samples.find((s) => s.name === `${f.name}_count`);
  if (!count || !f.samples.some((s) => s.name === `${f.name}_sum`)) throw new Error(`${f.name}: histogram without _sum/_count`);
  let last = -Infinity;
  let prev = 0;
  for (const b of buckets) {
    const le = parseValue(b.labels.le ?? "", 0);
    if (!(le > last)) throw new Error(`${f.name}: buckets not in increasing le order`);
    if (b.value < prev) throw new Error(`${f.name}: bucket le=${b.labels.le} below the one before (not cumulative)`);
    last = le;
    prev = b.value;
  }
  if (last !== Infinity) throw new Error(`${f.name}: no le="+Inf" bucket`);
  if (prev !== count.value) throw new Error(`${f.name}: le="+Inf" ${prev} differs from _count ${count.value}`);
}

/** The value of one sample (labels must match exactly those given; omitted = none); undefined when absent. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const f of families.values()) {
    const s = f.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
    if (s) return s.value;
  }
  return undefined;
}
