// The offers of rules/39_offers_classic.cf against the lawful mail of the same trades: each
// rule fires on the campaign's wording and not on its honest counterpart.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, expectLures, fixtureFiles, ruleHits } from "../testing/rule-hits";

const OFFERS = ["RX_STOREFRONT", "RX_NO_PRESCRIPTION", "OEM_SOFTWARE_LIST", "SOFT_PRICE_LIST", "STOCK_PUMP", "DIPLOMA_MILL", "CABLE_DESCRAMBLER", "MORTGAGE_LEADGEN", "PAYDAY_LOAN_OFFER", "GOV_GRANT_MONEY", "MAIL_ORDER_BRIDES", "MYSTERY_SHOPPER_FEE", "PRIZE_FEE", "SPY_SOFTWARE_OFFER"];
const offers = (text: string) => ruleHits(OFFERS, text);

test("an online pharmacy selling erection pills beside sedatives with no prescription is RX_STOREFRONT and RX_NO_PRESCRIPTION; a pharmacy's refill notice and a warning against such shops are not", async () => {
  await expectLures(offers, ["RX_NO_PRESCRIPTION", "RX_STOREFRONT"], [
    "Our online pharmacy ships Viagra, Xanax and Phentermine worldwide. No prescription required.",
    "Cheap meds: Cialis, Valium, Tramadol. No doctor visit needed, discreet packaging.",
  ]);
  expect(await offers("Generic meds at 80% off: Levitra and Ambien in stock today.")).toEqual(["RX_STOREFRONT"]);
  expect(await offers("Buy Vicodin without a prescription, shipped overnight.")).toEqual(["RX_NO_PRESCRIPTION"]);
  await expectHonest(offers, [
    "Your prescription for Ambien is ready for pickup at our Main Street pharmacy. Bring your insurance card.",
    "The FDA warns consumers: buying Viagra or Xanax from an online pharmacy without a prescription is dangerous and often illegal.",
    "Our online pharmacy now delivers your repeat prescriptions. Your doctor sends them to us; we post them to you.",
  ]);
});

test("costly programs at a few dollars each are SOFT_PRICE_LIST, with \"OEM\" or \"no box, no manual\" OEM_SOFTWARE_LIST; a shop's real prices are not", async () => {
  const list = "Windows XP Professional - $49\nOffice 2003 Professional - $59\nAdobe Photoshop CS - $69\n";
  expect(await offers(`${list}OEM versions, no box, no manual.`)).toEqual(["OEM_SOFTWARE_LIST", "SOFT_PRICE_LIST"]);
  expect(await offers(`Why pay full retail?\n${list}`)).toEqual(["OEM_SOFTWARE_LIST", "SOFT_PRICE_LIST"]);
  expect(await offers(list)).toEqual(["SOFT_PRICE_LIST"]);
  await expectHonest(offers, [
    "Windows XP Professional - $299\nOffice 2003 Professional - $499\nAdobe Photoshop CS - $649\nOEM versions for system builders.",
    "Norton AntiVirus 2004 - $39.99. Download instantly and stay protected.",
    "Photoshop Elements - $89, a gift idea for the photographer in the family.",
  ]);
});

test("a penny stock with a target and hype, or a promoter paid in shares, is STOCK_PUMP; a broker's research note is not", async () => {
  await expectLures(offers, ["STOCK_PUMP"], [
    "Symbol: GAPJ\nCurrent price: $0.17\nShort term target: $1.25\nThis one is poised to explode!",
    "OTCBB: GAPJ. Get in before Monday. We were compensated 50,000 shares by a third party for the dissemination of this report.",
    "SYMBOL - ZXQR. Massive upside. Our 30-day target is $2.00.",
  ]);
  await expectHonest(offers, [
    "Symbol: MSFT. Rating: Buy. 12-month price target $32. The analyst owns no shares of the company.",
    "Ticker: IBM. Our long-term target is unchanged at $95; margins held up in the quarter.",
    "The stock market closed higher; tech shares are poised to rise after earnings, analysts said.",
  ]);
});

test("a degree for life experience with no tests or classes is DIPLOMA_MILL; a university's own letters are not", async () => {
  await expectLures(offers, ["DIPLOMA_MILL"], [
    "University diplomas based on your present knowledge and life experience. No required tests, classes, books or interviews.",
    "Bachelors, Masters and PhD diplomas available. No one is turned down.",
    "Get a college degree without exams or classes.",
  ]);
  await expectHonest(offers, [
    "Your university diploma will be posted in July. There are no classes on Monday, a public holiday.",
    "Our MBA admits students with five years of work experience; the diploma is awarded after two years of study.",
    "Beware of diploma mills: a university degree from a non-accredited school is worthless.",
  ]);
});

test("a descrambler to watch the paid channels free is CABLE_DESCRAMBLER; the cable company's preview weekend and a modem's filter are not", async () => {
  await expectLures(offers, ["CABLE_DESCRAMBLER"], [
    "Our cable TV descrambler lets you watch HBO, Showtime and all the pay-per-view events free.",
    "Watch every premium channel with one small descrambler.",
    "This cable filter unlocks the premium channels and pay-per-view at no charge.",
  ]);
  await expectHonest(offers, [
    "Free preview weekend: watch HBO and Showtime on us, Friday to Sunday, on every set-top box.",
    "Fit the cable filter between the wall socket and your modem; the free engineer visit can do it for you.",
  ]);
});

