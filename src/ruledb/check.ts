// Lint a rules directory: throws DataError (exit 65) listing every error as file:line: reason;
// returns the warnings (not fatal) for the caller to print — libraries do not log.
import { existsSync, statSync } from "node:fs";
import { EXIT, KasError } from "../errors";
import { compileDirOrThrow, compileSources, rulesError } from "./compile";
import type { Diagnostic } from "./types";

export async function checkRulesDir(dir: string): Promise<Diagnostic[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new KasError(`rules directory ${dir} does not exist or is not a directory`, EXIT.NOINPUT, "give a directory of *.cf rule files");
  }
  return compileDirOrThrow(dir).warnings;
}

/** Lint rule sources held in memory (the built-in ones); `where` names them in the error. */
export function checkRuleSources(files: { path: string; text: string }[], where: string): Diagnostic[] {
  const { db, diagnostics } = compileSources(files);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (!db || errors.length) throw rulesError(where, errors);
  return diagnostics;
}
