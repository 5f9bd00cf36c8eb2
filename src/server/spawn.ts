// Production Spawner for the pool: one filtering process = `kas _worker` (via self-exec) with
// an IPC channel. stdout is not used by workers; stderr is shared with the master so their
// log lines land in the same place.
import { fromWire, isWorkerMessage, masterToWire } from "./ipc";
import type { Spawner } from "./pool";
import { selfCommand } from "./self-exec";

/** `env`: the filtering processes' environment (server/allocator.ts filterMemory); default the master's. */
export const workerSpawner = (env?: Record<string, string>): Spawner => (events) => {
  const proc = Bun.spawn(selfCommand(["_worker"]), {
    stdio: ["ignore", "ignore", "inherit"],
    env: env ?? process.env,
    serialization: "advanced",
    ipc(wire) {
      const message = fromWire(wire);
      if (isWorkerMessage(message)) events.message(message);
    },
    onExit(_p, exitCode, signalCode) {
      events.exit(exitCode, signalCode ? String(signalCode) : null);
    },
  });
  return {
    pid: proc.pid,
    send(m) {
      proc.send(masterToWire(m));
    },
    kill(signal) {
      proc.kill(signal);
    },
  };
};
