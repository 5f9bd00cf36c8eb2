import { expect, test } from "bun:test";
import { calendarText } from "./calendar";
import { parseMessageSync } from "./parse";

const parse = (s: string) => parseMessageSync(new TextEncoder().encode(s), { max_message_size: 1 << 24, max_mime_parts: 1000, max_mime_depth: 32 });
const ICS = [
  "BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", "UID:1@example.org", "DTSTART:20261207T100000Z", "RRULE:FREQ=WEEKLY",
  'ORGANIZER;CN="Billing: PayPal":mailto:billing@example.net', "ATTENDEE;CN=Jo Lee;RSVP=TRUE:mailto:jo@example.com",
  "SUMMARY:Payment overdue \\; act now", "LOCATION:https://pay.example.net/x", "DESCRIPTION:Line one\\, still one\\nLine tw", " o, folded",
  "ATTACH;ENCODING=BASE64;VALUE=BINARY:QUJD", "ATTACH:https://files.example.net/invoice.pdf", "END:VEVENT", "END:VCALENDAR",
].join("\r\n");

test("what a reader is shown of an invitation: title, place, description, organiser and attendee names, links; unfolded and unescaped", () => {
  expect(calendarText(ICS).split("\n")).toEqual(["Billing: PayPal", "Jo Lee", "Payment overdue ; act now", "https://pay.example.net/x", "Line one, still one", "Line two, folded", "https://files.example.net/invoice.pdf"]);
});

test("a calendar part is read into the body with its links; beside a plain sibling (Outlook's invitations) only its links are added", () => {
  const alone = parse(`From: a@example.net\r\nSubject: s\r\nContent-Type: text/calendar; method=REQUEST\r\n\r\n${ICS}\r\n`);
  expect(alone.body).toContain("Payment overdue ; act now");
  expect(alone.uris).toEqual(["https://pay.example.net/x", "https://files.example.net/invoice.pdf"]);
  const alt = parse(`From: a@example.net\r\nSubject: s\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nPayment overdue, see the invitation.\r\n--b\r\nContent-Type: text/calendar\r\n\r\n${ICS}\r\n--b--\r\n`);
  expect(alt.body).not.toContain("act now");
  expect(alt.uris).toContain("https://pay.example.net/x");
});
