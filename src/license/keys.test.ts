import { describe, expect, test } from "bun:test";
import { PRIVATE_PREFIX, PUBLIC_PREFIX } from "./key-text";
import { generateKeyPair, parsePrivateKey, parsePublicKey, signBytes, verifyBytes, type PrivateKey, type PublicKey } from "./keys";

const pair = generateKeyPair();
const priv = parsePrivateKey(pair.privateText) as PrivateKey;
const pub = parsePublicKey(pair.publicText) as PublicKey;

test("a generated pair reads back; the private key derives the same public key", () => {
  expect(typeof priv).toBe("object");
  expect(pub.text).toBe(pair.publicKey.text);
  expect(priv.publicKey.text).toBe(pub.text);
  expect(pub.text).toMatch(/^kas-ed25519:[A-Za-z0-9+/]{43}=$/);
  expect(pair.privateText).toMatch(/^# .*\nkas-ed25519-private:[A-Za-z0-9+/]{43}=\n$/);
});

test("RFC 8032 §7.1 test 1: the seed gives the published public key and signature", () => {
  const seed = Buffer.from("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "hex");
  const k = parsePrivateKey(PRIVATE_PREFIX + seed.toString("base64")) as PrivateKey;
  expect(Buffer.from(k.publicKey.text.slice(PUBLIC_PREFIX.length), "base64").toString("hex")).toBe("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  expect(signBytes(new Uint8Array(), k).toString("hex")).toBe(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  );
});

describe("sign and verify", () => {
  const data = new TextEncoder().encode("kas-license-1\nserial=1\n");
  const sig = signBytes(data, priv);
  test("verifies the signed bytes with the signer's key", () => expect(verifyBytes(data, sig, pub)).toBe(true));
  test("fails for one changed data byte", () => {
    const d = Uint8Array.from(data);
    d[3] ^= 1;
    expect(verifyBytes(d, sig, pub)).toBe(false);
  });
  test("fails for one changed signature byte", () => {
    const s = Buffer.from(sig);
    s[10] ^= 0x80;
    expect(verifyBytes(data, s, pub)).toBe(false);
  });
  test("fails for another key", () => expect(verifyBytes(data, sig, parsePublicKey(generateKeyPair().publicText) as PublicKey)).toBe(false));
  test("false, never a throw, for a signature of the wrong length", () => expect(verifyBytes(data, sig.subarray(0, 63), pub)).toBe(false));
});

describe("key text problems are named", () => {
  const pubB64 = pub.text.slice(PUBLIC_PREFIX.length);
  const cases: [string, string, string][] = [
    ["private key given as public", pair.privateText, "this is a PRIVATE key: give the .pub file"],
    ["wrong prefix", "ssh-ed25519 AAAA", "not a kas public key"],
    ["short key", PUBLIC_PREFIX + pubB64.slice(4), "must decode to exactly 32 bytes"],
    ["not base64", PUBLIC_PREFIX + "!".repeat(44), "must decode to exactly 32 bytes"],
    ["non-canonical base64", PUBLIC_PREFIX + pubB64.slice(0, 42) + String.fromCharCode(pubB64.charCodeAt(42) ^ 1) + "=", "must decode to exactly 32 bytes"],
    ["two keys in one file", `${pub.text}\n${pub.text}\n`, "not a kas public key"],
  ];
  for (const [name, text, message] of cases) test(name, () => expect(parsePublicKey(text) as string).toContain(message));
  test("public key given as private", () => expect(parsePrivateKey(pub.text) as string).toContain("not a kas private key"));
  test("comments and blank lines around the key are ignored", () => expect((parsePublicKey(`# c\n\n  ${pub.text}  \n`) as PublicKey).text).toBe(pub.text));
});
