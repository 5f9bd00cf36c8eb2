// A calendar part as a reader shows it. Outlook, Gmail and Apple Mail draw an invitation
// (text/calendar, RFC 5545) as its title, place, description, organiser and link, whatever
// the mail's own text says; invitation spam and phishing ("Invoice due: view PDF", a meeting
// whose place is a link) put their words and links there, where a filter that reads only
// text/plain and text/html sees nothing. Only what a reader is shown is read: times, rules of
// repetition and identifiers are not text.

/** Properties whose values a reader sees. */
const SHOWN = new Set(["SUMMARY", "LOCATION", "DESCRIPTION", "COMMENT", "URL", "CONTACT", "ATTACH"]);
/** Properties whose CN parameter (a display name) a reader sees. */
const NAMED = new Set(["ORGANIZER", "ATTENDEE"]);
/** A content line's property name, before its parameters or value (§3.1). */
const PROPERTY_NAME = /^[A-Za-z0-9-]+(?=[;:])/;
/** Content lines read at most (a loop bound; a real invitation has a few dozen). */
const MAX_LINES = 10_000;

/** The text of an iCalendar object that a reader is shown, one value a line. */
export function calendarText(ics: string): string {
  // Unfolding (§3.1): a line break followed by a space or a tab continues the line.
  const lines = ics.replace(/\r?\n[ \t]/g, "").split(/\r?\n/, MAX_LINES);
  const out: string[] = [];
  for (const line of lines) {
    const at = PROPERTY_NAME.exec(line)?.[0].length ?? 0;
    if (!at) continue;
    const name = line.slice(0, at).toUpperCase();
    const named = NAMED.has(name);
    if (!named && !SHOWN.has(name)) continue;
    const { params, value } = split(line, at);
    if (named) {
      const cn = /(?:^|;)CN=("([^"]*)"|[^;]*)/i.exec(params);
      if (cn) out.push(cn[2] ?? cn[1]);
      continue;
    }
    // ATTACH holds a URI, or inline base64 data (ENCODING=BASE64): the data is not text.
    if (name === "ATTACH" && /ENCODING=BASE64/i.test(params)) continue;
    out.push(unescapeText(value));
  }
  return out.filter((t) => t.trim()).join("\n");
}

/** The parameters (between the name and the value) and the value: the first ":" outside a quoted parameter value ends them (§3.1). */
function split(line: string, from: number): { params: string; value: string } {
  let quoted = false;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === ":" && !quoted) return { params: line.slice(from, i), value: line.slice(i + 1) };
  }
  return { params: line.slice(from), value: "" };
}

/** TEXT value escapes (§3.3.11): \n or \N a line break, \, \; \\ themselves. */
const unescapeText = (v: string) => v.replace(/\\([nN,;\\])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c));
