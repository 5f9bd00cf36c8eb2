// The envelope a spamd request carries only in its trace fields: the trusted_relays rule.
import { expect, test } from "bun:test";
import { parseCidr, type IpRange } from "../../dns/ip";
import { envelopeFromTrace, parseReceived } from "./received";

const nets = (...c: string[]) => c.map((x) => parseCidr(x) as IpRange);
const LOOP = nets("127.0.0.0/8", "::1/128");
const msg = (...fields: string[]) => new TextEncoder().encode(fields.join("\r\n") + "\r\n\r\nbody\r\n");

test.each([
  ["Postfix", "from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTP id 4A; Tue, 3 Sep 2002 10:00:00 +0200", { ip: "192.0.2.10", helo: "mail.example.org" }],
  ["Postfix, no rDNS", "from helo.example (unknown [198.51.100.7]) by mx with ESMTPS id 1", { ip: "198.51.100.7", helo: "helo.example" }],
  ["Postfix IPv6", "from h6.example (h6.example [IPv6:2001:db8::25]) by mx with ESMTP", { ip: "2001:db8::25", helo: "h6.example" }],
  ["Exim, helo differs", "from [127.0.0.1] (helo=client.example.org) by exim.kas.test with esmtp (Exim 4.96) (envelope-from <a@example.org>) id 1x; Wed, 2 Dec 2026", { ip: "127.0.0.1", helo: "client.example.org", envFrom: "a@example.org" }],
  ["Exim, port and rDNS", "from host.example ([203.0.113.5]:41234 helo=other.example) by mx with esmtps (envelope-from <>) id 2", { ip: "203.0.113.5", helo: "other.example", envFrom: "" }],
  ["Sendmail", "from relay.example (relay.example [192.0.2.33] (may be forged)) by mx.example (8.17/8.17) with ESMTP id x; date", { ip: "192.0.2.33", helo: "relay.example" }],
  ["qmail (no readable client)", "(qmail 1234 invoked from network); 1 Dec 2026", {}],
  ["a bracket literal that is no IP", "from x ([not.an.ip]) by y", { helo: "x" }],
] as const)("parseReceived: %s", (_n, value, want) => {
  expect(parseReceived(value)).toEqual(want);
});

test("the first Received: from an untrusted host is the client; fields below it are not believed", () => {
  const m = msg(
    "Received: from [127.0.0.1] (helo=localhost) by mx with esmtp (envelope-from <local@example.net>) id 1",
    "Received: from mail.example.org (mail.example.org [192.0.2.10]) by mx.inside with ESMTP (envelope-from <sender@example.org>) id 2",
    "Received: from evil (evil [198.51.100.66]) by forged with ESMTP (envelope-from <forged@example.com>) id 3",
    "Return-Path: <forged-too@example.com>",
  );
  expect(envelopeFromTrace(m, LOOP)).toEqual({ ip: "192.0.2.10", helo: "mail.example.org", from: "sender@example.org", via: "Received #2" });
  // With no trusted relays the topmost field's host is the client.
  expect(envelopeFromTrace(m, [])).toMatchObject({ ip: "127.0.0.1", helo: "localhost", from: "local@example.net" });
  // Trusting the next relay too moves the client one step down.
  expect(envelopeFromTrace(m, [...LOOP, ...nets("192.0.2.0/24")])).toMatchObject({ ip: "198.51.100.66", from: "forged@example.com" });
});

test("Return-Path above the client's Received: is the MAIL FROM; all relays trusted → the deepest is the client", () => {
  const m = msg("Return-Path: <bounce@example.net>", "Received: from [127.0.0.1] (helo=me) by mx with esmtp id 1", "Subject: x");
  expect(envelopeFromTrace(m, LOOP)).toEqual({ ip: "127.0.0.1", helo: "me", from: "bounce@example.net", via: "Received #1 (all relays trusted), Return-Path" });
  expect(envelopeFromTrace(msg("Return-Path: <>", "Subject: x"), LOOP)).toEqual({ from: "", via: "Return-Path" });
  expect(envelopeFromTrace(msg("Subject: nothing"), LOOP)).toEqual({ via: "no trace fields" });
});

test("an unreadable Received: stops the walk", () => {
  const m = msg("Received: (qmail 1 invoked by uid 0); date", "Received: from x (x [192.0.2.1]) by y");
  expect(envelopeFromTrace(m, LOOP)).toEqual({ via: "no trace fields" });
});
