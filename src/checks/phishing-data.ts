// Data of the phishing check (phishing.ts): brands phishers impersonate, with the domain
// labels that are really theirs; services whose mailboxes, hosting, forms and file sharing
// anyone can use for free. From public knowledge of current phishing (brand impersonation
// reports, abused-hosting reports), never from the evaluation corpus. A brand's own mail is
// recognised by the registrable domain's first label (paypal.co.uk, paypal.de), so regional
// domains need no listing; `domains` adds the ones with another label. Names that are also
// common words or surnames (Chase, Norton, Outlook, Teams, Zoom, Meta) are only listed in
// forms that name the company.

export interface Brand {
  /** How the brand is written in a display name or link text (lower case, whole words). */
  names: string[];
  /** First labels of registrable domains that belong to the brand (lookalikes are measured against these). */
  labels: string[];
  /** Registrable domains of the brand (or of the services it sends through) with other labels. */
  domains?: string[];
  /**
   * Its main label is an everyday word (booking, ledger): a domain imitates it only when spelt
   * with confusables (b00king), not one edit away or as a word of a longer name
   * (salon-booking.com is a salon's).
   */
  word?: boolean;
  /**
   * Shops and services that deal newsletters and affiliates advertise, their domain as a link's
   * text and a click tracker as its target: such a link shows no lie about the brand
   * (URI_TEXT_BRAND_MISMATCH); the display name and look-alike checks still apply.
   */
  advertised?: boolean;
}

