// The advance-fee letters of rules/35_fraud_languages.cf (German, French, Spanish, Portuguese,
// Italian, Dutch) against the honest mail of those languages that uses the same words: each
// fires on the letter and not on its honest counterpart.
import { expect, test } from "bun:test";
import { expectHonest, expectLures, ruleHits } from "../testing/rule-hits";

const NAMES = ["ADVANCE_FEE_DONOR", "LOAN_FRAUD_OFFER", "LOTTERY_WIN_LANG", "INHERITANCE_FRAUD_LANG", "ADVANCE_FEE_LANG", "FRAUD_CHAT_MOVE"];
const fraud = (text: string) => ruleHits(NAMES, text);

test("the dying donor's millions are ADVANCE_FEE_DONOR in five languages; a cancer charity's appeal and a news item about a bequest are not", async () => {
  await expectLures(fraud, ["ADVANCE_FEE_DONOR"], [
    "Ich leide an Krebs und habe nur noch wenige Monate zu leben. Ich möchte Ihnen eine Spende in Höhe von 1.850.000,00 € übergeben.",
    "Je suis atteinte d'un cancer et il me reste quelques mois à vivre. Je souhaite vous faire don de ma fortune.",
    "Sufro de cáncer y me quedan pocos meses de vida. Quiero hacerle una donación de 2.300.000,00 euros.",
    "Sofro de câncer e tenho apenas alguns meses de vida. Quero fazer uma doação de € 1.200.000,00 a você.",
    "Soffro di un tumore e mi restano pochi mesi di vita. Vorrei donarle il mio patrimonio.",
    "Ik lijd aan kanker en heb nog maar een paar maanden te leven. Ik wil u mijn vermogen schenken.",
  ]);
  expect(await fraud("Jede Spende hilft Menschen, die an Krebs leiden. Mit einer Spende von 50 € finanzieren Sie eine Stunde Pflege.")).toEqual([]);
  expect(await fraud("Antes de morrer, o empresário fez uma doação de € 1.200.000,00 ao hospital da cidade, que abriu hoje a nova ala.")).toEqual([]);
  expect(await fraud("Prima di morire, il fondatore ha lasciato una donazione di 3 milioni di euro alla fondazione.")).toEqual([]);
});

test("a private lender's loans at a few per cent from a chat app or with no credit check are LOAN_FRAUD_OFFER; a bank's loan and mortgage adverts are not", async () => {
  expect(await fraud("J'accorde des prêts entre particuliers de 5 000 € à 500 000 € au taux d'intérêt de 2 % par an, sans vérification de crédit.")).toEqual(["LOAN_FRAUD_OFFER"]);
  expect(await fraud("Wir vergeben private Kredite an jedermann zu einem Zinssatz von 2 %, ohne Schufa und ohne Sicherheiten.")).toEqual(["LOAN_FRAUD_OFFER"]);
  expect(await fraud("Ofrecemos préstamos entre particulares con un tipo de interés del 2 %, sin garantía.")).toEqual(["LOAN_FRAUD_OFFER"]);
  expect(await fraud("Ofrecemos préstamos a particulares y empresas con una tasa de interés del 3 %. Escríbanos por WhatsApp: +34 612 345 678")).toEqual(["FRAUD_CHAT_MOVE", "LOAN_FRAUD_OFFER"]);
  expect(await fraud("Nous proposons des prêts immobiliers au taux fixe de 3,2 % sur 20 ans, même sans apport, après étude de votre dossier.")).toEqual([]);
  expect(await fraud("Ofrecemos préstamos personales con un tipo de interés del 6,95 % TIN, sin comisión de apertura, sujetos a aprobación.")).toEqual([]);
  expect(await fraud("Prêt personnel sans justificatif de 3 000 € à 75 000 €, TAEG fixe de 4,9 %. Un crédit vous engage et doit être remboursé.")).toEqual([]);
});

test("the reader told of winning six figures is LOTTERY_WIN_LANG, with the fee and the particulars ADVANCE_FEE_LANG; a lottery's own results and a \"you have not won\" are not", async () => {
  expect(await fraud("Su dirección de correo electrónico ha sido seleccionada y usted ha ganado la suma de 950.000,00 €. Envíe su nombre completo, dirección, teléfono y una copia de su documento de identidad. Los gastos de transferencia corren por cuenta del ganador.")).toEqual(["ADVANCE_FEE_LANG", "LOTTERY_WIN_LANG"]);
  expect(await fraud("Herzlichen Glückwunsch! Sie haben bei unserer internationalen Ziehung 1.500.000,00 € gewonnen.")).toEqual(["LOTTERY_WIN_LANG"]);
  expect(await fraud("Votre adresse e-mail a gagné 2 millions d'euros lors de notre tirage.")).toEqual(["LOTTERY_WIN_LANG"]);
  // The fee written as one German word, after a space ("Die Überweisungsgebühr"): \b knows no Ü.
  expect(await fraud("Sie haben 1.500.000,00 € gewonnen. Die Überweisungsgebühr von 250 € ist vorab zu zahlen. Senden Sie Ihren vollständigen Namen und Ihre Telefonnummer.")).toEqual(["ADVANCE_FEE_LANG", "LOTTERY_WIN_LANG"]);
  expect(await fraud("Sie haben diesmal leider nicht gewonnen. Im Jackpot warten am Samstag 12.000.000 €.")).toEqual([]);
  expect(await fraud("No has ganado esta vez. El Gordo de Navidad reparte 4.000.000 € al décimo premiado.")).toEqual([]);
  expect(await fraud("¡Enhorabuena! Has ganado 4,50 € en La Primitiva. El bote del jueves es de 5.000.000 €, juega ya.")).toEqual([]);
  expect(await fraud("Die Tippgemeinschaft aus Kiel freut sich: sie haben 5 Millionen Euro im Lotto gewonnen.")).toEqual([]);
  expect(await fraud("Il tuo indirizzo email ha vinto 850.000 euro nella nostra estrazione mondiale.")).toEqual(["LOTTERY_WIN_LANG"]);
});

