// Test-only: hostile spamd requests for the fuzz tests (protocol/spamd/fuzz.test.ts through the
// codec, server/spamd-fuzz.test.ts through the door): valid requests of every kind and a
// deterministic mutator. Never imported by production code.
import { deflateSync } from "node:zlib";

/** The reader's body limit the mutations aim around. */
export const MAX_BODY = 8 * 1024;

export const MSG =
  "Return-Path: <a@example.org>\r\n" +
  "Received: from [127.0.0.1] (helo=me) by mx with esmtp (envelope-from <a@example.org>) id 1\r\n" +
  "Received: from h.example (h.example [192.0.2.1]) by mx.inside with ESMTP id 2\r\n" +
  "Subject: hello\r\nX-Spam-Flag: YES\r\n\r\nbody line\r\n";

export function requests(): Uint8Array[] {
  const e = (s: string) => Buffer.from(s, "latin1");
  const z = deflateSync(Buffer.from(MSG));
  return [
    ...["CHECK", "SYMBOLS", "REPORT", "REPORT_IFSPAM", "PROCESS", "HEADERS"].map((c) => e(`${c} SPAMC/1.5\r\nContent-length: ${MSG.length}\r\nUser: u@example.org\r\n\r\n${MSG}`)),
    e(`REPORT SPAMC/1.2\r\nUser: nobody\r\nContent-length: ${MSG.length}\r\n\r\n${MSG}`),
    e(`TELL SPAMC/1.5\r\nMessage-class: spam\r\nSet: local, remote\r\nContent-length: ${MSG.length}\r\n\r\n${MSG}`),
    e("PING SPAMC/1.5\r\n\r\n"),
    e(`CHECK SPAMC/1.1\r\n\r\n${MSG}`),
    Buffer.concat([e(`PROCESS SPAMC/1.5\r\nCompress: zlib\r\nContent-length: ${z.length}\r\n\r\n`), z]),
  ];
}


const PIECES = ["\r\n", "\n", "\r", ":", " ", "\0", "SPAMC/", "Content-length: ", "Content-length: 99999999999\r\n", "Compress: zlib\r\n", "Received: from x ([", "]", "\r\n\r\n", "\xff\xfe", "9".repeat(20)];

export function mutate(req: Uint8Array, r: () => number): Uint8Array {
  const b = Buffer.from(req);
  const at = () => Math.floor(r() * (b.byteLength + 1));
  switch (Math.floor(r() * 8)) {
    case 0: // truncated
      return b.subarray(0, at());
    case 1: // random bytes anywhere (header, length digits, compressed stream, message)
      for (let k = 0; k < 1 + r() * 6; k++) if (b.byteLength) b[Math.floor(r() * b.byteLength)] = Math.floor(r() * 256);
      return b;
    case 2: {
      // a protocol token inserted
      const i = at();
      return Buffer.concat([b.subarray(0, i), Buffer.from(PIECES[Math.floor(r() * PIECES.length)], "latin1"), b.subarray(i)]);
    }
    case 3: // a wrong Content-length, near the truth or wild
      return Buffer.from(b.toString("latin1").replace(/Content-length: \d+/, `Content-length: ${[0, 1, MAX_BODY + 1, 2 ** 40, Math.floor(r() * 600)][Math.floor(r() * 5)]}`), "latin1");
    case 4: // a slice cut out
      {
        const i = at();
        return Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.byteLength, i + 1 + Math.floor(r() * 40)))]);
      }
    case 5: // a long line with no end
      return Buffer.concat([b.subarray(0, at()), Buffer.alloc(Math.floor(r() * 40_000), 0x41)]);
    case 6: // many header lines
      return Buffer.concat([Buffer.from("CHECK SPAMC/1.5\r\n"), Buffer.from("X-A: b\r\n".repeat(Math.floor(r() * 100))), b]);
    default: // random garbage
      return Buffer.from(Array.from({ length: Math.floor(r() * 300) }, () => Math.floor(r() * 256)));
  }
}

