import { expect, test } from "bun:test";
import { parseConfig } from "../config/load";
import { selectPolicy } from "./policy";

const cfg = parseConfig(`[policy]\nspam_score = 6\nspam_action = "reject"\n[[policy.group]]\nname = "sales"\nrecipients = ["@sales.example"]\nspam_score = 10\n`, "t.toml").policy;

test("the default policy: [policy] without its groups, named default, one frozen object per config snapshot", () => {
  const p = selectPolicy(cfg, ["a@other.example"]);
  const { group: _g, ...base } = cfg;
  expect(p).toEqual({ ...base, name: "default" });
  expect(selectPolicy(cfg, [])).toBe(p);
  expect(selectPolicy(cfg, ["b@other.example", "c@other.example"])).toBe(p);
  expect(Object.isFrozen(p)).toBe(true);
  // Another snapshot (a reload) gets its own.
  const other = parseConfig(`[policy]\nspam_score = 7\n`, "t.toml").policy;
  expect(selectPolicy(other, ["a@other.example"])).toMatchObject({ name: "default", spam_score: 7 });
});

test("a group still wins for its recipients, any of them, keys not given from [policy]", () => {
  expect(selectPolicy(cfg, ["a@other.example", "Boss@SALES.example"])).toMatchObject({ name: "sales", spam_score: 10, spam_action: "reject" });
  expect(selectPolicy(cfg, ["a@other.example"]).name).toBe("default");
});
