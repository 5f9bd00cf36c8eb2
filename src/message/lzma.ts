// An LZMA and LZMA2 decoder, for the one thing kas needs it for: a 7z archive's header, which
// 7-Zip compresses (with LZMA; other writers with LZMA2), so the names an archive holds and
// whether its files are locked can be read (archive-7z.ts). Written from the LZMA SDK's
// specification (lzma-specification.txt, "LzmaSpec.cpp": range coder, literal, length and
// distance coders, the 12-state machine) and xz's description of LZMA2 chunks. No library:
// the ones on npm are native addons, .xz-only, or LZMA-only ports (the commit says which);
// this is a page of arithmetic with the bound kas needs (every call says how many bytes it
// wants, at most, and a stream that lies about its size yields undefined, never more).

const BIT_MODEL_BITS = 11;
const BIT_MODEL_TOTAL = 1 << BIT_MODEL_BITS;
const MOVE_BITS = 5;
const TOP = 1 << 24;
const STATES = 12;
const POS_BITS_MAX = 4;
const LEN_TO_POS_STATES = 4;
const END_POS_MODEL = 14;
const FULL_DISTANCES = 128;
const ALIGN_BITS = 4;
const MATCH_MIN_LEN = 2;

/** A malformed stream: caught at the entry points, which answer undefined. */
class Corrupt extends Error {}

/** The range decoder over one compressed run (a whole LZMA stream, or one LZMA2 chunk). */
class Range {
  range = 0xffffffff;
  code = 0;
  constructor(
    private readonly input: Uint8Array,
    private at: number,
    private readonly end: number,
  ) {
    if (this.byte() !== 0) throw new Corrupt();
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.byte()) >>> 0;
    if (this.code === this.range) throw new Corrupt();
  }

  private byte(): number {
    if (this.at >= this.end) throw new Corrupt();
    return this.input[this.at++];
  }

  private normalize(): void {
    if (this.range < TOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.byte()) >>> 0;
    }
  }

  bit(probs: Uint16Array, i: number): number {
    const p = probs[i];
    const bound = (this.range >>> BIT_MODEL_BITS) * p;
    let b: number;
    if (this.code < bound) {
      probs[i] = p + ((BIT_MODEL_TOTAL - p) >>> MOVE_BITS);
      this.range = bound;
      b = 0;
    } else {
      probs[i] = p - (p >>> MOVE_BITS);
      this.code -= bound;
      this.range -= bound;
      b = 1;
    }
    this.normalize();
    return b;
  }

  direct(bits: number): number {
    let r = 0;
    for (let i = 0; i < bits; i++) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      r = ((r << 1) | b) >>> 0;
      this.normalize();
    }
    return r;
  }

  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }

  reverse(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) | b;
      sym |= b << i;
    }
    return sym;
  }

  /** The stream ended where it should: nothing left in the coder. */
  get finished(): boolean {
    return this.code === 0;
  }
}

/** The length coder's probabilities: choice, choice 2, low and mid trees per position state, one high tree. */
const LEN_CHOICE = 0;
const LEN_CHOICE2 = 1;
const LEN_LOW = 2;
const LEN_MID = LEN_LOW + (8 << POS_BITS_MAX);
const LEN_HIGH = LEN_MID + (8 << POS_BITS_MAX);
const LEN_PROBS = LEN_HIGH + 256;

function decodeLength(rc: Range, p: Uint16Array, posState: number): number {
  if (rc.bit(p, LEN_CHOICE) === 0) return rc.tree(p, LEN_LOW + (posState << 3), 3);
  if (rc.bit(p, LEN_CHOICE2) === 0) return 8 + rc.tree(p, LEN_MID + (posState << 3), 3);
  return 16 + rc.tree(p, LEN_HIGH, 8);
}

/** Decoder state that LZMA2 carries from chunk to chunk (probabilities, state, the last four distances, the window). */
class Lzma {
  lc = 0;
  lp = 0;
  pb = 0;
  literal = new Uint16Array(0);
  isMatch = new Uint16Array(STATES << POS_BITS_MAX);
  isRep = new Uint16Array(STATES);
  isRepG0 = new Uint16Array(STATES);
  isRepG1 = new Uint16Array(STATES);
  isRepG2 = new Uint16Array(STATES);
  isRep0Long = new Uint16Array(STATES << POS_BITS_MAX);
  posSlot = new Uint16Array(LEN_TO_POS_STATES << 6);
  posSpecial = new Uint16Array(1 + FULL_DISTANCES - END_POS_MODEL);
  align = new Uint16Array(1 << ALIGN_BITS);
  len = new Uint16Array(LEN_PROBS);
  repLen = new Uint16Array(LEN_PROBS);
  state = 0;
  reps = [0, 0, 0, 0];
  /** Where the window (dictionary) starts in `out`: LZMA2's dictionary reset moves it. */
  windowStart = 0;

