// Rules between keys that are each valid alone but nonsense together. The loader runs them
// after the per-key checks, so `kas config check`, `kas serve` and a SIGHUP reload refuse
// them with the key path, like any other bad value.
import type { KasConfig, PolicyConfig } from "./schema";

export interface RelationProblem {
  /** The key reported (the one an administrator most likely mistyped). */
  readonly keyPath: string;
  readonly reason: string;
  /** Every key the rule reads (a group's own keys even when it fell back to [policy]'s): the rule is skipped when one of them is itself invalid. */
  readonly keys: readonly string[];
}

export function relationProblems(c: KasConfig): RelationProblem[] {
  return [...policyProblems(c.policy), ...poolProblems(c.server), ...controlProblems(c.control)];
}

/**
 * probable_spam_score above spam_score would make `probable_spam` unreachable while looking
 * configured (engine/verdict.ts); equal is the documented way to switch it off. A group is
 * checked with the values it takes from [policy], as engine/policy.ts applies them.
 */
function policyProblems(p: KasConfig["policy"]): RelationProblem[] {
  const policies = [
    { spam: "policy.spam_score", probable: "policy.probable_spam_score", values: p },
    ...p.group.map((g: Partial<PolicyConfig>, i) => ({
      spam: g.spam_score === undefined ? "policy.spam_score" : `policy.group[${i}].spam_score`,
      probable: g.probable_spam_score === undefined ? "policy.probable_spam_score" : `policy.group[${i}].probable_spam_score`,
      values: { spam_score: g.spam_score ?? p.spam_score, probable_spam_score: g.probable_spam_score ?? p.probable_spam_score },
    })),
  ];
  const out: RelationProblem[] = [];
  for (const [i, { spam, probable, values }] of policies.entries()) {
    // A group that sets neither threshold has [policy]'s, already reported there.
    if (values.probable_spam_score <= values.spam_score || (i > 0 && spam === policies[0].spam && probable === policies[0].probable)) continue;
    const ownProbable = i === 0 || probable !== policies[0].probable;
    const inherited = (key: string) => (i > 0 && !key.startsWith("policy.group") ? " (taken from [policy])" : "");
    const reason = ownProbable
      ? `${values.probable_spam_score} is above spam_score ${values.spam_score}${inherited(spam)}`
      : `${values.spam_score} is below probable_spam_score ${values.probable_spam_score}${inherited(probable)}`;
    out.push({ keyPath: ownProbable ? probable : spam, reason: `${reason}: probable_spam_score must not exceed spam_score (set them equal to switch probable_spam off)`, keys: [spam, probable, ...(i > 0 ? [`policy.group[${i - 1}].spam_score`, `policy.group[${i - 1}].probable_spam_score`] : [])] });
  }
  return out;
}

/** The pool never runs more than max_filters (server/pool.ts clamps): larger start or spare counts are silently cut. */
function poolProblems(s: KasConfig["server"]): RelationProblem[] {
  const out: RelationProblem[] = [];
  for (const key of ["start_filters", "min_spare_filters"] as const) {
    if (s[key] > s.max_filters) {
      out.push({ keyPath: `server.${key}`, reason: `${s[key]} is above max_filters ${s.max_filters}: the pool never runs more than max_filters processes (raise max_filters or lower ${key})`, keys: [`server.${key}`, "server.max_filters"] });
    }
  }
  return out;
}

/** A Control Center nobody can log in to, or HTTPS with half a key pair, is a mistake, not a choice. */
function controlProblems(c: KasConfig["control"]): RelationProblem[] {
  const out: RelationProblem[] = [];
  if (c.listen.length && !c.password_hash && !c.password_file) {
    out.push({ keyPath: "control.password_hash", reason: "[control] listen is set but no password is: run `kas control passwd` and put the line it prints into [control] (or set password_file)", keys: ["control.listen", "control.password_hash", "control.password_file"] });
  }
  if (c.password_hash && c.password_file) out.push({ keyPath: "control.password_file", reason: "set password_hash or password_file, not both", keys: ["control.password_hash", "control.password_file"] });
  if (!c.tls_cert !== !c.tls_key) out.push({ keyPath: c.tls_cert ? "control.tls_key" : "control.tls_cert", reason: "HTTPS needs both tls_cert and tls_key", keys: ["control.tls_cert", "control.tls_key"] });
  return out;
}
