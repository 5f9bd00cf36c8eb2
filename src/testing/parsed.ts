// Test-only: hand-built ParsedMessage objects, for tests of code that consumes parsed mail
// (Bayes, checks) without depending on the parser. Never imported by production code.
import type { ParsedMessage } from "../message/types";

export function parsed(p: { headers?: Record<string, string>; body?: string; uris?: string[]; rawbody?: string; messageId?: string }): ParsedMessage {
  const headers = Object.entries({ ...(p.messageId ? { "Message-ID": `<${p.messageId}>` } : {}), ...(p.headers ?? {}) }).map(([name, value]) => ({ name, raw: value, value }));
  const subject = p.headers?.Subject ?? "";
  const body = `${subject}\n${p.body ?? ""}`;
  const full = headers.map((h) => `${h.name}: ${h.raw}`).join("\r\n") + "\r\n\r\n" + (p.body ?? "");
  return {
    headers,
    body,
    rawbody: p.rawbody ?? p.body ?? "",
    full,
    uris: p.uris ?? [],
    links: [],
    parts: [{ contentType: "text/plain", charset: "utf-8", size: (p.body ?? "").length, depth: 0 }],
    htmlHiddenChars: 0,
    htmlVisibleChars: 0,
    truncated: false,
    defects: [],
    size: full.length,
  };
}
