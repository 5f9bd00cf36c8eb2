// Test-only: small synthetic spam / ham corpora for the kas learn and kas scan end-to-end
// tests. Each message has its own Message-ID and body, so learning counts every one.
// Never imported by production code.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SPAMMY = ["viagra", "pills", "cheap", "offer", "casino", "winner", "mortgage", "refinance", "click", "unsubscribe"];
const HAMMY = ["patch", "build", "review", "meeting", "kernel", "release", "branch", "commit", "thanks", "agenda"];

export function message(kind: "spam" | "ham", i: number): string {
  const words = kind === "spam" ? SPAMMY : HAMMY;
  const body = Array.from({ length: 60 }, (_, k) => `${words[(i + k) % words.length]} ${kind}${(i * 13 + k) % 400}`).join(" ");
  return `From: ${kind}${i}@${kind}.example\r\nTo: user@example.org\r\nSubject: ${words[i % words.length]} ${words[(i + 3) % words.length]} ${i}\r\nMessage-ID: <${kind}-${i}@${kind}.example>\r\n\r\n${body}\r\n`;
}

/** Writes n messages of one kind as dir/kind/NNNN.eml; returns that directory. */
export function corpus(dir: string, kind: "spam" | "ham", n: number, from = 0): string {
  const d = join(dir, kind);
  mkdirSync(d, { recursive: true });
  for (let i = from; i < from + n; i++) writeFileSync(join(d, `${String(i).padStart(4, "0")}.eml`), message(kind, i));
  return d;
}
