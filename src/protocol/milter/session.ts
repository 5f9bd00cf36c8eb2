// One milter connection's state machine, without sockets: fed decoded commands, it answers
// with reply packets and, at end of message, hands over the finished message; the server
// scans it and passes the outcome to endOfMessage() for the closing replies.
//
// Order (libmilter's state table, engine.c, which Postfix and sendmail follow):
//   start --O--> negotiated --C--> idle --H--> idle (H also inside a transaction: ABORT follows)
//   idle --M--> mail --R--> rcpt (--R--> rcpt) --T--> data
//   rcpt|data --L--> header (--L--> header) --N--> body (--B--> body) --E--> eom --reply--> idle
//   A (abort) from any state after negotiation: the message is dropped, the connection kept
//   K (quit, new connection follows): back to negotiated; Q: closed. D (macros): any time after O.
// Anything else is a protocol error; the server closes the connection and the MTA applies
// its milter_default_action.
import type { Envelope } from "../../model";
import { MessageAssembler, type ReceivedField } from "./assemble";
import { encodeOutcome, type EncodedOutcome, type MilterOutcome } from "./actions";
import type { ConnectFamily, MilterCommand } from "./commands";
import { MilterProtocolError } from "./error";
import { negotiate, type Negotiated } from "./negotiate";
import { encodeContinue, encodeNegotiation, encodeProgress, encodeSkip } from "./replies";

export type SessionState = "start" | "negotiated" | "idle" | "mail" | "rcpt" | "data" | "header" | "body" | "eom" | "closed";

export interface ClientInfo {
  family: ConnectFamily;
  /** The name the MTA gives for the client: its verified PTR name, or "[address]" / "unknown". */
  hostname: string;
  address?: string;
  port?: number;
}

/** Everything the scanner and the log line need about one message. */
export interface MilterMessage {
  envelope: Envelope;
  client?: ClientInfo;
  /** The client's host name, when the MTA found one (not a bracketed address or "unknown"). */
  ptr?: string;
  /** ESMTP parameters of MAIL FROM (SIZE=, BODY=8BITMIME, ...). */
  mailArgs: string[];
  /** `{auth_authen}`: the SASL login of an authenticated client. */
  authUser?: string;
  /** `{daemon_name}`: which MTA service received the message. */
  daemonName?: string;
  /** `j`: the MTA's own host name. */
  mtaHost?: string;
  /** Header fields in received order (their CHGHEADER indexes are computed from this). */
  headers: readonly ReceivedField[];
  /** The message as exact bytes; undefined when it went over a limit. */
  raw?: Uint8Array;
  /** Bytes received for the message, kept or not (after a SKIP the MTA sends no more: then a lower bound). */
  size: number;
  /** Why `raw` is missing: the server passes the message with X-KAS-Status: unscanned and this reason. */
  overLimit?: string;
}

export type SessionStep =
  | { kind: "reply"; packets: Uint8Array[] }
  /** End of message: the server owes the MTA an answer, given through endOfMessage(). */
  | { kind: "message"; message: MilterMessage }
  | { kind: "close" }
  | { kind: "error"; error: MilterProtocolError };

/** RFC 5321 §4.5.3.1.8 asks for 100 recipients per message; Postfix allows 1000 by default. */
export const MAX_RCPTS = 10_000;
/** Macros kept per scope; an MTA sends a few dozen at most. */
const MAX_MACROS = 256;

const NONE: SessionStep = { kind: "reply", packets: [] };
const ALLOWED: Record<MilterCommand["kind"], readonly SessionState[]> = {
  optneg: ["start"],
  macro: ["negotiated", "idle", "mail", "rcpt", "data", "header", "body"],
  connect: ["negotiated"],
  // Postfix reports an EHLO inside a transaction first and aborts the transaction after it.
  helo: ["idle", "mail", "rcpt"],
  mail: ["idle"],
  rcpt: ["mail", "rcpt"],
  data: ["rcpt"],
  header: ["rcpt", "data", "header"],
  eoh: ["rcpt", "data", "header"],
  body: ["rcpt", "data", "header", "body"],
  eob: ["rcpt", "data", "header", "body"],
  abort: ["negotiated", "idle", "mail", "rcpt", "data", "header", "body"],
  unknown: ["negotiated", "idle", "mail", "rcpt"],
  quit: ["start", "negotiated", "idle", "mail", "rcpt", "data", "header", "body"],
  quitNc: ["negotiated", "idle", "mail", "rcpt", "data", "header", "body"],
};

/** `<addr>` → addr; `<>` → "" (the null reverse-path of bounces). */
const unbracket = (a: string) => (a.startsWith("<") && a.endsWith(">") ? a.slice(1, -1) : a);

export class MilterSession {
  state: SessionState = "start";
  options: Negotiated | undefined;
  private client: ClientInfo | undefined;
  private helo: string | undefined;
  private connMacros = new Map<string, string>();
  private msgMacros = new Map<string, string>();
  private from: string | undefined;
  private mailArgs: string[] = [];
  private rcpt: string[] = [];
  private message: MessageAssembler | undefined;
  private pendingFields: readonly ReceivedField[] = [];
  private pendingComplete = true;

  constructor(readonly sizeLimit: number) {}

