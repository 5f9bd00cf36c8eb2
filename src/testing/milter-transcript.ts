// Golden milter transcripts (fixtures/milter/*.transcript): what an MTA sends, what kas must
// answer byte for byte. Test-only. One line per step:
//   > L "Subject" " hello"        a packet from the MTA: command letter, then fields
//   < i u32:0 "X-KAS-Status" " spam"   a packet kas must write (all `<` lines since the last check, in order)
//   ? {"envelope":{"from":""}}    the finished message handed to the server contains this (JSON subset; raw as latin1 text)
//   = {"disposition":"accept","edits":[]}   the outcome the server hands back for that message
//   ! out_of_order                a protocol error of this kind ends the connection
//   . close                       the MTA said QUIT
// Fields: "text" = JSON string as latin1 bytes plus the terminating NUL; b"text" = the bytes
// without NUL; u16:N, u32:N (decimal or 0x); c:X = the one byte X. Lengths are computed here,
// so the transcripts stay readable; framing.test.ts pins the length encoding itself.

export type TranscriptStep =
  | { op: "in" | "out"; bytes: Uint8Array; line: number }
  | { op: "message"; expect: Record<string, unknown>; line: number }
  | { op: "outcome"; outcome: unknown; line: number }
  | { op: "error"; kind: string; line: number }
  | { op: "close"; line: number };

const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);

export function fieldBytes(tok: string): Uint8Array {
  if (tok.startsWith('b"')) return latin1(JSON.parse(tok.slice(1)));
  if (tok.startsWith('"')) return latin1(JSON.parse(tok) + "\0");
  const m = /^(u16|u32):(0x[0-9a-f]+|\d+)$/i.exec(tok);
  if (m) {
    const n = Number(m[2]);
    const b = new Uint8Array(m[1] === "u16" ? 2 : 4);
    const v = new DataView(b.buffer);
    if (m[1] === "u16") v.setUint16(0, n);
    else v.setUint32(0, n);
    return b;
  }
  if (/^c:.$/.test(tok)) return latin1(tok[2]);
  throw new Error(`bad transcript field ${tok}`);
}

/** One packet: 4-byte big-endian length, the command letter, the fields. */
export function packet(code: string, ...fields: Uint8Array[]): Uint8Array {
  const len = 1 + fields.reduce((n, f) => n + f.byteLength, 0);
  const out = new Uint8Array(4 + len);
  new DataView(out.buffer).setUint32(0, len);
  out[4] = code.charCodeAt(0);
  let off = 5;
  for (const f of fields) {
    out.set(f, off);
    off += f.byteLength;
  }
  return out;
}

export function parseTranscript(text: string): TranscriptStep[] {
  const steps: TranscriptStep[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = i + 1;
    const s = raw.trim();
    if (!s || s.startsWith("#")) return;
    const op = s[0];
    const rest = s.slice(1).trim();
    if (op === ">" || op === "<") {
      const toks = rest.match(/b?"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
      const [code, ...fields] = toks;
      if (!code || code.length !== 1) throw new Error(`line ${line}: expected a command letter`);
      steps.push({ op: op === ">" ? "in" : "out", bytes: packet(code, ...fields.map(fieldBytes)), line });
    } else if (op === "?") steps.push({ op: "message", expect: JSON.parse(rest), line });
    else if (op === "=") steps.push({ op: "outcome", outcome: JSON.parse(rest), line });
    else if (op === "!") steps.push({ op: "error", kind: rest, line });
    else if (op === "." && rest === "close") steps.push({ op: "close", line });
    else throw new Error(`line ${line}: cannot read ${JSON.stringify(s)}`);
  });
  return steps;
}
