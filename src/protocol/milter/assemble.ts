// Reassembles the message the MTA streams as SMFIC_HEADER / SMFIC_EOH / SMFIC_BODY packets
// into the bytes the scanner reads: each header field as "name:" value CRLF, a blank line,
// then the body chunks unchanged (Postfix and sendmail send the body with CRLF line ends).
// Folded header values arrive with bare LF line breaks (sendmail's convention, which Postfix
// follows); they become CRLF. Without SMFIP_HDR_LEADSPC the MTA removed one space after the
// colon, so one is put back. Postfix never shows a filter its own topmost Received: field.
//
// The size limit is a promise to the server: once the message grows past it we stop keeping
// bytes (and free what we kept), count the rest, and the finished message says so.

export interface ReceivedField {
  /** Field name exactly as received. */
  name: string;
  /** Value as received (latin1: one character per byte), without the leading space unless SMFIP_HDR_LEADSPC. */
  value: string;
}

/** Fields beyond this many are not kept (RFC 5322 sets no limit; real mail has < 200). */
export const MAX_FIELDS = 10_000;

const CRLF = Uint8Array.of(0x0d, 0x0a);

export class MessageAssembler {
  /**
   * The received fields, for CHGHEADER indexes and the Subject value: kept while they fit in
   * the size limit (names and values), so a hostile header cannot grow memory past it either.
   * Fields after that are not kept: their edits are then not possible (rare: such a header
   * block is itself larger than any message kas scans).
   */
  readonly fields: ReceivedField[] = [];
  /** False once a field was not kept. */
  fieldsComplete = true;
  private fieldBytes = 0;
  private chunks: Uint8Array[] = [];
  private kept = 0;
  /** Bytes of the reassembled message so far, kept or not. */
  size = 0;
  private headerDone = false;
  private overReason: string | undefined;

  constructor(
    readonly sizeLimit: number,
    private readonly leadingSpace: boolean,
  ) {}

  /** Why the bytes were not kept (size limit or field count); undefined when they were. */
  get overLimit(): string | undefined {
    return this.overReason;
  }

  /** Bytes currently held: message bytes and kept fields, each bounded by the size limit. */
  get keptBytes(): number {
    return this.kept + this.fieldBytes;
  }

  header(name: string, value: string): void {
    if (this.fields.length >= MAX_FIELDS) {
      this.stop(`more than ${MAX_FIELDS} header fields`);
      this.fieldsComplete = false;
    } else if (this.fieldsComplete && this.fieldBytes + name.length + value.length <= this.sizeLimit) {
      this.fields.push({ name, value });
      this.fieldBytes += name.length + value.length;
    } else {
      this.fieldsComplete = false;
    }
    const sep = this.leadingSpace ? ":" : ": ";
    this.append(Buffer.from(name + sep + value.replace(/\r?\n/g, "\r\n") + "\r\n", "latin1"));
  }

  /** End of the header block: the blank line. Idempotent, so a missing SMFIC_EOH is harmless. */
  endOfHeaders(): void {
    if (this.headerDone) return;
    this.headerDone = true;
    this.append(CRLF);
  }

  body(chunk: Uint8Array): void {
    this.endOfHeaders();
    if (this.overReason) {
      this.size += chunk.byteLength;
      return;
    }
    // Copied: a frame's bytes live in the reader's buffer, which the next packet overwrites.
    if (chunk.byteLength) this.append(new Uint8Array(chunk));
  }

  /** The exact bytes, or undefined when the message went over a limit. */
  finish(): Uint8Array | undefined {
    this.endOfHeaders();
    if (this.overReason) return undefined;
    const out = Buffer.concat(this.chunks, this.kept);
    this.chunks = [out];
    return out;
  }

  private append(bytes: Uint8Array): void {
    this.size += bytes.byteLength;
    if (this.overReason) return;
    if (this.size > this.sizeLimit) {
      this.stop(`larger than the size limit of ${this.sizeLimit} bytes`);
      return;
    }
    this.chunks.push(bytes);
    this.kept += bytes.byteLength;
  }

  private stop(reason: string): void {
    this.overReason ??= reason;
    this.chunks = [];
    this.kept = 0;
  }
}