  /** Bytes this session holds for the current message: its bytes and kept fields, each bounded by the size limit. */
  get heldBytes(): number {
    return this.message?.keptBytes ?? 0;
  }

  handle(cmd: MilterCommand): SessionStep {
    if (!ALLOWED[cmd.kind].includes(this.state)) {
      return { kind: "error", error: new MilterProtocolError("out_of_order", `milter command ${cmd.kind} is not allowed in state ${this.state}`) };
    }
    const o = this.options;
    const answer = (wanted: boolean | undefined): SessionStep => (wanted ? { kind: "reply", packets: [encodeContinue()] } : NONE);
    switch (cmd.kind) {
      case "optneg": {
        const n = negotiate(cmd);
        if (n instanceof MilterProtocolError) return { kind: "error", error: n };
        this.options = n;
        this.state = "negotiated";
        return { kind: "reply", packets: [encodeNegotiation(n)] };
      }
      case "macro": {
        // Connect and HELO macros describe the connection; the rest belong to one message.
        const scope = cmd.stage === "C" || cmd.stage === "H" ? this.connMacros : this.msgMacros;
        for (const [name, value] of cmd.macros) if (scope.size < MAX_MACROS || scope.has(name)) scope.set(name, value);
        return NONE;
      }
      case "connect":
        this.client = { family: cmd.family, hostname: cmd.hostname, address: cmd.address, port: cmd.port };
        this.state = "idle";
        return answer(o?.replies.connect);
      case "helo":
        this.helo = cmd.name;
        return answer(o?.replies.helo);
      case "mail":
        // The message state is already clean here (idle); its macros ('D' for 'M') came just before.
        this.from = unbracket(cmd.args[0]);
        this.mailArgs = cmd.args.slice(1);
        this.state = "mail";
        return answer(o?.replies.mail);
      case "rcpt":
        if (this.rcpt.length < MAX_RCPTS) this.rcpt.push(unbracket(cmd.args[0]));
        this.state = "rcpt";
        return answer(o?.replies.rcpt);
      case "data":
        this.state = "data";
        return answer(o?.replies.data);
      case "unknown":
        return answer(o?.replies.unknown);
      case "header":
        this.assembler().header(cmd.name, cmd.value);
        this.state = "header";
        return answer(o?.replies.header);
      case "eoh":
        this.assembler().endOfHeaders();
        this.state = "body";
        return answer(o?.replies.eoh);
      case "body": {
        const m = this.assembler();
        m.body(cmd.chunk);
        this.state = "body";
        if (m.overLimit && o?.skip) return { kind: "reply", packets: [encodeSkip()] };
        return answer(o?.replies.body);
      }
      case "eob": {
        const m = this.assembler();
        m.body(cmd.chunk);
        this.state = "eom";
        return { kind: "message", message: this.finished(m) };
      }
      case "abort":
        this.resetMessage();
        if (this.state !== "negotiated") this.state = "idle";
        return NONE;
      case "quit":
        this.resetMessage();
        this.state = "closed";
        return { kind: "close" };
      case "quitNc":
        this.resetMessage();
        this.client = this.helo = undefined;
        this.connMacros.clear();
        this.state = "negotiated";
        return NONE;
    }
  }

  /** The answer to end of message; the session is then ready for the next one. */
  endOfMessage(outcome: MilterOutcome): EncodedOutcome {
    if (this.state !== "eom" || !this.options) throw new Error(`MilterSession.endOfMessage called in state ${this.state}`);
    const out = encodeOutcome(outcome, this.pendingFields, this.options, this.pendingComplete);
    this.resetMessage();
    this.state = "idle";
    return out;
  }

  /** SMFIR_PROGRESS keeps the MTA waiting while a scan runs; only valid while an answer is owed. */
  progress(): Uint8Array | undefined {
    return this.state === "eom" ? encodeProgress() : undefined;
  }

  private assembler(): MessageAssembler {
    this.message ??= new MessageAssembler(this.sizeLimit, this.options?.leadingSpace ?? false);
    return this.message;
  }

  private macro(name: string): string | undefined {
    return this.msgMacros.get(name) ?? this.connMacros.get(name);
  }

  private finished(m: MessageAssembler): MilterMessage {
    const raw = m.finish();
    const c = this.client;
    const ip = c && (c.family === "inet" || c.family === "inet6") ? c.address : undefined;
    const host = c?.hostname;
    this.pendingFields = m.fields;
    this.pendingComplete = m.fieldsComplete;
    return {
      envelope: { ip, helo: this.helo, from: this.from, rcpt: [...this.rcpt], queueId: this.macro("i") || undefined },
      client: c,
      ptr: host && !host.startsWith("[") && host !== "unknown" ? host : undefined,
      mailArgs: this.mailArgs,
      authUser: this.macro("{auth_authen}") || undefined,
      daemonName: this.macro("{daemon_name}") || undefined,
      mtaHost: this.macro("j") || undefined,
      headers: m.fields,
      raw,
      size: m.size,
      overLimit: m.overLimit,
    };
  }

  private resetMessage(): void {
    this.from = undefined;
    this.mailArgs = [];
    this.rcpt = [];
    this.message = undefined;
    this.pendingFields = [];
    this.pendingComplete = true;
    this.msgMacros.clear();
  }
}
