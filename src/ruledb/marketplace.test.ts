// The classifieds seller's lure of rules/66_marketplace.cf ("the buyer has paid, enter your card
// to receive the money") in ten languages, against a platform's real "sold" and payout notices;
// the payment apps' "business account" and the transfer apps' "money received" beside theirs.
import { expect, test } from "bun:test";
import { expectFixturesFlagged, expectHonest, expectLures, fromHits as names, fromHitsOf, ruleHits } from "../testing/rule-hits";

const SELLER = ["MARKETPLACE_PAID_LURE", "PHISH_MARKETPLACE_PAID"];

test("\"the buyer has paid, enter your card to receive the money\" is MARKETPLACE_PAID_LURE in each language", async () => {
  await expectLures((t) => ruleHits(SELLER, t), ["MARKETPLACE_PAID_LURE"], [
    "Good news! The buyer has paid for your item. To receive the money, please enter your card number on the secure page.",
    "Your item has been paid. Receive the money now on your card.",
    "Der Käufer hat den Artikel bereits bezahlt. Um das Geld zu erhalten, bestätigen Sie bitte Ihre Kartendaten.",
    "L'acheteur a déjà payé votre article. Pour recevoir l'argent, saisissez les données de votre carte.",
    "Kupujący opłacił Twój przedmiot. Aby otrzymać środki, potwierdź dane karty.",
    "El comprador ya ha pagado tu artículo. Para recibir el dinero, introduce los datos de tu tarjeta.",
    "L'acquirente ha già pagato il tuo articolo. Per ricevere il denaro inserisci i dati della carta.",
    "O comprador já pagou o seu artigo. Para receber o dinheiro, confirme os dados do cartão.",
    "De koper heeft het artikel al betaald. Om het geld te ontvangen, vul uw kaartgegevens in.",
    "Kupující již zaplatil. Abyste obdrželi peníze, zadejte údaje o kartě.",
    "Cumpărătorul a plătit deja. Pentru a primi banii, introduceți datele cardului.",
  ]);
  // In the platform's name from elsewhere, or through a disguised link: PHISH_MARKETPLACE_PAID too.
  expect(await fromHitsOf(SELLER)('"Vinted" <support@vinted-payments.example>', "<p>The buyer has paid for your item. To receive the funds on your card, confirm your payment details.</p>")).toEqual(SELLER);
  expect(await fromHitsOf(SELLER)('"Team" <a@sender.example>', '<p>Der Käufer hat bezahlt. Um das Geld zu erhalten: <a href="https://geld-erhalten.pages.dev/k">Geld erhalten</a></p>')).toEqual(SELLER);
});

test("the same lure in Swedish, Danish, Norwegian, Finnish, Hungarian and Greek is MARKETPLACE_PAID_LURE, in Blocket's or Jófogás's name from elsewhere PHISH_MARKETPLACE_PAID; the platforms' own payout notices are not", async () => {
  await expectLures((t) => ruleHits(SELLER, t), ["MARKETPLACE_PAID_LURE"], [
    "Köparen har redan betalat för din vara. För att ta emot pengarna, ange dina kortuppgifter på den säkra sidan.",
    "Køberen har allerede betalt. For at modtage pengene skal du indtaste dine kortoplysninger.",
    "Kjøperen har betalt for varen din. For å motta pengene må du oppgi kortopplysningene dine.",
    "Ostaja on jo maksanut tuotteesi. Vastaanottaaksesi rahat syötä korttitietosi.",
    "A vevő már kifizette a terméket. A pénz fogadásához add meg a kártyaadataidat.",
    "Ο αγοραστής έχει ήδη πληρώσει. Για να λάβετε τα χρήματα, εισάγετε τα στοιχεία της κάρτας σας.",
  ]);
  expect(await fromHitsOf(SELLER)('"Blocket" <support@blocket-betalning.example>', "<p>Köparen har betalat. För att ta emot pengarna, bekräfta dina kortuppgifter.</p>")).toEqual(SELLER);
  expect(await fromHitsOf(SELLER)('"Jófogás" <info@jofogas-fizetes.example>', "<p>A vevő kifizette a terméket. A pénz átvételéhez add meg a kártyaszámot.</p>")).toEqual(SELLER);
  await expectHonest((t) => ruleHits(SELLER, t), [
    "Köparen har betalat och din vara är såld. Pengarna betalas ut till ditt bankkonto när köparen har bekräftat leveransen.",
    "Køberen har betalt. Pengene overføres til din konto, når køberen har modtaget varen.",
    "A vevő kifizette a rendelést; a kártyás fizetés visszaigazolását csatoltuk.",
    "Ο αγοραστής πλήρωσε. Τα χρήματα θα μεταφερθούν στον λογαριασμό σας μετά την παράδοση.",
  ]);
});

