// The fraud letters of rules/34_fraud.cf against the honest mail that uses the same
// words: each fires on the letter and not on its honest counterpart.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPhishingCheck } from "../checks/phishing";
import { defaults } from "../config/load";
import { scan, type Engine } from "../engine/scan";
import { builtinDb } from "./builtin";
import { loadRuleDb } from "./match";

const engine: Engine = { config: { ...defaults(), bayes: { ...defaults().bayes, enabled: false } }, db: loadRuleDb(builtinDb()), checks: [] };
const FRAUD = ["JOB_TASK_SCAM", "INVEST_DAILY_RETURN", "ROMANCE_SCAM", "ADVANCE_FEE_DONOR", "ADVANCE_FEE_DETAILS", "FRAUD_CHAT_MOVE"];
/** The rules of the file that a plain-text letter hits. */
const fraud = async (text: string) => {
  const raw = new TextEncoder().encode(`From: Sender <a@sender.example>\nTo: user@example.com\nSubject: Hello\nDate: Fri, 04 Dec 2026 10:00:00 +0000\nMessage-ID: <f-1@sender.example>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${text}\n`);
  return (await scan(engine, { id: "fraud", envelope: { rcpt: ["user@example.com"] }, raw })).hits.map((h) => h.name).filter((n) => FRAUD.includes(n)).sort();
};

test("the task job moved to WhatsApp is JOB_TASK_SCAM and FRAUD_CHAT_MOVE; a real part-time advert and a shop's WhatsApp line are neither", async () => {
  const letter = "Your profile was recommended to us. We offer a flexible part-time job: work 60-90 minutes a day from your phone, daily salary between 200 USD and 800 USD. No experience needed.\nContact our HR manager on WhatsApp: +44 7452 881093";
  expect(await fraud(letter)).toEqual(["FRAUD_CHAT_MOVE", "JOB_TASK_SCAM"]);
  expect(await fraud("We are hiring a part-time barista for weekends. No experience needed, training given; you must be over 18. Apply in the shop or at jobs@cafe.example.")).toEqual([]);
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

test("each fraud fixture (fixtures/messages/fraud) is at least probable spam with its family's rule and the move to the chat app where it asks for one", async () => {
  const full: Engine = { ...engine, checks: [createPhishingCheck()] };
  const want: Record<string, string[]> = {
    "job-whatsapp.eml": ["JOB_TASK_SCAM", "FRAUD_CHAT_MOVE"],
    "invest-telegram.eml": ["INVEST_DAILY_RETURN", "FRAUD_CHAT_MOVE"],
    "romance.eml": ["ROMANCE_SCAM", "FRAUD_CHAT_MOVE"],
    "dying-donor.eml": ["ADVANCE_FEE_DONOR", "ADVANCE_FEE_DETAILS", "ADVANCE_FEE_FRAUD"],
    "lawyer-whatsapp.eml": ["ADVANCE_FEE_FRAUD", "FRAUD_CHAT_MOVE"],
  };
  for (const [f, names] of Object.entries(want)) {
    const raw = new Uint8Array(readFileSync(join(import.meta.dir, "../../fixtures/messages/fraud", f)));
    const r = await scan(full, { id: f, envelope: { rcpt: ["dana@example.com"] }, raw });
    expect({ f, status: r.status === "not_detected" ? r.status : "flagged", names: r.hits.map((h) => h.name).filter((n) => names.includes(n)).sort() }).toEqual({ f, status: "flagged", names: [...names].sort() });
  }
});
