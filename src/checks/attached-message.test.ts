import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import { attachedFrom } from "../message/beside";
import { parseMessageSync } from "../message/parse";
import { phishingSymbols } from "./phishing";

const inner = (from: string) => `From: ${from}\r\nTo: user@example.com\r\nSubject: Shared file\r\nContent-Type: text/plain\r\n\r\nOpen the file.\r\n`;
const outer = (part: string) =>
  parseMessageSync(new TextEncoder().encode(`From: "Jane" <jane@partner.example>\r\nTo: user@example.com\r\nSubject: Fwd\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\n${part}\r\n--b--\r\n`), defaults().scan);
const lie = (from: string, encode = false) => {
  const part = encode ? `Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(inner(from)).toString("base64")}` : `Content-Type: message/rfc822\r\n\r\n${inner(from)}`;
  return phishingSymbols(outer(part), ["user@example.com"]).has("ATTACH_MESSAGE_SENDER_LIE");
};

test("an attached message claiming a brand, a look-alike or the reader's own help desk is a lie, as written and base64-encoded; a brand's own forwarded mail is not", () => {
  for (const from of ['"Microsoft 365" <no-reply@sharepoint-notice.example>', "<security@paypa1.com>", '"IT Helpdesk" <it@desk-notices.example>'])
    for (const encode of [false, true]) expect({ from, encode, lie: lie(from, encode) }).toEqual({ from, encode, lie: true });
  for (const from of ['"PayPal" <service@paypal.com>', '"Jane Doe" <jane@other.example>', '"IT Helpdesk" <it@example.com>']) expect({ from, lie: lie(from) }).toEqual({ from, lie: false });
});

test("attachedFrom holds the From of attached and digest messages, RFC 2047 decoded, at most four; a web archive's is not one", () => {
  const m = outer(`Content-Type: message/rfc822\r\n\r\n${inner("=?utf-8?q?Micro=C5=9Boft?= <a@x.example>")}`);
  expect(attachedFrom(m)).toEqual(["Microśoft <a@x.example>"]);
  const digest = outer(`Content-Type: multipart/digest; boundary=d\r\n\r\n${Array.from({ length: 6 }, (_, i) => `--d\r\n\r\n${inner(`n${i}@x.example`)}`).join("\r\n")}\r\n--d--`);
  expect(attachedFrom(digest)).toEqual(["n0@x.example", "n1@x.example", "n2@x.example", "n3@x.example"]);
  const mht = outer(`Content-Type: message/rfc822; name="page.mht"\r\nContent-Disposition: attachment; filename="page.mht"\r\n\r\n${inner("<Saved by Windows Internet Explorer>")}`);
  expect(attachedFrom(mht)).toEqual([]);
});
