// The charsets of the generated messages (mime-gen.ts): for each, the label spellings written
// into Content-Type, the encoder (iconv-lite, which mailparser also uses; ISO-2022-JP through
// encoding-japanese, as mailparser decodes it) and the scripts it can carry, so the text of a
// part never has characters its charset cannot encode.
import Encoding from "encoding-japanese";
import iconv from "iconv-lite";

export const SCRIPTS = {
  ascii: ["offer", "free", "money", "click", "here", "meeting", "report", "viagra", "lottery", "winner", "account", "verify", "urgent", "price"],
  latin: ["café", "Düsseldorf", "naïve", "Straße", "façade", "año", "Ærø", "crème", "über", "¿qué?", "½", "©2024"],
  cp1252: ["€100", "“quoted”", "‘single’", "—dash—", "…", "™", "•", "œuvre", "Š", "Ÿ"],
  central: ["Łódź", "żółw", "Příliš", "šťastný", "Győr", "ćma"],
  cyrillic: ["Привет", "деньги", "бесплатно", "мир", "скидка", "Ёлка"],
  greek: ["Καλημέρα", "δωρεάν", "προσφορά", "Ωμέγα"],
  turkish: ["ğüşıöç", "İstanbul", "Şeker"],
  hebrew: ["שלום", "מבצע", "חינם"],
  arabic: ["مرحبا", "مجاني", "عرض"],
  baltic: ["ātrs", "ēka", "Šiauliai", "Ūdens"],
  japanese: ["日本語", "無料", "こんにちは", "カタカナ", "お得な情報", "ｶﾀｶﾅ"],
  chinese: ["中文", "免费", "发票", "优惠", "你好"],
  traditional: ["中文", "免費", "發票", "優惠", "你好"],
  korean: ["안녕하세요", "무료", "광고"],
  emoji: ["😀", "🎉", "💰", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"],
} as const;
export type Script = keyof typeof SCRIPTS;

/** Charset → scripts it can carry; labels are the spellings written into the header. */
export const CHARSETS: { labels: string[]; encoder: string; scripts: Script[] }[] = [
  { labels: ["utf-8", "UTF-8", "utf8", '"utf-8"', "Utf-8"], encoder: "utf-8", scripts: ["ascii", "latin", "cp1252", "cyrillic", "japanese", "chinese", "emoji", "korean"] },
  { labels: ["us-ascii", "US-ASCII", "ascii"], encoder: "ascii", scripts: ["ascii"] },
  { labels: ["iso-8859-1", "ISO-8859-1", "latin1", "iso_8859-1"], encoder: "iso-8859-1", scripts: ["ascii", "latin"] },
  { labels: ["iso-8859-15"], encoder: "iso-8859-15", scripts: ["ascii", "latin"] },
  { labels: ["iso-8859-2"], encoder: "iso-8859-2", scripts: ["ascii", "central"] },
  { labels: ["iso-8859-5"], encoder: "iso-8859-5", scripts: ["ascii", "cyrillic"] },
  { labels: ["iso-8859-7"], encoder: "iso-8859-7", scripts: ["ascii", "greek"] },
  { labels: ["windows-1250", "cp1250"], encoder: "windows-1250", scripts: ["ascii", "central"] },
  { labels: ["windows-1251", "Windows-1251", "cp1251"], encoder: "windows-1251", scripts: ["ascii", "cyrillic"] },
  { labels: ["windows-1252", "cp1252", "Windows-1252"], encoder: "windows-1252", scripts: ["ascii", "latin", "cp1252"] },
  { labels: ["windows-1253"], encoder: "windows-1253", scripts: ["ascii", "greek"] },
  { labels: ["windows-1254"], encoder: "windows-1254", scripts: ["ascii", "turkish"] },
  { labels: ["windows-1255"], encoder: "windows-1255", scripts: ["ascii", "hebrew"] },
  { labels: ["windows-1256"], encoder: "windows-1256", scripts: ["ascii", "arabic"] },
  { labels: ["windows-1257"], encoder: "windows-1257", scripts: ["ascii", "baltic"] },
  { labels: ["windows-1258"], encoder: "windows-1258", scripts: ["ascii", "latin"] },
  { labels: ["koi8-r", "KOI8-R"], encoder: "koi8-r", scripts: ["ascii", "cyrillic"] },
  { labels: ["utf-16", "UTF-16"], encoder: "utf-16", scripts: ["ascii", "latin", "japanese", "emoji"] },
  { labels: ["utf-16le"], encoder: "utf-16le", scripts: ["ascii", "cyrillic"] },
  { labels: ["utf-16be"], encoder: "utf-16be", scripts: ["ascii", "chinese"] },
  { labels: ["utf-7", "UTF-7", "unicode-1-1-utf-7"], encoder: "utf7", scripts: ["ascii", "latin", "cyrillic", "japanese"] },
  { labels: ["iso-2022-jp", "ISO-2022-JP"], encoder: "iso-2022-jp", scripts: ["ascii", "japanese"] },
  { labels: ["shift_jis", "Shift_JIS", "sjis"], encoder: "shift_jis", scripts: ["ascii", "japanese"] },
  { labels: ["euc-jp"], encoder: "euc-jp", scripts: ["ascii", "japanese"] },
  { labels: ["gb18030", "GB18030"], encoder: "gb18030", scripts: ["ascii", "chinese", "emoji"] },
  { labels: ["gb2312", "GB2312", "gbk"], encoder: "gbk", scripts: ["ascii", "chinese"] },
  { labels: ["big5", "Big5"], encoder: "big5", scripts: ["ascii", "traditional"] },
  { labels: ["euc-kr", "ks_c_5601-1987"], encoder: "euc-kr", scripts: ["ascii", "korean"] },
];

export function encodeText(text: string, encoder: string): Buffer {
  if (encoder === "iso-2022-jp") return Buffer.from(Encoding.convert(Encoding.stringToCode(text), { to: "JIS", from: "UNICODE" }) as number[]);
  return iconv.encode(text, encoder);
}
