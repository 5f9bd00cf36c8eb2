// The argv of `kas filter` as Postfix pipe(8) writes it (master.cf `argv=`): recipients as
// several words, empty client address, MAILER-DAEMON, the re-injection command after `--`.
import { expect, test } from "bun:test";
import { parseArgs } from "citty";
import { KasError } from "../errors";
import { envelopeOf, FILTER_ARGS, positionals, quickFilterOptions, reinjects, splitFilterArgv, VALUED } from "./filter-args";

test("the valued options are the string options of the command", () => {
  expect([...VALUED].sort()).toEqual(["config", "from", "helo", "id", "ip", "rcpt"]);
});

// The quick start (cli/filter-quick.ts) parses these lines without citty: each must come out
// as citty parses it for the command (cli/filter.ts hands citty FILTER_ARGS).
const cittyOptions = (own: string[]) => {
  const parsed = parseArgs(own, FILTER_ARGS) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(FILTER_ARGS).flatMap((k) => (parsed[k] === undefined ? [] : [[k, parsed[k]]])));
};
test.each([
  [[]],
  [["--config", "/etc/kas/kas.toml"]],
  [["--config=/etc/kas/a=b.toml", "--json"]],
  [["--ip", "", "--helo", "", "--from", "", "--rcpt", "a@x.test", "b@y.test"]],
  [["--ip", "192.0.2.1", "--helo", "mx.example", "--from", "MAILER-DAEMON", "--rcpt", "a@x.test", "--id", "4XyZ1"]],
  [["--ip=2001:db8::1", "--from=<>", "--rcpt=a@x.test,b@x.test", "c@y.test"]],
  [["--rcpt", "a@x.test", "--rcpt", "b@x.test", "--local"]],
  [["a@x.test", "--json", "--local", "b@y.test"]],
  [["--from", "a@x.test", "--from", "b@x.test"]],
  [["-", "x@y.test"]],
  // pipe(8) with the null sender and a local submission: `--from=${sender}`, `--ip=${client_address}`.
  [["--from=", "--ip=", "--config=", "--rcpt", "a@x.test"]],
])("quick options of %j = citty's", (own) => {
  const quick = quickFilterOptions(own);
  expect(quick).toBeDefined();
  expect(quick as Record<string, unknown>).toEqual(cittyOptions(own));
});

test.each([
  [["--help"]],
  [["-h"]],
  [["--config"]],
  [["--from", "--rcpt", "a@x.test"]],
  [["--ip", "-1", "c@z.test"]],
  [["--no-json"]],
  [["--json=false"]],
  [["--bogus"]],
  [["--conf", "x"]],
  [["--constructor", "x"]],
  [["--__proto__=x"]],
  [["-j"]],
  [["--version"]],
])("%j is left to citty", (own) => {
  expect(quickFilterOptions(own)).toBeUndefined();
});

test("everything after the first -- is the re-injection command, its own -- included", () => {
  const argv = ["--ip", "", "--from", "", "--rcpt", "a@x.test", "b@y.test", "--", "/usr/sbin/sendmail", "-G", "-i", "-f", "", "--", "a@x.test", "b@y.test"];
  expect(splitFilterArgv(argv)).toEqual({ own: ["--ip", "", "--from", "", "--rcpt", "a@x.test", "b@y.test"], command: ["/usr/sbin/sendmail", "-G", "-i", "-f", "", "--", "a@x.test", "b@y.test"] });
  expect(splitFilterArgv(["--rcpt", "a@x.test"])).toEqual({ own: ["--rcpt", "a@x.test"] });
  expect(splitFilterArgv(["--"]).command).toEqual([]);
  expect([reinjects(argv), reinjects(["--rcpt", "a@x.test"])]).toEqual([true, false]);
});

test.each([
  [["--rcpt", "a@x", "b@y"], ["b@y"]],
  [["--ip", "-1", "c@z"], ["c@z"]],
  [["--local", "a@x", "--json"], ["a@x"]],
  [["--ip=1.2.3.4", "a@x", "--helo", "h"], ["a@x"]],
  [["--helo", "", "--from", "", "a@x"], ["a@x"]],
])("positionals(%j) = %j", (own, want) => {
  expect(positionals(own, VALUED)).toEqual(want);
});

const env = (args: Record<string, string | undefined>, own: string[] = []) => envelopeOf(args, own, VALUED);

test("recipients: --rcpt repeated, comma-separated, and one word per ${recipient}", () => {
  const own = ["--rcpt", "a@x.test", "b@x.test", "c@y.test", "--rcpt", "d@z.test,e@z.test", "--rcpt=f@z.test"];
  expect(env({}, own).rcpt).toEqual(["a@x.test", "d@z.test", "e@z.test", "f@z.test", "b@x.test", "c@y.test"]);
  // pipe(8) flag q quotes a local part with a space: that is still an address.
  expect(env({}, ["--rcpt", '"john doe"@x.test']).rcpt).toEqual(['"john doe"@x.test']);
});

test("the null sender: \"\", <> and MAILER-DAEMON; no --from stays unknown", () => {
  for (const f of ["", "<>", "MAILER-DAEMON", "mailer-daemon"]) expect(env({ from: f }).from).toBe("");
  expect(env({ from: "a@x.test" }).from).toBe("a@x.test");
  expect(env({}).from).toBeUndefined();
});

test("an empty --ip is a local submission: no client IP, no error", () => {
  expect(env({ ip: "" }).ip).toBeUndefined();
  expect(env({ ip: "2001:db8::1" }).ip).toBe("2001:db8::1");
});

test.each([
  [{ ip: "300.1.1.1" }, [], "bad client IP"],
  [{}, ["--rcpt", "nobody"], "bad recipient"],
  [{}, ["stray"], "bad recipient address \"stray\""],
  [{}, ["--rcpt", "a@x\r\nRCPT TO:<b@y>"], "bad recipient"],
  [{ from: "<a@x>" }, [], "bad sender"],
] as const)("usage error: %j %j", (args, own, msg) => {
  let err: unknown;
  try {
    env(args as Record<string, string>, [...own]);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(KasError);
  expect([(err as KasError).exitCode, (err as KasError).message.includes(msg)]).toEqual([64, true]);
});