test("a mortgage with lenders competing, any credit and \"approved\" is MORTGAGE_LEADGEN; a bank's rate notice is not", async () => {
  await expectLures(offers, ["MORTGAGE_LEADGEN"], [
    "Your mortgage application has been approved. Refinance at rates as low as 3.25%, regardless of your credit history.",
    "Let lenders compete for your home loan. $250,000 mortgage for $690 a month!",
  ]);
  await expectHonest(offers, [
    "Our fixed mortgage rates start at 4.9% this month. Speak to an adviser at your branch.",
    "Your mortgage application has been approved. Your adviser will call to arrange the valuation.",
  ]);
});

test("a payday loan with no credit check is PAYDAY_LOAN_OFFER; a bank's card statement is not", async () => {
  await expectLures(offers, ["PAYDAY_LOAN_OFFER"], [
    "Get a payday loan today. No credit check, bad credit OK.",
    "Up to $1,000 cash in your bank account by tomorrow. No faxing, approval in minutes.",
    "We deposit $800 into your checking account within 24 hours. No credit check.",
  ]);
  await expectHonest(offers, [
    "A cash advance on your credit card costs a 3% fee. See your statement for the rate.",
    "Your salary will be in your account by Friday. No credit check is needed to open a basic account.",
  ]);
});

test("a luxury brand's \"exact copies\" are REPLICA_GOODS (rules/70_training_misses.cf); copies of a document are not", async () => {
  const replica = (text: string) => ruleHits(["REPLICA_GOODS"], text);
  await expectLures(replica, ["REPLICA_GOODS"], ["Rolex, Omega, Breitling from $199: exact copies with Swiss movement.", "Perfect replicas of designer handbags."]);
  await expectHonest(replica, ["Please find exact copies of the signed contract attached.", "The museum sells perfect copies of its Roman coins."]);
});

test("a prize to receive for port taxes or a processing fee is PRIZE_FEE; a contest's winner letter and a shop's shipping charge are not", async () => {
  await expectLures(offers, ["PRIZE_FEE"], [
    "Congratulations! You have been selected to receive a free 3-night cruise for two. Just pay the port taxes of $59.",
    "You have won a laptop! Simply pay a small processing fee of $4.95 to release your prize.",
  ]);
  await expectHonest(offers, [
    "Congratulations, you have won our photo contest! The prize will be posted to you; you are responsible for any income tax on it.",
    "Order today: just pay shipping and handling on your second pair of shoes.",
  ]);
});

test("software to spy on a spouse undetectably is SPY_SOFTWARE_OFFER; parental controls and a spy novel are not", async () => {
  await expectLures(offers, ["SPY_SOFTWARE_OFFER"], [
    "Spy on your spouse: read every email and chat on the computer without them knowing.",
    "Our keylogger is totally undetectable.",
  ]);
  await expectHonest(offers, [
    "Family Safety shows your children's screen time; they see that it is on and can ask for more time.",
    "Her new novel follows a spy on a mission in Vienna.",
  ]);
});

test("a mystery shopper job with a fee to join is MYSTERY_SHOPPER_FEE; a shopping company's recruiting is not", async () => {
  await expectLures(offers, ["MYSTERY_SHOPPER_FEE"], [
    "Become a mystery shopper! Get paid to shop at your favourite stores. Registration fee only $29.95.",
    "Get paid to shop and keep what you buy. Send $35 for your starter kit.",
  ]);
  await expectHonest(offers, [
    "We are recruiting mystery shoppers in Leeds. There is no registration fee: we pay you after each visit.",
    "Secret shoppers never pay to work with us. Apply on our website; it is free to join.",
    "The store's membership fee rises in May; our mystery prize draw closes on Friday.",
  ]);
});

test("free government grant money never repaid is GOV_GRANT_MONEY; a grants office's notice and the FTC's warning are not", async () => {
  await expectLures(offers, ["GOV_GRANT_MONEY"], [
    "Get free government grant money for your business. It never has to be repaid!",
    "Billions in free grants are given away every year, and you don't have to pay it back.",
  ]);
  await expectHonest(offers, [
    "The council's small-business grant opens in May. Unlike a loan, a grant does not have to be repaid; apply with your accounts.",
    "Free government grants that you never have to repay? The FTC warns that such offers are a scam.",
  ]);
});

test("women of a named country looking for a husband are MAIL_ORDER_BRIDES; a dating site's notice and news stories are not", async () => {
  await expectLures(offers, ["MAIL_ORDER_BRIDES"], [
    "Thousands of beautiful Russian and Ukrainian women are looking for a man like you for marriage.",
    "Meet Asian brides today.",
  ]);
  await expectHonest(offers, [
    "Olga, 31, sent you a message. Reply on the site to keep the conversation going.",
    "Russian women won four gold medals in the relay; their coach praised the team.",
    "Critics of marriage agencies say Thai women seeking husbands abroad are often exploited.",
  ]);
});

test("each fixture of fixtures/messages/bulk-classic is at least probable spam with its campaign's rule", async () => {
  const want: Record<string, string> = { "pharmacy.eml": "RX_STOREFRONT", "oem-software.eml": "OEM_SOFTWARE_LIST", "stock-pump.eml": "STOCK_PUMP", "diploma.eml": "DIPLOMA_MILL", "descrambler.eml": "CABLE_DESCRAMBLER", "mortgage.eml": "MORTGAGE_LEADGEN", "payday.eml": "PAYDAY_LOAN_OFFER", "grants.eml": "GOV_GRANT_MONEY" };
  expect(fixtureFiles("bulk-classic")).toEqual(Object.keys(want).sort());
  await expectFixturesFlagged(Object.fromEntries(Object.entries(want).map(([f, name]) => [`bulk-classic/${f}`, [name]])));
});
