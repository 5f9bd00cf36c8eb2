// Which policy applies to a message: the first [[policy.group]] that names one of its
// recipients (address or @domain), else the default [policy]. Group keys not written in the
// group are taken from [policy] (the loader keeps a group's table partial: only the keys
// written).
import type { KasConfig, PolicyConfig } from "../config/schema";
import { addressInList, normaliseAddress } from "../message/address";

export interface Policy extends PolicyConfig {
  name: string;
}

export function selectPolicy(cfg: KasConfig["policy"], rcpt: readonly string[]): Policy {
  const { group, ...base } = cfg;
  for (const r of rcpt) {
    const addr = normaliseAddress(r);
    for (const g of group) {
      if (addressInList(addr, g.recipients)) {
        const { name, recipients: _r, ...keys } = g;
        return { ...base, ...(keys as Partial<PolicyConfig>), name: name || "group" };
      }
    }
  }
  return { ...base, name: "default" };
}