export const BRANDS: Brand[] = [
  { names: ["paypal"], labels: ["paypal"], domains: ["paypal-communication.com", "paypalobjects.com", "xoom.com"] },
  { names: ["microsoft", "office 365", "office365", "microsoft 365", "onedrive", "sharepoint"], labels: ["microsoft", "office", "office365", "outlook", "live", "hotmail", "msn", "sharepoint", "onedrive", "skype", "microsoftonline"], domains: ["1drv.ms", "msft.net", "windows.net", "azure.com", "bing.com", "linkedin.com", "github.com"] },
  { names: ["apple", "icloud", "itunes", "app store"], labels: ["apple", "icloud", "me", "mac"], domains: ["apple.news"] },
  { names: ["amazon", "prime video", "アマゾン"], labels: ["amazon", "amazonaws", "amazonses"], domains: ["a2z.com", "primevideo.com", "audible.com", "aboutamazon.com"] },
  { names: ["netflix"], labels: ["netflix"], domains: ["nflxext.com", "nflxso.net"] },
  { names: ["docusign"], labels: ["docusign"] },
  { names: ["dhl"], labels: ["dhl", "dpdhl", "deutschepost"], domains: ["dhl-news.com"] },
  { names: ["fedex"], labels: ["fedex"] },
  { names: ["ups"], labels: ["ups"] },
  { names: ["usps"], labels: ["usps"], domains: ["informeddelivery.com"] },
  { names: ["royal mail"], labels: ["royalmail"] },
  { names: ["wells fargo"], labels: ["wellsfargo", "wf"] },
  { names: ["chase bank", "jpmorgan", "jp morgan"], labels: ["chase", "jpmorgan", "jpmorganchase"] },
  { names: ["bank of america"], labels: ["bankofamerica", "bofa"], domains: ["ealerts.bankofamerica.com"] },
  { names: ["american express", "amex"], labels: ["americanexpress", "amex", "aexp"] },
  { names: ["linkedin"], labels: ["linkedin", "licdn"] },
  { names: ["facebook", "instagram", "whatsapp", "meta for business", "meta business", "meta platforms", "meta support", "meta ads", "meta verified"], labels: ["facebook", "facebookmail", "fb", "instagram", "whatsapp", "meta", "metamail"] },
  { names: ["google", "gmail", "google drive", "google docs"], labels: ["google", "gmail", "googlemail", "youtube", "goo"], domains: ["forms.gle", "g.co"] },
  { names: ["dropbox"], labels: ["dropbox", "dropboxmail"] },
  { names: ["adobe", "adobe sign", "acrobat"], labels: ["adobe", "adobesign", "echosign"] },
  { names: ["coinbase"], labels: ["coinbase"] },
  { names: ["binance"], labels: ["binance"] },
  { names: ["metamask"], labels: ["metamask"], domains: ["consensys.io", "consensys.net"] },
  { names: ["ebay"], labels: ["ebay"] },
  { names: ["steam support", "steam community"], labels: ["steampowered", "steamcommunity", "valvesoftware"] },
  { names: ["spotify"], labels: ["spotify"] },
  { names: ["norton 360", "norton lifelock", "norton antivirus", "norton security"], labels: ["norton", "nortonlifelock"], domains: ["gen.digital"] },
  { names: ["mcafee"], labels: ["mcafee"] },
  { names: ["geek squad"], labels: ["geeksquad", "bestbuy"] },
  { names: ["wetransfer"], labels: ["wetransfer", "we"] },
  { names: ["zoom video", "zoom meetings"], labels: ["zoom", "zoomgov"] },
  { names: ["quickbooks", "intuit"], labels: ["intuit", "quickbooks"] },
  { names: ["hmrc"], labels: ["hmrc"] },
  { names: ["irs"], labels: ["irs"] },
  // Added 2026-12-04: brands of current phishing waves (hotel-guest "Booking.com" lures, wallet
  // "recovery" for crypto hardware, carriers, telecoms and banks of the UK and North America,
  // "Social Security statement" lures), each with the domains it sends from.
  { names: ["booking.com"], labels: ["booking"], domains: ["bookingholdings.com"], word: true, advertised: true },
  { names: ["airbnb"], labels: ["airbnb"], advertised: true },
  { names: ["ledger live", "ledger wallet", "ledger support"], labels: ["ledger"], word: true },
  { names: ["trezor"], labels: ["trezor"] },
  { names: ["trust wallet"], labels: ["trustwallet"] },
  { names: ["social security administration"], labels: ["ssa"] },
  { names: ["evri"], labels: ["evri", "myhermes"] },
  { names: ["canada post", "postes canada"], labels: ["canadapost", "postescanada", "canadapost-postescanada"] },
  { names: ["australia post", "auspost"], labels: ["auspost"] },
  { names: ["postnl"], labels: ["postnl"] },
  { names: ["xfinity", "comcast"], labels: ["xfinity", "comcast"], advertised: true },
  { names: ["at&t"], labels: ["att"], domains: ["att-mail.com"], advertised: true },
  { names: ["verizon"], labels: ["verizon", "verizonwireless", "vzw"], advertised: true },
  { names: ["t-mobile"], labels: ["t-mobile", "tmobile"], advertised: true },
  { names: ["vodafone"], labels: ["vodafone"], advertised: true },
  { names: ["hsbc"], labels: ["hsbc"] },
  { names: ["barclays", "barclaycard"], labels: ["barclays", "barclaycard"] },
  { names: ["santander"], labels: ["santander"] },
  { names: ["revolut"], labels: ["revolut"] },
  { names: ["capital one"], labels: ["capitalone"] },
  { names: ["citibank"], labels: ["citibank", "citi"] },
  { names: ["venmo"], labels: ["venmo"] },
  { names: ["walmart"], labels: ["walmart"], advertised: true },
  { names: ["costco"], labels: ["costco", "costcotravel"], advertised: true },
  { names: ["telegram"], labels: ["telegram"], domains: ["t.me"], advertised: true },
  { names: ["tiktok"], labels: ["tiktok"], domains: ["tiktokv.com"], advertised: true },
  { names: ["shopify"], labels: ["shopify"], advertised: true },
  // Registrars and hosts, in whose names a site owner is told the domain expires (2026-12-05).
  // Network Solutions sends from web.com too; "web" alone is no label (web.de is a mailbox).
  { names: ["godaddy"], labels: ["godaddy", "secureserver"] },
  { names: ["namecheap"], labels: ["namecheap"] },
  { names: ["squarespace"], labels: ["squarespace"], advertised: true },
  { names: ["ionos", "1&1 ionos"], labels: ["ionos", "1und1", "1and1"] },
  { names: ["network solutions"], labels: ["networksolutions"], domains: ["web.com"] },
  { names: ["bluehost"], labels: ["bluehost"] },
  { names: ["hostgator"], labels: ["hostgator"] },
  { names: ["hostinger"], labels: ["hostinger"] },
  { names: ["ovhcloud"], labels: ["ovhcloud", "ovh"] },
  { names: ["cloudflare"], labels: ["cloudflare"] },
  // Classifieds whose sellers are told "the buyer has paid, enter your card to receive the
  // money" (rules/66_marketplace.cf). Subito is also an Italian word: only "subito.it".
  { names: ["vinted"], labels: ["vinted"] },
  { names: ["wallapop"], labels: ["wallapop"] },
  { names: ["leboncoin"], labels: ["leboncoin"] },
  { names: ["kleinanzeigen"], labels: ["kleinanzeigen"] },
  { names: ["subito.it"], labels: ["subito"] },
  { names: ["gumtree"], labels: ["gumtree"] },
  { names: ["marktplaats"], labels: ["marktplaats"] },
  { names: ["willhaben"], labels: ["willhaben"] },
  { names: ["depop"], labels: ["depop"] },
  // The Nordic, Finnish, Hungarian and Greek classifieds (2026-12-05). DBA, Finn, Tori and
  // "car" are also an abbreviation, names and a word: named only with their domains, and a
  // domain imitates them only with confusables (dbs.com is a bank, not DBA one edit away).
  { names: ["blocket"], labels: ["blocket"] },
  { names: ["dba.dk"], labels: ["dba"], word: true },
  { names: ["finn.no"], labels: ["finn"], word: true },
  { names: ["tori.fi"], labels: ["tori"], word: true },
  { names: ["jófogás", "jofogas"], labels: ["jofogas"] },
  { names: ["car.gr"], labels: ["car"], word: true },
  // Payment processors whose merchants are told a card payment is disputed and its funds held
  // (rules/68_business_accounts.cf). "Stripe" and "Square" are everyday words (Red Stripe is a
  // beer, Square One a shop): only names that claim the company.
  { names: ["stripe support", "stripe payments", "stripe billing", "stripe disputes", "stripe team", "stripe, inc"], labels: ["stripe"], domains: ["stripe.network"], word: true },
  { names: ["square seller", "square support", "square payments", "square dashboard", "squareup"], labels: ["squareup"] },
  // Transfer apps in whose names money is "waiting to be deposited" (rules/66_marketplace.cf).
  // Cash App sends from cash.app and Square's domains; "cash" is an everyday word.
  { names: ["interac", "interac e-transfer"], labels: ["interac"] },
  { names: ["zelle"], labels: ["zellepay", "zelle"] },
  { names: ["cash app", "cashapp"], labels: ["cash", "cashapp"], domains: ["squareup.com", "square.com"], word: true },
  // Shops whose names the "survey reward" and "loyalty gift" lures of 2024-26 carry (Temu and
  // Shein credits, the Lidl and Home Depot "anniversary survey"), and the pay-later and app
  // banks phished in Europe. Lidl's travel and mobile arms have domains of their own.
  { names: ["temu"], labels: ["temu"], advertised: true },
  { names: ["shein"], labels: ["shein", "sheingroup"], advertised: true },
  { names: ["lidl"], labels: ["lidl", "lidl-reisen", "lidl-shop", "lidl-connect", "lidl-flyer"], advertised: true },
  { names: ["home depot", "the home depot"], labels: ["homedepot"], advertised: true },
  { names: ["lowe's", "lowe’s"], labels: ["lowes"], advertised: true },
  { names: ["kohl's", "kohl’s"], labels: ["kohls"], advertised: true },
  { names: ["klarna"], labels: ["klarna"] },
  { names: ["n26"], labels: ["n26"] },
  { names: ["monzo"], labels: ["monzo"] },
  // Europe and Latin America: banks, posts and tax offices phished in their own languages.
  // Banks whose regional houses each have their own domain (Sparkasse, Volksbank, Crédit
  // Agricole) are left out: their own mail would read as impersonation.
  // Ameli is also a first name: only "ameli.fr" and "Assurance Maladie" claim the brand.
  { names: ["deutsche bank"], labels: ["deutsche-bank", "db"] },
  { names: ["commerzbank"], labels: ["commerzbank"] },
  { names: ["postbank"], labels: ["postbank"] },
  { names: ["ing bank", "ing-diba", "ing diba"], labels: ["ing", "ing-diba"] },
  { names: ["la poste", "colissimo", "chronopost", "la banque postale"], labels: ["laposte", "colissimo", "chronopost", "labanquepostale"] },
  { names: ["ameli.fr", "assurance maladie"], labels: ["ameli", "assurance-maladie"] },
  { names: ["impots.gouv", "finances publiques", "dgfip"], labels: ["impots", "finances"] },
  { names: ["correos"], labels: ["correos"] },
  { names: ["bbva"], labels: ["bbva"] },
  { names: ["caixabank", "la caixa"], labels: ["caixabank", "lacaixa"] },
  { names: ["bizum"], labels: ["bizum"] },
  { names: ["poste italiane", "postepay", "bancoposta"], labels: ["poste", "posteitaliane", "postepay"] },
  { names: ["intesa sanpaolo"], labels: ["intesasanpaolo"] },
  { names: ["correios"], labels: ["correios"] },
  { names: ["nubank"], labels: ["nubank"] },
  { names: ["itaú", "itau unibanco"], labels: ["itau", "itau-unibanco"] },
  { names: ["bradesco"], labels: ["bradesco"] },
  { names: ["postfinance"], labels: ["postfinance"] },
  { names: ["rabobank"], labels: ["rabobank"] },
  { names: ["abn amro"], labels: ["abnamro"] },
  { names: ["sberbank", "сбербанк", "сбер"], labels: ["sberbank", "sber"] },
  // Poland, Czechia and Turkey: parcel lockers, posts, marketplaces and banks of their phishing
  // waves. "Allegro" is also a tempo and a name: only "allegro.pl" claims the marketplace.
  { names: ["inpost", "paczkomat"], labels: ["inpost", "paczkomaty"] },
  { names: ["poczta polska"], labels: ["poczta-polska", "pocztapolska", "envelo"] },
  { names: ["allegro.pl"], labels: ["allegro", "allegromail"] },
  { names: ["olx"], labels: ["olx"] },
  { names: ["pko bp", "pko bank polski", "ipko"], labels: ["pkobp", "ipko", "pkobank"] },
  { names: ["mbank"], labels: ["mbank"] },
  { names: ["česká pošta", "ceska posta"], labels: ["ceskaposta", "postaonline"] },
  { names: ["zásilkovna", "zasilkovna", "packeta"], labels: ["zasilkovna", "packeta"] },
  { names: ["yurtiçi kargo", "yurtici kargo"], labels: ["yurticikargo"] },
  { names: ["aras kargo"], labels: ["araskargo"] },
  { names: ["госуслуги", "gosuslugi"], labels: ["gosuslugi"] },
  // Japan, the most phished country by volume (card issuers, carriers, the post, toll roads).
  // Names in Japanese are matched inside the display name: Japanese writes no spaces.
  { names: ["rakuten", "楽天"], labels: ["rakuten", "rakuten-card", "rakuten-bank", "rakuten-sec"] },
  { names: ["smbc", "三井住友", "vpass"], labels: ["smbc", "smbc-card", "vpass", "smbcnikko"] },
  { names: ["mufg", "三菱ufj", "三菱ＵＦＪ"], labels: ["mufg"] },
  { names: ["japan post", "日本郵便", "ゆうちょ", "郵便局"], labels: ["japanpost", "jp-bank"] },
  { names: ["ヤマト運輸", "クロネコヤマト", "yamato transport"], labels: ["kuronekoyamato", "yamato-hd"] },
  { names: ["佐川急便", "sagawa express"], labels: ["sagawa-exp", "sagawa"] },
  { names: ["mercari", "メルカリ"], labels: ["mercari", "merpay"] },
  { names: ["jcb"], labels: ["jcb"] },
  { names: ["docomo", "ドコモ"], labels: ["docomo", "nttdocomo"] },
  { names: ["aeon card", "イオンカード", "イオン銀行"], labels: ["aeon", "aeonbank"] },
  { names: ["epos card", "エポスカード"], labels: ["eposcard", "0101"] },
  { names: ["saison card", "セゾンカード"], labels: ["saisoncard", "saison", "credit-saison"] },
  { names: ["えきねっと", "eki-net"], labels: ["eki-net", "jreast"] },
  { names: ["etc利用照会", "etcマイレージ"], labels: ["etc-meisai", "smile-etc"] },
  // Korea: card issuers (the "overseas payment approved" callback lure), the post, carriers and
  // the largest shop. Korean writes spaces between words: the names are matched as words.
  { names: ["신한카드", "신한은행", "shinhan card"], labels: ["shinhancard", "shinhan"] },
  { names: ["kb국민카드", "국민카드", "kb국민은행", "국민은행"], labels: ["kbcard", "kbstar"] },
  { names: ["삼성카드", "samsung card"], labels: ["samsungcard"] },
  { names: ["현대카드", "hyundai card"], labels: ["hyundaicard"] },
  { names: ["롯데카드", "lotte card"], labels: ["lottecard"] },
  { names: ["우체국", "우체국택배", "korea post"], labels: ["epost", "koreapost"] },
  { names: ["cj대한통운", "대한통운"], labels: ["cjlogistics", "doortodoor"] },
  { names: ["쿠팡", "coupang"], labels: ["coupang", "coupangcorp"] },
  { names: ["카카오뱅크", "kakaobank"], labels: ["kakaobank"] },
];

