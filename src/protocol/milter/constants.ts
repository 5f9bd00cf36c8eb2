// Milter protocol version 6 numbers: command and reply codes, action and protocol flags,
// macro stages. There is no RFC; the sources are Todd Vierling's description of version 2
// (https://github.com/emersion/go-milter/blob/master/milter-protocol.txt), its version 6
// additions (milter-protocol-extras.txt in the same repository) and sendmail's
// include/libmilter/mfdef.h, whose values Postfix (src/milter/milter8.c) also uses.

/** The newest protocol version we speak; Postfix 2.6+ and sendmail 8.14+ offer 6. */
export const MILTER_VERSION = 6;
/** Version 2 (sendmail 8.11, Postfix 2.3) is the oldest with option negotiation as we use it. */
export const MILTER_MIN_VERSION = 2;

/** Commands, MTA → filter (SMFIC_*). */
export const CMD = {
  abort: 0x41, // 'A'
  body: 0x42, // 'B'
  connect: 0x43, // 'C'
  macro: 0x44, // 'D'
  bodyEob: 0x45, // 'E'
  helo: 0x48, // 'H'
  quitNc: 0x4b, // 'K' quit, a new SMTP session follows on this connection
  header: 0x4c, // 'L'
  mail: 0x4d, // 'M'
  eoh: 0x4e, // 'N'
  optneg: 0x4f, // 'O'
  quit: 0x51, // 'Q'
  rcpt: 0x52, // 'R'
  data: 0x54, // 'T'
  unknown: 0x55, // 'U'
} as const;

/** Replies, filter → MTA (SMFIR_*). */
export const REPLY = {
  addRcpt: 0x2b, // '+'
  delRcpt: 0x2d, // '-'
  accept: 0x61, // 'a'
  replBody: 0x62, // 'b'
  continue: 0x63, // 'c'
  discard: 0x64, // 'd'
  chgFrom: 0x65, // 'e'
  connFail: 0x66, // 'f'
  addHeader: 0x68, // 'h'
  insHeader: 0x69, // 'i'
  chgHeader: 0x6d, // 'm'
  optneg: 0x4f, // 'O'
  progress: 0x70, // 'p'
  quarantine: 0x71, // 'q'
  reject: 0x72, // 'r'
  skip: 0x73, // 's'
  tempfail: 0x74, // 't'
  replyCode: 0x79, // 'y'
} as const;

/** Actions the filter may take (SMFIF_*), offered by the MTA, requested by the filter. */
export const ACTION = {
  addHeaders: 0x1, // SMFIR_ADDHEADER and SMFIR_INSHEADER
  changeBody: 0x2,
  addRcpt: 0x4,
  delRcpt: 0x8,
  changeHeaders: 0x10, // SMFIR_CHGHEADER, including deletion
  quarantine: 0x20,
  changeFrom: 0x40,
  addRcptPar: 0x80,
  setSymList: 0x100, // macro lists may follow the negotiation reply
} as const;

/** Protocol steps (SMFIP_*): "do not send" bits, "no reply" bits and feature bits. */
export const PROTO = {
  noConnect: 0x1,
  noHelo: 0x2,
  noMail: 0x4,
  noRcpt: 0x8,
  noBody: 0x10,
  noHeaders: 0x20,
  noEoh: 0x40,
  nrHeader: 0x80,
  noUnknown: 0x100,
  noData: 0x200,
  skip: 0x400, // the MTA understands SMFIR_SKIP
  rcptRej: 0x800,
  nrConnect: 0x1000,
  nrHelo: 0x2000,
  nrMail: 0x4000,
  nrRcpt: 0x8000,
  nrData: 0x10000,
  nrUnknown: 0x20000,
  nrEoh: 0x40000,
  nrBody: 0x80000,
  headerLeadingSpace: 0x100000, // header values arrive, and must be sent, with their leading space
} as const;

/** Macro stages, as numbered in the macro lists of the negotiation reply. */
export const MACRO_STAGE = { connect: 0, helo: 1, mail: 2, rcpt: 3, data: 4, endOfMessage: 5, endOfHeaders: 6 } as const;

/** Connection families of SMFIC_CONNECT. */
export const FAMILY = { unknown: 0x55, unix: 0x4c, inet: 0x34, inet6: 0x36 } as const; // 'U' 'L' '4' '6'

/** Body chunks are at most this long (MILTER_CHUNK_SIZE in Postfix and sendmail). */
export const MILTER_CHUNK_SIZE = 65535;
