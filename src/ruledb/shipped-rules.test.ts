// The shipped rule set: compiles cleanly with the product's compiler, documents every scored
// symbol, and its key rules hit (and stay quiet) on small hand-written messages. Corpus
// figures come from src/bench/rule-stats.ts, not from here.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { compileDir } from "./compile";
import type { CompiledRule, RulesPayload } from "./format";
import { loadRuleDb } from "./match";
import type { HeaderField, ParsedMessage } from "../message/types";

const compiled = compileDir(join(import.meta.dir, "../../rules"));
const payload = compiled.db?.rules as RulesPayload;
const db = loadRuleDb(compiled.db!);

function msg(headers: [string, string][], body: string, extra: Partial<ParsedMessage> = {}): ParsedMessage {
  const hs: HeaderField[] = headers.map(([name, value]) => ({ name, raw: value, value }));
  const subject = headers.find(([n]) => n === "Subject")?.[1] ?? "";
  const full = headers.map(([n, v]) => `${n}: ${v}`).join("\r\n") + "\r\n\r\n" + body;
  return {
    headers: hs, body: `${subject}\n${body}`, rawbody: body, full, uris: [], links: [], parts: [],
    htmlHiddenChars: 0, htmlVisibleChars: body.length, truncated: false, defects: [], size: full.length, ...extra,
  };
}
const hits = (m: ParsedMessage) => db.match(m, { checkSymbols: [], deadline: performance.now() + 5000 }).hits;
const names = (m: ParsedMessage) => hits(m).map((h) => h.name);
const score = (m: ParsedMessage) => hits(m).reduce((a, h) => a + h.score, 0);
/** Whether `rule` names a message of the honest header with `body` (the body rule tests below). */
const inBody = (rule: string) => (body: string) => names(msg(HONEST, body)).includes(rule);
/** `named` holds for every text of `hit` and for none of `miss`; a failure names its text. */
function expectNamed(named: (text: string) => boolean, hit: readonly string[], miss: readonly string[]): void {
  for (const t of hit) expect({ t, named: named(t) }).toEqual({ t, named: true });
  for (const t of miss) expect({ t, named: named(t) }).toEqual({ t, named: false });
}

const HONEST: [string, string][] = [
  ["Received", "from mail.example.org (mail.example.org [192.0.2.10]) by mx.example.net (Postfix) with ESMTP id 4A1B2C; Tue, 3 Sep 2002 10:00:00 +0200"],
  ["From", "Anna Smith <anna@example.org>"],
  ["To", "Bob Jones <bob@example.net>"],
  ["Subject", "Minutes of Tuesday's meeting"],
  ["Date", "Tue, 3 Sep 2002 09:59:58 +0200"],
  ["Message-ID", "<20020903095958.GA1234@example.org>"],
  ["MIME-Version", "1.0"],
  ["Content-Type", "text/plain; charset=us-ascii"],
];
const HONEST_BODY = "Hi Bob,\n\nattached are the minutes. We agreed to move the release to October.\n\nAnna\n";

