// RTF documents for archive.ts: the OLE objects they embed. Malware has been mailed as RTF
// since 2017 because Word loads an embedded object as it opens the file: an Equation Editor
// object (CVE-2017-11882, CVE-2018-0802; Office removed the editor in January 2018, so no
// document made since holds one, yet it is still among the most mailed exploits), or an
// OLE2Link object whose URL moniker fetches a script (CVE-2017-0199), or a "Package" object
// carrying a script or program that runs on a double click.
// An object is `{\object … {\*\objdata HEX}}`: the hex is an OLE 1.0 object ([MS-OLEDS]
// §2.2.4 ObjectHeader: version, format 1 linked / 2 embedded, class name, topic, item, then
// the native data, itself an OLE2 compound file for an embedded object). Exploit kits pad
// the hex with whitespace, control words and ignorable groups ({\*\foo …}), which Word skips:
// so does this reader. The class name in \objclass is only a label (Word goes by objdata's).
// Fields are read too: a DDE or DDEAUTO field starts a program as the document opens.
import { cutAtNul } from "./header-text";
import { holdsEquation, type OleObject, packagedFile, urlMoniker } from "./ole";

/** Objects read a document, and hex digits read an object (its header and enough native data for the class id). */
const MAX_OBJECTS = 16;
const MAX_OBJECT_BYTES = 64 * 1024;
/** Characters walked per object at most, whatever the padding (exploit kits pad to hundreds of KB). */
const MAX_WALK = 2 * 1024 * 1024;

/** Word takes a file as RTF from these four characters on (the rest of "{\rtf1" is optional to it). */
export const isRtf = (head: Uint8Array): boolean => head[0] === 0x7b && head[1] === 0x5c && head[2] === 0x72 && head[3] === 0x74;

/** Fields looked at, and how much of each instruction. */
const MAX_FIELDS = 64;
const FIELD_WINDOW = 512;

export function readRtf(b: Uint8Array): { objects: OleObject[]; dde: boolean } {
  const text = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  return { objects: objectsOf(text), dde: ddeField(text) };
}

/**
 * A field whose instruction is DDE or DDEAUTO: Word runs the program it names as the document
 * opens (after one prompt, which the text around it talks the reader past). The instruction
 * is read as Word reads it: control words and group braces dropped, \'hh escapes decoded.
 */
function ddeField(text: string): boolean {
  let n = 0;
  for (let at = text.indexOf("\\fldinst"); at >= 0 && n++ < MAX_FIELDS; at = text.indexOf("\\fldinst", at + 8)) {
    const instruction = text
      .slice(at + 8, at + 8 + FIELD_WINDOW)
      .replace(/\\[a-z]{1,32}-?\d{0,10} ?|\\\*|[{}\r\n]/gi, "")
      .replace(/\\'([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (/^\s*DDE(?:AUTO)?\s/i.test(instruction)) return true;
  }
  return false;
}

function objectsOf(text: string): OleObject[] {
  const objects: OleObject[] = [];
  // The next object is looked for after the last one's group: the walks never overlap, so a
  // document is walked once whatever it holds.
  for (let at = text.indexOf("\\objdata"); at >= 0 && objects.length < MAX_OBJECTS; at = text.indexOf("\\objdata", at)) {
    // A letter after it makes another control word (\objdatax): not this destination.
    if (/[a-z]/i.test(text[at + 8] ?? "")) {
      at += 8;
      continue;
    }
    const { data, end } = objectData(text, at + 8);
    const o = oleObject(data);
    if (o) objects.push(o);
    at = end;
  }
  return objects;
}

/** The bytes of one \objdata destination: its hex digits (and \bin runs), up to the brace that closes its group (`end`). */
function objectData(t: string, from: number): { data: Buffer; end: number } {
  const out = Buffer.alloc(MAX_OBJECT_BYTES);
  let n = 0;
  let nibble = -1;
  let depth = 1;
  const end = Math.min(t.length, from + MAX_WALK);
  let i = from;
  for (; i < end && n < MAX_OBJECT_BYTES; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x7b) {
      // An ignorable destination ({\*\…}) is skipped whole, as Word skips what it does not know.
      const j = skipSpace(t, i + 1);
      if (t.startsWith("\\*", j)) {
        i = groupEnd(t, i, end);
        continue;
      }
      depth++;
    } else if (c === 0x7d) {
      if (--depth === 0) break;
    } else if (c === 0x5c) {
      const word = /^\\([a-z]{1,32})(-?\d{1,10})? ?|^\\'[0-9a-f]{0,2}|^\\[^a-z]?/i.exec(t.slice(i, i + 48))!;
      if (word[1]?.toLowerCase() === "bin" && word[2] && nibble < 0) {
        // \binN: N bytes of data as they are.
        const len = Math.min(Math.max(Number(word[2]), 0), MAX_OBJECT_BYTES - n, end - (i + word[0].length));
        for (let k = 0; k < len; k++) out[n++] = t.charCodeAt(i + word[0].length + k) & 0xff;
        i += word[0].length + len - 1;
        continue;
      }
      i += word[0].length - 1;
    } else {
      const v = hexValue(c);
      if (v < 0) continue; // whitespace and anything else Word's hex reader passes over
      if (nibble < 0) nibble = v;
      else {
        out[n++] = (nibble << 4) | v;
        nibble = -1;
      }
    }
  }
  return { data: out.subarray(0, n), end: Math.max(i, from) };
}

const hexValue = (c: number) => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1);

function skipSpace(t: string, i: number): number {
  while (i < t.length && /\s/.test(t[i])) i++;
  return i;
}

/** The index of the brace that closes the group opening at `open` (or the walk's end). */
function groupEnd(t: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x5c) i++; // an escaped brace or backslash
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return i;
  }
  return end;
}

/** An OLE 1.0 object's class name and what its data says ([MS-OLEDS] §2.2.4, §2.2.5). */
function oleObject(d: Buffer): OleObject | undefined {
  if (d.length < 12) return undefined;
  const format = d.readUInt32LE(4);
  const nameLength = d.readUInt32LE(8);
  if (nameLength < 1 || nameLength > 256 || 12 + nameLength > d.length) return undefined;
  const className = cutAtNul(d.toString("latin1", 12, 12 + nameLength)).trim();
  const equation = /^equation\.3$/i.test(className) || holdsEquation(d);
  let link = urlMoniker(d);
  if (!link && format === 1 && 16 + nameLength <= d.length) {
    // A linked object: its topic is the file or address it is linked to.
    const at = 12 + nameLength;
    const topicLength = Math.min(d.readUInt32LE(at), 2048, d.length - at - 4);
    link = cutAtNul(d.toString("latin1", at + 4, at + 4 + Math.max(topicLength, 0))).trim() || undefined;
  }
  const file = format === 2 && /^package$/i.test(className) ? packageIn(d, 12 + nameLength) : undefined;
  return { className, equation, ...(link ? { link } : {}), ...(file ? { file } : {}) };
}

/** A "Package" object's file: its native data follows the header's topic and item names. */
function packageIn(d: Buffer, at: number): string | undefined {
  for (let i = 0; i < 2; i++) {
    if (at + 4 > d.length || d.readUInt32LE(at) > 4096) return undefined;
    at += 4 + d.readUInt32LE(at);
  }
  return packagedFile(d, at);
}
