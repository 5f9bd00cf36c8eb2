// The fraud letters of rules/34_fraud.cf and the cold business pitches of
// rules/36_cold_outreach.cf against the honest mail that uses the same words: each fires on
// the letter and not on its honest counterpart.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, expectLures, fromHitsOf, ruleHits } from "../testing/rule-hits";

const FRAUD = ["JOB_TASK_SCAM", "INVEST_DAILY_RETURN", "ROMANCE_SCAM", "ADVANCE_FEE_DONOR", "ADVANCE_FEE_DETAILS", "FRAUD_CHAT_MOVE", "FAKE_CHECK_SCAM", "SUGAR_DADDY_SCAM", "CRYPTO_GIVEAWAY_DOUBLE", "CRYPTO_GIVEAWAY_WALLET", "CONTACT_LIST_SALE", "REPLY_WORD_OPTOUT", "SEO_COLD_PITCH", "DOMAIN_SEO_NOTICE", "SUPPLIER_COLD_OFFER", "SUPPLIER_COLD_OFFER_MANY", "COLD_PITCH_FREEMAIL", "ADVANCE_FEE_PAYOUT", "ADVANCE_FEE_SMALL_FEE", "LOAN_FRAUD_OFFER", "CN_DOMAIN_CLAIM_SCAM", "TRADEMARK_REGISTER_SCAM", "TRADEMARK_REGISTER_SOLICITATION", "SEO_LINK_PITCH", "ACADEMIC_SOLICITATION", "ACADEMIC_SOLICITATION_MANY", "FUND_RECOVERY_SCAM", "DEBT_ARREST_THREAT", "BUSINESS_DIRECTORY_SCAM", "EXHIBITOR_HOUSING_PITCH"];
/** The rules of the two files that a plain-text letter hits. */
const fraud = (text: string) => ruleHits(FRAUD, text);

test("the task job moved to WhatsApp is JOB_TASK_SCAM and FRAUD_CHAT_MOVE; a real part-time advert and a shop's WhatsApp line are neither", async () => {
  const letter = "Your profile was recommended to us. We offer a flexible part-time job: work 60-90 minutes a day from your phone, daily salary between 200 USD and 800 USD. No experience needed.\nContact our HR manager on WhatsApp: +44 7452 881093";
  expect(await fraud(letter)).toEqual(["FRAUD_CHAT_MOVE", "JOB_TASK_SCAM"]);
  // The pay in dollars counts as "daily salary" does ("$200 - $500 per day" never matched before the compiler's lint found its \b before "$").
  expect(await fraud("Your profile was recommended to us for a remote job. Work from your phone and earn $200 - $500 per day.")).toEqual(["JOB_TASK_SCAM"]);
  expect(await fraud("We are hiring a part-time barista for weekends. No experience needed, training given; you must be over 18. Apply in the shop or at jobs@cafe.example.")).toEqual([]);
  expect(await fraud("New jobs for you: Delivery driver, $150 to $200 per day, no experience needed, must be over 21. Warehouse operative, daily pay, no experience needed. Apply on our site.")).toEqual([]);
  expect(await fraud("Winter sale: 20% off all coats until Sunday. Questions about sizes? Chat with us on WhatsApp +44 20 7946 0000.")).toEqual([]);
});

test("daily returns with a trading bot or a chat group are INVEST_DAILY_RETURN; a market report and a disclaimer are not", async () => {
  expect(await fraud("Our AI trading bot has paid guaranteed daily profits of 3-5% to 40,000 members. Withdraw your profits any time.")).toEqual(["INVEST_DAILY_RETURN"]);
  expect(await fraud("Basic plan: earn 2.5% daily for 30 days. Minimum deposit $100.")).toEqual(["INVEST_DAILY_RETURN"]);
  expect(await fraud("Join us on Telegram: https://t.me/signals_vip for trading signals, returns of 4% a day.")).toEqual(["FRAUD_CHAT_MOVE", "INVEST_DAILY_RETURN"]);
  expect(await fraud("Bitcoin rose 5% a day for three days this week. Crypto remains volatile: there are no guaranteed returns, and past performance is not a guide.")).toEqual([]);
  expect(await fraud("Our savings account pays interest of 4.1% a year, calculated daily.")).toEqual([]);
});

