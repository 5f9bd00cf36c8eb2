// The one Authentication-Results field of a scan (RFC 8601), written after SPF, DKIM, ARC and
// DMARC (it needs all four facts), prepended as a trace field. RFC 8601 §5: a field already in
// the message that claims our authserv-id was written by someone else (forgery, or an earlier
// hop pretending to be us) and must go; fields of other authserv-ids stay. Edits remove by
// field name only, so the others are removed and written again, below ours, in their order.
import type { HeaderField } from "../message/types";
import type { Check, CheckInput, CheckOutput } from "./types";
import type { HeaderEdit } from "../model";

const NAME = "Authentication-Results";

/** The authserv-id a field claims: its first token, before any version and the first ";" (RFC 8601 §2.2). */
export function authservIdOf(value: string): string {
  return value.replace(/\([^)]*\)/g, " ").trim().split(/[\s;]/)[0]?.toLowerCase() ?? "";
}

export function createAuthResultsCheck(authservId: string): Check {
  const id = authservId.toLowerCase();
  return {
    name: "auth-results",
    stage: "content",
    needs: ["spf", "dkim", "arc", "dmarc"],
    // No I/O: the field is written whenever its inputs arrive.
    runsLate: true,
    async run(input: CheckInput): Promise<CheckOutput> {
      const [spf, dkim, arc, dmarc] = await Promise.all([input.facts.get("spf"), input.facts.get("dkim"), input.facts.get("arc"), input.facts.get("dmarc")]);
      const results = [
        ...(dkim?.signatures.length ? dkim.signatures.map((s) => s.info) : dkim ? ["dkim=none"] : []),
        ...(spf?.info ? [spf.info] : []),
        ...(arc?.info ? [arc.info] : arc ? [`arc=${arc.result}`] : []),
        ...(dmarc?.info ? [dmarc.info] : []),
      ];
      // One line; applying the edit folds it (message/edit.ts fieldText).
      const value = `${authservId}; ${results.length ? results.join("; ") : "none"}`;
      const forged = dropForged(input.message?.headers ?? [], id);
      const ours: HeaderEdit = { op: "add", name: NAME, value };
      return { symbols: [], edits: forged.length ? [forged[0], ours, ...forged.slice(1)] : [ours], notes: forged.length ? [`auth-results: removed an Authentication-Results field claiming our authserv-id ${authservId}`] : [] };
    },
  };
}

/** Edits that remove every field claiming `id`: all are removed, those of other ids added back. */
function dropForged(headers: readonly HeaderField[], id: string): HeaderEdit[] {
  const fields = headers.filter((h) => h.name.toLowerCase() === NAME.toLowerCase());
  if (!fields.some((f) => authservIdOf(f.raw) === id)) return [];
  // Edits add trace fields at the top in edit order: the caller puts ours between the removal and these.
  const keep = fields.filter((f) => authservIdOf(f.raw) !== id).map((f): HeaderEdit => ({ op: "add", name: NAME, value: f.raw }));
  return [{ op: "remove", name: NAME }, ...keep];
}
