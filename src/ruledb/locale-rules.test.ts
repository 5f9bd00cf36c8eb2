// Rules that read labels the law of a country puts on advertising mail: they must match the
// label however the sender's software wrote the Subject (RFC 2047 encoded word, or raw 8-bit
// bytes that reach the rules decoded as windows-1252), and nothing else.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { defaults } from "../config/load";
import { parseMessage } from "../message/parse";
import { compileDir } from "./compile";
import { loadRuleDb } from "./match";

const db = loadRuleDb(compileDir(join(import.meta.dir, "../../rules")).db!);

/** The bytes of a latin1 string (one char per byte), so tests can write raw 8-bit headers. */
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** EUC-KR bytes of the Korean words used here. */
const AD = "\xb1\xa4\xb0\xed"; // 광고, "advertisement"
const REFUSE = "\xbc\xf6\xbd\xc5\xb0\xc5\xba\xce"; // 수신거부, "refuse reception"

async function names(subject: string, body: string, bodyCharset = "euc-kr"): Promise<string[]> {
  const raw = bytes(
    `From: shop@example.kr\r\nTo: you@example.net\r\nSubject: ${subject}\r\nDate: Tue, 3 Sep 2002 10:00:00 +0900\r\n` +
      `Message-ID: <1@example.kr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=${bodyCharset}\r\n\r\n${body}\r\n`,
  );
  const m = await parseMessage(raw, defaults().scan);
  return db.match(m, { checkSymbols: [], deadline: performance.now() + 5000 }).hits.map((h) => h.name);
}
const b64 = (s: string) => Buffer.from(bytes(s)).toString("base64");

describe("Korean advertising label", () => {
  test("the label is found in an encoded word, in either name of the charset", async () => {
    expect(await names(`=?euc-kr?B?${b64(`(${AD}) cheap phones`)}?=`, "hello")).toContain("SUBJ_KR_AD_LABEL");
    expect(await names(`=?ks_c_5601-1987?B?${b64(`[${AD}] cheap phones`)}?=`, "hello")).toContain("SUBJ_KR_AD_LABEL");
  });

  test("the label is found in a raw 8-bit Subject, spaced out or not", async () => {
    expect(await names(`(${AD}) cheap phones`, "hello")).toContain("SUBJ_KR_AD_LABEL");
    expect(await names(`(${AD.slice(0, 2)} ${AD.slice(2)}) cheap phones`, "hello")).toContain("SUBJ_KR_AD_LABEL");
  });

  test("the word without the label's brackets, or late in the Subject, is not the label", async () => {
    expect(await names(`=?euc-kr?B?${b64(`${AD} question about our order`)}?=`, "hello")).not.toContain("SUBJ_KR_AD_LABEL");
    expect(await names(`Re: about the meeting on the new budget and the (${AD}) plan`, "hello")).not.toContain("SUBJ_KR_AD_LABEL");
  });

  test("the opt-out notice is found in a declared EUC-KR body and in an undeclared 8-bit one", async () => {
    expect(await names("news", `${REFUSE} click`)).toContain("KR_AD_OPTOUT");
    expect(await names("news", `${REFUSE} click`, "us-ascii")).toContain("KR_AD_OPTOUT");
    expect(await names("news", "no notice here")).not.toContain("KR_AD_OPTOUT");
  });
});
