import { expect, test } from "bun:test";
import { parseMessageSync } from "./parse";
import { unwrap, unwrapOnce } from "./redirects";

test("the destinations of open redirects phishing uses are read from the link itself", () => {
  const cases: [string, string][] = [
    ["https://www.google.com/url?sa=t&url=https%3A%2F%2Fevil.example%2Flogin&usg=x", "https://evil.example/login"],
    ["https://google.co.uk/url?q=https://evil.example/a", "https://evil.example/a"],
    ["https://www.google.com/amp/s/evil.example/login?x=1", "https://evil.example/login?x=1"],
    [`https://www.bing.com/ck/a?!&&p=abc&u=a1${Buffer.from("https://evil.example/bing").toString("base64url")}&ntb=1`, "https://evil.example/bing"],
    ["https://l.facebook.com/l.php?u=https%3A%2F%2Fevil.example%2Ffb&h=AT0", "https://evil.example/fb"],
    ["https://www.youtube.com/redirect?event=video_description&q=https%3A%2F%2Fevil.example%2Fyt", "https://evil.example/yt"],
    ["https://duckduckgo.com/l/?uddg=https%3A%2F%2Fevil.example%2Fddg", "https://evil.example/ddg"],
    ["https://vk.com/away.php?to=https%3A%2F%2Fevil.example%2Fvk", "https://evil.example/vk"],
    ["https://maps.google.com/url?q=https://evil.example/maps", "https://evil.example/maps"],
    ["https://evil-example.cdn.ampproject.org/c/s/evil.example/amp/login?e=1", "https://evil.example/amp/login?e=1"],
    ["https://r.search.yahoo.com/_ylt=Awr9/RV=2/RE=1733300000/RO=10/RU=https%3a%2f%2fevil.example%2fyahoo/RK=2/RS=abc-", "https://evil.example/yahoo"],
  ];
  for (const [link, target] of cases) expect({ link, u: unwrapOnce(link) }).toEqual({ link, u: { target, abused: true } });
});

test("a gateway's rewriting (Safe Links, URL Defense), a translation proxy and ad clicks are unwrapped but are no sign; other links, and redirects to nowhere, are left alone", () => {
  expect(unwrapOnce("https://eur01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fvendor.example%2Finvoice&data=05")).toEqual({ target: "https://vendor.example/invoice", abused: false });
  expect(unwrapOnce("https://urldefense.com/v3/__https://vendor.example/x?a=1__;!!abc$")).toEqual({ target: "https://vendor.example/x?a=1", abused: false });
  expect(unwrapOnce("https://urldefense.proofpoint.com/v2/url?u=https-3A__vendor.example_path&d=x")).toEqual({ target: "https://vendor.example/path", abused: false });
  // Google Translate's proxy and Google's ad click trackers: honest mail uses them as much (a page shared translated, a brand's ads).
  expect(unwrapOnce("https://translate.google.com/translate?sl=auto&tl=en&u=https://vendor.example/tr")).toEqual({ target: "https://vendor.example/tr", abused: false });
  expect(unwrapOnce("https://www.googleadservices.com/pagead/aclk?sa=L&ai=DChc&ae=2&adurl=https%3A%2F%2Fvendor.example%2Fad")).toEqual({ target: "https://vendor.example/ad", abused: false });
  expect(unwrapOnce("https://adclick.g.doubleclick.net/pcs/click?xai=AKAOjs&sig=Cg0&adurl=https://vendor.example/dfp")).toEqual({ target: "https://vendor.example/dfp", abused: false });
  expect(unwrapOnce("https://ad.doubleclick.net/ddm/trackclk/N1234.5678SITE/B2468;dc_trk_aid=1;dc_trk_cid=2;dc_lat=;tfua=?https://vendor.example/dcm?x=1")).toEqual({ target: "https://vendor.example/dcm?x=1", abused: false });
  for (const link of ["https://www.google.com/search?q=kas", "https://www.google.com/url?q=javascript:alert(1)", "https://evil.example/url?q=https://x.example/", "https://www.bing.com/ck/a?u=zz", "not a url google.com", "https://www.youtube.com/watch?v=x", "https://translate.google.com/?sl=en", "https://www.googleadservices.com/pagead/conversion/123/", "https://ad.doubleclick.net/ddm/ad/x;y", "https://x.cdn.ampproject.org/v0.js", "https://r.search.yahoo.com/_ylt=x/RV=2/RK=2"]) expect(unwrapOnce(link)).toBeUndefined();
});

test("wrappers of wrappers are followed three deep; a loop stops", () => {
  const inner = "https://www.google.com/url?q=https%3A%2F%2Fevil.example%2Fend";
  const outer = `https://eur01.safelinks.protection.outlook.com/?url=${encodeURIComponent(inner)}`;
  expect(unwrap(outer)).toEqual({ targets: [inner, "https://evil.example/end"], abused: true });
  const loop = "https://www.google.com/url?q=https%3A%2F%2Fwww.google.com%2Furl";
  expect(unwrap(loop).targets.length).toBeLessThanOrEqual(3);
});

test("a message's links bring their destinations into uris, right after them", () => {
  const m = parseMessageSync(new TextEncoder().encode("From: a@example.net\r\nContent-Type: text/html\r\n\r\n<a href=\"https://www.google.com/url?q=https%3A%2F%2Fevil.example%2Flogin\">Sign in</a>\r\n"), { max_message_size: 1 << 24, max_mime_parts: 1000, max_mime_depth: 32 });
  expect(m.uris).toEqual(["https://www.google.com/url?q=https%3A%2F%2Fevil.example%2Flogin", "https://evil.example/login"]);
});
