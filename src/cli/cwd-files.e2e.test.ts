// The compiled kas ignores the files Bun would otherwise load from the directory it is started
// in (build.ts compile.autoload*): MTAs, cron and shells start kas in directories it does not
// own, and a .env there pointed KAS_CONFIG elsewhere while a bunfig.toml `preload` ran any
// code as kas's user.
import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kasBinary, tempDir } from "../testing/kas-binary";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test("a .env and a bunfig.toml preload in the working directory change nothing", async () => {
  const dir = tempDir("kas-cwd-");
  dirs.push(dir);
  const marker = join(dir, "PRELOADED");
  writeFileSync(join(dir, ".env"), "KAS_CONFIG=/nonexistent/from-dotenv.toml\n");
  writeFileSync(join(dir, "bunfig.toml"), 'preload = ["./evil.ts"]\n');
  writeFileSync(join(dir, "evil.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran");\n`);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), NO_COLOR: "1" };
  delete env.KAS_CONFIG; // only a .env could set it now
  const p = Bun.spawn([kasBinary(), "config", "check"], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
  const [out, err] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text()]);
  expect(await p.exited).toBe(0);
  expect(err).not.toContain("from-dotenv");
  expect(out + err).toContain("ok");
  expect(existsSync(marker)).toBe(false);
});
