// `kas learn --connect ADDR`: send each message to the server's POST /v1/learn (one request
// per message, a few in flight), with the client module's timeouts. The server learns into
// its own token database; what it did per message comes back and is tallied here.
import type { LearnTally } from "../bayes/learner";
import { eachMessage } from "../bayes/mail-files";
import { httpRequest, timeoutsOf } from "../client/http";
import type { KasConfig } from "../config/schema";
import { EXIT } from "../errors";
import { logger } from "../log/index";
import { parseClientAddress } from "../protocol/address";
import { decodeLearnReply, LEARN_HEADER, LEARN_PATH, LEARN_SECRET_HEADER, type LearnOp } from "../protocol/kas/learn";
import { decodeReply, isErrorReply } from "../protocol/kas/reply";
import { reportSkipped, summary } from "./learn";
import { inOrder } from "./scan";

const IN_FLIGHT = 4;

export async function learnViaServer(config: KasConfig, connect: string, op: LearnOp, files: readonly string[]): Promise<number> {
  const log = logger("learn");
  const addr = parseClientAddress(connect);
  if (typeof addr === "string") {
    log.error("--connect %s: %s", connect, addr);
    return EXIT.USAGE;
  }
  const t = timeoutsOf(config.client);
  const tally: LearnTally = { files: 0, messages: 0, outcomes: { learned: 0, relearned: 0, already: 0, forgotten: 0, unknown: 0 }, skipped: [] };
  let failed = 0;
  let last = { spam: 0, ham: 0 };
  const one = async (label: string, raw: Uint8Array) => {
    try {
      const res = await httpRequest(addr, { method: "POST", path: LEARN_PATH, headers: { [LEARN_HEADER]: op, ...(config.client.learn_secret ? { [LEARN_SECRET_HEADER]: config.client.learn_secret } : {}) }, body: raw }, t);
      const text = new TextDecoder().decode(res.body);
      const d = decodeLearnReply(text);
      if (d.ok) {
        tally.outcomes[d.value.outcome]++;
        tally.messages++;
        last = { spam: d.value.spam, ham: d.value.ham };
        return;
      }
      const e = decodeReply(text);
      throw new Error(e.ok && isErrorReply(e.value) ? `${e.value.error.code}: ${e.value.error.message}` : `HTTP ${res.status}: ${d.reason}`);
    } catch (e) {
      failed++;
      log.error("%s: not learned: %s", label, e instanceof Error ? e.message : String(e));
    }
  };
  const t0 = performance.now();
  // The last message goes alone, after every other reply is in: its reply then carries the
  // totals after all of this run's commits (with several in flight, the reply that arrives
  // last may have read the totals before another filtering process committed).
  let held: { label: string; raw: Uint8Array } | undefined;
  function* allButLast() {
    for (const m of eachMessage(files, { onFile: () => tally.files++, onSkip: (s) => tally.skipped.push(s) })) {
      if (held) yield held;
      held = m;
    }
  }
  await inOrder(allButLast(), IN_FLIGHT, (m) => one(m.label, m.raw), () => {});
  if (held) await one(held.label, held.raw);
  reportSkipped(tally.skipped);
  console.log(`${summary(op, tally)} in ${((performance.now() - t0) / 1000).toFixed(1)} s via ${connect}`);
  if (tally.messages) console.log(`server database: ${last.spam} spam, ${last.ham} ham`);
  if (failed) console.log(`${failed} messages were not learned (see the errors above)`);
  return failed ? EXIT.UNAVAILABLE : EXIT.OK;
}
