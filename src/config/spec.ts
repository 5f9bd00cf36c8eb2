// The tiny schema language the config schema is written in. Each key carries its type, its
// default, its limits and a one-line doc, so the loader, `kas config check`, `kas config
// defaults` and the README are all driven by the same table.

export type KeySpec =
  | { kind: "string"; def: string; doc: string; check?: Check }
  | { kind: "choice"; def: string; doc: string; oneOf: readonly string[] }
  | { kind: "number"; def: number; doc: string; min?: number; max?: number; int?: boolean }
  | { kind: "boolean"; def: boolean; doc: string }
  | { kind: "strings"; def: readonly string[]; doc: string; check?: Check }
  | { kind: "section"; keys: SectionSpec; doc: string }
  | { kind: "tables"; keys: SectionSpec; doc: string };

export type SectionSpec = { readonly [key: string]: KeySpec };
/** A value's syntax beyond its type: undefined when fine, else why not (the loader adds file, line and key). */
export type Check = (value: string) => string | undefined;

export const str = (def: string, doc: string, check?: Check) => ({ kind: "string", def, doc, check }) as const;
export const choice = <const V extends string>(oneOf: readonly V[], def: V, doc: string) =>
  ({ kind: "choice", def, doc, oneOf }) as { kind: "choice"; def: V; doc: string; oneOf: readonly V[] };
export const num = (def: number, doc: string, limits: { min?: number; max?: number; int?: boolean } = {}) =>
  ({ kind: "number", def, doc, ...limits }) as const;
export const int = (def: number, doc: string, limits: { min?: number; max?: number } = {}) =>
  ({ kind: "number", def, doc, int: true, ...limits }) as const;
export const bool = (def: boolean, doc: string) => ({ kind: "boolean", def, doc }) as const;
export const strs = (def: readonly string[], doc: string, check?: Check) => ({ kind: "strings", def, doc, check }) as const;
export const section = <S extends SectionSpec>(keys: S, doc: string) => ({ kind: "section", keys, doc }) as const;
export const tables = <S extends SectionSpec>(keys: S, doc: string) => ({ kind: "tables", keys, doc }) as const;

/** The value type a spec describes. */
export type Infer<K> = K extends { kind: "string" } ? string
  : K extends { kind: "choice"; oneOf: readonly (infer V)[] } ? V
  : K extends { kind: "number" } ? number
  : K extends { kind: "boolean" } ? boolean
  : K extends { kind: "strings" } ? readonly string[]
  : K extends { kind: "section"; keys: infer S } ? { readonly [P in keyof S]: Infer<S[P]> }
  : K extends { kind: "tables"; keys: infer S } ? ReadonlyArray<{ readonly [P in keyof S]?: Infer<S[P]> }>
  : never;

export type InferSection<S extends SectionSpec> = { readonly [P in keyof S]: Infer<S[P]> };
