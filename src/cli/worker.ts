// `kas _worker` (hidden): a filtering process. Started only by `kas serve` through
// server/self-exec.ts, with an IPC channel; it gets its config from the master.
import { kasCommand } from "./command";

export default kasCommand({
  name: "_worker",
  description: "Filtering process of kas serve (internal; started by the master over IPC)",
  hidden: true,
  exitCodes: { 0: "told to exit by the master", 1: "the rule database failed to load", 64: "run by hand (it needs the IPC channel of `kas serve`)" },
  args: {},
  async run() {
    const { runWorker, processChannel } = await import("../server/worker");
    const { workerScannerFactory } = await import("../server/scanner");
    runWorker(processChannel(), workerScannerFactory);
    // The IPC channel keeps the process alive; runWorker calls process.exit when done.
    await new Promise(() => {});
  },
});
