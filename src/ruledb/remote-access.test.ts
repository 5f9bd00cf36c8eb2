// The lures of rules/63_remote_access.cf against the honest mail that shares their words: a
// managed-service provider's support session, a software seller's receipt, the agency's own
// reminder, a command-line tool's sign-in output, an antivirus maker's renewal notice.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, fromHitsOf, ruleHits } from "../testing/rule-hits";

const PROGRAM = ["URI_RMM_INSTALLER", "PHISH_DOC_IS_PROGRAM", "PHISH_PROGRAM_SENDER_LIE"];
const DEVICE = ["DEVICE_CODE_GIVEN", "PHISH_DEVICE_CODE"];
const AV = ["AV_EXPIRY_SCARE", "PHISH_AV_EXPIRY"];

test("a statement, invitation or pictures behind a program's link is PHISH_DOC_IS_PROGRAM, a remote-access installer URI_RMM_INSTALLER too", async () => {
  expect(await ruleHits(PROGRAM, "Your electronic Social Security Statement is ready. Download it here: https://ssa-docs.example.net/statement/SSA_Statement_2026.exe?id=88213")).toEqual(["PHISH_DOC_IS_PROGRAM"]);
  expect(await ruleHits(PROGRAM, "You're invited! Please RSVP through the e-card: https://party-cards.example.org/Invitation.msi")).toEqual(["PHISH_DOC_IS_PROGRAM"]);
  expect(await ruleHits(PROGRAM, "Join us for a celebration of life for Margaret. View the invitation: https://instance-q2kd-relay.screenconnect.com/Bin/ScreenConnect.ClientSetup.exe?e=Access&y=Guest&h=instance-q2kd-relay.screenconnect.com&p=443")).toEqual(["PHISH_DOC_IS_PROGRAM", "URI_RMM_INSTALLER"]);
  // Self-hosted: the tool's session parameters, on any host.
  expect(await ruleHits(PROGRAM, "See the photos from Saturday: https://files.example.info/Bin/Photos.ClientSetup.exe?e=Access&y=Guest")).toEqual(["PHISH_DOC_IS_PROGRAM", "URI_RMM_INSTALLER"]);
  // No document named, but a sender lying about who it is.
  expect(await fromHitsOf(PROGRAM)('"Social Security Administration" <notice@mailer-gov.example>', '<p>Please follow the link: <a href="https://mailer-gov.example/get/ssa.msi">click here</a></p>')).toEqual(["PHISH_PROGRAM_SENDER_LIE"]);
});

test("a provider's support session, a software seller's receipt, the agency's own reminder and an invitation page are none of them", async () => {
  expect(await ruleHits(PROGRAM, "Your technician Tom has invited you to a remote support session for ticket 4471. Join: https://northwind.screenconnect.com/Join?session=4471")).toEqual(["URI_RMM_INSTALLER"]);
  await expectHonest((t) => ruleHits(PROGRAM, t), [
    "Thank you for your purchase. Your receipt is attached. Download the installer: https://vendor.example/download/setup.exe?licence=123",
    "Your Social Security Statement is available. Sign in to my Social Security at https://www.ssa.gov/myaccount/ to view your statement.",
    "You're invited to Anna's 40th! RSVP here: https://www.evite.com/event/0123ABCD",
    "The photos from Saturday are here: https://photos.app.goo.gl/AbCdEf12345",
    "Release 4.2 is out. Windows users: https://downloads.example.org/app-4.2.msi",
  ]);
});

test("a device sign-in code given by mail is DEVICE_CODE_GIVEN, with a document, meeting or access to keep PHISH_DEVICE_CODE", async () => {
  expect(await ruleHits(DEVICE, "I have shared the Q4 contract review with you through Microsoft Teams. Go to https://microsoft.com/devicelogin and enter the code\nFR7K2LQXM when asked.")).toEqual(DEVICE);
  expect(await ruleHits(DEVICE, "To join the Teams meeting from this room, open google.com/device and type the code WDJB-MJHT. The code expires in 15 minutes.")).toEqual(DEVICE);
  expect(await fromHitsOf(DEVICE)('"IT Helpdesk" <helpdesk@it-desk.example>', '<p>Visit <a href="https://login.microsoftonline.com/common/oauth2/deviceauth">the sign-in page</a> and enter this one-time code: <b>HX4P-92QF</b></p>')).toEqual(DEVICE);
});

test("a command-line tool's sign-in output in cron mail is only DEVICE_CODE_GIVEN; instructions without a code are nothing", async () => {
  expect(await ruleHits(DEVICE, "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code E8SXL2ZWP to authenticate.")).toEqual(["DEVICE_CODE_GIVEN"]);
  await expectHonest((t) => ruleHits(DEVICE, t), [
    "To enrol the meeting-room display, go to https://microsoft.com/devicelogin and enter the code shown on its screen.",
    "Open https://github.com/login/device on your phone; the code is 12345678 digits long? No: it is on the TV.",
    "Your verification code is 482913. Do not share it with anyone.",
  ]);
});

test("an antivirus \"expired, viruses found\" scare is AV_EXPIRY_SCARE, at a discount or in a maker's name PHISH_AV_EXPIRY; the maker's own renewal notice and scan report are not", async () => {
  expect(await ruleHits(AV, "Your McAfee subscription has expired! Your PC is infected with (5) viruses. Renew now: 50% OFF today only.")).toEqual(AV);
  expect(await ruleHits(AV, "Your Norton 360 protection expired today. 3 threats detected. Renew your subscription.")).toEqual(["AV_EXPIRY_SCARE"]);
  expect(await fromHitsOf(AV)('"Norton Security" <alerts@secure-renew.example>', "<p>Your Norton subscription expired today. Your computer may be infected with viruses and spyware.</p>")).toEqual(AV);
  await expectHonest((t) => ruleHits(AV, t), [
    "Your Norton 360 subscription has expired. Your devices are no longer protected against viruses and online threats. Renew today and save 40%.",
    "Malwarebytes scan report: 3 threats were found and quarantined. Your Premium licence renews on 4 January.",
    "Bitdefender: your subscription expires in 7 days. Keep your family protected; renew at a special offer price.",
  ]);
});

test("each remote-access fixture is at least probable spam with its lure's rule", async () => {
  await expectFixturesFlagged({
    "phishing/ssa-statement-program.eml": ["PHISH_DOC_IS_PROGRAM", "URI_RMM_INSTALLER"],
    "phishing/device-code.eml": ["DEVICE_CODE_GIVEN", "PHISH_DEVICE_CODE"],
    "phishing/antivirus-expired.eml": ["AV_EXPIRY_SCARE", "PHISH_AV_EXPIRY"],
  });
});