/** Free mailbox providers (registrable domains; the first label alone for the regional ones). */
export const FREEMAIL_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com", "rocketmail.com", "aol.com",
  "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "pm.me", "tutanota.com", "tuta.io", "gmx.com", "gmx.net", "gmx.de",
  "web.de", "mail.com", "email.com", "usa.com", "mail.ru", "bk.ru", "inbox.ru", "list.ru", "yandex.ru", "yandex.com", "zoho.com",
  "zohomail.com", "qq.com", "163.com", "126.com", "sina.com", "naver.com", "hushmail.com", "fastmail.com", "mailfence.com",
  // Regional webmail anyone can sign up for (payment fraud in Europe, Latin America and Asia
  // answers there). Internet providers' customer mailboxes (comcast.net, t-online.de, orange.fr)
  // are not free to anyone and are left out.
  "libero.it", "virgilio.it", "tiscali.it", "freenet.de", "laposte.net", "seznam.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl",
  "rambler.ru", "ya.ru", "ukr.net", "abv.bg", "rediffmail.com", "uol.com.br", "bol.com.br", "hanmail.net", "daum.net", "nate.com",
  "sohu.com", "yeah.net", "aliyun.com", "foxmail.com", "sina.cn", "139.com",
  // Free mailboxes of the 2000s still open (spam of the SpamAssassin corpus came from them).
  "excite.com", "lycos.com", "lycos.co.uk", "netscape.net", "juno.com", "myway.com", "usa.net", "mail.de", "caramail.com",
  "21cn.com", "china.com", "sina.com.cn", "btamail.net.cn",
]);
/** Labels of free mail providers with country domains (hotmail.fr, yahoo.co.uk, outlook.de). */
export const FREEMAIL_LABELS = new Set(["hotmail", "outlook", "yahoo", "live", "gmx", "yandex"]);

