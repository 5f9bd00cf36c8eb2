// The lures of rules/67_payments_owed.cf (a government payment to claim, points that "expire
// today") against an agency's own notice, a council's letter and a loyalty programme's reminder.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, expectLures, fromHitsOf, ruleHits } from "../testing/rule-hits";

const GOV = ["GOV_PAYMENT_LURE", "PHISH_GOV_PAYMENT"];
const POINTS = ["PHISH_POINTS_EXPIRY", "POINTS_EXPIRY_LURE"];

test("a government's name on mail from elsewhere is FROM_GOV_NAME_ELSEWHERE; the government's own domains and GovDelivery are not", async () => {
  const gov = async (from: string) => (await fromHitsOf(["FROM_GOV_NAME_ELSEWHERE"])(from, "<p>Hello</p>")).length > 0;
  for (const from of ['"GOV.UK" <noreply@gov-uk-payments.example>', '"USA.gov Benefits" <a@benefits-usa.example>', '"HM Government" <support@hmg-support.example>', '"DVLA" <dvla@vehicle-tax-renew.example>', '"Government of Canada" <a@canada-relief.example>'])
    expect({ from, claims: await gov(from) }).toEqual({ from, claims: true });
  for (const from of ['"GOV.UK Notify" <noreply@notifications.service.gov.uk>', '"Social Security Administration" <ssa@public.govdelivery.com>', '"IRS" <news@irs.gov>', '"Government Technology" <news@govtech.example>', '"Service Public" <info@service-public.gouv.fr>'])
    expect({ from, claims: await gov(from) }).toEqual({ from, claims: false });
});

test("a European government's or agency's name on mail from elsewhere is FROM_GOV_NAME_ELSEWHERE; their own domains, a surname and a magazine are not", async () => {
  const gov = async (from: string) => (await fromHitsOf(["FROM_GOV_NAME_ELSEWHERE"])(from, "<p>Hello</p>")).length > 0;
  for (const from of ['"Service Public" <info@servicepublic-remboursement.example>', '"Ministère de l\'Intérieur" <ants@titres-securises.example>', '"République Française" <a@rf-aides.example>', '"Bundeszentralamt für Steuern" <erstattung@bzst-online.example>', '"Deutsche Rentenversicherung" <info@drv-service.example>', '"Agencia Tributaria" <devoluciones@aeat-online.example>', '"Agenzia delle Entrate" <rimborsi@entrate-online.example>', '"Ministero dell\'Economia" <a@mef-rimborso.example>', '"Receita Federal" <restituicao@receita-br.example>', '"Belastingdienst" <teruggave@belasting-nl.example>', '"DigiD" <noreply@digid-verlopen.example>'])
    expect({ from, claims: await gov(from) }).toEqual({ from, claims: true });
  for (const from of ['"Service Public" <info@service-public.gouv.fr>', '"Assurance Maladie" <ne-pas-repondre@ameli.fr>', '"Bundesagentur für Arbeit" <noreply@arbeitsagentur.de>', '"Deutsche Rentenversicherung" <info@deutsche-rentenversicherung.de>', '"Agencia Tributaria" <avisos@correo.aeat.gob.es>', '"INPS" <comunicazioni@inps.it>', '"Belastingdienst" <noreply@belastingdienst.nl>', '"Gouvernement du Québec" <info@quebec.ca>', '"Jon Elster" <jon@university.example>', '"Seguridad Laboral" <info@prevencion.example>'])
    expect({ from, claims: await gov(from) }).toEqual({ from, claims: false });
});

test("a government payment to claim now or with a card is GOV_PAYMENT_LURE, in a government's name from elsewhere PHISH_GOV_PAYMENT", async () => {
  expect(await ruleHits(GOV, "You are eligible for a £400 energy bill discount. To receive your payment, apply now. You will need your bank card details.")).toEqual(["GOV_PAYMENT_LURE"]);
  expect(await ruleHits(GOV, "Your stimulus payment of $1,400 is waiting. Claim before 20 December.")).toEqual(["GOV_PAYMENT_LURE"]);
  expect(await fromHitsOf(GOV)('"GOV.UK" <noreply@gov-uk-payments.example>', "<p>You have been approved for a cost of living payment. Claim now with your debit card details.</p>")).toEqual(GOV);
});

