// Test-only SMTP client (RFC 5321) over Bun.connect: one message per session, every reply
// awaited with a bound, the DATA dot-stuffed (§4.5.2). Enough to hand mail to a real MTA
// in e2e tests without swaks. Never imported by production code.

export interface SmtpReply {
  code: number;
  /** The reply's lines without their code, joined with "\n". */
  text: string;
}

export interface SmtpMessage {
  from: string;
  rcpt: string[];
  /** The message as on the wire after DATA, lines ending in CRLF, not dot-stuffed. */
  data: string | Uint8Array;
  helo?: string;
}

/** What the MTA said to the end of DATA (or the first refusal before it). */
export interface SmtpOutcome {
  reply: SmtpReply;
  /** The command the reply answered: "DATA" for the final reply, else the one refused. */
  stage: string;
  /** Postfix's "queued as ID", when it said so. */
  queueId?: string;
}

/** Every line starting with "." gets one more (RFC 5321 §4.5.2); the terminator is added. */
export function dotStuff(data: Uint8Array): Uint8Array {
  const s = Buffer.from(data).toString("latin1");
  const body = (s.endsWith("\r\n") ? s : s + "\r\n").replace(/(^|\r\n)\./g, "$1..");
  return Buffer.from(body + ".\r\n", "latin1");
}

/** Sends one message to host:port; throws only for transport failures and timeouts (refusals are outcomes). */
export async function sendMail(port: number, msg: SmtpMessage, opts: { host?: string; timeoutMs?: number } = {}): Promise<SmtpOutcome> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let buf = "";
  let closed: string | undefined;
  let drained: (() => void) | undefined;
  const sock = await Bun.connect({
    hostname: opts.host ?? "127.0.0.1",
    port,
    socket: {
      data(_s, d) {
        buf += Buffer.from(d).toString("latin1");
      },
      close() {
        closed ??= "connection closed";
      },
      error(_s, e) {
        closed = `socket error: ${e.message}`;
      },
      drain() {
        drained?.();
      },
    },
  });
  const reply = async (after: string): Promise<SmtpReply> => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      // A reply is complete at its line whose code is followed by a space (§4.2.1).
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*(\d{3})(?: [^\r\n]*)?\r\n/.exec(buf);
      if (m) {
        const lines = m[0].split("\r\n").slice(0, -1).map((l) => l.slice(4));
        buf = buf.slice(m[0].length);
        return { code: Number(m[1]), text: lines.join("\n") };
      }
      if (closed) throw new Error(`SMTP ${after}: ${closed} (had ${JSON.stringify(buf)})`);
      if (Date.now() > end) throw new Error(`SMTP ${after}: no reply within ${timeoutMs} ms (had ${JSON.stringify(buf)})`);
      await Bun.sleep(2);
    }
  };
  const write = async (bytes: Uint8Array) => {
    let off = 0;
    const end = Date.now() + timeoutMs;
    while (off < bytes.byteLength) {
      const n = sock.write(bytes.subarray(off));
      off += n;
      if (off < bytes.byteLength) {
        if (closed) throw new Error(`SMTP write: ${closed}`);
        if (Date.now() > end) throw new Error(`SMTP write: stalled for ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          drained = r;
          setTimeout(r, 20);
        });
      }
    }
  };
  const command = async (line: string, want: number) => {
    await write(Buffer.from(line + "\r\n", "latin1"));
    const r = await reply(line);
    return r.code === want ? undefined : r;
  };
  try {
    const banner = await reply("banner");
    if (banner.code !== 220) return { reply: banner, stage: "banner" };
    const steps: [string, number][] = [
      [`EHLO ${msg.helo ?? "client.kas.test"}`, 250],
      [`MAIL FROM:<${msg.from}>`, 250],
      ...msg.rcpt.map((r): [string, number] => [`RCPT TO:<${r}>`, 250]),
      ["DATA", 354],
    ];
    for (const [line, want] of steps) {
      const refused = await command(line, want);
      if (refused) return { reply: refused, stage: line };
    }
    await write(dotStuff(typeof msg.data === "string" ? Buffer.from(msg.data, "latin1") : msg.data));
    const final = await reply("end of DATA");
    await command("QUIT", 221).catch(() => undefined);
    return { reply: final, stage: "DATA", queueId: /queued as ([0-9A-Za-z]+)/.exec(final.text)?.[1] };
  } finally {
    sock.end();
  }
}
