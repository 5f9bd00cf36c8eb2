import { expect, test } from "bun:test";
import { rcptAddressHidden } from "./link-rcpt";

const ADDR = ["Jordan.Lee@example.com"];
const b64 = (s: string) => Buffer.from(s).toString("base64");
const hidden = (uri: string, from = "sender.test") => rcptAddressHidden([uri], ADDR, from);

test("the recipient's address base64-encoded after \"#\" or as a path segment, in either case, padded or not, URL-safe too", () => {
  expect(hidden(`https://kit.test/#${b64("Jordan.Lee@example.com")}`)).toBe(true);
  expect(hidden(`https://kit.test/#${b64("jordan.lee@example.com").replace(/=+$/, "")}`)).toBe(true);
  expect(hidden(`https://kit.test/s/${b64("jordan.lee@example.com")}/index.html`)).toBe(true);
  // The last partial character of an encoding depends on what follows: "&r=1" after the address.
  expect(hidden(`https://kit.test/#${b64("jordan.lee@example.com&r=1")}`)).toBe(true);
  // An address whose encoding holds a "/" ("YT8/Pk…"), in the URL-safe alphabet ("_").
  const odd = "a??>@example.com";
  expect(rcptAddressHidden([`https://kit.test/#${b64(odd).replace(/\+/g, "-").replace(/\//g, "_")}`], [odd], "sender.test")).toBe(true);
});

test("the address written out after \"#\" counts on another site than the sender's, percent-encoded too", () => {
  expect(hidden("https://kit.test/#jordan.lee@example.com")).toBe(true);
  expect(hidden("https://kit.test/login#email=jordan.lee%40example.com")).toBe(true);
  // A single-page application's own link to its user (hash routing) is the sender's site.
  expect(hidden("https://app.sender.test/#/reset?email=jordan.lee@example.com")).toBe(false);
});

test("in the path, the encoded address counts off the sender's site only (a site's own unsubscribe page may carry it)", () => {
  const e = b64("jordan.lee@example.com");
  expect(hidden(`https://news.sender.test/unsubscribe/${e}`)).toBe(false);
  expect(hidden(`https://kit.test/unsubscribe/${e}`)).toBe(true);
  expect(hidden(`https://news.sender.test/page#${e}`)).toBe(true); // after "#" wherever it is
});

test("the query is not looked at, nor an encoding inside a longer token, nor another address", () => {
  expect(hidden(`https://esp.test/unsubscribe?e=${b64("jordan.lee@example.com")}`)).toBe(false);
  expect(hidden("https://esp.test/unsubscribe?email=jordan.lee@example.com")).toBe(false);
  expect(hidden(`https://track.test/c/x${b64("jordan.lee@example.com")}`)).toBe(false);
  expect(hidden(`https://kit.test/#${b64("someone.else@example.com")}`)).toBe(false);
  expect(hidden("https://kit.test/page")).toBe(false);
});

test("an encoding in the query does not hide one after \"#\" in the same link", () => {
  const e = b64("jordan.lee@example.com");
  expect(hidden(`https://kit.test/go?u=${e}#${e}`)).toBe(true);
});