test("the government payment to claim in French, German, Spanish and Italian is GOV_PAYMENT_LURE; the agencies' own \"paid automatically\" is not", async () => {
  await expectLures((t) => ruleHits(GOV, t), ["GOV_PAYMENT_LURE"], [
    "Vous êtes éligible au chèque énergie d'un montant de 277 €. Pour le recevoir, renseignez vos coordonnées bancaires avant le 15 décembre.",
    "Sie haben Anspruch auf die Energiepauschale von 300 €. Beantragen Sie jetzt die Auszahlung mit Ihrer Kreditkarte.",
    "Usted es elegible para recibir un cheque de 200 euros. Introduzca sus datos bancarios para el abono.",
    "Hai diritto al bonus bollette di 150 €. Richiedilo subito inserendo i dati della tua carta di credito.",
  ]);
  await expectHonest((t) => ruleHits(GOV, t), [
    "Vous avez droit au chèque énergie : il vous est envoyé automatiquement par courrier, aucune démarche n'est nécessaire.",
    "Die Energiepauschale wird automatisch mit dem Gehalt ausgezahlt; Sie müssen nichts beantragen.",
    "Ha diritto al bonus bollette: lo sconto è applicato direttamente in bolletta.",
  ]);
});

test("an agency's own notice, a council's letter and the news are not the government-payment lure", async () => {
  await expectHonest((t) => ruleHits(GOV, t), [
    "The cost of living payment will be paid automatically into the account we pay your benefits into. You do not need to apply.",
    "You are eligible for the council tax reduction. Your new bill is enclosed; nothing needs to be done.",
    "The energy bill discount scheme ended in March. Scam messages asking you to apply for it are circulating.",
  ]);
});

test("points expiring today redeemed for a gift are POINTS_EXPIRY_LURE, for a shipping fee or in a brand's name from elsewhere PHISH_POINTS_EXPIRY; a programme's reminder is not", async () => {
  expect(await ruleHits(POINTS, "Your 12,450 reward points expire today. Redeem them now for a free gift: wireless earbuds or a smart watch.")).toEqual(["POINTS_EXPIRY_LURE"]);
  expect(await ruleHits(POINTS, "Your 8,200 points will expire at midnight. Claim your free gift now, just pay the shipping fee of $2.99.")).toEqual(POINTS);
  expect(await fromHitsOf(POINTS)('"T-Mobile Rewards" <rewards@tm-points.example>', "<p>Your 12,450 reward points expire today. Redeem now for free earbuds.</p>")).toEqual(POINTS);
  await expectHonest((t) => ruleHits(POINTS, t), [
    "Your 12,000 miles expire on 31 March 2027. Redeem them for flights, upgrades or gifts in our shop.",
    "You have 850 points. Use them on your next purchase in store or online.",
    "Your 500 bonus points expire tomorrow? No: points in our programme never expire.",
  ]);
});

test("points expiring today redeemed for a gift in German, French, Spanish, Italian, Portuguese and Dutch are POINTS_EXPIRY_LURE; a programme's reminder with a date is not", async () => {
  await expectLures((t) => ruleHits(POINTS, t), ["POINTS_EXPIRY_LURE"], [
    "Ihre 12.450 Prämienpunkte verfallen heute um Mitternacht. Lösen Sie sie jetzt ein gegen ein Geschenk: kabellose Kopfhörer.",
    "Vos 12 450 points expirent aujourd'hui. Échangez-les maintenant contre un cadeau : des écouteurs sans fil.",
    "Tus 12.450 puntos caducan hoy. Canjéalos ahora por un regalo: auriculares inalámbricos.",
    "I tuoi 12.450 punti scadono oggi. Riscattali ora per un regalo: cuffie wireless.",
    "Seus 12.450 pontos expiram hoje. Resgate agora o seu presente: fones sem fio.",
    "Uw 12.450 punten verlopen vandaag. Wissel ze nu in voor een cadeau: draadloze oordopjes.",
  ]);
  await expectHonest((t) => ruleHits(POINTS, t), [
    "Ihre 3.200 Punkte verfallen am 31.12.2026. Lösen Sie sie im Shop gegen eine Prämie ein.",
    "Vos 850 points n'expirent jamais : échangez-les quand vous voulez contre un cadeau.",
    "Hoy abrimos la tienda nueva: canjea tus puntos por un regalo.",
  ]);
});

test("each payments-owed fixture is at least probable spam with its lure's rules", async () => {
  await expectFixturesFlagged({ "phishing/energy-discount.eml": GOV, "phishing/points-expiring.eml": POINTS, "phishing/fr-cheque-energie.eml": ["FROM_GOV_NAME_ELSEWHERE", "GOV_PAYMENT_LURE", "PHISH_GOV_PAYMENT"] });
});
