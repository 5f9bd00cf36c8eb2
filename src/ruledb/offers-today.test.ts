// The offers of rules/38_offers_today.cf against the lawful mail of the same trades: each rule
// fires on the campaign's wording and not on its honest counterpart.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, fixtureFiles, fixtureVerdict, ruleHits } from "../testing/rule-hits";

const OFFERS = ["GLP1_SALES", "MIRACLE_ENDORSED", "CASINO_BONUS", "CASINO_BONUS_MANY", "VEHICLE_WARRANTY_NOTICE", "SURVEY_REWARD_FEE", "SURVEY_REWARD_BRAND", "LEADGEN_HOME_PROGRAM", "LEADGEN_HOME_PROGRAM_ALL", "HOOKUP_LURE", "HOOKUP_LURE_MANY", "STUDENT_LOAN_RELIEF_FEE", "STUDENT_LOAN_RELIEF_PUSH", "MASS_TORT_LEADGEN", "MEDICARE_LEADGEN"];
const offers = (text: string) => ruleHits(OFFERS, text);

test("weight-loss injections with no doctor are GLP1_SALES; a clinic's newsletter about them is not", async () => {
  expect(await offers("Get compounded semaglutide, the ingredient in Ozempic, with no doctor visit needed. See if you qualify.")).toEqual(["GLP1_SALES"]);
  expect(await offers("Our clinic now prescribes Wegovy after an appointment with your GP. Ask at reception about the waiting times.")).toEqual([]);
});

test("Shark Tank gummies are MIRACLE_ENDORSED; a fruit gummy shop is not", async () => {
  expect(await offers("Shark Tank judges invest in the keto gummies that melt fat.")).toEqual(["MIRACLE_ENDORSED"]);
  expect(await offers("Our fruit gummies are back in three new flavours, made with real juice.")).toEqual([]);
});

test("free spins and deposit bonuses are CASINO_BONUS, three of them CASINO_BONUS_MANY; a card game club is not", async () => {
  expect(await offers("200 free spins and a 500% deposit bonus. No deposit required for the first 50 spins.")).toEqual(["CASINO_BONUS", "CASINO_BONUS_MANY"]);
  expect(await offers("Claim 20 free spins today.")).toEqual(["CASINO_BONUS"]);
  expect(await offers("The bridge club meets on Thursday; the bonus round of the quiz is at nine.")).toEqual([]);
});

test("a final notice of an expiring vehicle warranty is VEHICLE_WARRANTY_NOTICE; a dealer's reminder is not", async () => {
  expect(await offers("Our records indicate that your vehicle's factory warranty has expired. This is your final courtesy notice.")).toEqual(["VEHICLE_WARRANTY_NOTICE"]);
  expect(await offers("Your car's warranty expires in March. Book the free inspection at our service desk before then.")).toEqual([]);
});

test("a survey's gift card for a shipping fee is SURVEY_REWARD_FEE; a shop's survey draw and a free sample are not", async () => {
  expect(await offers("Take our 30-second survey. As a thank you, receive a $100 gift card. Pay only the shipping fee of $1.95.")).toEqual(["SURVEY_REWARD_FEE"]);
  expect(await offers("Tell us about your visit in our survey and you could win a $50 voucher in our monthly draw.")).toEqual([]);
  expect(await offers("Order a free sample of our new coffee: just pay the shipping.")).toEqual([]);
});

test("home-energy lead generation is LEADGEN_HOME_PROGRAM; an installer's newsletter is not", async () => {
  expect(await offers("Homeowners in your area can get solar for $0 down thanks to a new government program. Eliminate your electric bill. See if your home qualifies in 60 seconds.")).toEqual(["LEADGEN_HOME_PROGRAM", "LEADGEN_HOME_PROGRAM_ALL"]);
  expect(await offers("The federal solar incentive ends this year. Our installers have fitted 400 roofs in Leeds; ask us for a quote.")).toEqual([]);
});

test("\"women near you\" is HOOKUP_LURE, twice HOOKUP_LURE_MANY; a dating site's own notice is not", async () => {
  expect(await offers("3 lonely women near you want a casual hookup tonight, no strings attached.")).toEqual(["HOOKUP_LURE", "HOOKUP_LURE_MANY"]);
  expect(await offers("Lonely housewives are waiting to meet you.")).toEqual(["HOOKUP_LURE"]);
  expect(await offers("You have 2 new messages. Anna, 34, replied to your profile.")).toEqual([]);
  expect(await offers("The new season of Desperate Housewives starts on Sunday; the wives of Wisteria Lane return.")).toEqual([]);
});

