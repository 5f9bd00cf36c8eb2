import { expect, test } from "bun:test";
import { ConfigError } from "../errors";
import { parseConfig } from "./load";

/** [line, key path, reason fragment] of every problem parseConfig reports for text. */
function problems(text: string): [number | undefined, string | undefined, string][] {
  try {
    parseConfig(text, "k.toml");
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems.map((p) => [p.line, p.keyPath, p.reason]);
  }
  return [];
}

test.each([
  ["[policy] probable above spam", `[policy]\nspam_score = 5\nprobable_spam_score = 6\n`, [[3, "policy.probable_spam_score", "6 is above spam_score 5: probable_spam_score must not exceed spam_score"]]],
  ["[policy] probable above the default spam_score", `[policy]\nprobable_spam_score = 9\n`, [[2, "policy.probable_spam_score", "9 is above spam_score 5"]]],
  ["a group setting both", `[[policy.group]]\nname = "g"\nspam_score = 4\nprobable_spam_score = 4.5\n`, [[4, "policy.group[0].probable_spam_score", "4.5 is above spam_score 4:"]]],
  ["a group's spam_score below the probable_spam_score it takes from [policy]", `[policy]\nprobable_spam_score = 3\n[[policy.group]]\nname = "g"\nspam_score = 2\n`, [[5, "policy.group[0].spam_score", "2 is below probable_spam_score 3 (taken from [policy])"]]],
  ["a group's probable_spam_score above the spam_score it takes from [policy]", `[[policy.group]]\nname = "a"\n[[policy.group]]\nname = "b"\nprobable_spam_score = 7\n`, [[5, "policy.group[1].probable_spam_score", "7 is above spam_score 5 (taken from [policy])"]]],
  ["start_filters above max_filters", `[server]\nstart_filters = 5\nmax_filters = 3\n`, [[2, "server.start_filters", "5 is above max_filters 3"]]],
  ["min_spare_filters above the default max_filters", `[server]\nmin_spare_filters = 11\n`, [[2, "server.min_spare_filters", "11 is above max_filters 10"]]],
  ["start_filters (default 2) above max_filters", `[server]\nmax_filters = 1\n`, [[undefined, "server.start_filters", "2 is above max_filters 1"]]],
  ["a Control Center without a password", `[control]\nlisten = ["tcp:127.0.0.1:2279"]\n`, [[undefined, "control.password_hash", "no password is: run `kas control passwd`"]]],
  ["both password_hash and password_file", `[control]\npassword_file = "/x"\npassword_hash = "$argon2id$v=19$m=65536,t=2,p=1$YWJj$YWJj"\n`, [[2, "control.password_file", "not both"]]],
  ["tls_cert without tls_key", `[control]\ntls_cert = "/c.pem"\n`, [[undefined, "control.tls_key", "needs both"]]],
  ["[notify] smtp on a Unix socket", `[notify]\nsmtp = "unix:/run/smtp.sock"\n`, [[2, "notify.smtp", "expected tcp:host:port"]]],
  ["[notify] admin that is not an address", `[notify]\nadmin = ["root"]\n`, [[2, "notify.admin", "expected a mail address"]]],
  ["a password_hash that is not argon2id", `[control]\npassword_hash = "hunter2"\n`, [[2, "control.password_hash", "expected an argon2id hash"]]],
])("refused: %s", (_what, text, want) => {
  const got = problems(text);
  expect(got.map(([l, k]) => [l, k])).toEqual(want.map(([l, k]) => [l, k]));
  got.forEach(([, , reason], i) => expect(reason).toContain(want[i][2] as string));
});

test("all relation problems of all policies and the pool are reported together, with the per-key ones", () => {
  const text = `[policy]\nprobable_spam_score = 6\n[server]\nstart_filters = 4\nmin_spare_filters = 4\nmax_filters = 3\nmax_messages = 0\n[[policy.group]]\nname = "g"\nspam_score = 1\nprobable_spam_score = 2\n`;
  expect(problems(text).map(([l, k]) => `${l}:${k}`)).toEqual(["2:policy.probable_spam_score", "4:server.start_filters", "5:server.min_spare_filters", "7:server.max_messages", "11:policy.group[0].probable_spam_score"]);
});

test.each([
  ["equal thresholds switch probable_spam off", `[policy]\nspam_score = 5\nprobable_spam_score = 5\n`],
  ["a group that inherits both thresholds of a valid [policy]", `[[policy.group]]\nname = "g"\nspam_action = "reject"\n`],
  ["a group lowering both", `[[policy.group]]\nname = "g"\nspam_score = 2\nprobable_spam_score = 1\n`],
  ["pool sizes equal to max_filters", `[server]\nstart_filters = 3\nmin_spare_filters = 3\nmax_filters = 3\n`],
])("accepted: %s", (_what, text) => {
  expect(problems(text)).toEqual([]);
});

test("a relation is not checked against a key that is itself invalid (one problem, not a cascade)", () => {
  expect(problems(`[server]\nmax_filters = 0\nstart_filters = 5\n`).map(([, k]) => k)).toEqual(["server.max_filters"]);
  expect(problems(`[[policy.group]]\nname = "g"\nspam_score = "x"\nprobable_spam_score = 5.5\n`).map(([, k]) => k)).toEqual(["policy.group[0].spam_score"]);
});

test("a [policy] that is wrong once is reported once, not again for each group inheriting it", () => {
  expect(problems(`[policy]\nprobable_spam_score = 6\n[[policy.group]]\nname = "a"\n[[policy.group]]\nname = "b"\n`).map(([, k]) => k)).toEqual(["policy.probable_spam_score"]);
});
