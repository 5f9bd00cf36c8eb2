// Which policy applies to a message: the first [[policy.group]] that names one of its
// recipients (address or @domain), else the default [policy]. Group keys not written in the
// group are taken from [policy] (the loader keeps a group's table partial: only the keys
// written).
import type { KasConfig, PolicyConfig } from "../config/schema";

export interface Policy extends PolicyConfig {
  name: string;
}

export function selectPolicy(cfg: KasConfig["policy"], rcpt: readonly string[]): Policy {
  const { group, ...base } = cfg;
  for (const r of rcpt) {
    const addr = bareAddress(r);
    const domain = addr.slice(addr.lastIndexOf("@") + 1);
    for (const g of group) {
      const hit = g.recipients.some((p) => {
        const q = p.trim().toLowerCase();
        return q.startsWith("@") ? q.slice(1) === domain : q.includes("@") ? q === addr : q === domain;
      });
      if (hit) {
        const { name, recipients: _r, ...keys } = g;
        return { ...base, ...(keys as Partial<PolicyConfig>), name: name || "group" };
      }
    }
  }
  return { ...base, name: "default" };
}

/** `<Joe@Example.COM>` → `joe@example.com`. */
export function bareAddress(a: string): string {
  return a.trim().replace(/^<|>$/g, "").toLowerCase();
}
