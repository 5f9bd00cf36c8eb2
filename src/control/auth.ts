// Who may use the Control Center. One administrator password (argon2id, Bun.password), held
// as [control] password_hash or in password_file (read at each login: `kas control passwd
// --file` takes effect without a reload). A login gives a random session token in a cookie
// (HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot make the browser
// send it; Secure under TLS) and a CSRF token that every changing request must carry in its
// form or x-csrf-token header, compared in constant time. Sessions expire after
// session_timeout seconds without a request and after 12 hours in any case. Failed logins are
// limited per client address (OWASP: slow online guessing down, never lock the admin out for
// good): 5 failures within 15 minutes block that address until the oldest one is 15 minutes old.
import { timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { KasConfig } from "../config/schema";

export const SESSION_COOKIE = "kas_session";
export const MAX_SESSION_MS = 12 * 3_600_000;
export const LOGIN_WINDOW_MS = 15 * 60_000;
export const LOGIN_MAX_FAILURES = 5;
/** Bounds memory whatever a client does: the oldest entries go first. */
const MAX_SESSIONS = 1000;
const MAX_TRACKED_IPS = 10_000;

export const randomToken = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");

/** The stored hash, or why there is none usable (the login page says it; the log too). */
export function passwordHash(c: KasConfig["control"]): { hash: string } | { error: string } {
  if (c.password_hash) return { hash: c.password_hash };
  if (!c.password_file) return { error: "no password is set: run `kas control passwd`" };
  try {
    const hash = readFileSync(c.password_file, "utf8").trim();
    if (!hash.startsWith("$argon2")) return { error: `${c.password_file} does not hold an argon2 hash: run \`kas control passwd --file ${c.password_file}\`` };
    return { hash };
  } catch (e) {
    return { error: `cannot read [control] password_file ${c.password_file}: ${(e as Error).message}` };
  }
}

export async function checkPassword(c: KasConfig["control"], password: string): Promise<{ ok: boolean; error?: string }> {
  const h = passwordHash(c);
  if ("error" in h) return { ok: false, error: h.error };
  try {
    return { ok: await Bun.password.verify(password, h.hash) };
  } catch (e) {
    return { ok: false, error: `the stored password hash is unusable (${(e as Error).message}): run \`kas control passwd\`` };
  }
}

export const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface Session {
  token: string;
  csrf: string;
  created: number;
  seen: number;
}

export class Sessions {
  private readonly map = new Map<string, Session>();
  constructor(private readonly idleMs: () => number, private readonly now: () => number = Date.now) {}

  create(): Session {
    const t = this.now();
    const s = { token: randomToken(), csrf: randomToken(), created: t, seen: t };
    this.map.set(s.token, s);
    if (this.map.size > MAX_SESSIONS) this.map.delete(this.map.keys().next().value!);
    return s;
  }

  /** The live session of this token (its idle timer restarts), or undefined. */
  get(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.map.get(token);
    if (!s) return undefined;
    const t = this.now();
    if (t - s.seen > this.idleMs() || t - s.created > MAX_SESSION_MS) {
      this.map.delete(token);
      return undefined;
    }
    s.seen = t;
    return s;
  }

  destroy(token: string | undefined): void {
    if (token) this.map.delete(token);
  }

  get size(): number {
    return this.map.size;
  }
}

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds until this client may try again (0 = now). */
  retryAfter(ip: string): number {
    const t = this.now();
    const f = (this.failures.get(ip) ?? []).filter((x) => t - x < LOGIN_WINDOW_MS);
    if (f.length) this.failures.set(ip, f);
    else this.failures.delete(ip);
    return f.length >= LOGIN_MAX_FAILURES ? f[0] + LOGIN_WINDOW_MS - t : 0;
  }

  fail(ip: string): void {
    const f = this.failures.get(ip) ?? [];
    f.push(this.now());
    this.failures.delete(ip);
    this.failures.set(ip, f.slice(-LOGIN_MAX_FAILURES));
    if (this.failures.size > MAX_TRACKED_IPS) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(ip: string): void {
    this.failures.delete(ip);
  }
}

export function cookies(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

export function sessionCookie(token: string, secure: boolean, maxAgeS?: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}${maxAgeS !== undefined ? `; Max-Age=${maxAgeS}` : ""}`;
}

/**
 * A request another site made the browser send: Sec-Fetch-Site says so (every current
 * browser sends it), else an Origin that is not this host. Requests without either (curl,
 * old browsers) still need the session cookie and the CSRF token.
 */
export function crossSite(req: Request): boolean {
  // The browser's own word decides when it gives it: Chromium sends `Origin: null` on a
  // same-origin form post from a page with Referrer-Policy no-referrer.
  const site = req.headers.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  const origin = req.headers.get("origin");
  if (!origin) return false;
  if (origin === "null") return true;
  try {
    return new URL(origin).host !== (req.headers.get("host") ?? new URL(req.url, "http://control.invalid").host);
  } catch {
    return true;
  }
}