test("the romance letter is ROMANCE_SCAM; a dating site's notice about someone else is not", async () => {
  expect(await fraud("Hello dear,\nI am 29 years old and single. I saw your profile and I am looking for a serious relationship. I will send you my pictures when you reply.")).toEqual(["ROMANCE_SCAM"]);
  expect(await fraud("Good news! Anna viewed your profile and liked your photo. She is looking for a serious relationship. See who else is online tonight.")).toEqual([]);
});

test("a dying stranger's millions are ADVANCE_FEE_DONOR; a cancer charity's appeal is not", async () => {
  expect(await fraud("I am suffering from cancer and my doctor says I have only a few months to live. I have decided to give my fortune to you for charity: a donation of $2,500,000.00. Send me your full name, your country and your age.")).toEqual(["ADVANCE_FEE_DETAILS", "ADVANCE_FEE_DONOR"]);
  expect(await fraud("Thousands of people suffering from cancer rely on our nurses. Your donation of £10 a month pays for an hour of care. Give it to charity in your will: ask for our free guide.")).toEqual([]);
  expect(await fraud("To book the viewing, reply with your name, phone number and a time that suits you.")).toEqual([]);
});

test("a cheque to deposit with the rest sent on is FAKE_CHECK_SCAM; an honest payment and a refund are not", async () => {
  expect(await fraud("As our mystery shopper we will mail you a check for $2,450.00. Deposit it, keep $400 as your pay and send the remaining balance by Zelle.")).toEqual(["FAKE_CHECK_SCAM"]);
  expect(await fraud("Thank you for your mystery shop report. We have sent your payment of $15 by PayPal.")).toEqual([]);
  expect(await fraud("We will send you a check for the overpaid amount of $12.40 within ten days.")).toEqual([]);
});

test("a sugar allowance against payment-app details is SUGAR_DADDY_SCAM; a doubling crypto giveaway is CRYPTO_GIVEAWAY_DOUBLE; a cash-back offer and a watermelon are neither", async () => {
  expect(await fraud("I am looking for a sugar baby. Weekly allowance of $1,500; send me your Cash App details for the first payment.")).toEqual(["SUGAR_DADDY_SCAM"]);
  expect(await fraud("Send 0.1 to 20 BTC to the event address and you will receive double back.")).toEqual(["CRYPTO_GIVEAWAY_DOUBLE"]);
  expect(await fraud("Send 0.1 to 20 BTC to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh and receive twice the amount back.")).toEqual(["CRYPTO_GIVEAWAY_DOUBLE", "CRYPTO_GIVEAWAY_WALLET"]);
  expect(await fraud("This month, get double cash back on groceries with your card. Bitcoin rewards are paused.")).toEqual([]);
  expect(await fraud("Our Sugar Baby watermelons are back in season: first payment of the season's box is due on delivery.")).toEqual([]);
});

test("a list of a show's attendees for sale is CONTACT_LIST_SALE; the organiser's own attendee mail is not", async () => {
  expect(await fraud("Would you be interested in acquiring the CES 2026 attendees list? 41,250 verified contacts. Reply with Leave Out in the subject line.")).toEqual(["CONTACT_LIST_SALE", "REPLY_WORD_OPTOUT"]);
  expect(await fraud("Thank you for registering for CES 2026. The attendee list and the exhibitor directory are in the show app. To stop these mails, reply with remove in the subject.")).toEqual([]);
});

test("an SEO pitch about the reader's site is SEO_COLD_PITCH; an agency's newsletter and the reader's web vendor are not", async () => {
  expect(await fraud("I was checking your website and noticed it is not ranking. Our SEO experts can get you on the first page of Google.")).toEqual(["SEO_COLD_PITCH"]);
  expect(await fraud("Our SEO services now include a free website audit report, and our guide to the first page of Google is out.")).toEqual([]);
  expect(await fraud("We visited your website after last night's update: the contact form works again.")).toEqual([]);
});

test("a domain notice selling search-engine submission is DOMAIN_SEO_NOTICE; a registrar's renewal notice is not", async () => {
  expect(await fraud("Domain Service Expiration Notice for example.com: complete your search engine registration by the expiration date.")).toEqual(["DOMAIN_SEO_NOTICE"]);
  expect(await fraud("Our search engine listing service is new this month. Your hosting renewal is due on 1 March.")).toEqual([]);
  expect(await fraud("Your domain example.com expires on 12 January 2027. Renew it now to keep your website and email working.")).toEqual([]);
});

