// Shared secrets a client presents (the Rspamd door's controller Password, …), compared in
// constant time: both sides are hashed first, so neither the position of the first difference
// nor the length of the secret shows in the time a refusal takes.
import { timingSafeEqual } from "node:crypto";

export function sameSecret(given: string, expected: string): boolean {
  const h = (s: string) => new Bun.CryptoHasher("sha256").update(s).digest();
  return timingSafeEqual(h(given), h(expected));
}
