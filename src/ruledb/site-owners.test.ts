// The lures of rules/65_site_owners.cf, aimed at whoever owns a website or a domain, against the
// honest mail that says the same: a rights agency's case notice, a registrar's own renewal
// notice, a web agency's reminder, a host's advice about the lure and its backup notice.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, fromHitsOf, ruleHits } from "../testing/rule-hits";

const COPYRIGHT = ["COPYRIGHT_CLAIM_LURE", "PHISH_COPYRIGHT_LINK"];
const copyright = fromHitsOf(COPYRIGHT);

test("a photographer's copyright claim with a threat and a link to \"the images\" is COPYRIGHT_CLAIM_LURE, on free hosting PHISH_COPYRIGHT_LINK; an agency's case notice, a credit request and advice about the lure are not", async () => {
  const lure = "<p>Hello, I am a professional photographer. Your website is using my images without my permission. If you do not remove them within 24 hours, I will take legal action and file a DMCA complaint with your hosting provider.</p><p>Here is a link to my images and the proof: <a href=\"https://sites.google.com/view/photo-evidence-2026\">images</a></p>";
  expect(await copyright('"Melissa Carter" <melissa.carter.photo@gmail.com>', lure)).toEqual(COPYRIGHT);
  for (const [from, honest] of [
    ['"ImageRights Cases" <cases@imagerights.example>', "<p>Our client's photograph is used on your website without a licence. Please review the case at <a href=\"https://imagerights.example/case/48213\">our case portal</a>. Otherwise our client may take legal action.</p>"],
    ['"Tom Harris" <tom.harris.photo@gmail.com>', "<p>Hi! I noticed your blog uses my photo of the lighthouse without credit. Could you add my name under it? Thanks, Tom</p>"],
    ['"Hosting Support" <support@host.example>', "<p>When someone writes that your website uses their images without permission and threatens to file a DMCA complaint, do not open their links: forward the mail to us.</p>"],
  ]) expect({ honest, got: await copyright(from, honest) }).toEqual({ honest, got: [] });
});

const DOMAIN = ["DOMAIN_RENEWAL_LURE", "PHISH_DOMAIN_RENEWAL"];
const domainHits = fromHitsOf(DOMAIN);
const notice = "<p>Your domain example.com expires on 12/07/2026. If it is not renewed, your website and email will stop working and the domain may be released to the public.</p>";

test("a domain \"about to expire\" in a registrar's name it is not, or through a disguised link, is PHISH_DOMAIN_RENEWAL", async () => {
  expect(await domainHits('"GoDaddy Renewals" <renewals@gd-domain-billing.example>', `${notice}<p><a href="https://gd-domain-billing.example/renew">Renew now</a></p>`)).toEqual(DOMAIN);
  expect(await domainHits('"Domain Services" <billing@domain-services.example>', `<p>Your domain name example.com has been suspended. You will lose your website and all emails unless you renew today.</p><p><a href="https://renew-domain-now.pages.dev/pay">Renew</a></p>`)).toEqual(DOMAIN);
  expect(await domainHits('"Hostinger" <billing@hostinger-renewals.example>', "<p>Your domain name will be deactivated on Monday and your online presence will be lost.</p>")).toEqual(DOMAIN);
});

test("the registrar's own renewal notice and a web agency's reminder are only DOMAIN_RENEWAL_LURE; a domain's news and a transfer note are nothing", async () => {
  expect(await domainHits('"GoDaddy" <renewals@godaddy.com>', `${notice}<p><a href="https://account.godaddy.com/products">Renew now</a></p>`)).toEqual(["DOMAIN_RENEWAL_LURE"]);
  expect(await domainHits('"Anna at Pixelwerk" <anna@pixelwerk.example>', `${notice}<p>Shall we renew it for you? Reply and we take care of it.</p>`)).toEqual(["DOMAIN_RENEWAL_LURE"]);
  await expectHonest((t) => domainHits('"Namecheap" <support@namecheap.com>', t), [
    "<p>Your domain example.com was renewed for one year. The next renewal is on 12/07/2027.</p>",
    "<p>The transfer of example.com to us is complete; your website and email keep working throughout.</p>",
  ]);
});

const RANSOM = ["SITE_RANSOM_DEMAND"];

test("the site's database \"stolen\" and to be leaked unless paid in bitcoin, or a DDoS threatened unless paid, is SITE_RANSOM_DEMAND", async () => {
  expect(await ruleHits(RANSOM, "Your database has been downloaded and backed up to our server. Send 0.04 BTC to our bitcoin address or we will leak it and notify all your customers.")).toEqual(RANSOM);
  expect(await ruleHits(RANSOM, "We have hacked your website. Pay 0.1 BTC to bc1qm4x7kz9p2wrh8d6t3n5vyq0c7e4s2l8a6f9j3u within 48 hours or your files will be deleted.")).toEqual(RANSOM);
  expect(await ruleHits(RANSOM, "Your site will go down on Monday: our DDoS attack is 300 Gbps. Pay 2 BTC to the bitcoin address below to avoid it.")).toEqual(RANSOM);
});

test("a breach told in the third person, a host's backup notice and a ransom warning without a payment are not SITE_RANSOM_DEMAND", async () => {
  await expectHonest((t) => ruleHits(RANSOM, t), [
    "The attackers downloaded the shop's database and demanded bitcoin; the owner refused and restored from backups.",
    "Your database has been backed up to our server at 03:00. Backups are kept for 30 days; we will delete older copies.",
    "Your website has been compromised: we found a malicious file. We will delete it tonight unless you tell us otherwise.",
  ]);
});

test("each site-owner fixture is at least probable spam with its lure's rule", async () => {
  await expectFixturesFlagged({ "phishing/copyright-claim.eml": ["COPYRIGHT_CLAIM_LURE", "PHISH_COPYRIGHT_LINK"], "phishing/domain-expiry.eml": ["DOMAIN_RENEWAL_LURE", "PHISH_DOMAIN_RENEWAL"], "phishing/site-database-ransom.eml": RANSOM });
});
