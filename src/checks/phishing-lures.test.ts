// The lure wording of rules/62_phishing.cf against the honest mail that uses the same words:
// each pair fires on the lure and not on its honest counterpart.
import { expect, test } from "bun:test";
import { expectHonest, expectLures, fromHits as names, ruleHits } from "../testing/rule-hits";

test("a recovery phrase asked for is the wallet scam; a wallet maker's warning never to give it is not", async () => {
  expect(await names('"Wallet" <a@wallet.example>', "<p>To restore access, enter your 24-word recovery phrase below.</p>")).toContain("CRYPTO_SEED_PHRASE_ASK");
  expect(await names('"Wallet" <a@wallet.example>', "<p>Please verify your seed phrase to continue.</p>")).toContain("CRYPTO_SEED_PHRASE_ASK");
  for (const honest of ["We will never ask you to enter your recovery phrase.", "Never share your 24-word recovery phrase with anyone.", "Don't type in your seed phrase on any website.", "No one from our team will ask you to confirm your secret phrase."])
    expect({ honest, hits: (await names('"Ledger" <hello@ledger.com>', `<p>${honest}</p>`)).filter((n) => n.startsWith("CRYPTO")) }).toEqual({ honest, hits: [] });
  // In plain text a line break stays in the text: the warning is read across it.
  expect(await ruleHits(["CRYPTO_SEED_PHRASE_ASK"], "We will never ask you, by mail or phone,\nto enter your recovery phrase.")).toEqual([]);
  expect(await ruleHits(["CRYPTO_SEED_PHRASE_ASK"], "To restore access, please\nenter your recovery phrase below.")).toEqual(["CRYPTO_SEED_PHRASE_ASK"]);
});

test("CEO fraud's first letter (a quick task, no calls) is BEC_TASK_OPENER, from an executive on a free mailbox PHISH_BEC_OPENER; a colleague's question and an out-of-office are not", async () => {
  const lure = "<p>Are you available? I need you to handle a quick task for me. I'm in a meeting and can't take calls, reply by email.</p><p>Robert</p>";
  const bec = async (from: string, html: string) => (await names(from, html)).filter((n) => n.includes("BEC_")).sort();
  expect(await bec('"Robert Miles, CEO" <robert.miles.office@gmail.com>', lure)).toEqual(["BEC_TASK_OPENER", "PHISH_BEC_OPENER"]);
  expect(await bec('"Robert Miles" <robert.miles.office@gmail.com>', lure)).toEqual(["BEC_TASK_OPENER"]);
  expect(await bec('"Robert Miles" <robert@northwind.example>', "<p>Do you have a moment? I need you to complete an urgent task for me before 3. I am currently in a board meeting, keep this confidential.</p>")).toEqual(["BEC_TASK_OPENER"]);
  await expectHonest((t) => bec('"Anna Berg" <anna@northwind.example>', t), [
    "<p>Are you around? Lunch at 12:30 in the canteen?</p>",
    "<p>I'm in a meeting until 3 and can't take calls; I'll ring you back afterwards.</p>",
    "<p>Thank you for your message. I am currently in a conference and unable to take calls until Monday.</p>",
  ]);
});

test("changed wiring instructions for earnest money are BEC_CLOSING_WIRE; a title company's own warning and its closing instructions are not", async () => {
  const wire = async (html: string) => (await names('"Sarah Collins, Escrow Officer" <sarah@titleco.example>', html)).filter((n) => n.startsWith("BEC_")).sort();
  expect(await wire("<p>Our wiring instructions have been updated due to an audit. Kindly wire your earnest money deposit of $48,500 to the new account today.</p>")).toEqual(["BEC_BANK_DETAILS_CHANGED", "BEC_CLOSING_WIRE"]);
  await expectHonest(wire, [
    "<p>Our wiring instructions will never change by e-mail. If you receive new wiring instructions, call us at the number on our website before sending your earnest money.</p>",
    "<p>Your closing is on Friday. Cash to close is $48,500; the wiring instructions are in the secure portal.</p>",
  ]);
});