  constructor(
    readonly out: Uint8Array,
    public pos: number,
    readonly dictSize: number,
  ) {}

  /** lc, lp and pb from the properties byte ((pb * 5 + lp) * 9 + lc). */
  setProperties(d: number): void {
    if (d >= 9 * 5 * 5) throw new Corrupt();
    this.lc = d % 9;
    this.lp = Math.floor(d / 9) % 5;
    this.pb = Math.floor(d / 45);
    // LZMA2 keeps lc + lp ≤ 4 and 7-Zip never writes more; LZMA allows 12, 0x300 << 12
    // probabilities (6 MB to fill for a few bytes of header): over 8 is refused.
    if (this.lc + this.lp > 8) throw new Corrupt();
  }

  resetState(): void {
    const need = 0x300 << (this.lc + this.lp);
    if (this.literal.length !== need) this.literal = new Uint16Array(need);
    for (const a of [this.literal, this.isMatch, this.isRep, this.isRepG0, this.isRepG1, this.isRepG2, this.isRep0Long, this.posSlot, this.posSpecial, this.align, this.len, this.repLen]) a.fill(BIT_MODEL_TOTAL >>> 1);
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  /** Decodes until `out` holds `until` bytes (or an end marker, when `marker` allows one). */
  run(rc: Range, until: number, marker: boolean): void {
    const { out, reps } = this;
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    let { pos, state } = this;
    while (pos < until) {
      const posState = (pos - this.windowStart) & pbMask;
      if (rc.bit(this.isMatch, (state << POS_BITS_MAX) + posState) === 0) {
        const prev = pos > this.windowStart ? out[pos - 1] : 0;
        const base = 0x300 * ((((pos - this.windowStart) & lpMask) << this.lc) + (prev >>> (8 - this.lc)));
        let sym = 1;
        if (state >= 7) {
          let match = this.byteAt(pos, reps[0] + 1);
          do {
            const matchBit = (match >>> 7) & 1;
            match <<= 1;
            const b = rc.bit(this.literal, base + ((1 + matchBit) << 8) + sym);
            sym = (sym << 1) | b;
            if (matchBit !== b) break;
          } while (sym < 0x100);
        }
        while (sym < 0x100) sym = (sym << 1) | rc.bit(this.literal, base + sym);
        out[pos++] = sym - 0x100;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (rc.bit(this.isRep, state) !== 0) {
        if (pos === this.windowStart) throw new Corrupt();
        if (rc.bit(this.isRepG0, state) === 0) {
          if (rc.bit(this.isRep0Long, (state << POS_BITS_MAX) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            out[pos] = this.byteAt(pos, reps[0] + 1);
            pos++;
            continue;
          }
        } else {
          let dist: number;
          if (rc.bit(this.isRepG1, state) === 0) dist = reps[1];
          else {
            if (rc.bit(this.isRepG2, state) === 0) dist = reps[2];
            else {
              dist = reps[3];
              reps[3] = reps[2];
            }
            reps[2] = reps[1];
          }
          reps[1] = reps[0];
          reps[0] = dist;
        }
        len = decodeLength(rc, this.repLen, posState);
        state = state < 7 ? 8 : 11;
      } else {
        reps[3] = reps[2];
        reps[2] = reps[1];
        reps[1] = reps[0];
        len = decodeLength(rc, this.len, posState);
        state = state < 7 ? 7 : 10;
        const dist = this.distance(rc, len);
        if (dist === 0xffffffff) {
          // The end marker: only where the caller allows one and the coder is spent.
          if (!marker || !rc.finished) throw new Corrupt();
          break;
        }
        reps[0] = dist;
        if (dist >= this.dictSize || dist >= pos - this.windowStart) throw new Corrupt();
      }
      len += MATCH_MIN_LEN;
      // A match running past the size the container gave is a lie: refused, not cut. A
      // repeated distance is checked here too (LZMA2 keeps them across a dictionary reset).
      if (len > until - pos || reps[0] >= pos - this.windowStart) throw new Corrupt();
      const from = pos - reps[0] - 1;
      for (let i = 0; i < len; i++) out[pos + i] = out[from + i];
      pos += len;
    }
    this.pos = pos;
    this.state = state;
  }

  private byteAt(pos: number, dist: number): number {
    if (dist > pos - this.windowStart) throw new Corrupt();
    return this.out[pos - dist];
  }

  private distance(rc: Range, len: number): number {
    const slot = rc.tree(this.posSlot, Math.min(len, LEN_TO_POS_STATES - 1) << 6, 6);
    if (slot < 4) return slot;
    const direct = (slot >>> 1) - 1;
    let dist = ((2 | (slot & 1)) << direct) >>> 0;
    if (slot < END_POS_MODEL) return dist + rc.reverse(this.posSpecial, dist - slot, direct);
    dist = (dist + rc.direct(direct - ALIGN_BITS) * (1 << ALIGN_BITS)) >>> 0;
    return (dist + rc.reverse(this.align, 0, ALIGN_BITS)) >>> 0;
  }
}

/** At most this many bytes out of any one call, whatever the stream says: callers pass less. */
const MAX_LZMA_OUTPUT = 16 * 1024 * 1024;

/**
 * A raw LZMA stream (as a 7z coder holds it: no .lzma header) with its 5 property bytes
 * (lc/lp/pb, dictionary size) and the size it unpacks to. Undefined for anything malformed,
 * for a size over `max`, and for a stream that ends early or runs long.
 */
export function unlzma(props: Uint8Array, input: Uint8Array, size: number, max: number): Uint8Array | undefined {
  if (props.length < 5 || !Number.isSafeInteger(size) || size < 0 || size > Math.min(max, MAX_LZMA_OUTPUT)) return undefined;
  try {
    const dictSize = Math.max(props[1] | (props[2] << 8) | (props[3] << 16) | (props[4] << 24), 0) >>> 0;
    const lz = new Lzma(new Uint8Array(size), 0, Math.max(dictSize, 4096));
    lz.setProperties(props[0]);
    lz.resetState();
    const rc = new Range(input, 0, input.length);
    lz.run(rc, size, true);
    return lz.pos === size ? lz.out : undefined;
  } catch (e) {
    if (e instanceof Corrupt) return undefined;
    throw e;
  }
}

/**
 * An LZMA2 stream (7z coder 21; xz's filter) with its one property byte (the dictionary size),
 * unpacking to `size` bytes. Chunks: 0 ends; 1 and 2 are stored (1 resetting the dictionary);
 * 0x80 and up are LZMA, bits 5–6 saying what is reset (state, new properties, dictionary).
 */
export function unlzma2(prop: number, input: Uint8Array, size: number, max: number): Uint8Array | undefined {
  if (prop > 40 || !Number.isSafeInteger(size) || size < 0 || size > Math.min(max, MAX_LZMA_OUTPUT)) return undefined;
  const dictSize = prop === 40 ? 0xffffffff : (2 | (prop & 1)) * 2 ** (Math.floor(prop / 2) + 11);
  const lz = new Lzma(new Uint8Array(size), 0, dictSize);
  let at = 0;
  let needDictReset = true;
  let needProps = true;
  try {
    for (;;) {
      if (at >= input.length) return undefined;
      const c = input[at++];
      if (c === 0) break;
      if (at + 2 > input.length) return undefined;
      if (c === 1 || c === 2) {
        if (c === 2 && needDictReset) return undefined;
        if (c === 1) {
          lz.windowStart = lz.pos;
          needDictReset = false;
        }
        const n = ((input[at] << 8) | input[at + 1]) + 1;
        at += 2;
        if (at + n > input.length || lz.pos + n > size) return undefined;
        lz.out.set(input.subarray(at, at + n), lz.pos);
        lz.pos += n;
        at += n;
        continue;
      }
      if (c < 0x80) return undefined;
      const reset = (c >>> 5) & 3;
      const unpacked = ((c & 0x1f) << 16) + ((input[at] << 8) | input[at + 1]) + 1;
      at += 2;
      if (at + 2 > input.length) return undefined;
      const packed = ((input[at] << 8) | input[at + 1]) + 1;
      at += 2;
      if (reset === 3) {
        lz.windowStart = lz.pos;
        needDictReset = false;
      } else if (needDictReset) return undefined;
      if (reset >= 2) {
        if (at >= input.length) return undefined;
        lz.setProperties(input[at++]);
        if (lz.lc + lz.lp > 4) return undefined;
        needProps = false;
      } else if (needProps) return undefined;
      if (reset >= 1) lz.resetState();
      if (at + packed > input.length || lz.pos + unpacked > size) return undefined;
      lz.run(new Range(input, at, at + packed), lz.pos + unpacked, false);
      at += packed;
    }
    return lz.pos === size ? lz.out : undefined;
  } catch (e) {
    if (e instanceof Corrupt) return undefined;
    throw e;
  }
}
