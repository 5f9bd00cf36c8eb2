// spamd reply codes: the sysexits.h values (BSD sysexits(3)) SpamAssassin's spamd answers with,
// by name, as they appear on the reply line ("SPAMD/1.1 76 EX_PROTOCOL ...").
export const EX = {
  OK: 0,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  NOUSER: 67,
  NOHOST: 68,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  OSERR: 71,
  IOERR: 74,
  TEMPFAIL: 75,
  PROTOCOL: 76,
  NOPERM: 77,
  CONFIG: 78,
  TIMEOUT: 79,
} as const;
export type SpamdCode = (typeof EX)[keyof typeof EX];

const NAMES = new Map<number, string>(Object.entries(EX).map(([k, v]) => [v, `EX_${k}`]));
export const codeName = (code: SpamdCode) => NAMES.get(code) ?? String(code);
