import { expect, test } from "bun:test";
import { defaults } from "../config/load";
import { parseMessageSync } from "../message/parse";
import { phishingSymbols } from "./phishing";
import { claimsInternalRole } from "./role-name";

test("a display name of department words only, one naming the reader's own department, claims it; a name with anyone else's in it does not", () => {
  const own = ["example.com"];
  for (const name of ["IT Helpdesk", "IT Service Desk", "Help Desk", "HR Department", "Human Resources", "Email Administrator", "Webmail Support Team", "Mailbox Quota", "I.T. Support", "IT - Security Notice", "example.com IT Support", "Example HR", "HR Benefits"])
    expect({ name, claims: claimsInternalRole(name, own) }).toEqual({ name, claims: true });
  for (const name of ["Acme Help Desk", "Support Team", "Security Team", "Admin", "Administrator", "System Administrator", "Voice Mail System", "Payroll Department", "Domain Services", "Email Support", "Benefits Team", "Let it be", "it support", "Jane Doe", "", "IT IT IT IT IT IT IT"])
    expect({ name, claims: claimsInternalRole(name, own) }).toEqual({ name, claims: false });
});

test("FROM_NAME_INTERNAL_ROLE: from outside the recipient's organisation only, to an organisation's mailbox, not on a bounce", () => {
  const role = (from: string, rcpt: string) =>
    phishingSymbols(parseMessageSync(new TextEncoder().encode(`From: ${from}\r\nTo: ${rcpt}\r\nSubject: s\r\n\r\nHello\r\n`), defaults().scan), [rcpt]).has("FROM_NAME_INTERNAL_ROLE");
  expect(role('"IT Helpdesk" <it@desk-notices.example>', "user@example.com")).toBe(true);
  expect(role('"IT Helpdesk" <it.desk.2026@gmail.com>', "user@example.com")).toBe(true); // a free mailbox is outside too
  expect(role('"IT Helpdesk" <it@example.com>', "user@example.com")).toBe(false); // the desk's own mail
  expect(role('"IT Helpdesk" <it@corp.example.com>', "user@example.com")).toBe(false); // a subdomain is the same organisation
  expect(role('"Human Resources" <jobs@employer.example>', "applicant@gmail.com")).toBe(false); // to a free mailbox: anyone's employer
  expect(role('"Email Administrator" <postmaster@mx.other.example>', "user@example.com")).toBe(false); // a bounce
  expect(role('"Email Administrator" <MAILER-DAEMON@mx.other.example>', "user@example.com")).toBe(false);
});