test("a dead stranger's millions for the reader as next of kin are INHERITANCE_FRAUD_LANG; a notary's letter to a real heir is not", async () => {
  expect(await fraud("Il mio cliente, che portava il suo stesso cognome, è morto senza eredi lasciando 8,5 milioni di euro. Le propongo di presentarla come parente più prossimo; divideremo la somma a metà, senza alcun rischio.")).toEqual(["ADVANCE_FEE_LANG", "INHERITANCE_FRAUD_LANG"]);
  expect(await fraud("Mon client, qui portait le même nom que vous, est décédé en laissant 4.800.000 € sur un compte bloqué. Je peux vous présenter comme son plus proche parent.")).toEqual(["INHERITANCE_FRAUD_LANG"]);
  expect(await fraud("En tant que plus proche parent de M. Jean Martin, votre oncle, vous êtes appelé à sa succession. L'actif net s'élève à 412.000,00 €. Merci de prendre rendez-vous à l'étude avec une pièce d'identité.")).toEqual([]);
  expect(await fraud("Als nächster Angehöriger Ihrer Tante erben Sie laut Testament 250.000 €. Bitte vereinbaren Sie einen Termin beim Nachlassgericht.")).toEqual([]);
});

test("a fortune won, in Japanese, Chinese or Russian, is LOTTERY_WIN_LANG; a draw's small prize, a shop's bonus points and \"not won\" are not", async () => {
  await expectLures(fraud, ["LOTTERY_WIN_LANG"], [
    "おめでとうございます！あなたのメールアドレスが1,000万円に当選しました。受け取りには手数料のお支払いが必要です。",
    "恭喜您！您的邮箱在年度抽奖中获得50万元人民币奖金，请回复您的姓名和银行卡号。",
    "Поздравляем! Вы выиграли 1 500 000 рублей в международной лотерее. Для получения приза оплатите комиссию.",
  ]);
  await expectHonest(fraud, [
    "抽選の結果、残念ながら当選しませんでした。次回のご応募をお待ちしております。",
    "恭喜您获得本店 50 元优惠券，下次购物时可以使用。",
    "Поздравляем! Вы выиграли 500 бонусных баллов в нашей акции. Они уже на вашей карте.",
    "Вы стали победителем конкурса рисунков! Приз — набор книг.",
  ]);
});

test("the dying donor, the private lender and the lottery win in Polish, Czech and Turkish are read; a hospice appeal, a bank's loan, a lottery's results and a news item are not", async () => {
  for (const [letter, want] of [
    ["Cierpię na raka i zostało mi tylko kilka miesięcy życia. Chcę przekazać Panu darowiznę w wysokości 1 500 000 € na cele charytatywne.", "ADVANCE_FEE_DONOR"],
    ["Trpím rakovinou a zbývá mi jen několik měsíců. Chci vám darovat svůj majetek.", "ADVANCE_FEE_DONOR"],
    ["Kanser hastasıyım ve birkaç aylık ömrüm kaldı. Size servetimi bağışlamak istiyorum.", "ADVANCE_FEE_DONOR"],
    // Words starting with ü or ö after a space: \b sees no boundary there (ASCII words only).
    ["Doktorlar üç aylık ömrüm kaldığını söyledi. Size servetimi bağışlamak istiyorum.", "ADVANCE_FEE_DONOR"],
    ["Kanser hastasıyım. Ölmeden önce size servetimi bağışlamak istiyorum.", "ADVANCE_FEE_DONOR"],
    ["Oferujemy pożyczki prywatne z oprocentowaniem 2% rocznie, bez BIK i bez zaświadczeń.", "LOAN_FRAUD_OFFER"],
    ["Nabízíme půjčky všem s úrokovou sazbou 2 %, bez registru a bez ručitele.", "LOAN_FRAUD_OFFER"],
    ["%2 faiz oranıyla kredi veriyoruz, teminatsız ve kefilsiz.", "LOAN_FRAUD_OFFER"],
    ["Gratulacje! Wygrałeś 1 000 000 EUR w międzynarodowej loterii e-mail.", "LOTTERY_WIN_LANG"],
    ["Gratulujeme! Vyhráli jste 850 000 EUR v mezinárodní loterii.", "LOTTERY_WIN_LANG"],
    ["Tebrikler! E-posta adresiniz çekilişte 1.000.000 Euro kazandı.", "LOTTERY_WIN_LANG"],
    ["Tebrikler! 1.000.000 Euro kazandınız.", "LOTTERY_WIN_LANG"],
  ]) expect({ letter, got: await fraud(letter) }).toEqual({ letter, got: [want] });
  await expectHonest(fraud, [
    "Hospicjum prosi o wsparcie: chorzy na raka potrzebują opieki. Każda darowizna w wysokości 50 zł pomaga.",
    "Bank oferuje pożyczki gotówkowe z oprocentowaniem 9,9 %, po weryfikacji zdolności kredytowej.",
    "Nabízíme hypotéky s úrokem 4,9 % po posouzení bonity.",
    "Výsledky slosování: v tomto kole nikdo nevyhrál, jackpot 850 000 000 Kč.",
    "Piyango sonuçları: büyük ikramiye 1.000.000 TL, talihli Ankara'dan.",
    "Sayın müşterimiz, ihtiyaç kredisi faiz oranı %3,49; başvuru için şubenize uğrayın.",
  ]);
});
