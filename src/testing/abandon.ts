// Test-only: a client that gives up. The doors pass the client's connection to the pool as an
// AbortSignal, so a request still waiting for a filtering process is dropped when the client
// has gone; these helpers are the two ends of that check, shared by the doors' unit tests.
import type { Dispatched } from "../server/pool";

/** An injected pool answer that never answers until the door aborts it; `aborted` says whether it did within `ms`. */
export function hangingAnswer(ms = 3000) {
  let settle!: (v: boolean) => void;
  const aborted = new Promise<boolean>((r) => (settle = r));
  const timer = setTimeout(() => settle(false), ms);
  const answer = (_r: unknown, _p: unknown, signal?: AbortSignal): Promise<Dispatched> =>
    new Promise((resolve) => {
      const gone = () => {
        clearTimeout(timer);
        settle(true);
        resolve({ ok: false, code: "unavailable", message: "client gone" });
      };
      if (signal?.aborted) return gone();
      signal?.addEventListener("abort", gone, { once: true });
      setTimeout(() => resolve({ ok: false, code: "unavailable", message: "test timeout" }), ms);
    });
  return { answer, aborted };
}

/** Connects, writes `bytes`, waits `holdMs` (the scan is waiting then), and drops the connection. */
export async function sendThenDrop(port: number, bytes: Uint8Array | string, holdMs = 150): Promise<void> {
  const s = await Bun.connect({ hostname: "127.0.0.1", port, socket: { data() {}, error() {} } });
  s.write(bytes);
  await Bun.sleep(holdMs);
  s.terminate();
}
