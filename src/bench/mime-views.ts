// What a MIME reader "sees" in one message, reduced to a comparable view: the leaves of the
// entity tree in document order, each with its content type and, for the text types the
// engine reads (text/plain, text/html, text/enriched, text/richtext), its decoded text.
// Two views are built: ours from message/parse.ts (the walker the rules read) and the oracle's
// from mailparser 3.9.0 (devDependency only; it never enters the binary).
//
// Our ParsedMessage does not keep the text of each part apart: `rawbody` is the text parts
// joined by "\n" in document order (then the text only other readings add, see `readings`).
// So the texts are compared joined the same way on both sides; the leaf types one by one.
import Encoding from "encoding-japanese";
import iconv from "iconv-lite";
import { MailParser } from "mailparser";
import { defaults } from "../config/load";
import { parseMessageSync, type ScanLimits } from "../message/parse";

export interface MimeView {
  /** Content types of the leaves (entities without children), lower case, in document order. */
  leaves: string[];
  /** Decoded text of the text leaves, joined by "\n". */
  text: string;
  /** Set when the reader threw or reported an error instead of a result. */
  error?: string;
  /** mailparser only: how each text leaf was declared, for classifying a disagreement. */
  textMeta?: TextMeta[];
  /** mailparser only: the decoded text of each text leaf (`text` is these joined). */
  texts?: string[];
  /** kas only: the other readings whose text `text` also holds (ParsedMessage.alternates). */
  readings?: string[];
}

export interface TextMeta {
  type: string;
  /** Content-Type charset parameter as mailparser read it ("" when none). */
  charset: string;
  /** Content-Transfer-Encoding as mailparser read it (lower case, comments removed). */
  cte: string;
  flowed: boolean;
}

/** The text types our walker decodes into rawbody (parse.ts); everything else is a non-text leaf. */
export const TEXT_TYPES = new Set(["text/plain", "text/html", "text/enriched", "text/richtext"]);

const cfg = defaults();
/** The production limits; the generated and corpus messages stay well inside them. */
export const LIMITS: ScanLimits = { max_message_size: cfg.scan.max_message_size, max_mime_parts: cfg.scan.max_mime_parts, max_mime_depth: cfg.scan.max_mime_depth };

export function kasView(raw: Uint8Array, limits: ScanLimits = LIMITS): MimeView {
  try {
    const p = parseMessageSync(raw, limits);
    // An entity is a leaf when the next one is not nested in it (parts are depth-first in order).
    const leaves = p.parts.filter((part, i) => !(i + 1 < p.parts.length && p.parts[i + 1].depth > part.depth)).map((part) => part.contentType);
    // `alternates` exists once message/readings.ts does; an older walker has none.
    const readings = [...new Set(((p as { alternates?: { reading: string }[] }).alternates ?? []).map((a) => a.reading))].sort();
    return { leaves, text: p.rawbody, ...(readings.length ? { readings } : {}) };
  } catch (e) {
    return { leaves: [], text: "", error: `kas threw: ${(e as Error).message}` };
  }
}

interface MpNode {
  node?: { encoding?: string | false; charset?: string | false; flowed?: boolean };
  contentType?: string;
  charset?: string;
  textContent?: string;
  isAttachment?: boolean;
  children?: MpNode[];
  /** Filled here: the decoded bytes of an attachment-like leaf. */
  bytes?: Buffer;
}

const MAILPARSER_TIMEOUT_MS = 2000;

/** mailparser's charset step for parts it treats as attachments (text with Content-Disposition: attachment). */
function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const cs = (charset || "utf-8").trim().toLowerCase();
  // mailparser's getDecoder: Japanese JIS/ISO-2022-JP/EUC-JP through encoding-japanese.
  if (/^jis|^iso-?2022-?jp|^eucjp/i.test(cs)) {
    try {
      return String(Encoding.convert(bytes, { to: "UNICODE", from: cs as never, type: "string" }));
    } catch {
      return bytes.toString("utf8");
    }
  }
  if (iconv.encodingExists(cs)) return iconv.decode(bytes, cs);
  return bytes.toString("utf8");
}

/**
 * mailparser's reading. Its own tree (`parser.tree`) is walked after the end of the stream,
 * because its `text` output merges parts, renders HTML and drops text attachments. Parts it
 * calls attachments are read from their decoded stream; text types among them get the same
 * charset step mailparser gives inline text (iconv-lite; unknown labels stay UTF-8).
 */
export function mailparserView(raw: Uint8Array): Promise<MimeView> {
  return new Promise((resolve) => {
    // keepDeliveryStatus: message/delivery-status is not text to our walker either.
    // defaultInlineEmbedded (a mailsplit option mailparser passes on): read into message/rfc822
    // unless it is marked as an attachment; by default mailparser reads it only when marked
    // inline, a presentation policy, while our walker always reads it (spam hides in forwards).
    const parser = new MailParser({ defaultInlineEmbedded: true, keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
    const attachmentBytes: Buffer[] = [];
    let failed: string | undefined;
    let done = false;
    // mailparser can wait forever (an attachment stream that never ends); that is a reading too.
    const timer = setTimeout(() => {
      failed ??= `no result after ${MAILPARSER_TIMEOUT_MS} ms (hang)`;
      finish();
    }, MAILPARSER_TIMEOUT_MS);
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (failed) return resolve({ leaves: [], text: "", error: `mailparser: ${failed}` });
      const tree = (parser as unknown as { tree: MpNode | false }).tree;
      const leaves: string[] = [];
      const texts: string[] = [];
      const textMeta: TextMeta[] = [];
      let attachmentIndex = 0;
      const walk = (n: MpNode) => {
        const kids = n.children ?? [];
        if (kids.length) return kids.forEach(walk);
        const type = (n.contentType || "text/plain").toLowerCase();
        leaves.push(type);
        let bytes: Buffer | undefined;
        if (n.isAttachment) bytes = attachmentBytes[attachmentIndex++];
        if (!TEXT_TYPES.has(type)) return;
        textMeta.push({ type, charset: n.node?.charset || "", cte: n.node?.encoding || "", flowed: !!n.node?.flowed && !n.isAttachment });
        if (n.isAttachment) texts.push(decodeCharset(bytes ?? Buffer.alloc(0), n.charset));
        else texts.push(n.textContent ?? "");
      };
      if (tree) walk(tree);
      resolve({ leaves, text: texts.join("\n"), texts, textMeta });
    };
    parser.on("data", (d: { type: string; content?: NodeJS.ReadableStream; release?: () => void }) => {
      if (d.type !== "attachment" || !d.content) return;
      const chunks: Buffer[] = [];
      const slot = attachmentBytes.length;
      attachmentBytes.push(Buffer.alloc(0));
      d.content.on("data", (c: Buffer) => chunks.push(c));
      d.content.on("end", () => {
        attachmentBytes[slot] = Buffer.concat(chunks);
        d.release?.();
      });
    });
    parser.on("error", (e: Error) => {
      failed ??= e.message;
      finish();
    });
    parser.on("end", finish);
    parser.end(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
  });
}
