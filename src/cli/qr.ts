// `kas _qr` (hidden): the QR-code reader a filtering process starts for the pictures it is
// asked about (server/qr-helper.ts), so that ZXing's WebAssembly, and the memory its JIT
// compiling takes, live and die in a process of their own (checks/qr.ts says why).
// Protocol on stdin/stdout: each request is a 4-byte big-endian length and a picture's bytes;
// each answer one JSON line, {"texts":[...]} or {"error":"..."}. It exits at the end of stdin.
import { kasCommand } from "./command";

export default kasCommand({
  name: "_qr",
  description: "QR-code reader of a filtering process (internal; started by kas serve's filtering processes)",
  hidden: true,
  ownStdout: true,
  exitCodes: { 0: "standard input ended" },
  args: {},
  async run() {
    const { serveQrRequests } = await import("../server/qr-helper");
    await serveQrRequests(Bun.stdin.stream(), (line) => Bun.write(Bun.stdout, line));
  },
});