test("the Nordic, Finnish, Hungarian and Greek classifieds are claimed in display names; their own domains, a man named Finn and a car dealer are not", async () => {
  const claims = async (from: string) => (await names(from, "<p>Hello</p>")).includes("FROM_BRAND_IMPERSONATION");
  for (const from of ['"Blocket" <a@blocket-support.example>', '"DBA.dk" <kundeservice@dba-betaling.example>', '"FINN.no" <a@finn-betaling.example>', '"Tori.fi" <a@tori-maksu.example>', '"Jófogás" <a@jofogas-hu.example>', '"Car.gr" <a@cargr-pay.example>'])
    expect({ from, claims: await claims(from) }).toEqual({ from, claims: true });
  for (const from of ['"Blocket" <noreply@blocket.se>', '"DBA" <noreply@dba.dk>', '"FINN.no" <noreply@finn.no>', '"Finn Larsen" <finn@larsen.example>', '"Car Sales Ltd" <sales@cardealer.example>', '"Tori Amos Fan Club" <club@fans.example>'])
    expect({ from, claims: await claims(from) }).toEqual({ from, claims: false });
});

test("a platform's real sold, shipped and payout notices and a buyer's question are not the lure", async () => {
  await expectHonest((t) => ruleHits(SELLER, t), [
    "Your item sold! The buyer has paid. Please ship it within 5 days; the money goes to your balance when the buyer confirms delivery.",
    "Der Käufer hat bezahlt. Bitte versende den Artikel innerhalb von 7 Tagen.",
    "Your payout of €65.00 was sent to the bank account ending in 4821.",
    "Hi, is the bike still for sale? I can pay by bank transfer and pick it up on Saturday.",
    "L'acheteur a payé. Envoyez le colis avec le bordereau prépayé ; vous recevrez l'argent sur votre porte-monnaie après confirmation.",
    "De koper heeft betaald. Verstuur het pakket binnen 5 dagen; het geld komt na ontvangst op je saldo.",
  ]);
});

test("a payment app's payment held until the seller upgrades to a business account is P2P_BUSINESS_UPGRADE_SCAM; the app's own business-account advert and a pending transfer are not", async () => {
  const p2p = (text: string) => ruleHits(["P2P_BUSINESS_UPGRADE_SCAM"], text);
  expect(await p2p("Zelle: the payment of $300.00 from Michael is pending. Your account is not a business account; upgrade your account to a business account to receive the funds.")).toEqual(["P2P_BUSINESS_UPGRADE_SCAM"]);
  await expectHonest(p2p, [
    "Selling online? Upgrade to a PayPal Business account to accept cards and get paid faster.",
    "Your Zelle payment of $45.00 to Anna is pending and will arrive within 3 business days.",
  ]);
});

const MONEY = ["MONEY_RECEIVED_LURE", "PHISH_MONEY_RECEIVED"];
const money = fromHitsOf(MONEY);
const received = "<p>You've received an INTERAC e-Transfer of $485.00 (CAD) from Property Management Ltd. To deposit your money, select your bank.</p>";

test("money waiting to be deposited through a link is MONEY_RECEIVED_LURE; in a transfer app's name from elsewhere or through a disguised link PHISH_MONEY_RECEIVED", async () => {
  expect(await money('"INTERAC e-Transfer" <notify@etransfer-payments-ca.example>', received)).toEqual(MONEY);
  expect(await money('"Payments" <notify@payments.example>', `${received}<p><a href="https://etransfer.interac.ca.deposit-secure.example/d">Deposit</a></p>`)).toEqual(MONEY);
  expect(await money('"Zelle" <alerts@zelle-payments.example>', "<p>Robert sent you $250.00. Accept the payment within 24 hours.</p>")).toEqual(MONEY);
  expect(await ruleHits(MONEY, "A transfer is waiting for you. Claim your funds before it expires.")).toEqual(["MONEY_RECEIVED_LURE"]);
  // The amount written before its "$" (its \b after "$" never matched at a sentence's end before the compiler's lint).
  expect(await ruleHits(MONEY, "Marie sent you 250 $. Deposit your money at the link below.")).toEqual(["MONEY_RECEIVED_LURE"]);
  expect(await ruleHits(MONEY, "Vous avez reçu un virement Interac de 485,00 $ de Gestion Immobilière. Pour déposer votre argent, choisissez votre institution financière.")).toEqual(["MONEY_RECEIVED_LURE"]);
});

test("the transfer app's own notice is the wording only; a receipt for money sent and a bank's deposit confirmation are nothing", async () => {
  expect(await money('"INTERAC e-Transfer" <notify@payments.interac.ca>', `${received}<p><a href="https://etransfer.interac.ca/deposit">Deposit</a></p>`)).toEqual(["MONEY_RECEIVED_LURE"]);
  await expectHonest((t) => ruleHits(MONEY, t), [
    "You sent $485.00 to Property Management Ltd. The money was deposited on 5 December.",
    "Your deposit of $1,200.00 has been credited to your chequing account.",
    "We have received your payment of $85.00. Thank you.",
    "Nous avons reçu votre paiement de 85,00 $. Merci.",
  ]);
});

test("the seller's-lure fixtures are at least probable spam with their rules", async () => {
  await expectFixturesFlagged({ "phishing/marketplace-paid.eml": SELLER, "phishing/sv-blocket-betalat.eml": SELLER, "phishing/p2p-business-upgrade.eml": ["P2P_BUSINESS_UPGRADE_SCAM"], "phishing/interac-etransfer.eml": MONEY });
});