test("student-loan forgiveness for a fee is STUDENT_LOAN_RELIEF_FEE, with a processing center to call STUDENT_LOAN_RELIEF_PUSH; the servicer's notice and the news are not", async () => {
  expect(await offers("Your student loan forgiveness application has been approved. A one-time document preparation fee of $199 applies. Call our processing center today.")).toEqual(["STUDENT_LOAN_RELIEF_FEE", "STUDENT_LOAN_RELIEF_PUSH"]);
  expect(await offers("Good news: your student loans qualify for forgiveness. The program closes on December 15.")).toEqual(["STUDENT_LOAN_RELIEF_PUSH"]);
  await expectHonest(offers, [
    "Your Public Service Loan Forgiveness application has been approved and your student loans have been discharged. There is nothing more you need to do.",
    "The student loan relief plan was struck down in court; servicers will send new payment notices.",
    "Your student loan payment of $212.40 is due on 1 January. A late fee applies after 15 days.",
  ]);
});

test("a named mass tort with \"you may be entitled to compensation\" is MASS_TORT_LEADGEN; the news of a settlement is not", async () => {
  expect(await offers("Were you at Camp Lejeune between 1953 and 1987? You may be entitled to significant compensation. No cost unless you win.")).toEqual(["MASS_TORT_LEADGEN"]);
  expect(await offers("Used hair relaxer products? Find out if you qualify in 60 seconds.")).toEqual(["MASS_TORT_LEADGEN"]);
  await expectHonest(offers, [
    "Bayer agreed to settle most Roundup cases; the judge will review the deal in March.",
    "Our garden centre sells Roundup alternatives. You may be entitled to a loyalty discount.",
  ]);
});

test("Medicare plan lead generation is MEDICARE_LEADGEN; an insurer's letter to its members is not", async () => {
  expect(await offers("Attention seniors: you may qualify for a $0 premium Medicare Advantage plan with a Part B giveback and a grocery allowance card. Call now.")).toEqual(["MEDICARE_LEADGEN"]);
  await expectHonest(offers, [
    "Your 2027 Medicare Advantage plan keeps its $0 premium. Your OTC allowance card is reloaded on 1 January; call the number on your member card with questions.",
    "Medicare open enrollment runs from October 15 to December 7. Compare plans at medicare.gov.",
  ]);
});

test("each fixture of fixtures/messages/bulk-today is at least probable spam with its campaign's rule (the Medicare mailing carries its rule, below the threshold alone)", async () => {
  const want: Record<string, string> = { "glp1.eml": "GLP1_SALES", "keto-gummies.eml": "MIRACLE_ENDORSED", "casino-spins.eml": "CASINO_BONUS", "car-warranty.eml": "VEHICLE_WARRANTY_NOTICE", "survey-reward.eml": "SURVEY_REWARD_FEE", "solar-program.eml": "LEADGEN_HOME_PROGRAM", "hot-singles.eml": "HOOKUP_LURE", "student-loan-fee.eml": "STUDENT_LOAN_RELIEF_FEE", "mass-tort.eml": "MASS_TORT_LEADGEN" };
  // MEDICARE_LEADGEN weighs 1.5: insurers write to prospects with the same benefits, so the
  // rest of the message (and Bayes) decides.
  const medicare = "medicare-giveback.eml";
  expect(fixtureFiles("bulk-today")).toEqual([...Object.keys(want), medicare].sort());
  await expectFixturesFlagged(Object.fromEntries(Object.entries(want).map(([f, name]) => [`bulk-today/${f}`, [name]])));
  expect((await fixtureVerdict(`bulk-today/${medicare}`)).names).toContain("MEDICARE_LEADGEN");
});

test("news of the show, a telehealth newsletter and a free trial are none of the offers", async () => {
  expect(await offers("Shark Tank's new season starts tonight: five founders pitch their start-ups.")).toEqual([]);
  expect(await offers("Our weight programme now includes semaglutide. See if you qualify: no insurance needed, and a licensed provider reviews your online visit.")).toEqual([]);
  expect(await offers("Try our music service free for 30 days, no strings attached.")).toEqual([]);
});