/** Host suffixes of free web hosting, site builders and cloud storage that serve anyone's page. */
export const FREE_HOSTING = [
  "firebaseapp.com", "web.app", "weebly.com", "weeblysite.com", "wixsite.com", "000webhostapp.com", "glitch.me", "netlify.app",
  "pages.dev", "workers.dev", "r2.dev", "vercel.app", "herokuapp.com", "repl.co", "replit.app", "ngrok.io", "ngrok-free.app",
  "trycloudflare.com", "godaddysites.com", "square.site", "webflow.io", "blogspot.com", "sites.google.com", "github.io", "gitbook.io",
  "azurewebsites.net", "web.core.windows.net", "blob.core.windows.net", "storage.googleapis.com", "s3.amazonaws.com", "amplifyapp.com",
  "surge.sh", "yolasite.com", "mystrikingly.com", "carrd.co", "tilda.ws", "ipfs.io", "dweb.link", "cloudflare-ipfs.com", "fleek.co",
  "framer.app", "framer.website", "myshopify.com", "business.site", "wordpress.com", "webnode.page", "jimdosite.com", "canva.site",
  // Application hosts and object stores that serve anyone's page or file under their name too,
  // IPFS gateways, and Google Translate's proxy (*.translate.goog shows any site under Google's name).
  "onrender.com", "fly.dev", "deno.dev", "csb.app", "appspot.com", "firebasestorage.googleapis.com", "digitaloceanspaces.com",
  "linodeobjects.com", "backblazeb2.com", "ipfs.w3s.link", "nftstorage.link", "4everland.io", "bubbleapps.io", "mailchimpsites.com",
  "translate.goog",
  // Page and presentation builders whose public pages have carried sign-in lures since 2023
  // (Adobe Express web pages, Microsoft Sway, Gamma), cPanel's temporary site names, and
  // dynamic-DNS and tunnel names that point anyone's name at anyone's machine.
  "express.adobe.com", "sway.office.com", "sway.cloud.microsoft", "gamma.app", "gamma.site", "site123.me", "cprapid.com",
  "ddns.net", "duckdns.org", "hopto.org", "zapto.org", "sytes.net", "serveo.net", "loca.lt", "localtunnel.me",
  // App and site builders of 2024-25 whose free subdomains host kits (AI site generators among
  // them), developer sandboxes and static hosts. Link-in-bio pages (linktr.ee) are left out:
  // small businesses put theirs in every signature.
  "lovable.app", "glide.page", "softr.app", "wixstudio.io", "myportfolio.com", "ukit.me", "replit.dev", "up.railway.app",
  "gitlab.io", "azurestaticapps.net", "codesandbox.io",
];

