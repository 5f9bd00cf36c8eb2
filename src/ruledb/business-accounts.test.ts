// The lures of rules/68_business_accounts.cf, sent to a business's people about its own
// accounts, against the honest mail that reads alike: a platform's restriction notice, a
// processor's dispute notice, HR's year-end mail and a finance team's request to its accountant.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, expectLures, fromHitsOf, ruleHits } from "../testing/rule-hits";

const POLICY = ["PHISH_POLICY_APPEAL", "POLICY_APPEAL_LURE"];
const DISPUTE = ["MERCHANT_DISPUTE_LURE", "PHISH_MERCHANT_DISPUTE"];
const TAX = ["BEC_TAX_FORMS_REQUEST", "PHISH_TAX_FORMS_BEC"];

const appeal = "<p>Your Facebook page violates our Community Standards and intellectual property policies. Your page will be permanently deleted within 24 hours unless you submit an appeal.</p>";

test("a page said to break a policy and to be deleted within hours is POLICY_APPEAL_LURE; in the platform's name from elsewhere or through a disguised link PHISH_POLICY_APPEAL", async () => {
  expect(await fromHitsOf(POLICY)('"Meta Business Support" <case-88213@appeal-center.example>', appeal)).toEqual(POLICY);
  expect(await fromHitsOf(POLICY)('"Page Support" <support@page-support.example>', `${appeal}<p><a href="https://appeal-case-88213.vercel.app/">Appeal</a></p>`)).toEqual(POLICY);
  expect(await ruleHits(POLICY, "We found that your ad account did not comply with our advertising and commerce policies. The ad account is scheduled for permanent deactivation. Please verify within 48 hours.")).toEqual(["POLICY_APPEAL_LURE"]);
  // The same words from the platform's own domain are the lure's wording only, 1 point.
  expect(await fromHitsOf(POLICY)('"Facebook" <notification@facebookmail.com>', appeal)).toEqual(["POLICY_APPEAL_LURE"]);
});

test("the appeal lure in German, French, Spanish, Italian, Portuguese and Dutch is POLICY_APPEAL_LURE", async () => {
  await expectLures((t) => ruleHits(POLICY, t), ["POLICY_APPEAL_LURE"], [
    "Ihre Seite verstößt gegen unsere Gemeinschaftsstandards. Ihre Seite wird innerhalb von 24 Stunden dauerhaft gelöscht, wenn Sie keinen Einspruch einlegen.",
    "Votre page enfreint nos Standards de la communauté et nos règles de propriété intellectuelle. Votre page sera définitivement supprimée dans les 24 heures.",
    "Tu página infringe nuestras normas comunitarias. Tu página será eliminada permanentemente en 24 horas si no presentas una apelación.",
    "La tua pagina viola gli standard della community. La tua pagina verrà eliminata definitivamente entro 48 ore.",
    "Sua página violou os padrões da comunidade. Sua página será excluída permanentemente em 24 horas.",
    "Uw pagina schendt onze communitynormen. Uw pagina wordt binnen 24 uur permanent verwijderd.",
    "Votre compte enfreint les Standards de la communauté. Votre compte sera supprimé sous 48 h.",
  ]);
  await expectHonest((t) => ruleHits(POLICY, t), [
    "Deine Seite entspricht nicht unseren Gemeinschaftsstandards, deshalb haben wir sie eingeschränkt. Du kannst innerhalb von 30 Tagen eine Überprüfung beantragen.",
    "Votre compte sera supprimé dans les 24 heures, comme vous l'avez demandé.",
    "Votre page enfreint les Standards de la communauté : nous l'avons limitée. Vous pouvez demander un examen sous 30 jours.",
  ]);
});

test("the platform's own restriction notice, a page's maintenance and a policy's news are not the appeal lure", async () => {
  await expectHonest((t) => ruleHits(POLICY, t), [
    "Your Page doesn't follow our Community Standards on intellectual property, so we've restricted it. If you think we got this wrong, you can request a review. You have 30 days to disagree.",
    "Your page will be unpublished within 24 hours while we move it to the new design; it comes back on Monday.",
    "We are updating our Terms of Service. Accounts that violate our advertising policies may be suspended after a review.",
  ]);
});

const dispute = "<p>A customer has disputed a payment of $1,240.00. The disputed amount has been withheld from your balance. Submit your evidence by 12 December 2026.</p>";

test("a payment disputed with its funds held is MERCHANT_DISPUTE_LURE; from a processor's name it is not, or through a shortener, PHISH_MERCHANT_DISPUTE", async () => {
  expect(await fromHitsOf(DISPUTE)('"Stripe Disputes" <notice@merchant-case-review.example>', dispute)).toEqual(DISPUTE);
  expect(await fromHitsOf(DISPUTE)('"Payments Team" <notice@payments-team.example>', `${dispute}<p><a href="https://bit.ly/3dspT7r">Respond</a></p>`)).toEqual(DISPUTE);
  expect(await ruleHits(DISPUTE, "A chargeback has been filed against your account for order 1182. The funds are on hold until you upload your proof of delivery.")).toEqual(["MERCHANT_DISPUTE_LURE"]);
});

test("the processor's own dispute notice is the wording only; a shop's help page and a cardholder's letter are nothing", async () => {
  expect(await fromHitsOf(DISPUTE)('"Stripe" <notifications@stripe.com>', `${dispute}<p><a href="https://dashboard.stripe.com/disputes/dp_1QxR8Lk2">Respond</a></p>`)).toEqual(["MERCHANT_DISPUTE_LURE"]);
  await expectHonest((t) => ruleHits(DISPUTE, t), [
    "If a customer disputes a charge, we notify you by email and you can answer from the dashboard.",
    "You disputed a charge of $84.20 at Corner Books. We have credited the amount while we look into it.",
    "Red Stripe: a case of 24 bottles has been held at the depot for collection.",
  ]);
});

test("every employee's W-2 asked for is BEC_TAX_FORMS_REQUEST, from a free mailbox PHISH_TAX_FORMS_BEC; HR's year-end mail is not", async () => {
  expect(await fromHitsOf(TAX)('"Michael Harlan" <michael.r.harlan.ceo@gmail.com>', "<p>I need you to send me the 2026 W-2 forms of all our employees in PDF today.</p>")).toEqual(TAX);
  expect(await ruleHits(TAX, "Kindly forward copies of the W2s for each staff member, I need them for a review.")).toEqual(["BEC_TAX_FORMS_REQUEST"]);
  expect(await ruleHits(TAX, "Can you email me the P60s for all employees before the meeting?")).toEqual(["BEC_TAX_FORMS_REQUEST"]);
  await expectHonest((t) => ruleHits(TAX, t), [
    "Your 2026 W-2 is available in the payroll portal. Paper forms will be mailed to all employees by January 31.",
    "Please send me my W-2; I moved and did not get the paper copy.",
    "Reminder: check that the address on your W-2 is right. Our team will never ask you to send your W-2 by email.",
  ]);
});

test("each business-account fixture is at least probable spam with its lure's rules", async () => {
  await expectFixturesFlagged({ "phishing/meta-page-disabled.eml": POLICY, "phishing/stripe-dispute.eml": DISPUTE, "phishing/w2-request.eml": TAX });
});
