// Which policy applies to a message: the first [[policy.group]] that names one of its
// recipients (address or @domain), else the default [policy]. Group keys not written in the
// group are taken from [policy] (the loader keeps a group's table partial: only the keys
// written).
import type { KasConfig, PolicyConfig } from "../config/schema";
import { addressInList, normaliseAddress } from "../message/address";

export interface Policy extends PolicyConfig {
  name: string;
}

// The default policy of a config, built once and frozen: most mail gets it, and copying the
// [policy] table's ~20 keys twice for every message (object rest, then spread) cost 3-6 us
// a scan. Config snapshots are never changed, so one per snapshot is the same every time.
const defaults = new WeakMap<KasConfig["policy"], Readonly<Policy>>();

export function selectPolicy(cfg: KasConfig["policy"], rcpt: readonly string[]): Policy {
  const { group } = cfg;
  if (group.length)
    for (const r of rcpt) {
      const addr = normaliseAddress(r);
      for (const g of group) {
        if (addressInList(addr, g.recipients)) {
          const { name, recipients: _r, ...keys } = g;
          return { ...defaultPolicy(cfg), ...(keys as Partial<PolicyConfig>), name: name || "group" };
        }
      }
    }
  return defaultPolicy(cfg);
}

/** [policy] without its groups, named "default": one frozen object per config snapshot. */
function defaultPolicy(cfg: KasConfig["policy"]): Readonly<Policy> {
  let p = defaults.get(cfg);
  if (!p) {
    const { group: _g, ...base } = cfg;
    defaults.set(cfg, (p = Object.freeze({ ...base, name: "default" })));
  }
  return p;
}
