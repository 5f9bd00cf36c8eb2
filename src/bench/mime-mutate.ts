// Mutations of real messages for the MIME fuzzer (fuzz-mime.ts) and the differential harness:
// byte flips, splices of two messages, boundary and header damage, truncation, deep nesting
// and long runs of one character. Deterministic: the same Rng state gives the same bytes.
// Each mutation returns a new array and names itself, so a crash report says what was done.
import { createRng, itemSeed, type Rng } from "./mime-rng";

export interface Mutated {
  raw: Uint8Array;
  ops: string[];
}

const enc = (s: string) => Buffer.from(s, "latin1");
const latin1 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");

/** Where the first blank line ends the header (or the end). */
function headerEnd(s: string): number {
  const m = /\r?\n\r?\n/.exec(s);
  return m ? m.index : s.length;
}

/** The boundary strings of a message, as a plain reading finds them. */
function boundariesOf(s: string): string[] {
  return [...s.matchAll(/boundary\s*=\s*"?([^";\r\n]+)"?/gi)].map((m) => m[1]);
}

type Op = (r: Rng, s: string, other: string) => string;

const OPS: Record<string, Op> = {
  "byte-flip": (r, s) => {
    const a = s.split("");
    const n = 1 + r.int(8);
    for (let i = 0; i < n && a.length; i++) a[r.int(a.length)] = String.fromCharCode(r.int(256));
    return a.join("");
  },
  "byte-insert": (r, s) => {
    const at = r.int(s.length + 1);
    return s.slice(0, at) + r.pick(["\0", "\r", "\n", "\n\n", "=", "--", "\x1b$B", "\xff\xfe", "=?", "?=", '"', ";", "\\"]) + s.slice(at);
  },
  "byte-delete": (r, s) => {
    const at = r.int(s.length + 1);
    return s.slice(0, at) + s.slice(at + 1 + r.int(16));
  },
  splice: (r, s, other) => {
    const a = r.int(s.length + 1);
    const b = r.int(other.length + 1);
    return s.slice(0, a) + other.slice(b, b + r.int(4096));
  },
  truncate: (r, s) => s.slice(0, r.int(s.length + 1)),
  "boundary-damage": (r, s) => {
    const bs = boundariesOf(s);
    if (!bs.length) return s.replace(/^content-type:[^\r\n]*/im, `Content-Type: multipart/mixed; boundary="${r.pick(["", "-", "a", '"'])}"`);
    const b = r.pick(bs);
    const how = r.int(6);
    if (how === 0) return s.split(`--${b}--`).join(`--${b}`); // no close delimiter
    if (how === 1) return s.replace(`--${b}`, `--${b}${r.pick([" ", "\t", "x", "--", "-def"])}`);
    if (how === 2) return s.replace(`boundary="${b}"`, `boundary="${b.slice(0, Math.max(1, b.length - 1 - r.int(3)))}"`);
    if (how === 3) return s.replace(/boundary\s*=/i, `boundary=${r.pick(['"=?utf-8?q?', "(c) ", '"', "*0*="])}`);
    if (how === 4) return s.split(`--${b}`).join(r.chance(0.5) ? `--${b}\r` : `\n--${b}`);
    return s.replace(`--${b}\n`, `--${b}\n--${b}\n--${b}\n`);
  },
  "header-damage": (r, s) => {
    const end = headerEnd(s);
    const head = s.slice(0, end);
    const body = s.slice(end);
    const how = r.int(7);
    if (how === 0) return head.replace(/^content-transfer-encoding:[^\r\n]*/im, `Content-Transfer-Encoding: ${r.pick(["base64", "quoted-printable", "x-uuencode", "", "base64 (x)", "binary"])}`) + body;
    if (how === 1) return head.replace(/charset\s*=\s*"?[^";\s]+"?/i, `charset=${r.pick(["utf-16", "utf-7", "iso-2022-jp", "gb18030", "x-unknown", '"', "", "utf-32"])}`) + body;
    if (how === 2) return head + "\n" + "X-Long: " + "a".repeat(r.int(100_000)) + body;
    if (how === 3) return head.replace(/^content-type:[^\r\n]*/im, (l) => l + r.pick(["; name*0*=utf-8''%ff", "; (((", "; a=\"\\", ";".repeat(1000), "\n\t" + "; x=y".repeat(200)])) + body;
    if (how === 4) return "Content-Type: " + r.pick(["message/rfc822", "multipart/digest; boundary=x", "text/html", "multipart/alternative"]) + "\n" + s;
    if (how === 5) return head.replace(/\n/g, r.chance(0.5) ? "\r\n" : "\n ") + body;
    return head + "\n" + "Subject: " + "=?utf-8?b?".repeat(1 + r.int(2000)) + body;
  },
  "deep-nesting": (r, s) => {
    let out = s;
    const n = 10 + r.int(300);
    for (let i = 0; i < n; i++) out = r.chance(0.7) ? `Content-Type: multipart/mixed; boundary="n${i}"\n\n--n${i}\n${out}\n--n${i}--\n` : `Content-Type: message/rfc822\n\n${out}`;
    return out;
  },
  "char-run": (r, s) => {
    const at = r.int(s.length + 1);
    return s.slice(0, at) + r.pick(["*", "=", "#", " ", "-", "<", "&", "%", "\n", "a", "=?"]).repeat(1024 * (1 + r.int(64))) + s.slice(at);
  },
};

/** How often each is drawn: cheap structural damage often, the expensive ones (huge runs, deep nests) rarely. */
const WEIGHTS: Record<string, number> = { "byte-flip": 4, "byte-insert": 3, "byte-delete": 2, splice: 2, truncate: 2, "boundary-damage": 4, "header-damage": 3, "deep-nesting": 1, "char-run": 0.5 };

export const MUTATIONS = Object.keys(OPS);

function pickOp(r: Rng, names: readonly string[]): string {
  const total = names.reduce((a, n) => a + WEIGHTS[n], 0);
  let x = r.next() * total;
  for (const n of names) if ((x -= WEIGHTS[n]) < 0) return n;
  return names[names.length - 1];
}

/** 1-3 mutations of `raw` drawn from `names` (default: all); `other` feeds splices. */
export function mutate(r: Rng, raw: Uint8Array, other: Uint8Array, names: readonly string[] = MUTATIONS): Mutated {
  let s = latin1(raw);
  const o = latin1(other);
  const ops: string[] = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const name = pickOp(r, names);
    s = OPS[name](r, s, o);
    ops.push(name);
  }
  return { raw: new Uint8Array(enc(s)), ops };
}

/** Fuzz input `index` of the run with `seed`: a corpus message mutated, `other` spliced from. */
export function fuzzInput(seed: number, index: number, corpus: readonly Uint8Array[]): Mutated & { id: string } {
  const r = createRng(itemSeed(seed, index));
  const base = corpus[r.int(corpus.length)];
  const other = corpus[r.int(corpus.length)];
  return { id: `fuzz:${seed}:${index}`, ...mutate(r, base, other) };
}