test("the Asian domain-name claim is CN_DOMAIN_CLAIM_SCAM; a registrar's trademark-claim notice and a distributor's question are not", async () => {
  expect(await fraud('We are a Network Service Company which is the domain name registration center in Shanghai, China. On November 30 we received an application from Baoda Ltd requested "examplecorp" as their internet keyword and China (CN) domain names. But after checking it, we find this name conflicts with your company name or trademark.')).toEqual(["CN_DOMAIN_CLAIM_SCAM"]);
  expect(await fraud("We are the Hong Kong domain registration center. We find this name conflicts with your company name.")).toEqual(["CN_DOMAIN_CLAIM_SCAM"]);
  // One mark alone (two of its wordings) is no claim.
  expect(await fraud("We find this name conflicts with your company name. Is Baoda Ltd your distributor or business partner in China?")).toEqual([]);
  await expectHonest(fraud, [
    "Trademark Claims Notice: you have received this notice because the domain name you applied for matches a mark recorded in the Trademark Clearinghouse.",
    "We would like to become your distributor in China. Could you send us your price list?",
    "We received an application from your company for an account on our portal.",
  ]);
});

test("a private register's trademark publication bill is TRADEMARK_REGISTER_SCAM, with its small print TRADEMARK_REGISTER_SOLICITATION; an attorney's invoice and the office's notice are not", async () => {
  expect(await fraud("Trademark application No. 98/123,456. The publication fee of USD 1,890.00 must be paid within 10 days. This is not an invoice but an offer to record your mark in our register.")).toEqual(["TRADEMARK_REGISTER_SCAM", "TRADEMARK_REGISTER_SOLICITATION"]);
  expect(await fraud("To enter your trademark in the World Trademark Register, please pay the fee below. Trademark registration no. 018845213.")).toEqual(["TRADEMARK_REGISTER_SCAM"]);
  await expectHonest(fraud, [
    "Our invoice for the trademark registration in the EU is attached: the registration fee of EUR 850 is payable within 30 days.",
    "Your trade mark application has been published in the EU Trade Marks Bulletin. Third parties may file an opposition within three months.",
  ]);
});

test("a business directory's free update whose small print is years of a paid entry is BUSINESS_DIRECTORY_SCAM; a free listing, a paid renewal and the warning are not", async () => {
  expect(await fraud("For the 2027 edition of our business directory, please update your company details; the correction is free of charge. By signing you order an entry at an annual fee of 1,270 EUR, for a minimum term of three years.")).toEqual(["BUSINESS_DIRECTORY_SCAM"]);
  expect(await fraud("Trade Register of Europe: check your company data, the update is free. Price: 995 EUR per year, contract period 3 years.")).toEqual(["BUSINESS_DIRECTORY_SCAM"]);
  await expectHonest(fraud, [
    "Your free listing in the Chamber's business directory is live. Update your company details at any time, free of charge.",
    "Your premium entry in the industry guide renews on 1 March at an annual fee of 480 EUR; reply if you wish to cancel.",
    "Beware of business directory forms that offer a free update of your company data: the small print commits you to years of fees.",
  ]);
});

test("hotel rooms offered to a show's exhibitors, asking how many and for which dates, is EXHIBITOR_HOUSING_PITCH, from a free mailbox COLD_PITCH_FREEMAIL too; the organiser's housing notice is not", async () => {
  expect(await fraud("We have secured discounted hotel rooms for exhibitors near the venue. Kindly let us know how many rooms you need and your check-in and check-out dates.")).toEqual(["EXHIBITOR_HOUSING_PITCH"]);
  expect(await fromHitsOf(FRAUD)('"Expo Housing" <expo.housing.desk@gmail.com>', "<p>Exhibitors of MedTech 2027: accommodation is filling up. Please send the number of rooms required and arrival and departure dates.</p>")).toEqual(["COLD_PITCH_FREEMAIL", "EXHIBITOR_HOUSING_PITCH"]);
  await expectHonest(fraud, [
    "Exhibitors: book your hotel through the official housing portal linked in the exhibitor manual. We never call or e-mail you to sell rooms.",
    "Thank you for your booking: 3 rooms, check-in 12 May, check-out 15 May. Your confirmation number is 44812.",
  ]);
});