/** Host suffixes (or host + path prefix) of form builders: a login form there is a phishing page. */
export const FORM_SERVICES = ["forms.gle", "docs.google.com/forms", "forms.office.com", "jotform.com", "form.jotform.com", "typeform.com", "formstack.com", "123formbuilder.com", "formspree.io", "wufoo.com", "zohopublic.com", "cognitoforms.com", "tally.so", "forms.app", "paperform.co"];

/** Host suffixes of file sharing and document services, where "view the document" lures point. */
export const FILE_SHARING = [
  "dropbox.com", "dl.dropboxusercontent.com", "wetransfer.com", "we.tl", "mediafire.com", "1drv.ms", "onedrive.live.com", "sharepoint.com",
  "docs.google.com", "drive.google.com", "box.com", "app.box.com", "sendspace.com", "transfer.sh", "gofile.io", "mega.nz", "4shared.com",
  "files.fm", "filetransfer.io", "fromsmash.com", "pcloud.link", "u.pcloud.link", "dropmefiles.com", "anonfiles.com", "docsend.com", "notion.site",
  "filemail.com", "swisstransfer.com", "transfernow.net", "docdroid.net", "icedrive.net", "terabox.com", "disk.yandex.ru", "disk.yandex.com",
  "catbox.moe", "pixeldrain.com",
];

