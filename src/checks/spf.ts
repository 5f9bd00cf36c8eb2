// The SPF check (stage "envelope"): asks the SPF service (the master's, over IPC) for the MAIL
// FROM identity and, when enabled, the HELO identity, and names what it saw as symbols
// SPF_<RESULT> / SPF_HELO_<RESULT>; their weights live in rules/60_checks.cf. A slow or
// absent service never holds a message past the scan deadline: that is SPF temperror.
import type { SpfAnswer, SpfQuery } from "../spf/types";
import { SPF_RESULTS, temperrorAnswer } from "../spf";
import type { Check, CheckInput, CheckOutput } from "./types";

export interface SpfCheckOptions {
  ask: (q: SpfQuery) => Promise<SpfAnswer>;
  /** Also check the HELO identity ([spf] helo_check). */
  helo: boolean;
  /** receiver= for the Received-SPF written when no answer came back. */
  receiver?: string;
  /** Clock (performance.now() scale, like CheckInput.deadline); injected by tests. */
  now?: () => number;
}

export function createSpfCheck(opts: SpfCheckOptions): Check {
  const now = opts.now ?? (() => performance.now());

  /** The service's answer, or temperror when it fails or the scan deadline comes first. */
  async function ask(q: SpfQuery, deadline: number): Promise<SpfAnswer & { note?: string }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), Math.max(0, deadline - now()))));
    try {
      const a = await Promise.race([opts.ask(q), late]);
      if (a !== "late") return a;
      return temperror(q, "no SPF answer before the scan deadline");
    } catch (e) {
      return temperror(q, `SPF service failed: ${(e as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  function temperror(q: SpfQuery, problem: string): SpfAnswer & { note: string } {
    return { ...temperrorAnswer(q, problem, opts.receiver), note: `spf (${q.identity ?? "mailfrom"}): ${problem}` };
  }

  return {
    name: "spf",
    stage: "envelope",
    provides: ["spf"],
    async run(input: CheckInput): Promise<CheckOutput> {
      const { ip, helo, from } = input.envelope;
      if (!ip) return { symbols: [], notes: ["spf: no client IP in the envelope, SPF not checked"] };
      // §2.3: the HELO identity is checked on its own; a literal or missing HELO gives none.
      const queries: [SpfQuery, string][] = [[{ ip, from: from ?? "", helo }, "SPF_"]];
      if (opts.helo && helo) queries.push([{ ip, from: from ?? "", helo, identity: "helo" }, "SPF_HELO_"]);
      // Promise.all keeps the order of the queries: MAIL FROM first in symbols and header, whatever finished first.
      const answers = await Promise.all(queries.map(([q]) => ask(q, input.deadline)));
      const out: Required<CheckOutput> = { symbols: [], edits: [], notes: [] };
      answers.forEach((a, i) => {
        const result = (SPF_RESULTS as readonly string[]).includes(a.result) ? a.result : "temperror";
        // The MAIL FROM identity (HELO's for the null sender, §2.4) is the fact DMARC aligns with.
        if (i === 0) input.facts.set("spf", { result, domain: spfDomain(a.sender ?? from ?? "", helo), info: `spf=${result} smtp.mailfrom=${a.sender || from || helo || ""}`.trim() });
        out.symbols.push(`${queries[i][1]}${result.toUpperCase()}`);
        // A trace field: applying the edits prepends it (RFC 7208 §9.1), in this order, MAIL FROM on top.
        if (a.receivedSpf) out.edits.push({ op: "add", name: "Received-SPF", value: a.receivedSpf });
        if (a.note) out.notes.push(a.note);
      });
      return out;
    },
  };
}

/** The domain of the identity SPF checked: the MAIL FROM domain, the HELO name for the null sender. */
function spfDomain(sender: string, helo?: string): string {
  const at = sender.lastIndexOf("@");
  return (at >= 0 ? sender.slice(at + 1) : sender || helo || "").toLowerCase().replace(/\.$/, "");
}
