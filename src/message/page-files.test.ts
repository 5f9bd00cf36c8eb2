import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pageArchives, scriptUrls } from "./page-files";

const zip = readFileSync(join(import.meta.dir, "../../fixtures/archives/made/invoice-js.zip"));
const uri = (type: string, bytes: Uint8Array) => `data:${type};base64,${Buffer.from(bytes).toString("base64")}`;

test("an archive carried as a data: URI is read as an attached one, folded base64 too", () => {
  const folded = Buffer.from(zip).toString("base64").replace(/.{76}/g, "$&\n");
  for (const html of [`<a href="${uri("application/zip", zip)}" download="Invoice.zip">x</a>`, `<a href="data:application/x-zip-compressed;base64,\n${folded}">x</a>`])
    expect(pageArchives(html).map((a) => a.names)).toEqual([["Invoice_0412.pdf.js", "report.txt"]]);
});

test("two archives a page at most; pictures, fonts and bytes that are no archive give nothing, and broken base64 throws nothing", () => {
  const three = [1, 2, 3].map(() => `<a href="${uri("application/zip", zip)}">x</a>`).join("");
  expect(pageArchives(three)).toHaveLength(2);
  expect(pageArchives(`<img src="${uri("image/png", zip)}"><style>src:url(${uri("application/octet-stream", zip)})</style>`)).toEqual([]);
  expect(pageArchives('<a href="data:application/zip;base64,SGVsbG8gd29ybGQ=">x</a>')).toEqual([]);
  expect(pageArchives('<a href="data:application/zip;base64,%%%!!">x</a><a href="data:application/zip;base64,')).toEqual([]);
});

test("the web addresses a page's scripts hold as string literals, each once, sixteen at most; not those outside scripts or built from pieces", () => {
  const page = `<p>see "https://text.example/not-a-script"</p><script>var who = "dXNl"; window.location.href = 'https://kit.example/play/#' + who;
fetch(\`https://kit.example/next.php\`, { method: "POST" }); var again = "https://kit.example/next.php";</script><SCRIPT type="module">import x from "https://cdn.example/lib.js"</SCRIPT>`;
  expect(scriptUrls(page)).toEqual(["https://kit.example/play/#", "https://kit.example/next.php", "https://cdn.example/lib.js"]);
  const many = `<script>${Array.from({ length: 40 }, (_, i) => `u${i}="https://h${i}.example/"`).join(";")}</script>`;
  expect(scriptUrls(many)).toHaveLength(16);
  expect(scriptUrls('<script>var u = "https://" + host + "/x"; var s = "http://"</script>')).toEqual([]);
  // An unclosed script tag runs to the end of the page (as a browser reads it); a page of unclosed tags costs one pass.
  expect(scriptUrls('<script>go("https://kit.example/x")')).toEqual(["https://kit.example/x"]);
  const t0 = performance.now();
  scriptUrls("<script>".repeat(50_000) + '"https://' + "a".repeat(100_000));
  expect(performance.now() - t0).toBeLessThan(500);
});
