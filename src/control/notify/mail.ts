// Notification mail: one message to [notify] admin through [notify] smtp, submitted with
// nodemailer's SMTP transport (RFC 5321, STARTTLS per RFC 3207, AUTH per RFC 4954).
// STARTTLS "auto" is opportunistic (RFC 7435): used when the server offers it, without
// certificate checks, because a local MTA's certificate rarely names "127.0.0.1"; "required"
// refuses to send in clear and verifies the certificate.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import nodemailer from "nodemailer";
import type { KasConfig } from "../../config/schema";
import { ConfigError } from "../../errors";
import { parseAddress } from "../../protocol/address";

export type NotifyConfig = KasConfig["notify"];

export interface Sent {
  /** The mail server's final reply (e.g. "250 2.0.0 Ok: queued as 4ZxY"). */
  response: string;
  accepted: string[];
  rejected: string[];
}

export const senderOf = (c: NotifyConfig) => c.from || `kas@${hostname()}`;

function transport(c: NotifyConfig) {
  const a = parseAddress(c.smtp);
  if (typeof a === "string" || a.kind !== "tcp") throw new ConfigError("kas.toml", "notify.smtp", undefined, `${JSON.stringify(c.smtp)}: expected tcp:host:port`);
  let pass: string | undefined;
  if (c.user) {
    try {
      pass = readFileSync(c.password_file, "utf8").replace(/\r?\n$/, "");
    } catch (e) {
      throw new ConfigError("kas.toml", "notify.password_file", undefined, `cannot read the SMTP password (${(e as Error).message})`, "set [notify] password_file to a file the server's user can read, or remove [notify] user");
    }
  }
  return nodemailer.createTransport({
    host: a.host,
    port: a.port,
    secure: false,
    ignoreTLS: c.starttls === "off",
    requireTLS: c.starttls === "required",
    tls: c.starttls === "required" ? {} : { rejectUnauthorized: false },
    auth: c.user ? { user: c.user, pass } : undefined,
    name: hostname(),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
}

/** Sends one mail to every [notify] admin; rejects with the mail server's or the network's reason. */
export async function sendNotification(c: NotifyConfig, subject: string, text: string, to: readonly string[] = c.admin): Promise<Sent> {
  const t = transport(c);
  try {
    const info = await t.sendMail({
      from: `kas <${senderOf(c)}>`,
      to: [...to],
      subject,
      text,
      // An automatic message (RFC 3834): vacation responders must not answer it.
      headers: { "Auto-Submitted": "auto-generated", "X-KAS-Notification": "1" },
    });
    return { response: String(info.response ?? ""), accepted: (info.accepted ?? []).map(String), rejected: (info.rejected ?? []).map(String) };
  } finally {
    t.close();
  }
}
