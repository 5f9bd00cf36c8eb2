// The scan log line against the reply it describes: the same score text as X-KAS-Score (one
// formatter), and the [policy] action actually taken.
import { expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import { actions } from "../engine/actions";
import type { Policy } from "../engine/policy";
import type { ScanRequest, ScanResult } from "../model";
import { verdict } from "../engine/verdict";
import { makeHandler } from "./handler";

const config = parseConfig('[policy]\nspam_action = "prefix"\n', "t.toml");
const policy: Policy = { ...config.policy, name: "default" };

/** What a filtering process answers for a message with this score: the real verdict and actions. */
function resultOf(r: ScanRequest, score: number): ScanResult {
  const status = verdict(score, policy, undefined, r.envelope);
  return { id: r.id, status, score, threshold: policy.spam_score, probableThreshold: policy.probable_spam_score, policy: "default", hits: [], ...actions(status, score, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] };
}

test.each([
  [0.15, "not_detected", "accept"],
  [4.95, "probable_spam", "accept"],
  [5.15, "spam", "prefix"],
])("score %p: the log line shows the header's score and names the action taken (%s → %s)", async (score, status, action) => {
  const lines: string[] = [];
  const handle = makeHandler({
    config: () => config,
    submit: async (r) => ({ ok: true, generation: 1, workerPid: 9, result: resultOf(r, score) }),
    status: () => ({}),
    onScanned: (line) => lines.push(line),
    version: "kas test",
  });
  const res = await handle(new Request("http://kas/v1/scan", { method: "POST", headers: { "X-KAS-Id": "m1" }, body: "Subject: x\r\n\r\nbody\r\n" }));
  const reply = await res.json();
  const header = reply.edits.find((e: { name?: string }) => e.name === "X-KAS-Score").value as string;
  const [shown, threshold] = header.split(" / ");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(` status=${status} score=${shown}/${threshold} action=${action} `);
  expect(reply.policy_action).toBe(action);
});

test("the scan request's signal reaches the pool: a client that closes its connection aborts it", async () => {
  let seen: AbortSignal | undefined;
  const handle = makeHandler({
    config: () => config,
    submit: async (r, signal) => ((seen = signal), { ok: true, generation: 1, workerPid: 9, result: resultOf(r, 0) }),
    status: () => ({}),
    onScanned: () => {},
    version: "kas test",
  });
  const ac = new AbortController();
  await handle(new Request("http://kas/v1/scan", { method: "POST", body: "Subject: x\r\n\r\nbody\r\n", signal: ac.signal }));
  expect(seen?.aborted).toBe(false);
  ac.abort();
  expect(seen?.aborted).toBe(true);
});
