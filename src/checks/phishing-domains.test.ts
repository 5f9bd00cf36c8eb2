import { expect, test } from "bun:test";
import { brandInFront, lookalikeOf, ownInFront, registrable } from "./phishing-domains";

const brand = (host: string) => brandInFront(host, registrable(host)!)?.names[0];

test("a brand's domain spelt in front of another registrable domain names the brand", () => {
  expect(brand("paypal.com.account-check.ru")).toBe("paypal");
  expect(brand("www.paypal.com.account-check.ru")).toBe("paypal");
  expect(brand("login.microsoftonline.com-session.xyz")).toBe("microsoft"); // the suffix word joined to the owner's first label
  expect(brand("www-paypal-com.translate.goog")).toBe("paypal"); // Google Translate's proxy writes the host with hyphens
  expect(brand("irs.gov.refund-status.net")).toBe("irs");
  expect(brand("secure.amazon.co.uk.order-help.com")).toBe("amazon");
  expect(brand("paypal-com.secure-check.net")).toBe("paypal");
});

test("a brand's own hosts, its deep links and newsletter services' hosts, and names followed by other words are not", () => {
  for (const host of ["www.paypal.com", "www.amazon.com.au", "paypal.app.link", "paypal.us1.list-manage.com", "bucket.s3.amazonaws.com", "paypal-support.example.net", "startups.com.example.org", "fb.com.example.org", "news.example.com", "booking-at-the-spa.example", "ledger-in-a-sheet.example.net"])
    expect({ host, brand: brand(host) }).toEqual({ host, brand: undefined });
});

test("the recipient's own domain spelt in front of another; not its own hosts, not an object store's bucket, not a short name", () => {
  const own = (host: string, o: string) => ownInFront(host, registrable(host)!, o);
  expect(own("example.com.docs-review.net", "example.com")).toBe(true);
  expect(own("example-com.sharefile-view.net", "example.com")).toBe(true);
  expect(own("portal.example.co.uk.payroll-check.com", "example.co.uk")).toBe(true);
  expect(own("acme-corp.com.invoice-view.net", "acme-corp.com")).toBe(true);
  expect(own("mail.example.com", "example.com")).toBe(false);
  expect(own("example.com.s3.amazonaws.com", "example.com")).toBe(false); // buckets are named after domains by convention
  expect(own("example.sharepoint.com", "example.com")).toBe(false); // the tenant's name, no suffix after it
  expect(own("examples.com.example.org", "example.com")).toBe(false); // words, not substrings
  expect(own("ab.com.example.org", "ab.com")).toBe(false); // a two-letter name is too often a word
  // Hyphen-joined only with a suffix that is no English word: acme-at-home is a word game, acme.at.portal-x is not.
  expect(own("acme-at-home.example.net", "acme.at")).toBe(false);
  expect(own("acme.at.portal-login.net", "acme.at")).toBe(true);
});

test("a brand whose name is an everyday word (booking, ledger) is imitated only by confusable spelling, not by one edit or as a word of a longer name", () => {
  expect(lookalikeOf("b00king.com")?.names[0]).toBe("booking.com");
  expect(lookalikeOf("1edger.com")?.names[0]).toBe("ledger live");
  for (const d of ["salon-booking.com", "bookings.com", "booking-guest-review.com", "general-ledger.com", "ledgers.com"]) expect({ d, brand: lookalikeOf(d) }).toEqual({ d, brand: undefined });
  // Other brands keep all three measures.
  for (const d of ["santanderr.com", "revo1ut.com", "verizon-billing.com"]) expect({ d, imitated: lookalikeOf(d) !== undefined }).toEqual({ d, imitated: true });
});
