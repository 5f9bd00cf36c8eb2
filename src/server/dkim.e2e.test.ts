// DKIM, DMARC and Authentication-Results through `kas serve` (compiled binary): the key and
// policy records come from a real DNS server process on loopback (fixtures/dns/dkim-zones.json:
// RFC 8463's keys, p=reject for football.example.com), asked by the filtering process through
// the master's DNS service.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnDnsServer } from "../testing/dns-process";
import { REPO, tempDir } from "../testing/kas-binary";
import { startServer, type Served } from "../testing/kas-server";

const procs: ReturnType<typeof Bun.spawn>[] = [];
const servers: Served[] = [];
afterAll(async () => {
  for (const s of servers) if (s.proc.exitCode === null) await s.stop();
  for (const p of procs) p.kill();
});

const signed = readFileSync(join(REPO, "fixtures/dkim/rfc8463/signed.eml"), "utf8").replace(/\r?\n/g, "\r\n");
const names = (json: any): string[] => (json.hits ?? []).map((h: any) => h.name);
const ar = (json: any): string[] => (json.edits ?? []).filter((e: any) => e.op === "add" && e.name === "Authentication-Results").map((e: any) => e.value);
const headers = (id: string) => ({ "X-KAS-Id": id, "X-KAS-IP": "192.0.2.55", "X-KAS-Helo": "mx.football.example.com", "X-KAS-From": "joe@football.example.com", "X-KAS-Rcpt": "suzie@shopping.example.net" });

test("a signed message passes DKIM and DMARC; a forged From under p=reject is spam with dmarc_reject; one Authentication-Results each, a forged one removed", async () => {
  const d = await spawnDnsServer([join(REPO, "fixtures/dns/dkim-zones.json")]);
  procs.push(d.proc);
  const s = await startServer(tempDir("kas-dkim-"), { toml: `[spf]\nenabled = false\n[dns]\nresolver = "127.0.0.1:${d.port}"\n[dkim]\nauthserv_id = "mx.kas.test"\ndmarc_reject = true\n`, server: "start_filters = 1\nmin_spare_filters = 1" });
  servers.push(s);

  const ok = await s.scan(signed, headers("m1"));
  expect(ok.status).toBe(200);
  expect(names(ok.json)).toEqual(expect.arrayContaining(["DKIM_VALID", "DKIM_VALID_AU", "DMARC_PASS"]));
  expect(ar(ok.json)).toHaveLength(1);
  expect(ar(ok.json)[0]).toStartWith("mx.kas.test; dkim=pass header.i=@football.example.com header.s=brisbane header.a=ed25519-sha256");
  expect(ar(ok.json)[0]).toContain("dmarc=pass");

  const forged = "Authentication-Results: mx.kas.test; dkim=pass header.d=football.example.com; dmarc=pass\r\nFrom: Joe <joe@football.example.com>\r\nTo: suzie@shopping.example.net\r\nSubject: your invoice\r\nMessage-ID: <f@x.example>\r\n\r\nPlease pay.\r\n";
  const bad = await s.scan(forged, headers("m2"));
  expect(names(bad.json)).toEqual(expect.arrayContaining(["DMARC_REJECT", "DMARC_REJECT_HONOURED"]));
  expect(bad.json.status).toBe("spam");
  expect(bad.json.edits.filter((e: any) => e.name === "Authentication-Results").map((e: any) => e.op)).toEqual(["remove", "add"]);
  expect(ar(bad.json)[0]).toContain("dmarc=fail");
});
