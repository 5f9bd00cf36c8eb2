// Loaded by `bun test` before any test file (bunfig.toml [test] preload): one temporary
// directory per run, removed at its end (see run-tmp.ts for why).
import { afterAll } from "bun:test";
import { tmpdir } from "node:os";
import { enterRunTmp, leaveRunTmp } from "./run-tmp";

const runTmp = enterRunTmp(tmpdir());
process.env.TMPDIR = runTmp;
afterAll(() => leaveRunTmp(runTmp));
