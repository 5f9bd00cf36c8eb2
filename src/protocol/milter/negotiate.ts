// Option negotiation (SMFIC_OPTNEG): the MTA offers a version, the actions it allows and the
// protocol steps it can leave out; we answer with what kas needs and nothing more.
//   - steps: connect, HELO, MAIL, RCPT, headers, end of headers, body, end of message. Not
//     wanted: DATA and unknown SMTP commands (SMFIP_NODATA, SMFIP_NOUNKNOWN).
//   - no replies: kas decides once, at end of message, so every earlier step is sent without
//     waiting for us (SMFIP_NR_*), which saves a round trip per command and per header. The
//     exception is body chunks when the MTA understands SMFIR_SKIP: we answer those, so that a
//     message over the size limit can be cut short instead of streamed to the end.
//   - SMFIP_HDR_LEADSPC: header values keep their leading white space, so the reassembled
//     message has the sender's exact bytes.
//   - actions: add/insert headers and change/delete headers only.
//   - macros (when the MTA offers SMFIF_SETSYMLIST): the ones kas reads, at the stages Postfix
//     and sendmail know them; this also makes `i` arrive when an admin trimmed the defaults.
// Every bit is masked with the offer: Postfix drops a filter that asks for an action it did
// not offer, and a version above its own (milter8.c, "request mask conflict").
import { ACTION, MACRO_STAGE, MILTER_MIN_VERSION, MILTER_VERSION, PROTO } from "./constants";
import { MilterProtocolError } from "./error";
import type { NegotiationReply } from "./replies";

export interface Negotiated extends NegotiationReply {
  /** Steps for which the MTA waits for our reply. */
  replies: { connect: boolean; helo: boolean; mail: boolean; rcpt: boolean; data: boolean; unknown: boolean; header: boolean; eoh: boolean; body: boolean };
  /** We may answer a body chunk with SMFIR_SKIP. */
  skip: boolean;
  leadingSpace: boolean;
  canAddHeaders: boolean;
  canChangeHeaders: boolean;
}

/** Macros kas reads: queue id, SASL login, the MTA's daemon name and host name. */
export const WANTED_MACROS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [MACRO_STAGE.connect, ["j", "{daemon_name}"]],
  [MACRO_STAGE.mail, ["i", "{auth_authen}"]],
  [MACRO_STAGE.endOfHeaders, ["i"]],
  [MACRO_STAGE.endOfMessage, ["i", "{auth_authen}"]],
];

export function negotiate(offer: { version: number; actions: number; protocol: number }): Negotiated | MilterProtocolError {
  if (offer.version < MILTER_MIN_VERSION) return new MilterProtocolError("unsupported_version", `the MTA speaks milter protocol version ${offer.version}; kas needs version ${MILTER_MIN_VERSION} or later (Postfix: milter_protocol = 6)`);
  const version = Math.min(offer.version, MILTER_VERSION);
  const offered = (bit: number) => (offer.protocol & bit) !== 0;
  const skip = offered(PROTO.skip);
  let protocol = offer.protocol & (PROTO.noData | PROTO.noUnknown | PROTO.headerLeadingSpace);
  const nr = [PROTO.nrConnect, PROTO.nrHelo, PROTO.nrMail, PROTO.nrRcpt, PROTO.nrData, PROTO.nrUnknown, PROTO.nrHeader, PROTO.nrEoh];
  for (const bit of nr) protocol |= offer.protocol & bit;
  if (skip) protocol |= PROTO.skip;
  else protocol |= offer.protocol & PROTO.nrBody;
  const symList = (offer.actions & ACTION.setSymList) !== 0;
  const actions = offer.actions & (ACTION.addHeaders | ACTION.changeHeaders | (symList ? ACTION.setSymList : 0));
  const waits = (bit: number) => (protocol & bit) === 0;
  return {
    version,
    actions,
    protocol,
    macros: symList ? WANTED_MACROS : undefined,
    replies: {
      connect: waits(PROTO.nrConnect),
      helo: waits(PROTO.nrHelo),
      mail: waits(PROTO.nrMail),
      rcpt: waits(PROTO.nrRcpt),
      data: waits(PROTO.nrData),
      unknown: waits(PROTO.nrUnknown),
      header: waits(PROTO.nrHeader),
      eoh: waits(PROTO.nrEoh),
      body: waits(PROTO.nrBody),
    },
    skip,
    leadingSpace: (protocol & PROTO.headerLeadingSpace) !== 0,
    canAddHeaders: (actions & ACTION.addHeaders) !== 0,
    canChangeHeaders: (actions & ACTION.changeHeaders) !== 0,
  };
}
