// The master's watch on DNS list answers: a list that answers "refused" (Spamhaus
// 127.255.255.252-255 when asked through a public resolver or over its free quota, URIBL and
// SURBL 127.0.0.1) has stopped protecting anyone, and the administrator must hear it. Every
// filtering process's DNS passes the master's shared resolver, so the refusal is seen here
// once for the whole pool: logged the first time per list, counted for `kas status`. (The
// check itself never scores a refusal: dnsbl.ts.)
import { listOf, meaning, type DnsList } from "../checks/dnsbl-lists";
import { recordsOf, type Resolver } from "../dns/types";

export interface Refusal {
  answer: string;
  queries: number;
  first: string;
  last: string;
}

export interface RefusalWatch {
  resolver: Resolver;
  refused(): Record<string, Refusal>;
}

export function watchRefusals(inner: Resolver, lists: readonly DnsList[], warn: (msg: string) => void, now: () => Date = () => new Date()): RefusalWatch {
  const seen = new Map<string, Refusal>();
  return {
    resolver: {
      async query(name, type) {
        const a = await inner.query(name, type);
        const list = type === "A" && a.status === "ok" ? listOf(lists, name) : undefined;
        if (!list) return a;
        const m = meaning(list, recordsOf(a, "A").map((r) => r.address));
        if (m.kind !== "refused") return a;
        const at = now().toISOString();
        const r = seen.get(list.zone);
        if (r) Object.assign(r, { queries: r.queries + 1, last: at, answer: m.answer });
        else {
          seen.set(list.zone, { answer: m.answer, queries: 1, first: at, last: at });
          warn(`DNS list ${list.zone} refused our query (answer ${m.answer}): its answers are not scored until it answers normally; use your own resolver or the list's subscription service (shown in kas status)`);
        }
        return a;
      },
    },
    refused: () => Object.fromEntries([...seen].map(([z, r]) => [z, { ...r }])),
  };
}
