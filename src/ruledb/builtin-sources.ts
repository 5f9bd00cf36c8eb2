// The built-in rule sources, embedded at build time (Bun macro, see builtin-macro.ts). A module
// of its own so only `kas rules check` loads the source text, not every filtering process.
import { builtinSources } from "./builtin-macro" with { type: "macro" };

export const BUILTIN_SOURCES = builtinSources() as unknown as { path: string; text: string }[];