test("an unpaid toll under threat of a late fee or the licence is the toll scam; a toll account's statement is not", async () => {
  expect(await names('"Tolls" <a@tolls.example>', "<p>You have an unpaid toll of $3.45. Pay today to avoid a late fee of $25.</p>")).toContain("TOLL_FEE_LURE");
  expect(await names('"Tolls" <a@tolls.example>', "<p>Your toll balance is overdue; your driving privileges will be suspended.</p>")).toContain("TOLL_FEE_LURE");
  expect(await names('"Tolls" <statements@tolls.example>', "<p>Your monthly statement is ready. Toll charges: $42.10, paid from the card on file.</p>")).not.toContain("TOLL_FEE_LURE");
  // The "DMV final notice" of 2025: an unpaid traffic ticket and the licence; a city's parking citation due is not.
  expect(await names('"DMV Notice" <notice@dmv-ticket.example>', "<p>Final notice: you have an unpaid traffic ticket. Your driver's license will be suspended on December 9.</p>")).toContain("TOLL_FEE_LURE");
  expect(await names('"City Parking" <parking@city.example>', "<p>Parking citation #48213 is due on December 20. A late fee of $25 applies after that date.</p>")).not.toContain("TOLL_FEE_LURE");
});

test("mail held in quarantine, an HR letter, benefits enrollment, a termination letter, a review or payslip, a tax refund and MFA re-registration are account lures with a disguised link; from their own senders with their own links they are no combination", async () => {
  const lures = [
    "<p>3 messages are held in quarantine. Release them to your inbox.</p>",
    "<p>Your salary adjustment has been approved; the letter is attached to the portal.</p>",
    "<p>Open enrollment for your 2027 health benefits closes Friday. Review and confirm your benefits elections.</p>",
    "<p>Please review the attached termination letter regarding your employment.</p>",
    "<p>Your 2026 annual performance review has been published. Please acknowledge it by Friday.</p>",
    "<p>Your payslip for December is now available.</p>",
    "<p>You are eligible to receive a tax refund of £120.40.</p>",
    "<p>Your multi-factor authentication settings must be updated this week.</p>",
    "<p>Please sign in with your company credentials to view the file.</p>",
    "<p>Your payment was declined. Update your payment method to keep watching.</p>",
    "<p>You have 3 unread messages from Sarah in Microsoft Teams.</p>",
  ];
  for (const lure of lures) {
    expect({ lure, hits: (await names('"Notice" <a@sender.example>', `${lure}<p><a href="https://files.example.web.app/x">Open</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ lure, hits: ["PHISH_WORDS_BAD_LINK"] });
    expect({ lure, hits: (await names('"Notice" <a@sender.example>', `${lure}<p><a href="https://www.sender.example/x">Open</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ lure, hits: [] });
  }
});

test("a javascript: link is a disguised link to the account lure; a password field is PHISH_PASSWORD_FORM in the message, the attached page's own sign elsewhere", async () => {
  expect(await names('"Notice" <a@sender.example>', '<p>Verify your account today.</p><p><a href="javascript:location=atob(\'aHR0cHM6Ly94LmV4YW1wbGUv\')">Verify</a></p>')).toContain("PHISH_WORDS_BAD_LINK");
  expect(await names('"Notice" <a@sender.example>', '<p>Verify your account today.</p><form action="https://x.example/p"><input type="password" name="p"></form>')).toContain("PHISH_PASSWORD_FORM");
  expect(await names('"Notice" <a@sender.example>', '<p>Our new newsletter.</p><form action="https://x.example/p"><input type="password" name="p"></form>')).not.toContain("PHISH_PASSWORD_FORM");
});

test("a phone number with the letter O among its digits or spelt digit by digit is disguised; ordinary numbers, and the word after one, are not", async () => {
  const hit = async (text: string) => (await names('"Billing" <a@sender.example>', `<p>${text}</p>`)).includes("PHONE_OBFUSCATED");
  for (const text of ["Call +1 (8O8) 555-O142 now.", "Call 1-800-555-O199 today.", "Call our help line: +1 - 8 0 8 - 5 5 5 - 0 1 4 2."]) expect({ text, hit: await hit(text) }).toEqual({ text, hit: true });
  for (const text of ["Call 1-800-555-0137 or visit our site.", "Phone (212) 555-0187 Opening hours 9-5.", "Call 1 800 555 0137.", "Room 4 of 5, rows 1 2 3.", "Set the serial to 2002082901 on both.", "TOO 555 123 4567"]) expect({ text, hit: await hit(text) }).toEqual({ text, hit: false });
});

test("SALES_TOLL_FREE is a toll-free number (800, 833-888 in steps of 11), not any number starting with 8", async () => {
  expect(await names('"Shop" <a@shop.example>', "<p>Call 1-877-555-0100.</p>")).toContain("SALES_TOLL_FREE");
  expect(await names('"Shop" <a@shop.example>', "<p>Call 1 (808) 555-0100.</p>")).not.toContain("SALES_TOLL_FREE");
  expect(await names('"Shop" <a@shop.example>', "<p>Call 1-847-555-0100.</p>")).not.toContain("SALES_TOLL_FREE");
});

test("crypto demanded with the video threatened is sextortion; a wallet address or a webcam review alone is not", async () => {
  const extortion = async (text: string) => (await names('"x" <a@sender.example>', `<p>${text}</p>`)).includes("EXTORTION_BITCOIN");
  expect(await extortion("Send 0.05 BTC to bc1q9h7k3w2x0m5t8p4l6c2v2d3f4g5h6j7k8l9z0a or I will send the video to all your contacts.")).toBe(true);
  expect(await extortion("I watched you through your webcam. Pay 900 USD in USDT to 0x52908400098527886E0F7030069857D2E4169EE7.")).toBe(true);
  // The 2024 letter: the reader's street and a photo of the house, "them" sent to the contacts.
  expect(await extortion("I know that visiting 42 Elm Street would be a convenient way to contact you. Send 2000 USD in Bitcoin to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh or I'll send them to your contacts.")).toBe(true);
  expect(await extortion("I attached a picture of your house. Pay 1500 USD in Bitcoin within 24 hours.")).toBe(true);
  expect(await extortion("We would love a photo of your house with our new solar panels! Pay in bitcoin and get 5% off.")).toBe(false);
  expect(await extortion("Donations: bc1q9h7k3w2x0m5t8p4l6c2v2d3f4g5h6j7k8l9z0a. Thank you for supporting the project!")).toBe(false);
  expect(await extortion("Our review: the best webcam for video calls, with your own camera settings kept.")).toBe(false);
});

test("a sender who lies, linking to a disguised address, is phishing without any lure's words; the brand's own mail to its own site, and an honest sender's shortened link, are not", async () => {
  const phish = async (from: string, href: string) => (await names(from, `<p>Hi! See the latest news.</p><p><a href="${href}">Open</a></p>`)).includes("PHISH_SENDER_LIE_BAD_LINK");
  expect(await phish('"Netflix" <info@mailer-news.example>', "https://watch-now.pages.dev/")).toBe(true);
  expect(await phish('"Netflix" <info@mailer.netflix.com>', "https://www.netflix.com/browse")).toBe(false);
  expect(await phish('"Netflix" <info@mailer.netflix.com>', "https://bit.ly/3abcd")).toBe(false); // the brand's own sender: no lie
  expect(await phish('"Corner Bakery" <news@bakery.example>', "https://bit.ly/3abcd")).toBe(false); // no lie, a shortener alone
});

test("the lures in German, French, Spanish, Portuguese, Italian, Dutch, Polish, Czech, Turkish, Japanese, Chinese and Russian are PHISH_LURE_LANG, and __PHISH_WORDS with a free-hosted link but not with the sender's own site", async () => {
  const lures = [
    "<p>Ihr Konto wurde vorübergehend gesperrt. Bitte bestätigen Sie Ihre Daten.</p>",
    "<p>Votre compte a été suspendu. Vérifiez votre identité sous 24 heures.</p>",
    "<p>Su cuenta ha sido bloqueada. Verifique su identidad.</p>",
    "<p>Sua conta foi suspensa. Atualize seus dados.</p>",
    "<p>Il tuo account è stato sospeso. Verifica il tuo account.</p>",
    "<p>Uw account is tijdelijk geblokkeerd. Verifieer uw gegevens.</p>",
    "<p>お客様のアカウントが一時的に停止されました。本人確認をお願いします。</p>",
    "<p>您的账户已被冻结，请验证您的身份。</p>",
    "<p>Ваш аккаунт был заблокирован. Подтвердите свою личность.</p>",
    "<p>Twoja przesyłka oczekuje na dopłatę 1,99 zł. Zweryfikuj swoje dane.</p>",
    "<p>Vaše zásilka čeká na doplatek 25 Kč za doručení.</p>",
    "<p>Twoja przesyłka nr 6930 4412 7781 oczekuje na dopłatę.</p>",
    "<p>Vaše zásilka č. Z 1234 5678 čeká na doplatek.</p>",
    "<p>Kargonuz teslim edilemedi. Gümrük vergisi ödenmedi.</p>",
    "<p>Hesabınızda şüpheli giriş tespit edildi.</p>",
  ];
  for (const lure of lures) {
    expect({ lure, hits: (await names('"Service" <a@sender.example>', `${lure}<p><a href="https://files.example.pages.dev/x">OK</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ lure, hits: ["PHISH_LURE_LANG", "PHISH_WORDS_BAD_LINK"] });
    expect({ lure, hits: (await names('"Service" <a@sender.example>', `${lure}<p><a href="https://www.sender.example/x">OK</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ lure, hits: ["PHISH_LURE_LANG"] });
  }
  // A bank's and a carrier's ordinary notices in the same languages.
  for (const honest of ["<p>Ihr Kontoauszug für November steht bereit.</p>", "<p>Votre colis a été livré ce matin.</p>", "<p>ご注文の商品を発送しました。</p>", "<p>Ваш заказ отправлен.</p>", "<p>Twoja przesyłka została doręczona do Paczkomatu WAW01M.</p>", "<p>Vaše zásilka byla doručena.</p>", "<p>Kargonuz teslim edildi.</p>"])
    expect({ honest, hits: (await names('"Service" <a@sender.example>', `${honest}<p><a href="https://files.example.pages.dev/x">OK</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ honest, hits: [] });
});

test("Poland's, Czechia's and Turkey's parcel and marketplace brands are claimed in display names; a tempo, a music school and the brands' own domains are not", async () => {
  for (const from of ['"InPost" <powiadomienia@inpost-dostawa.example>', '"Poczta Polska" <info@poczta-oplata.example>', '"Allegro.pl" <konto@allegro-weryfikacja.example>', '"OLX Dostawa" <noreply@olx-platnosc.example>', '"Zásilkovna" <info@zasilky-doplatek.example>', '"Yurtiçi Kargo" <bilgi@kargo-takip.example>'])
    expect({ from, lie: (await names(from, "<p>Hello</p>")).includes("FROM_BRAND_IMPERSONATION") }).toEqual({ from, lie: true });
  for (const from of ['"Allegro Music School" <office@allegro-music.example>', '"Allegro" <tempo@metronome.example>', '"InPost" <powiadomienia@inpost.pl>', '"Allegro.pl" <powiadomienia@allegromail.pl>', '"Česká pošta" <info@ceskaposta.cz>'])
    expect({ from, lie: (await names(from, "<p>Hello</p>")).includes("FROM_BRAND_IMPERSONATION") }).toEqual({ from, lie: false });
});

test("shops of the survey and gift lures, pay-later and app banks, processors and transfer apps are claimed in display names; their own domains, Red Stripe and a Lowe family are not", async () => {
  const lie = async (from: string) => (await names(from, "<p>Hello</p>")).includes("FROM_BRAND_IMPERSONATION");
  for (const from of ['"Temu Rewards" <gift@temu-credit.example>', '"SHEIN" <club@shein-points.example>', '"Lidl" <umfrage@lidl-jubilaeum.example>', '"The Home Depot Survey" <s@hd-survey.example>', '"Lowe’s" <rewards@lowes-card.example>', '"Kohl\'s" <cash@kohls-rewards.example>', '"Klarna" <service@klarna-zahlung.example>', '"N26 Support" <n26@mail-verify.example>', '"Monzo" <help@monzo-secure.example>', '"Stripe Billing" <b@stripe-billing.example>', '"Interac e-Transfer" <notify@etransfer.example>', '"Zelle" <alerts@zelle-pay.example>', '"Cash App" <cash@cashapp-support.example>'])
    expect({ from, lie: await lie(from) }).toEqual({ from, lie: true });
  for (const from of ['"Temu" <temu@orders.temu.com>', '"Lidl Reisen" <info@lidl-reisen.de>', '"The Home Depot" <homedepot@order.homedepot.com>', '"Klarna" <noreply@klarna.com>', '"Stripe" <notifications@stripe.com>', '"Interac e-Transfer" <notify@payments.interac.ca>', '"Cash App" <cash@square.com>', '"Red Stripe" <news@redstripebeer.example>', '"Anna Lowe" <anna@lowe-family.example>', '"Square One Café" <hello@squareone.example>'])
    expect({ from, lie: await lie(from) }).toEqual({ from, lie: false });
});

test("Korea's card issuers, post, carrier and shop are claimed in display names; their own domains and a name without a brand are not", async () => {
  for (const from of ['"신한카드" <notice@naver.com>', '"KB국민카드 고객센터" <kb@kbcard-notice.example>', '"우체국택배" <post@epost-delivery.example>', '"쿠팡" <order@coupang-event.example>'])
    expect({ from, lie: (await names(from, "<p>안녕하세요</p>")).includes("FROM_BRAND_IMPERSONATION") }).toEqual({ from, lie: true });
  for (const from of ['"신한카드" <noreply@shinhancard.com>', '"우체국" <webmaster@epost.go.kr>', '"쿠팡" <no-reply@coupang.com>', '"우리 동네 카드 모임" <club@example.org>'])
    expect({ from, lie: (await names(from, "<p>안녕하세요</p>")).includes("FROM_BRAND_IMPERSONATION") }).toEqual({ from, lie: false });
});

test("a brand's name in Japanese is found inside the display name (no spaces between words); the brand's own domain is no lie", async () => {
  expect(await names('"楽天カード株式会社" <info@rakuten-card-notice.example>', "<p>ご利用確認</p>")).toContain("FROM_BRAND_IMPERSONATION");
  expect(await names('"三井住友カード" <info@vpass-secure.example>', "<p>ご利用確認</p>")).toContain("FROM_BRAND_IMPERSONATION");
  expect(await names('"楽天カード株式会社" <info@mail.rakuten-card.co.jp>', "<p>ご利用確認</p>")).not.toContain("FROM_BRAND_IMPERSONATION");
  expect(await names('"田中商店" <info@tanaka.example>', "<p>ご注文ありがとうございます。</p>")).not.toContain("FROM_BRAND_IMPERSONATION");
});

test("a callback lure typed into a real service's notification is CALLBACK_VIA_SERVICE; the service's own receipt and a lure from elsewhere are not", async () => {
  const lure = "<p>Note from seller: your account has been charged $599.99 for a Bitcoin purchase. If you did not authorize this transaction, call +1 (808) 555-0142 to cancel.</p>";
  expect(await names('"service@paypal.com" <service@paypal.com>', lure)).toEqual(expect.arrayContaining(["CALLBACK_PHISH", "CALLBACK_VIA_SERVICE"]));
  expect(await names('"Billing" <billing@shop.example>', lure)).not.toContain("CALLBACK_VIA_SERVICE");
  expect(await names('"service@paypal.com" <service@paypal.com>', "<p>You sent a payment of $24.99 USD to Example Shop. Transaction ID 8KL29.</p>")).not.toContain("CALLBACK_VIA_SERVICE");
});

test("invoice wording and a supplier's changed bank details in German, French, Spanish, Portuguese, Italian and Dutch count as in English; a note without them does not", async () => {
  const invoice = ["<p>Anbei die Rechnung Nr. 4471.</p>", "<p>Veuillez trouver la facture ci-jointe.</p>", "<p>Adjunto la factura del mes.</p>", "<p>Segue a fatura em anexo.</p>", "<p>In allegato la fattura.</p>", "<p>Bijgaand de factuur.</p>", "<p>Bitte bestätigen Sie die Überweisung heute.</p>"];
  for (const text of invoice) {
    const got = await ruleNamesWithReplyTo(text);
    expect({ text, got }).toEqual({ text, got: ["PHISH_INVOICE_REPLYTO"] });
  }
  expect(await ruleNamesWithReplyTo("<p>Bis morgen, Anna</p>")).toEqual([]);
  const changed = ["<p>Unsere Bankverbindung hat sich geändert.</p>", "<p>Nos coordonnées bancaires ont changé.</p>", "<p>Nuestros datos bancarios han cambiado.</p>", "<p>Os nossos dados bancários foram alterados.</p>", "<p>Le nostre coordinate bancarie sono cambiate.</p>", "<p>Ons rekeningnummer is gewijzigd.</p>"];
  for (const text of changed) expect({ text, hit: (await names('"Anna" <anna@nordvik-supply.com>', text)).includes("BEC_BANK_DETAILS_CHANGED") }).toEqual({ text, hit: true });
});

/** The PHISH_INVOICE_* combinations of a supplier's letter whose Reply-To is a free mailbox. */
async function ruleNamesWithReplyTo(html: string): Promise<string[]> {
  return (await names('"Anna" <anna@nordvik-supply.com>', html, "Reply-To: anna.nordvik@libero.it\n")).filter((n) => n.startsWith("PHISH_INVOICE"));
}

test("a callback lure in German, French, Spanish, Italian, Portuguese, Dutch, Japanese, Chinese or Russian (a charge not made, a number to call, an amount) is CALLBACK_PHISH; a bill with a service line, an order confirmation and a payment receipt are not", async () => {
  await expectLures((t) => ruleHits(["CALLBACK_PHISH"], t), ["CALLBACK_PHISH"], [
    "Ihre Zahlung von 349,99 € an Norton Security wurde bestätigt. Wenn Sie diese Zahlung nicht autorisiert haben, rufen Sie uns sofort an: +49 30 2209 4471.",
    "Votre commande de 429,00 € a été validée. Si vous n'êtes pas à l'origine de cette transaction, appelez le 01 84 88 52 17.",
    "Su suscripción de 299,99 € se ha renovado. Si usted no autorizó este cargo, llame al +34 911 23 45 67.",
    "Il tuo abbonamento di 389,99 € è stato rinnovato. Se non hai autorizzato questo pagamento, chiama il numero 02 8734 1190.",
    "Sua assinatura de R$ 499,90 foi renovada. Se você não autorizou, ligue para 0800 591 2231.",
    "Compra de R$ 389,90 aprovada. Se você não reconhece esta compra, ligue imediatamente +55 11 4003 2298.",
    // National numbers without a 0: Spain's and Portugal's nine digits, Italy's free numbers, Brazil's area code in brackets.
    "Su pedido de 249,99 € ha sido confirmado. Si no reconoce esta compra, llame al 900 123 456.",
    "Encomenda de 189,90 € confirmada. Se não reconhece esta compra, ligue para 210 123 456.",
    "Abbiamo addebitato 299,00 €. Se non hai autorizzato il pagamento, chiama il numero 800 912 345.",
    "Compra de R$ 389,90 aprovada. Se você não reconhece esta compra, ligue para (11) 4003-2298.",
    "Uw bestelling van € 319,95 is verwerkt. Als u deze betaling niet herkent, bel dan 020 808 4477.",
    "【重要】ご利用確認：39,800円のお支払いが完了しました。身に覚えのない場合は、至急下記までお電話ください。0120-123-456",
    // Fullwidth digits, colon and hyphens, as Japanese mail writes them (read folded, styled.ts).
    "ご利用金額：３９，８００円。身に覚えのない場合は、お電話ください：０１２０－１２３－４５６",
    "Amazonプライムの年会費 ¥14,900 を請求しました。ご本人のご利用でない場合は、カスタマーセンターにお電話ください：03-4578-9012",
    "您的账户于今日消费 3,999.00 元。如非本人操作，请立即致电 400-820-1234 取消交易。",
    "Списание на сумму 24 990 руб. по вашей карте. Если вы не совершали эту операцию, позвоните по номеру 8 800 555-35-35.",
    // Wrapped plain text: the number on the next line.
    "Списание на сумму 24 990 руб. Если вы не совершали эту операцию, позвоните по номеру\n8 800 301-47-92.",
  ]);
  await expectHonest((t) => ruleHits(["CALLBACK_PHISH"], t), [
    "Ihre Rechnung über 49,99 € ist da. Fragen? Rufen Sie uns an: 0800 330 1000.",
    "Wir haben eine Zahlung von 120,00 € erhalten. Vielen Dank. Unser Kundendienst: 030 1234 5678.",
    "Votre facture de 39,99 € est disponible dans votre espace client. Service client : appelez le 3900.",
    "Su pedido de 49,99 € está en camino. Para cualquier duda, llame al 900 123 456.",
    "ご注文ありがとうございます。合計 3,980円。ご不明な点はお電話ください 03-1234-5678",
    "您的订单已付款 268.00 元，预计明天送达。如有疑问请致电 400-820-1234。",
    "Оплата на сумму 1 250 руб. получена, спасибо! Вопросы — по телефону 8 800 100-00-00.",
  ]);
});

test("Korean: the overseas-payment callback lure is CALLBACK_PHISH and the account and parcel lures PHISH_LURE_LANG; a shop's receipt, a delivery notice and a password-changed notice are neither", async () => {
  const ko = (text: string) => ruleHits(["CALLBACK_PHISH", "PHISH_LURE_LANG"], text);
  expect(await ko("[해외결제 승인] 1,245,000원 결제가 완료되었습니다. 본인이 아닌 경우 고객센터 02-1234-5678로 즉시 연락 바랍니다.")).toEqual(["CALLBACK_PHISH"]);
  expect(await ko("[국외발신] ₩980,000 해외 결제 승인. 본인 결제가 아닐 경우 소비자원 1588-1234 로 문의하세요.")).toEqual(["CALLBACK_PHISH"]);
  expect(await ko("고객님의 계정이 일시 정지되었습니다. 본인 인증이 필요합니다.")).toEqual(["PHISH_LURE_LANG"]);
  expect(await ko("고객님의 택배가 주소지 불일치로 보관 중입니다. 주소를 확인해 주세요.")).toEqual(["PHISH_LURE_LANG"]);
  await expectHonest(ko, [
    "주문하신 상품 39,800원 결제가 완료되었습니다. 문의: 고객센터 1588-1234",
    "고객님의 택배가 배송 완료되었습니다. 이용해 주셔서 감사합니다.",
    "비밀번호를 변경하셨습니다. 문의 사항은 고객센터 02-123-4567로 연락 주세요.",
  ]);
});

test("the older bank and auction lures (\"update your personal records\", \"may be subject to temporary suspension\", \"failure to update … will result in account suspension\") are PHISH_VERIFY_ACCOUNT and PHISH_SUSPENDED; a profile reminder and a bill's notice are not", async () => {
  const words = (text: string) => ruleHits(["PHISH_VERIFY_ACCOUNT", "PHISH_SUSPENDED"], text);
  await expectLures(words, ["PHISH_VERIFY_ACCOUNT"], [
    "Please take 5-10 minutes to update your personal records.",
    "In order to safeguard your account, we require that you confirm your banking details.",
    "Your PayPal account information needs to be updated as part of our commitment to protect you.",
  ]);
  await expectLures(words, ["PHISH_SUSPENDED"], [
    "If not completed in time, your account may be subject to temporary suspension.",
    "Failure to update your records will result in account suspension.",
    "We regret to inform you that your eBay account has been suspended.",
  ]);
  await expectHonest(words, [
    "Please update your personal information in your alumni profile so we can send you the magazine.",
    "Failure to pay by the due date will result in a late fee of $5.",
    "Your subscription renews on 1 March; update your preferences at any time.",
  ]);
});

test("the older bank lures' words (log-in attempts from a foreign IP, access limited, restore full access) count with a disguised link; from the bank's own site they are no combination", async () => {
  const lures = [
    "<p>We recently noticed one or more attempts to log in to your account from a foreign IP address.</p>",
    "<p>For your security, we have temporarily limited your account.</p>",
    "<p>Access to your account has been restricted.</p>",
    "<p>Your online banking has been locked due to several failed logins.</p>",
    "<p>Please re-enter your account information to restore full access.</p>",
  ];
  for (const lure of lures) {
    expect({ lure, hits: (await names('"Bank" <alerts@bank.example>', `${lure}<p><a href="http://203.0.113.9/bank/login">Sign in</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ lure, hits: ["PHISH_WORDS_BAD_LINK"] });
    expect({ lure, hits: (await names('"Bank" <alerts@bank.example>', `${lure}<p><a href="https://www.bank.example/login">Sign in</a></p>`)).filter((n) => n.startsWith("PHISH_")) }).toEqual({ lure, hits: [] });
  }
});