test("a guest post or a paid link's price asked is SEO_LINK_PITCH, from a free mailbox COLD_PITCH_FREEMAIL too; a publisher's thanks and its media kit are not", async () => {
  expect(await fraud("I came across your website and would love to contribute a guest post. Alternatively, let me know your price for a do-follow link.")).toEqual(["SEO_LINK_PITCH"]);
  expect(await fromHitsOf(FRAUD)('"Mark" <mark.outreach@gmail.com>', "<p>Are you open to a link insertion in one of your articles? How much do you charge?</p>")).toEqual(["COLD_PITCH_FREEMAIL", "SEO_LINK_PITCH"]);
  await expectHonest(fraud, [
    "Thanks for your guest post: it goes live on Monday with your bio at the end.",
    "Our media kit lists banner sizes and newsletter placements; write to ads@ for a quote.",
    "Today I would like everyone to link to this post. [7] permanent link to this post",
  ]);
});

test("an invitation to publish or speak with a predatory journal's marks is ACADEMIC_SOLICITATION(_MANY); a society's call for papers and a colleague's invitation are not", async () => {
  expect(await fraud("We have gone through your article and kindly invite you to submit your manuscript. Peer review within 7 days; indexed in Google Scholar. Article processing charge: USD 99 only.")).toEqual(["ACADEMIC_SOLICITATION", "ACADEMIC_SOLICITATION_MANY"]);
  expect(await fraud("Considering your eminent contribution, we invite you as a keynote speaker at the World Congress on Materials Science 2027.")).toEqual(["ACADEMIC_SOLICITATION"]);
  await expectHonest(fraud, [
    "Call for papers: the 14th Workshop on Distributed Systems invites submissions of up to 12 pages. Deadline 15 March; notification 30 April.",
    "Dear Anna, I read with interest your recent paper on grain boundaries. Would you give a talk in our seminar next term? We invite you as a speaker on 12 May.",
    "The journal's impact factor is 3.1 this year; thank you to all our reviewers.",
  ]);
});

test("recovering a scam's losses for its victims is FUND_RECOVERY_SCAM; the police's warning about such offers is not", async () => {
  expect(await fraud("Have you lost money to a fake investment platform? Our certified recovery experts trace blockchain transactions. Contact us today for a free consultation.")).toEqual(["FUND_RECOVERY_SCAM"]);
  await expectHonest(fraud, [
    "Victims of investment scams are now targeted by fund recovery services that promise to trace blockchain transactions for a fee. Nobody can do this: report it to the police instead.",
    "We recovered your lost password: sign in with the link we sent and choose a new one.",
  ]);
});

test("a debt to pay today or face arrest is DEBT_ARREST_THREAT; a collector's lawful letter and the news are not", async () => {
  expect(await fraud("Your outstanding debt of $1,842.17 is past due. A warrant will be issued for your arrest unless payment is made today.")).toEqual(["DEBT_ARREST_THREAT"]);
  await expectHonest(fraud, [
    "This is an attempt to collect a debt. Your outstanding balance is $1,842.17. You have 30 days to dispute it; call us to arrange a payment plan.",
    "Scammers tell people a warrant has been issued for their arrest over an unpaid debt. Real collectors cannot have you arrested.",
  ]);
});

test("a factory's mass offer is SUPPLIER_COLD_OFFER(_MANY); a supplier's note to its customers is not", async () => {
  const offer = "Dear Purchasing Manager,\nWe are a professional manufacturer of LED lights. OEM/ODM service, MOQ 100 pcs, factory price, free samples available. WhatsApp/WeChat: +86 138 2456 7890";
  expect(await fraud(offer)).toEqual(["SUPPLIER_COLD_OFFER", "SUPPLIER_COLD_OFFER_MANY"]);
  expect(await fraud("Hello Anna, our new catalogue is attached. OEM orders are welcome as before, at competitive prices.")).toEqual([]);
});

test("a payout for scam victims or an ATM card worth millions is ADVANCE_FEE_PAYOUT, with a fee first ADVANCE_FEE_SMALL_FEE; a shop's shipping fee is neither", async () => {
  expect(await fraud("Your email was listed among the scam victims to be compensated. The delivery fee of $250 must be paid first.")).toEqual(["ADVANCE_FEE_PAYOUT", "ADVANCE_FEE_SMALL_FEE"]);
  expect(await fraud("Your ATM Visa card worth $2,800,000.00 is ready for delivery.")).toEqual(["ADVANCE_FEE_PAYOUT"]);
  expect(await fraud("Your order has shipped. Shipping fee: $4.95. Track your package online.")).toEqual([]);
});