describe("rule set", () => {
  test("compiles without errors or warnings", () => {
    expect(compiled.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual([]);
    expect(payload.rules.length).toBeGreaterThan(150);
  });

  test("every scored rule and check symbol has a description", () => {
    const undocumented = [
      ...payload.rules.filter((r: CompiledRule) => !r.name.startsWith("__") && r.score !== 0 && !r.describe).map((r) => r.name),
      ...payload.symbols.filter((s) => !s.describe).map((s) => s.name),
    ];
    expect(undocumented).toEqual([]);
  });

  test("sub-rules carry no score", () => {
    expect(payload.rules.filter((r) => r.name.startsWith("__") && r.score !== 0).map((r) => r.name)).toEqual([]);
  });

  test("SPF and Bayes symbols are weighted, in order of confidence", () => {
    const s = new Map(payload.symbols.map((x) => [x.name, x.score]));
    expect(s.get("SPF_PASS")).toBe(-0.1);
    for (const p of ["SPF_", "SPF_HELO_"]) for (const r of ["PASS", "FAIL", "SOFTFAIL", "NEUTRAL", "NONE", "PERMERROR", "TEMPERROR"]) expect(s.has(p + r)).toBe(true);
    expect(s.get("SPF_FAIL")!).toBeGreaterThan(s.get("SPF_SOFTFAIL")!);
    const bands = ["BAYES_00", "BAYES_05", "BAYES_20", "BAYES_40", "BAYES_50", "BAYES_60", "BAYES_80", "BAYES_95", "BAYES_99"].map((b) => s.get(b)!);
    expect(bands.every((v, i) => i === 0 || v > bands[i - 1])).toBe(true);
    // Bayes alone must not make a message spam: a content rule has to agree.
    expect(s.get("BAYES_99")! + s.get("BAYES_999")!).toBeLessThan(5);
  });
});

describe("content", () => {
  test("GTUBE makes any message spam", () => {
    const m = msg(HONEST, "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X\n");
    expect(names(m)).toContain("GTUBE");
    expect(score(m)).toBeGreaterThanOrEqual(1000);
  });

  test("an ordinary personal message scores nothing", () => {
    expect(score(msg(HONEST, HONEST_BODY))).toBeLessThan(1);
  });

  test("forged headers are named", () => {
    const h = HONEST.map(([n, v]): [string, string] =>
      n === "Date" ? [n, "Wed, 21 Aug 2002 20:31:57 -1600"] : n === "Message-ID" ? [n, "<0000a1b2c3d4$0000e5f6$00001234@mx.example.com>"] : [n, v]);
    const got = names(msg([...h, ["X-Mailer", "kmsOS3CsY2G6UT3hb"]], HONEST_BODY));
    expect(got).toEqual(expect.arrayContaining(["DATE_BAD_ZONE", "MSGID_ZERO_PADDED", "XMAILER_RANDOM", "FORGED_MANY"]));
  });

  test("PHP mail sent from eval()'d code or an uploads directory is PHP_WEBSHELL_MAILER; a site's own contact form is not", () => {
    const named = (field: [string, string]) => names(msg([...HONEST, field], HONEST_BODY)).includes("PHP_WEBSHELL_MAILER");
    expect(named(["X-PHP-Originating-Script", "1001:index.php(3) : eval()'d code"])).toBe(true);
    expect(named(["X-PHP-Script", "shop.example/wp-content/uploads/2026/11/cache.php for 203.0.113.7"])).toBe(true);
    expect(named(["X-PHP-Originating-Script", "33:class-phpmailer.php"])).toBe(false);
    expect(named(["X-PHP-Script", "shop.example/wp-admin/admin-ajax.php for 203.0.113.7"])).toBe(false);
  });

  test("missing Date and Message-ID are named", () => {
    const h = HONEST.filter(([n]) => n !== "Date" && n !== "Message-ID");
    expect(names(msg(h, HONEST_BODY))).toEqual(expect.arrayContaining(["MISSING_DATE", "MISSING_MSGID"]));
  });

  test("a bulk offer with removal instructions is spam", () => {
    const body = "Dear Friend,\n\nEarn $5,000 per week working from home! No experience necessary, 100% guaranteed.\n" +
      "Click here to order now: http://192.0.2.7/offer\n\nTo be removed from our mailing list reply with REMOVE in the subject.\n";
    const m = msg(HONEST.map(([n, v]): [string, string] => (n === "Subject" ? [n, "MAKE MONEY FAST"] : [n, v])), body, { uris: ["http://192.0.2.7/offer"] });
    expect(names(m)).toEqual(expect.arrayContaining(["WORK_FROM_HOME", "REMOVE_INSTRUCTIONS", "URI_BARE_IP", "OFFER_WITH_OPTOUT"]));
    expect(score(m)).toBeGreaterThanOrEqual(5);
  });

  test("the Japanese legal label for an unsolicited advert is probable spam alone and spam with a bulk mailer's name; a subject quoting the law's name is not labelled", () => {
    const labelled = (subject: string, extra: [string, string][] = []) =>
      msg([...HONEST.map(([n, v]): [string, string] => (n === "Subject" ? [n, subject] : [n, v])), ...extra], HONEST_BODY);
    expect(names(labelled("未承諾広告※ 激安セール"))).toContain("SUBJ_JP_UNSOLICITED_AD");
    expect(score(labelled("未承諾広告※ 激安セール"))).toBeGreaterThanOrEqual(3);
    expect(score(labelled("未承諾広告※ 激安セール", [["X-Mailer", "Easy DM free"]]))).toBeGreaterThanOrEqual(5);
    expect(names(labelled("特定電子メール法の改正について"))).not.toContain("SUBJ_JP_UNSOLICITED_AD");
  });

  test("a phished brand written with a digit for a letter is OBFU_BRAND_NAME; the brand and ordinary words are not", () => {
    expectNamed(inBody("OBFU_BRAND_NAME"), ["Your Micr0soft account will be closed.", "PayP4l: confirm your payment.", "Your Amaz0n order", "N3tflix: update billing", "Sign in to 0ffice 365", "Ad0be document shared"], ["Your Microsoft account", "PayPal and Amazon", "Office 365 and Windows 11", "Room 101, office 3"]);
  });

  test("INSURANCE_QUOTE is about insurance: a shop's \"save up to 30%\" is SALES_LOWEST's alone", () => {
    expectNamed(inBody("INSURANCE_QUOTE"), ["Compare car insurance quotes and save.", "Get your free insurance quote today."], ["Terracotta pots - save up to 30% this weekend.", "Subscribers save up to 20% and get the best seats."]);
    expect(inBody("SALES_LOWEST")("Terracotta pots - save up to 30% this weekend.")).toBe(true);
  });

  test("MARKETING_TRAFFIC reads \"#1 placement on Google\" (its \\b before \"#\" never matched one after a space)", () => {
    expectNamed(inBody("MARKETING_TRAFFIC"), ["We guarantee #1 placement on Google within 30 days."], ["Our team placed #1 in the regional quiz."]);
  });

  test("obfuscated drug names are caught, the plain word is left to PHARMA_WORDS", () => {
    expect(names(msg(HONEST, "Cheap V1AGRA and v.i.a.g.r.a here\n"))).toContain("OBFU_VIAGRA");
    expect(names(msg(HONEST, "My doctor talked about viagra.\n"))).not.toContain("OBFU_VIAGRA");
    for (const disguised of ["Buy C1alis now", "X@nax 2mg", "Va1ium for sleep", "Levitr@ cheap", "Ph@rmacy online", "V-i-c-o-d-i-n", "C I A L I S"])
      expect({ disguised, hit: names(msg(HONEST, `${disguised}\n`)).includes("OBFU_DRUG_NAME") }).toEqual({ disguised, hit: true });
    for (const plain of ["Cialis and Xanax, Valium, Levitra, Vicodin: ask your pharmacy.", "The CIA lists its sources; Xanadu; value them; pharmacy-led care."])
      expect({ plain, hit: names(msg(HONEST, `${plain}\n`)).includes("OBFU_DRUG_NAME") }).toEqual({ plain, hit: false });
  });

  test("OBFU_DIGIT_FOR_LETTER, spelt out for its prefilter, decides as its earlier form (any spelling but the plain word) on every spelling, casing and neighbour", () => {
    const earlier = /\b(?:fr[e3][e3]|m[o0]n[e3]y|c[a4]sh|l[o0]{2}k|m[o0]rtg[a4]g[e3]|[o0]ff[e3]r|pr[i1!]c[e3]|d[e3]bt|l[o0][a4]n|s[a4]v[e3])\b(?<!\b(?:free|money|cash|look|mortgage|offer|price|debt|loan|save))/im;
    const rule = payload.rules.find((r) => r.name === "OBFU_DIGIT_FOR_LETTER")!;
    const now = new RegExp(rule.re!, rule.flags);
    const slots = ["f r [e3] [e3]", "m [o0] n [e3] y", "c [a4] s h", "l [o0] [o0] k", "m [o0] r t g [a4] g [e3]", "[o0] f f [e3] r", "p r [i1!] c [e3]", "d [e3] b t", "l [o0] [a4] n", "s [a4] v [e3]"];
    const around = ["", " ", "x", "1", "_", "!", "-", "\n", "\u00e9", "3", "0"];
    let matched = 0;
    for (const word of slots) {
      let spellings = [""];
      for (const slot of word.split(" ")) spellings = spellings.flatMap((a) => [...slot.replace(/[[\]]/g, "")].map((c) => a + c));
      for (const w of spellings)
        for (const v of [w, w.toUpperCase(), w[0].toUpperCase() + w.slice(1)])
          for (const a of around)
            for (const b of around) {
              const text = a + v + b;
              if (earlier.test(text)) matched++;
              expect({ text, hit: now.test(text) }).toEqual({ text, hit: earlier.test(text) });
            }
    }
    expect(matched).toBeGreaterThan(1000);
    // Its prefilter: the spellings themselves, none of them an everyday word.
    expect(rule.lits).not.toContain("free");
    expect(rule.lits).toContain("fr3e");
  });

  test("executable and double-extension attachments are named", () => {
    const m = msg(HONEST, HONEST_BODY);
    m.full += '\r\n--b\r\nContent-Type: application/octet-stream; name="invoice.pdf.exe"\r\nContent-Disposition: attachment; filename="invoice.pdf.exe"\r\n\r\nTVqQAAMAAAAEAAAA\r\n';
    expect(names(m)).toEqual(expect.arrayContaining(["ATTACH_EXECUTABLE", "ATTACH_DOUBLE_EXT"]));
  });

  test("the files malware is sent as since Office blocked macros are named as executables; documents and Internet shortcuts are not", () => {
    const withAttachment = (name: string) => {
      const m = msg(HONEST, HONEST_BODY);
      m.full += `\r\n--b\r\nContent-Type: application/octet-stream; name="${name}"\r\nContent-Disposition: attachment; filename="${name}"\r\n\r\nAAAA\r\n`;
      return names(m);
    };
    expectNamed(
      (n) => withAttachment(n).includes("ATTACH_EXECUTABLE"),
      ["Notes.one", "Invoice 4471.xll", "help.chm", "update.ps1", "Setup.msix", "App.appxbundle", "Install.appinstaller", "Viewer.application", "share.scf", "Docs.library-ms", "find.search-ms", "q.iqy", "sheet.slk", "KB5031.msp"],
      ["Notes.onetoc2", "report.pdf", "Liberalism in America.url", "photo.jpg", "budget.xlsx", "one.txt"],
    );
    expect(withAttachment("invoice.pdf.one")).toEqual(expect.arrayContaining(["ATTACH_EXECUTABLE", "ATTACH_DOUBLE_EXT"]));
  });

  test("invisible characters between a word's letters are named in the body and the Subject; preheader padding, soft hyphens, emoji and other scripts are not", () => {
    const subject = (s: string) => names(msg(HONEST.map(([n, v]) => [n, n === "Subject" ? s : v]), HONEST_BODY)).includes("SUBJ_INVISIBLE_IN_WORD");
    const hidden = ["Buy V\u200biagra now", "acc\u200count", "pass\u2060word", "Pay\ufeffPal", "<p>Ver&#8203;ify your acc&zwnj;ount</p>", "<b>lo&#x200B;gin</b>", "In&ZeroWidthSpace;voice"];
    const honest = ["Your preview text&zwnj;&nbsp;&zwnj;&nbsp;&zwnj;&nbsp;", "Preview\u034f \u200c\u00a0\u200c\u00a0", "Versand\u00adkosten und Liefer&shy;zeiten", "example&#8203;.com", "Team 👨\u200d💻 news ❤\ufe0f", "می\u200cخواهم"];
    expectNamed(inBody("OBFU_INVISIBLE_IN_WORD"), hidden, honest);
    // A Subject holds no character references: the texts written with characters only.
    const chars = (ts: string[]) => ts.filter((t) => !t.includes("&"));
    expectNamed(subject, chars(hidden), chars(honest));
  });

  test("a Subject in styled letters is named; one short word, fullwidth and emoji are not (the body reads the letters: message/styled.test.ts)", () => {
    const subject = (s: string) => names(msg(HONEST.map(([n, v]) => [n, n === "Subject" ? s : v]), HONEST_BODY)).includes("SUBJ_STYLED_LETTERS");
    expectNamed(
      subject,
      ["\u{1D5EC}\u{1D5FC}\u{1D602}\u{1D5FF} \u{1D5EE}\u{1D5F0}\u{1D5F0}\u{1D5FC}\u{1D602}\u{1D5FB}\u{1D601} is locked", "\u24BB\u24E1\u24D4\u24D4 \u24BC\u24D8\u24D5\u24E3", "\u{1F17D}\u{1F174}\u{1F186} \u{1F173}\u{1F174}\u{1F170}\u{1F17B}", "W.I.N: \u{1D4E6}\u{1D4F2}\u{1D4F7}\u{1D4F7}\u{1D4EE}\u{1D4FB}"],
      ["\u{1D5E6}\u{1D5D4}\u{1D5DF}\u{1D5D8} today", "\uFF26\uFF32\uFF25\uFF25 shipping", "Team \u{1F468}\u200d\u{1F4BB} news \u{1F389}\u{1F389}\u{1F389}\u{1F389}", "Meeting at 10"],
    );
  });

  test("words written backwards behind a right-to-left override are named; right-to-left text, embeddings and left-to-right overrides are not", () => {
    expectNamed(
      inBody("OBFU_BIDI_OVERRIDE"),
      ["Please \u202etnuocca ruoy yfirev\u202c today", "<p>&#8238;drowssap&#8236;</p>", "<bdo dir=\"rtl\">won ngis</bdo>", "<span style=\"unicode-bidi: bidi-override; direction: rtl\">ngis</span>", "<span style='direction:rtl;unicode-bidi:bidi-override'>x</span>"],
      ["\u202e\u05e9\u05dc\u05d5\u05dd", "<p dir=\"rtl\">\u05e9\u05dc\u05d5\u05dd</p>", "\u202bembedded\u202c", "<span style=\"unicode-bidi:bidi-override;direction:ltr\">+972 3 555 0100</span>", "<bdo dir=\"ltr\">abc</bdo>", "the direction: rtl of Hebrew"],
    );
  });

  test("words with Cyrillic or Greek look-alike letters among Latin ones are named; text in those scripts, and English beside it, is not", () => {
    expectNamed(
      inBody("OBFU_MIXED_SCRIPT_WORD"),
      ["Confirm your \u0420ayment details", "Your Mi\u0441rosoft account", "cheap v\u0456agra", "Acc\u03bfunt locked", "\u041dELLO"],
      ["\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430?", "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1", "\u041a\u0443\u043f\u0438\u0442\u0435 iPhone \u0441\u0435\u0433\u043e\u0434\u043d\u044f", "iPhone-\u0430 SMS-\u043a\u0438", "the \u03b1-helix and \u03b2 sheets", "Payment received"],
    );
  });

  test("gift-card fraud asks for the codes back; a shop's gift-card wording does not", () => {
    expectNamed(
      inBody("BEC_GIFT_CARD_REQUEST"),
      [
        "Can you purchase 4 Google Play gift cards for me? Then scratch the back and send me the codes.\n",
        "I need you to buy some Amazon gift cards today.\nOnce done, email me pictures of the cards.\n",
        "Please get three $100 Steam gift cards, scratch off the silver strip and text me the pins.\n",
      ],
      [
        "Buy a gift card for someone you love. We send the code by email within minutes.\n",
        "Get a $10 bonus gift card when you buy $50. Scratch to reveal your discount in store.\n",
        "Send me the codes for the staging server.\n", // no gift cards asked for
      ],
    );
  });

  test("gift-card fraud in six European languages asks for the codes back too; a shop's gift-card wording in them does not", () => {
    expectNamed(
      inBody("BEC_GIFT_CARD_REQUEST"),
      [
        "Können Sie für mich 5 Google-Play-Karten zu je 100 € kaufen? Rubbeln Sie die Rückseite frei und schicken Sie mir Fotos der Codes.\n",
        "J'ai besoin que vous achetiez des cartes cadeaux Amazon pour nos clients. Envoyez-moi les codes dès que possible.\n",
        "Achetez 4 coupons Transcash de 150 € au bureau de tabac et envoyez-moi les codes par mail.\n",
        "Necesito que compres tres tarjetas de regalo de Apple. Rasca la parte de atrás y envíame fotos de los códigos.\n",
        "Preciso que compre cartões-presente da Google Play. Envie-me os códigos por e-mail.\n",
        "Ho bisogno che tu acquisti delle carte regalo Amazon per i clienti. Gratta il retro e inviami i codici.\n",
        "Kunt u vandaag vier cadeaukaarten van 100 euro kopen? Stuur me daarna de codes.\n",
      ],
      [
        "Verschenken Sie Freude mit unseren Geschenkkarten. Den Code senden wir Ihnen sofort per E-Mail.\n",
        "Offrez une carte cadeau : le code est envoyé au destinataire par e-mail.\n",
        "Regala una tarjeta regalo: el código llegará por correo a la persona que elijas.\n",
        "Cadeaukaarten zijn verkrijgbaar in al onze winkels.\n",
        "Schicken Sie mir die Fotos vom Sommerfest, bitte.\n", // no gift cards asked for
      ],
    );
  });

  test("a salary account change is named in its usual wordings (English and six European languages), not a change of address or plan or a payslip", () => {
    expectNamed(
      inBody("BEC_PAYROLL_CHANGE"),
      ["I would like to update my direct deposit information before the next payroll.\n", "Please change my payroll account to the one below.\n", "Can you switch my salary bank to my new account?\n",
        "Ich möchte mein Gehaltskonto ändern.\n", "Je souhaite changer mon RIB pour le virement de mon salaire.\n", "Quisiera cambiar mi cuenta de la nómina.\n",
        "Gostaria de alterar a minha conta do salário.\n", "Vorrei cambiare il mio IBAN per lo stipendio.\n", "Ik wil mijn salarisrekening wijzigen.\n"],
      ["Please update my mailing address and change my plan.\n", "Direct deposit is the fastest way to get your refund.\n", "Ihr Gehalt wird am 28. überwiesen.\n", "Votre bulletin de salaire est disponible.\n"],
    );
  });

  test("link text naming another site than the link target is named", () => {
    const toIp = '<html><body><a href="http://203.0.113.9/login">www.mybank.example.com</a></body></html>';
    expect(names(msg(HONEST, toIp))).toContain("HTML_LINK_TEXT_IS_URL_TO_IP");
    const toOther = '<html><body><a href="http://login.evil-example.net/x">www.mybank.com</a></body></html>';
    expect(names(msg(HONEST, toOther))).toContain("HTML_LINK_TEXT_MISMATCH");
    const same = '<html><body><a href="http://www.mybank.com/login">www.mybank.com</a></body></html>';
    expect(names(msg(HONEST, same))).not.toContain("HTML_LINK_TEXT_MISMATCH");
    // Two-level public suffixes and hosts with a TLD-like label inside are one site, not two.
    for (const [href, text] of [
      ["http://www.theregister.co.uk/content/4/27232.html", "http://www.theregister.co.uk/content/4/27232.html"],
      ["http://www.zip.com.au/~cs/", "http://www.zip.com.au/~cs/"],
      ["http://rss.com.com/2100-1001-959165.html", "http://rss.com.com/2100-1001-959165.html"],
    ]) expect(names(msg(HONEST, `<html><body><a href="${href}">${text}</a></body></html>`))).not.toContain("HTML_LINK_TEXT_MISMATCH");
    const ukToOther = '<html><body><a href="http://www.theregister.co.uk/x">www.mybank.co.uk</a></body></html>';
    expect(names(msg(HONEST, ukToOther))).toContain("HTML_LINK_TEXT_MISMATCH");
  });

  test("masked numbers are not adult words; the word itself is", () => {
    const count = (body: string) => db.match(msg(HONEST, body), { checkSymbols: [], deadline: performance.now() + 5000 }).hits.some((h) => h.name === "ADULT_WORDS");
    expect(count("Card: XXXXXXXXXXXX1187, phone (xxx) xxx-xxxx, SSN XXX-XX-1187\n")).toBe(false);
    expect(count("The best XXX videos online\n")).toBe(true);
  });

  test("an Outlook boundary is not bulk software's imitation of one", () => {
    const withBoundary = (b: string) => msg(HONEST.map(([n, v]) => [n, n === "Content-Type" ? `multipart/alternative; boundary="${b}"` : v]), HONEST_BODY);
    // Outlook writes the send time (a Windows FILETIME, high word 01C2 in 2002) after the counter.
    expect(names(withBoundary("----=_NextPart_000_0007_01C2A9B5.5E1E4A40"))).not.toContain("MIME_BOUNDARY_SPAMWARE");
    // ... and today's Outlook (01DC in 2026) too.
    expect(names(withBoundary("----=_NextPart_000_0005_01DC5F1A.3B4C5D60"))).not.toContain("MIME_BOUNDARY_SPAMWARE");
    expect(names(withBoundary("----=_NextPart_000_0007_3F2A9B51.5E1E4A40"))).toContain("MIME_BOUNDARY_SPAMWARE");
  });

  test("hidden HTML is named, a newsletter's preheader (hidden the way mail clients need) is not", () => {
    const html = (body: string) => names(msg(HONEST.map(([n, v]) => [n, n === "Content-Type" ? "text/html; charset=utf-8" : v]), body));
    const pre = (style: string) => html(`<html><body><div style="${style}">Your spring menu is here: 12 new dishes</div><p>Hello</p></body></html>\n`);
    expect(pre("display:none;max-height:0;overflow:hidden;mso-hide:all")).not.toContain("HTML_DISPLAY_NONE");
    expect(pre("display: none; max-height: 0px; overflow: hidden")).not.toContain("HTML_DISPLAY_NONE");
    expect(pre("mso-hide:all; display:none")).not.toContain("HTML_DISPLAY_NONE");
    // Hidden text without those idioms, as evasion writes it, or a height that is not zero.
    expect(pre("display:none")).toContain("HTML_DISPLAY_NONE");
    expect(pre("position:absolute; z-index:1; left:172px; top:362px; visibility: hidden;")).toContain("HTML_DISPLAY_NONE");
    expect(pre("display:none;max-height:0.5em")).toContain("HTML_DISPLAY_NONE");
    expect(pre("display:none;max-height:05px")).toContain("HTML_DISPLAY_NONE");
    // One preheader does not excuse other hidden text in the message.
    expect(html(`<div style="display:none;mso-hide:all">Preview</div><span style='color:white; display:none'>cheap meds</span>\n`)).toContain("HTML_DISPLAY_NONE");
  });

  test("an HTML part that names no charset is named; one that does, folded or not, is not", () => {
    const html = (ctype: string) => msg(HONEST.map(([n, v]) => [n, n === "Content-Type" ? ctype : v]), "<html><body>Hello</body></html>\n");
    expect(names(html("text/html"))).toContain("MIME_HTML_NO_CHARSET");
    expect(names(html("text/html;"))).toContain("MIME_HTML_NO_CHARSET");
    expect(names(html("text/html; charset=utf-8"))).not.toContain("MIME_HTML_NO_CHARSET");
    expect(names(html("text/html;\r\n\tcharset=\"iso-8859-1\""))).not.toContain("MIME_HTML_NO_CHARSET");
  });
});
