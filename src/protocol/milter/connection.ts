// The milter door's per-connection driver for the server: bytes in → events out. It joins the
// framing, the command decoder and the session, and holds back whatever the MTA sends after
// end of message until the server has answered it (the MTA waits for that answer; anything
// it sends meanwhile is kept in the frame reader, bounded).
//
//   const conn = new MilterConnection({ sizeLimit });
//   socket.data = (chunk) => handle(conn.push(chunk));
//   handle(events): "write" → socket.write(bytes); "message" → scan, then handle(conn.finish(outcome));
//                   "close" → socket.end(); "error" → log error.message, socket.end()
// While a scan runs longer than the MTA's timeout (Postfix milter_content_timeout, 300 s),
// conn.progress() gives an SMFIR_PROGRESS packet to write.
import type { EncodedOutcome, MilterOutcome } from "./actions";
import { decodeCommand } from "./commands";
import { MilterProtocolError } from "./error";
import { concatBytes, DEFAULT_MAX_PACKET, FrameReader } from "./framing";
import { type MilterMessage, MilterSession } from "./session";

export type MilterEvent =
  | { kind: "write"; bytes: Uint8Array }
  | { kind: "message"; message: MilterMessage }
  | { kind: "close" }
  | { kind: "error"; error: MilterProtocolError };

export interface MilterConnectionOptions {
  /** Larger messages are not kept; the finished message says why (`overLimit`). */
  sizeLimit: number;
  /** Longest packet accepted (DEFAULT_MAX_PACKET). */
  maxPacket?: number;
}

/** What an MTA may send while it waits for our end-of-message answer: nothing, or an ABORT/QUIT. */
export const MAX_WHILE_WAITING = 64 * 1024;

export class MilterConnection {
  readonly session: MilterSession;
  private readonly reader: FrameReader;
  private done = false;

  constructor(opts: MilterConnectionOptions) {
    this.session = new MilterSession(opts.sizeLimit);
    this.reader = new FrameReader(opts.maxPacket ?? DEFAULT_MAX_PACKET);
  }

  /** Bytes held for this connection: unread input plus the message being collected. */
  get heldBytes(): number {
    return this.reader.buffered + this.session.heldBytes;
  }

  push(chunk: Uint8Array): MilterEvent[] {
    if (this.done) return [];
    this.reader.push(chunk);
    if (this.session.state === "eom") {
      if (this.reader.buffered <= MAX_WHILE_WAITING) return [];
      return this.fail(new MilterProtocolError("flooded", `the MTA sent more than ${MAX_WHILE_WAITING} bytes while waiting for the end-of-message reply`));
    }
    return this.drain([]);
  }

  /** The answer to the message event; then whatever the MTA sent meanwhile is processed. */
  finish(outcome: MilterOutcome): { events: MilterEvent[]; encoded: EncodedOutcome } {
    const encoded = this.session.endOfMessage(outcome);
    // After an error (the MTA flooded us while we scanned) the connection is being closed.
    if (this.done) return { events: [], encoded };
    return { events: this.drain([{ kind: "write", bytes: concatBytes(encoded.packets) }]), encoded };
  }

  /** SMFIR_PROGRESS while a scan runs; undefined when no answer is owed. */
  progress(): Uint8Array | undefined {
    return this.done ? undefined : this.session.progress();
  }

  private drain(events: MilterEvent[]): MilterEvent[] {
    const out: Uint8Array[] = [];
    const flush = () => {
      if (out.length) events.push({ kind: "write", bytes: concatBytes(out.splice(0)) });
    };
    for (;;) {
      const frame = this.reader.next();
      if (frame === undefined) break;
      if (frame instanceof MilterProtocolError) {
        flush();
        return [...events, ...this.fail(frame)];
      }
      const cmd = decodeCommand(frame);
      if (cmd instanceof MilterProtocolError) {
        flush();
        return [...events, ...this.fail(cmd)];
      }
      const step = this.session.handle(cmd);
      if (step.kind === "reply") {
        out.push(...step.packets);
        continue;
      }
      flush();
      if (step.kind === "error") return [...events, ...this.fail(step.error)];
      if (step.kind === "close") {
        this.done = true;
        events.push({ kind: "close" });
        return events;
      }
      events.push({ kind: "message", message: step.message });
      return events; // the rest waits for finish()
    }
    flush();
    return events;
  }

  private fail(error: MilterProtocolError): MilterEvent[] {
    this.done = true;
    return [{ kind: "error", error }];
  }
}
