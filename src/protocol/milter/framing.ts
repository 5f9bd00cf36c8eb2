// Milter packet framing, both directions (Vierling's protocol text, "LINK/PACKET PROTOCOL",
// https://github.com/emersion/go-milter/blob/master/milter-protocol.txt):
//   packet = length command data
//   length = uint32, big-endian: the number of bytes that follow (command + data), at least 1
//   command = 1 byte (SMFIC_* from the MTA, SMFIR_* from the filter)
//   data   = length - 1 bytes, command-specific
// The reader is incremental: bytes arrive in chunks of any size, a chunk may hold several
// packets or a piece of one. A length above the limit is refused as soon as its 4 bytes are
// in, before any byte of the packet is buffered, so a hostile peer cannot make us allocate it.
import { MilterProtocolError } from "./error";

/**
 * Largest packet we accept. Body chunks are at most 65535 bytes, but one header field travels
 * in one packet and Postfix allows 100 KiB per header (header_size_limit); 1 MiB is also the
 * largest data size sendmail can be built for (SMFIP_MDS_1M).
 */
export const DEFAULT_MAX_PACKET = 1024 * 1024;

export interface Frame {
  code: number;
  /** View into the reader's buffer: valid until the next push(). */
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export class FrameReader {
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  private failed: MilterProtocolError | undefined;

  constructor(readonly maxPacket = DEFAULT_MAX_PACKET) {}

  /** Bytes received and not yet returned as frames. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** Appends a chunk. Frames returned earlier may be overwritten from here on. */
  push(chunk: Uint8Array): void {
    if (this.failed || chunk.byteLength === 0) return;
    const have = this.end - this.start;
    if (this.end + chunk.byteLength <= this.buf.byteLength) {
      this.buf.set(chunk, this.end);
      this.end += chunk.byteLength;
      return;
    }
    const need = have + chunk.byteLength;
    let next = this.buf;
    if (need > this.buf.byteLength) {
      // Doubling keeps many small packets cheap. While the caller reads frames after every
      // push this holds at most one partial packet plus the new chunk; a caller that stops
      // reading (waiting for a scan) bounds `buffered` itself.
      next = new Uint8Array(Math.max(need, Math.min(this.buf.byteLength * 2, this.maxPacket + 5)));
      next.set(this.buf.subarray(this.start, this.end), 0);
    } else {
      next.copyWithin(0, this.start, this.end);
    }
    next.set(chunk, have);
    this.buf = next;
    this.start = 0;
    this.end = need;
  }

  /**
   * The next complete frame, undefined when more bytes are needed, or the protocol error
   * (sticky: once the length field was bad the stream cannot be resynchronised).
   */
  next(): Frame | MilterProtocolError | undefined {
    if (this.failed) return this.failed;
    const have = this.end - this.start;
    if (have < 4) return undefined;
    const b = this.buf;
    const s = this.start;
    const len = ((b[s] << 24) | (b[s + 1] << 16) | (b[s + 2] << 8) | b[s + 3]) >>> 0;
    if (len === 0 || len > this.maxPacket) {
      this.failed = new MilterProtocolError("bad_length", len === 0 ? "milter packet with length 0 (no command byte)" : `milter packet of ${len} bytes is longer than the limit of ${this.maxPacket} bytes`);
      this.buf = EMPTY;
      this.start = this.end = 0;
      return this.failed;
    }
    if (have < 4 + len) return undefined;
    const frame = { code: b[s + 4], data: b.subarray(s + 5, s + 4 + len) };
    this.start += 4 + len;
    if (this.start === this.end) this.start = this.end = 0;
    return frame;
  }
}

/** One packet: length, code, then the parts concatenated. */
export function encodePacket(code: number, ...parts: Uint8Array[]): Uint8Array {
  let len = 1;
  for (const p of parts) len += p.byteLength;
  const out = new Uint8Array(4 + len);
  new DataView(out.buffer).setUint32(0, len);
  out[4] = code;
  let off = 5;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.byteLength;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}
