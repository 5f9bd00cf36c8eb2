// Links that hand their target to a Windows program instead of the browser (phishing.ts,
// URI_PROGRAM_LINK): a Windows Search window over the sender's share (search-ms:, search:;
// 2023-24 campaigns show a script on a WebDAV share as the reader's own "invoice"), a file on a
// remote share (file://host/…, \\host\share: opened from the Internet without the download
// mark, and Windows sends the reader's NTLM hash on the way), an app installer fed from a URL
// (ms-appinstaller:), Follina's ms-msdt:, ms-officecmd:, the old help and MHTML handlers.
// Not Office's own "open in Word" links (ms-word:ofe|u|https://…), which SharePoint's
// notifications carry, and not a share inside the organisation: a bare server name
// (\\fs01\scans), a private address, a host of the recipient's own domain.
import { isIP } from "../dns/ip";
import { registrable } from "./phishing-domains";
import { isPrivateAddress } from "./relays";

const HANDLER = /^\s*(?:search-ms|search|ms-appinstaller|ms-msdt|ms-officecmd|mhtml|ms-its|its|mk):/i;
/** The host of a file: URL (file://host/…, file:////host/…) or a UNC path (\\host\…, //host/… is the web's). */
const SHARE = /^\s*(?:file:(?:\/\/|\/{4})|\\\\)([^/\\?#]+)/i;

/** Whether the link hands its target to a program or a share outside the organisation; `own`: the recipients' registrable domains. */
export function handsOff(u: string, own: readonly string[] = []): boolean {
  if (HANDLER.test(u)) return true;
  const share = SHARE.exec(u);
  if (!share) return false;
  // WebDAV written into the name (host@SSL@443, host@80) is still the host.
  const host = share[1].toLowerCase().replace(/@.*$/, "");
  if (host === "localhost" || isPrivateAddress(host)) return false;
  if (isIP(host)) return true;
  const domain = registrable(host);
  return domain !== undefined && !own.includes(domain);
}
