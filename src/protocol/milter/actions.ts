// The scan outcome the server computed → the reply packets that end a message (the answer to
// SMFIC_BODYEOB). Modifications come first, the final verdict last: the MTA applies
// SMFIR_CHGHEADER / SMFIR_INSHEADER / SMFIR_ADDHEADER only until the accept/reject reply
// (Vierling, SMFIC_BODYEOB: "zero or more modification actions, then accept/reject action").
//
// Header edits map onto the engine's HeaderEdit list (model.ts), placed as the pipe
// and HTTP paths place them (message/edit.ts):
//   add / set   → a trace field (isTraceField: Received-SPF, Authentication-Results, ...) goes on
//                 top: SMFIR_INSHEADER index 0, inserted in reverse so the first edit is topmost;
//                 any other field (X-KAS-*, X-Spam-Flag) SMFIR_ADDHEADER at the end, in edit order.
//                 set first deletes every received field of that name: a forged copy is removed, not stacked
//   remove      → SMFIR_CHGHEADER with an empty value for every received field of that name
//   prefix_subject → SMFIR_CHGHEADER Subject (index of the first Subject), or SMFIR_ADDHEADER
//                 Subject when the message has none; never a second prefix
// CHGHEADER indexes count the received fields of one name from 1 (case-insensitive). Postfix
// resolves them against the message as received, without its own Received: field, and puts
// index 0 inserts above that field (milter8.c, cleanup_milter.c).
// Deletions of one name go from the highest index down, so an MTA that renumbers after a
// delete and one that does not both remove the right fields; the Subject change goes before
// any deletion for the same reason.
import type { HeaderEdit } from "../../model";
import { fieldText, isTraceField } from "../../message/edit";
import type { ReceivedField } from "./assemble";
import { encodeAccept, encodeAddHeader, encodeChangeHeader, encodeDiscard, encodeInsertHeader, encodeReject, encodeReplyCode, encodeTempfail } from "./replies";

/** Field names a sender must not be able to forge: received copies are deleted before ours go in. */
export const FORGED_FIELD_PREFIXES: readonly string[] = ["X-KAS-", "X-Spam-"];

export interface MilterOutcome {
  disposition: "accept" | "reject" | "tempfail" | "discard";
  /** SMTP reply for reject / tempfail, text optionally starting with the enhanced code ("5.7.1 ..."). */
  reply?: { code: number; text: string };
  edits: readonly HeaderEdit[];
  /** Received fields whose name starts with one of these (case-insensitive) are deleted. */
  stripPrefixes?: readonly string[];
}

export interface Capabilities {
  canAddHeaders: boolean;
  canChangeHeaders: boolean;
  /** SMFIP_HDR_LEADSPC: the values we send are used as-is, so they carry their leading space. */
  leadingSpace: boolean;
}

export interface EncodedOutcome {
  packets: Uint8Array[];
  /** Edits left out because the MTA did not offer the action (for the server's log line). */
  skipped: string[];
}

/** A header value in the wire form: folded with LF, leading space only when the MTA keeps it. */
function wireValue(name: string, value: string, leadingSpace: boolean): string {
  const text = fieldText(name, value, "\n").slice(name.length + 1, -1);
  return leadingSpace ? text : text.replace(/^ /, "");
}

/**
 * `fields` are the received fields in order; `complete` is false when the session could not
 * keep all of them (a header block past the size limit): a Subject may then exist unseen, so
 * none is added.
 */
export function encodeOutcome(outcome: MilterOutcome, fields: readonly ReceivedField[], caps: Capabilities, complete = true): EncodedOutcome {
  if (outcome.disposition === "reject") return { packets: [outcome.reply ? encodeReplyCode(outcome.reply.code, outcome.reply.text) : encodeReject()], skipped: [] };
  if (outcome.disposition === "tempfail") return { packets: [outcome.reply ? encodeReplyCode(outcome.reply.code, outcome.reply.text) : encodeTempfail()], skipped: [] };

  // Occurrence index of each received field among the fields of its name (1-based).
  const lower = fields.map((f) => f.name.toLowerCase());
  const seen = new Map<string, number>();
  const occurrence = lower.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k;
  });
  const doomed = new Set<number>(); // positions in `fields`
  const doom = (pred: (n: string) => boolean) => lower.forEach((n, i) => pred(n) && doomed.add(i));
  const inserts: { name: string; value: string }[] = [];
  let prefix: string | undefined;
  const packets: Uint8Array[] = [];
  const skipped: string[] = [];

  for (const e of outcome.edits) {
    if (e.op === "remove" || e.op === "set") {
      const n = e.name.toLowerCase();
      doom((f) => f === n);
      for (let k = inserts.length - 1; k >= 0; k--) if (inserts[k].name.toLowerCase() === n) inserts.splice(k, 1);
      if (e.op === "set") inserts.push({ name: e.name, value: e.value });
    } else if (e.op === "add") {
      inserts.push({ name: e.name, value: e.value });
    } else {
      prefix ??= e.prefix;
    }
  }
  for (const p of outcome.stripPrefixes ?? []) {
    const lp = p.toLowerCase();
    doom((n) => n.startsWith(lp));
  }

  const change = (what: string, packet: () => Uint8Array) => (caps.canChangeHeaders ? packets.push(packet()) : skipped.push(what));
  const add = (what: string, packet: () => Uint8Array) => (caps.canAddHeaders ? packets.push(packet()) : skipped.push(what));

  let addSubject: string | undefined;
  if (prefix !== undefined) {
    const at = lower.findIndex((n, i) => n === "subject" && !doomed.has(i));
    const safe = wireValue("Subject", prefix, false);
    if (at < 0 && complete) {
      addSubject = safe;
    } else if (at < 0) {
      skipped.push("prefix Subject (the header was too large to keep every field)");
    } else {
      const v = fields[at].value;
      const lead = /^[ \t]*/.exec(v)![0];
      const rest = v.slice(lead.length);
      if (!rest.startsWith(prefix) && !rest.startsWith(safe)) {
        const value = (caps.leadingSpace ? lead || " " : "") + safe + (rest ? " " + rest : "");
        change("change Subject", () => encodeChangeHeader(occurrence[at], fields[at].name, value));
      }
    }
  }
  const byName = new Map<string, number[]>();
  for (const i of doomed) byName.set(lower[i], [...(byName.get(lower[i]) ?? []), i]);
  for (const positions of byName.values()) {
    for (const i of positions.sort((a, b) => occurrence[b] - occurrence[a])) {
      change(`delete ${fields[i].name}`, () => encodeChangeHeader(occurrence[i], fields[i].name, ""));
    }
  }
  const tops = inserts.filter((f) => isTraceField(f.name));
  for (let k = tops.length - 1; k >= 0; k--) {
    const { name, value } = tops[k];
    add(`insert ${name}`, () => encodeInsertHeader(0, name, wireValue(name, value, caps.leadingSpace)));
  }
  for (const { name, value } of inserts.filter((f) => !isTraceField(f.name))) {
    add(`add ${name}`, () => encodeAddHeader(name, wireValue(name, value, caps.leadingSpace)));
  }
  if (addSubject !== undefined) {
    const value = (caps.leadingSpace ? " " : "") + addSubject;
    add("add Subject", () => encodeAddHeader("Subject", value));
  }
  packets.push(outcome.disposition === "discard" ? encodeDiscard() : encodeAccept());
  return { packets, skipped };
}