test("a private lender at 2% with no collateral is LOAN_FRAUD_OFFER, also when the letter's lines are wrapped; a bank's loan advert is not", async () => {
  expect(await fraud("We offer loans to individuals and companies at an interest rate of 2%. No collateral required.")).toEqual(["LOAN_FRAUD_OFFER"]);
  expect(await fraud("Do you need a loan? We offer loans to individuals\nand companies at a low interest rate of 2%.\nNo credit check required.")).toEqual(["LOAN_FRAUD_OFFER"]);
  expect(await fraud("We offer personal loans from 6.9% APR, subject to status and a credit check. Representative example: borrow £7,500 over 5 years.")).toEqual([]);
});

test("the task job is read across the line breaks of a wrapped letter", async () => {
  expect(await fraud("Your profile was recommended to us for a part-time job.\nWork 60-90 minutes a day from your\nphone. No experience needed.\nPlease contact our HR\nmanager on WhatsApp today.")).toEqual(["FRAUD_CHAT_MOVE", "JOB_TASK_SCAM"]);
});

const WALLET = ["PHISH_WALLET_DRAIN", "WALLET_DRAIN_LURE"];

test("an airdrop to claim or a wallet to validate before it is locked, by connecting the wallet, is WALLET_DRAIN_LURE; in a wallet maker's name from elsewhere or through free hosting PHISH_WALLET_DRAIN", async () => {
  const lure = "<p>Your address has been selected for the MASK token airdrop. To claim your airdrop, connect your wallet on the claim page.</p>";
  expect(await fromHitsOf(WALLET)('"MetaMask" <rewards@mm-rewards-portal.example>', lure)).toEqual(WALLET);
  expect(await fromHitsOf(WALLET)('"Rewards" <rewards@rewards.example>', `${lure}<p><a href="https://mask-claim.pages.dev/">Claim</a></p>`)).toEqual(WALLET);
  expect(await ruleHits(WALLET, "Your Trust Wallet has been temporarily restricted. Please validate your wallet within 24 hours to keep access to your assets.")).toEqual(["WALLET_DRAIN_LURE"]);
  expect(await ruleHits(WALLET, "You are eligible for the $ARB airdrop: connect a wallet and claim it before Friday.")).toEqual(["WALLET_DRAIN_LURE"]);
  await expectFixturesFlagged({ "phishing/wallet-airdrop.eml": WALLET });
});

test("an e-mail lottery with its paperwork (ticket and serial numbers, a claims agent, secrecy, a lump sum) is LOTTERY_WIN_NOTICE; a real lottery's win, a raffle's results and a job's \"claims agent\" are not", async () => {
  const lotto = (t: string) => ruleHits(["LOTTERY_WIN_NOTICE"], t);
  await expectLures(lotto, ["LOTTERY_WIN_NOTICE"], [
    "Congratulations! Your e-mail address attached to ticket number 564756 drew the lucky numbers 31-6-26. Contact our claims agent to receive your prize.",
    "You have won a lump sum pay out of $1,000,000 in our international lottery programs. Keep your winning information confidential.",
    "You are a winner in the 2nd category. Please contact the fiduciary agent with your batch number: 7/2049.",
  ]);
  await expectHonest(lotto, [
    "You have won £10 on the Lotto draw of Saturday. Your prize has been paid into your account.",
    "Raffle results: ticket number 214 won the hamper. Thanks to everyone who came to the fete.",
    "We are hiring a claims agent for our insurance team; keep your application details up to date.",
  ]);
});

test("a wallet maker's security advice, an exchange's listing news and a leather wallet are not the drainer's lure", async () => {
  await expectHonest((t) => ruleHits(WALLET, t), [
    "Never connect your wallet to a site you reached from an e-mail. We will never ask you to validate your wallet.",
    "The ARB token is now listed on our exchange. Deposits open at 14:00 UTC.",
    "Your leather wallet has been shipped and will be delivered on Tuesday.",
  ]);
});

