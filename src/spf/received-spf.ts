// The Received-SPF header field of RFC 7208 §9.1:
//   Received-SPF: pass (receiver: comment) client-ip=192.0.2.1; envelope-from="a@b";
//                 helo=mx.b; receiver=mx.example; identity=mailfrom; mechanism="ip4:..."
// Key values are quoted unless they are dot-atoms (RFC 5322 §3.2.3); problem= for errors.
import { identitySender, type IdentityCheck } from "./identity";
import type { SpfAnswer, SpfQuery } from "./types";

export interface ReceivedSpfInput {
  check: IdentityCheck;
  ip: string;
  mailFrom: string;
  helo: string;
  /** Our host name; "unknown" when not set. */
  receiver?: string;
}

const COMMENT: Record<string, (c: IdentityCheck, ip: string) => string> = {
  pass: (c, ip) => `domain of ${c.sender} designates ${ip} as permitted sender`,
  fail: (c, ip) => `domain of ${c.sender} does not designate ${ip} as permitted sender`,
  softfail: (c, ip) => `domain of transitioning ${c.sender} does not designate ${ip} as permitted sender`,
  neutral: (c, ip) => `${ip} is neither permitted nor denied by domain of ${c.sender}`,
  none: (c) => `domain of ${c.sender} does not publish an SPF record`,
  temperror: (c) => `error in processing during lookup of ${c.sender}`,
  permerror: (c) => `domain of ${c.sender} has an invalid SPF record`,
};

const quote = (v: string) => (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/.test(v) ? v : JSON.stringify(v.replace(/[\r\n]/g, " ")));
const comment = (s: string) => s.replace(/[()\\\r\n]/g, (c) => (c === "\r" || c === "\n" ? " " : "\\" + c));

/** The field value (without "Received-SPF: "). */
export function receivedSpf(x: ReceivedSpfInput): string {
  const receiver = x.receiver || "unknown";
  const keys: [string, string][] = [["client-ip", x.ip]];
  if (x.check.identity === "mailfrom") keys.push(["envelope-from", x.mailFrom || x.check.sender]);
  if (x.helo) keys.push(["helo", x.helo]);
  keys.push(["receiver", receiver], ["identity", x.check.identity]);
  if (x.check.mechanism && x.check.mechanism !== "default") keys.push(["mechanism", x.check.mechanism]);
  if (x.check.problem && (x.check.result === "permerror" || x.check.result === "temperror")) keys.push(["problem", x.check.problem]);
  const note = comment(`${receiver}: ${COMMENT[x.check.result](x.check, x.ip)}`);
  return `${x.check.result} (${note}) ${keys.map(([k, v]) => `${k}=${quote(v)}`).join("; ")}`;
}

/** The answer when no evaluation finished (deadline passed, service unreachable): temperror (§2.6.6), with its Received-SPF field. */
export function temperrorAnswer(q: SpfQuery, problem: string, receiver?: string): SpfAnswer {
  const identity = q.identity ?? "mailfrom";
  const helo = q.helo ?? "";
  const sender = identitySender(identity, q.from, helo);
  const check: IdentityCheck = { result: "temperror", domain: sender.slice(sender.lastIndexOf("@") + 1), identity, sender, problem, lookups: 0, voidLookups: 0 };
  return { result: "temperror", problem, identity, sender, receivedSpf: receivedSpf({ check, ip: q.ip, mailFrom: q.from, helo, receiver }) };
}
