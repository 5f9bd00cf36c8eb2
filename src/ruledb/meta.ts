// SpamAssassin meta-rule expressions: a Perl expression over rule names whose values are hit
// counts (0/1, or the number of hits for `tflags multiple`). Supported: numbers, names,
// ( ), ! and unary -, * /, + -, < > <= >=, == !=, &&, || with Perl's precedence (that
// order, highest first) and Perl's value semantics (&& / || return an operand, ! gives 1/0).
// The AST is plain JSON so it goes into the compiled database unchanged.

export type MetaAst =
  | ["n", number]
  | ["r", string]
  | ["!", MetaAst]
  | ["neg", MetaAst]
  | [BinOp, MetaAst, MetaAst];
type BinOp = "*" | "/" | "+" | "-" | "<" | ">" | "<=" | ">=" | "==" | "!=" | "&&" | "||";

const LEVELS: BinOp[][] = [["||"], ["&&"], ["==", "!="], ["<", ">", "<=", ">="], ["+", "-"], ["*", "/"]];

export function parseMeta(text: string): { ast: MetaAst } | { error: string } {
  const tokens = text.match(/\s+|\d+(?:\.\d+)?|[A-Za-z_]\w*|&&|\|\||<=|>=|==|!=|[-+*/()<>!]|./g) ?? [];
  const toks = tokens.filter((t) => !/^\s+$/.test(t));
  const bad = toks.find((t) => !/^(?:\d|[A-Za-z_]|&&|\|\||<=|>=|==|!=|[-+*/()<>!])/.test(t));
  if (bad) return { error: `unexpected "${bad}" in meta expression` };
  if (toks.length === 0) return { error: "empty meta expression" };
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(why);
  };
  const binary = (level: number): MetaAst => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    while (i < toks.length && (LEVELS[level] as string[]).includes(toks[i])) {
      const op = toks[i++] as BinOp;
      left = [op, left, binary(level + 1)];
    }
    return left;
  };
  const unary = (): MetaAst => {
    const t = toks[i++];
    if (t === undefined) return fail("meta expression ends too early");
    if (t === "!") return ["!", unary()];
    if (t === "-") return ["neg", unary()];
    if (t === "(") {
      const e = binary(0);
      if (toks[i++] !== ")") fail("missing ) in meta expression");
      return e;
    }
    if (/^\d/.test(t)) return ["n", Number(t)];
    if (/^[A-Za-z_]/.test(t)) return ["r", t];
    return fail(`unexpected "${t}" in meta expression`);
  };
  try {
    const ast = binary(0);
    if (i < toks.length) return { error: `unexpected "${toks[i]}" in meta expression` };
    return { ast };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Every rule name the expression reads. */
export function metaRefs(ast: MetaAst, out: Set<string> = new Set()): Set<string> {
  if (ast[0] === "r") out.add(ast[1]);
  else if (ast[0] !== "n") for (const a of ast.slice(1) as MetaAst[]) metaRefs(a, out);
  return out;
}

/** Compile to a closure over a counts array; `slot(name)` gives each name's index. */
export function compileMeta(ast: MetaAst, slot: (name: string) => number): (c: ArrayLike<number>) => number {
  switch (ast[0]) {
    case "n": {
      const v = ast[1];
      return () => v;
    }
    case "r": {
      const s = slot(ast[1]);
      return (c) => c[s];
    }
    case "!": {
      const a = compileMeta(ast[1], slot);
      return (c) => (a(c) ? 0 : 1);
    }
    case "neg": {
      const a = compileMeta(ast[1], slot);
      return (c) => -a(c);
    }
  }
  const a = compileMeta(ast[1], slot);
  const b = compileMeta(ast[2], slot);
  switch (ast[0]) {
    case "&&": return (c) => { const x = a(c); return x ? b(c) : x; };
    case "||": return (c) => { const x = a(c); return x ? x : b(c); };
    case "+": return (c) => a(c) + b(c);
    case "-": return (c) => a(c) - b(c);
    case "*": return (c) => a(c) * b(c);
    // Perl dies on division by zero and SA then treats the meta as not hit: 0.
    case "/": return (c) => { const d = b(c); return d === 0 ? 0 : a(c) / d; };
    case "<": return (c) => (a(c) < b(c) ? 1 : 0);
    case ">": return (c) => (a(c) > b(c) ? 1 : 0);
    case "<=": return (c) => (a(c) <= b(c) ? 1 : 0);
    case ">=": return (c) => (a(c) >= b(c) ? 1 : 0);
    case "==": return (c) => (a(c) === b(c) ? 1 : 0);
    case "!=": return (c) => (a(c) !== b(c) ? 1 : 0);
  }
  throw new Error(`unknown meta operator ${String(ast[0])}`);
}