test("each fraud and cold-outreach fixture (fixtures/messages/fraud, cold-outreach) is at least probable spam with its family's rule and the move to the chat app where it asks for one", async () => {
  const want: Record<string, string[]> = {
    "fraud/job-whatsapp.eml": ["JOB_TASK_SCAM", "FRAUD_CHAT_MOVE"],
    "fraud/invest-telegram.eml": ["INVEST_DAILY_RETURN", "FRAUD_CHAT_MOVE"],
    "fraud/romance.eml": ["ROMANCE_SCAM", "FRAUD_CHAT_MOVE"],
    "fraud/dying-donor.eml": ["ADVANCE_FEE_DONOR", "ADVANCE_FEE_DETAILS", "ADVANCE_FEE_FRAUD"],
    "fraud/lawyer-whatsapp.eml": ["ADVANCE_FEE_FRAUD", "FRAUD_CHAT_MOVE"],
    "fraud/fake-check.eml": ["FAKE_CHECK_SCAM"],
    "fraud/sugar-daddy.eml": ["SUGAR_DADDY_SCAM", "FRAUD_CHAT_MOVE"],
    "fraud/crypto-giveaway.eml": ["CRYPTO_GIVEAWAY_DOUBLE", "CRYPTO_GIVEAWAY_WALLET"],
    "fraud/loan-offer.eml": ["LOAN_FRAUD_OFFER", "FRAUD_CHAT_MOVE"],
    "fraud/victim-compensation.eml": ["ADVANCE_FEE_PAYOUT", "ADVANCE_FEE_SMALL_FEE", "ADVANCE_FEE_FRAUD"],
    "fraud/atm-card.eml": ["ADVANCE_FEE_PAYOUT", "ADVANCE_FEE_SMALL_FEE"],
    "fraud/email-lottery.eml": ["PRIZE_WINNER", "LOTTERY_WIN_NOTICE"],
    // rules/35_fraud_languages.cf: the same letters in German, French, Spanish, Italian, Portuguese.
    "fraud/de-spende-krebs.eml": ["ADVANCE_FEE_DONOR", "ADVANCE_FEE_LANG"],
    "fraud/fr-pret-particuliers.eml": ["LOAN_FRAUD_OFFER", "FRAUD_CHAT_MOVE"],
    "fraud/es-loteria.eml": ["LOTTERY_WIN_LANG", "ADVANCE_FEE_LANG"],
    "fraud/it-eredita.eml": ["INHERITANCE_FRAUD_LANG", "ADVANCE_FEE_LANG"],
    "fraud/pt-doacao.eml": ["ADVANCE_FEE_DONOR", "ADVANCE_FEE_LANG"],
    // Japanese (ISO-2022-JP): 30 million yen won, a handling fee and the particulars asked.
    "fraud/ja-tousen.eml": ["LOTTERY_WIN_LANG", "ADVANCE_FEE_LANG"],
    // Polish (ISO-8859-2, quoted-printable): a private lender at 2 %, "bez BIK", WhatsApp.
    "fraud/pl-pozyczka-prywatna.eml": ["LOAN_FRAUD_OFFER", "FRAUD_CHAT_MOVE"],
    "cold-outreach/attendee-list.eml": ["CONTACT_LIST_SALE", "REPLY_WORD_OPTOUT"],
    "cold-outreach/seo-pitch.eml": ["SEO_COLD_PITCH", "COLD_PITCH_FREEMAIL"],
    "cold-outreach/domain-notice.eml": ["DOMAIN_SEO_NOTICE"],
    "cold-outreach/manufacturer.eml": ["SUPPLIER_COLD_OFFER", "SUPPLIER_COLD_OFFER_MANY"],
    "cold-outreach/cn-domain-claim.eml": ["CN_DOMAIN_CLAIM_SCAM"],
    "cold-outreach/trademark-register.eml": ["TRADEMARK_REGISTER_SCAM", "TRADEMARK_REGISTER_SOLICITATION"],
    "cold-outreach/guest-post.eml": ["SEO_LINK_PITCH", "COLD_PITCH_FREEMAIL"],
    "cold-outreach/journal-invitation.eml": ["ACADEMIC_SOLICITATION", "ACADEMIC_SOLICITATION_MANY"],
    "cold-outreach/business-directory.eml": ["BUSINESS_DIRECTORY_SCAM"],
    "cold-outreach/exhibitor-housing.eml": ["EXHIBITOR_HOUSING_PITCH", "COLD_PITCH_FREEMAIL"],
    "fraud/fund-recovery.eml": ["FUND_RECOVERY_SCAM", "FRAUD_CHAT_MOVE"],
    "fraud/debt-arrest.eml": ["DEBT_ARREST_THREAT"],
  };
  await expectFixturesFlagged(want);
});
