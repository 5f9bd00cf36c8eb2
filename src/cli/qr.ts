// `kas _qr` (hidden): the QR-code reader a filtering process starts for the pictures it is
// asked about (server/qr-helper.ts), so that ZXing's WebAssembly, and the memory its JIT
// compiling takes, live and die in a process of their own (checks/qr.ts says why). It answers
// each picture over the IPC channel its filtering process opened, and ends with the channel.
import { UsageError } from "../errors";
import { kasCommand } from "./command";

export default kasCommand({
  name: "_qr",
  description: "QR-code reader of a filtering process (internal; started by kas serve's filtering processes over IPC)",
  hidden: true,
  ownStdout: true,
  exitCodes: { 0: "its filtering process closed the channel", 64: "run by hand (it needs the IPC channel of a filtering process)" },
  args: {},
  async run() {
    if (!process.send) throw new UsageError("kas _qr is the QR-code reader of a filtering process: it has no IPC channel when run by hand", "start the server with `kas serve`");
    const { answerQr } = await import("../server/qr-helper");
    process.on("message", async (m) => void process.send!(await answerQr(m)));
    process.on("disconnect", () => process.exit(0));
    await new Promise(() => {});
  },
});
