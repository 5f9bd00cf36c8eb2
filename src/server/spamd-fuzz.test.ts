// Hostile clients through the spamd door over real sockets (injected pool): 3 000 mutated
// requests, 25 at a time. Every connection ends with one spamd status line (or none for SKIP),
// none hangs, the door keeps answering, and the edge gate gets every slot and byte back.
// (100 000 mutations through the codec alone: protocol/spamd/fuzz.test.ts.)
import { afterAll, expect, test } from "bun:test";
import { connect } from "node:net";
import { parseConfig } from "../config/load";
import { actions } from "../engine/actions";
import { mutate, requests } from "../testing/spamd-mutate";
import { rng } from "../testing/rng";
import { EdgeGate, edgeLimits } from "./limits";
import { openSocketListener, type Listener } from "./listeners";
import { spamdSocketHandler } from "./spamd";

let listener: Listener | undefined;
afterAll(async () => {
  await listener?.stop(true);
});

function ask(port: number, bytes: Uint8Array): Promise<string | Error> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const c = connect(port, "127.0.0.1", () => (c.write(bytes), c.end()));
    const t = setTimeout(() => (c.destroy(), resolve(new Error(`no close in 10 s after ${JSON.stringify(Buffer.from(bytes).toString("latin1").slice(0, 80))}`))), 10_000);
    c.on("data", (d) => chunks.push(d));
    c.on("error", () => {}); // a reset after the reply is fine; the reply is what counts
    c.on("close", () => (clearTimeout(t), resolve(Buffer.concat(chunks).toString("latin1"))));
  });
}

test("3 000 mutated requests over sockets: one status line each, no hang, the gate back to zero, the door still answers", async () => {
  const config = parseConfig(`[server]\nmax_request_size = 8192\n[spamd]\nlearn_allow = ["127.0.0.1/32"]\n`, "t.toml");
  const policy = { ...config.policy, name: "default" };
  const gate = new EdgeGate(() => edgeLimits(config.server), () => {});
  let scans = 0;
  const handler = spamdSocketHandler({
    config: () => config,
    submit: async (r) => (scans++, { ok: true, result: { id: r.id, status: "not_detected", score: 0, threshold: 5, policy: "default", hits: [], ...actions("not_detected", 0, [], policy), timings: { parseMs: 0, checksMs: 0, rulesMs: 0, totalMs: 0 }, notes: [] }, generation: 1, workerPid: 1 }),
    learn: async () => ({ ok: true, reply: { version: 1, outcome: "learned", spam: 1, ham: 0 }, generation: 1, workerPid: 1 }),
    onScanned: () => {},
    log: { info: () => {}, warn: () => {} },
    track: (w) => w(),
    gate,
  });
  listener = await openSocketListener({ kind: "tcp", host: "127.0.0.1", port: 0 }, handler, { socketMode: "0660", socketOwner: "" }, "spamd", true);
  const port = Number(listener.address.split(":").at(-1));

  const r = rng(15);
  const base = requests();
  const bad: string[] = [];
  const codes = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < 3000) {
      const n = next++;
      let bytes = base[n % base.length];
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) bytes = mutate(bytes, r);
      const reply = await ask(port, bytes);
      if (reply instanceof Error) bad.push(reply.message);
      else if (reply !== "" && !/^SPAMD\/1\.[15] \d{1,2} \S/.test(reply)) bad.push(`odd reply ${JSON.stringify(reply.slice(0, 80))}`);
      else {
        const code = reply === "" ? "none" : reply.split(" ")[1];
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: 25 }, worker));
  console.log(`spamd door fuzz: 3000 requests, replies by code ${JSON.stringify(Object.fromEntries(codes))}, ${scans} scans`);
  expect(bad.slice(0, 5)).toEqual([]);
  expect(codes.get("0") ?? 0).toBeGreaterThan(300);
  expect(codes.get("76") ?? 0).toBeGreaterThan(300);
  for (let i = 0; i < 50 && gate.status().connections > 0; i++) await Bun.sleep(20);
  expect(gate.status()).toMatchObject({ connections: 0, bytes_in_flight: 0 });
  expect(await ask(port, base[0])).toStartWith("SPAMD/1.1 0 EX_OK\r\n");
}, 120_000);