/** Current shorteners and redirectors (rules/40_uri.cf URI_SHORTENER has the older ones). */
export const SHORTENERS = ["bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at", "t.ly", "rb.gy", "tiny.cc", "bl.ink", "s.id", "v.gd", "qrco.de", "lnkd.in", "shorturl.asia", "urlz.fr", "tiny.one", "rebrandly.com", "bitly.com", "short.io", "soo.gd", "clck.ru", "u.to", "x.gd", "bit.do", "surl.li", "urlr.me", "l.ead.me", "me-qr.com"];

/**
 * File extensions Windows runs, or opens with something that runs code: the names of
 * ATTACH_EXECUTABLE in rules/50_attachments.cf (attachments.test.ts holds the two lists
 * equal), here for the names inside archives, which no rule sees.
 */
export const EXECUTABLE_EXTENSIONS = ["exe", "scr", "pif", "vbs", "vbe", "js", "jse", "bat", "cmd", "com", "lnk", "jar", "hta", "wsf", "wsh", "cpl", "msi", "reg", "one", "xll", "chm", "ps1", "msix", "msixbundle", "appx", "appxbundle", "appinstaller", "application", "scf", "library-ms", "search-ms", "settingcontent-ms", "iqy", "slk", "msp", "gadget", "msc"];
