// Writing Cedar literals. Everything from a grant reaches policy text through these
// functions, so no grant value can close a string early or turn a literal `*` into a
// wildcard: every character outside printable ASCII is written as \u{…}.

function escapeChar(ch: string, inPattern: boolean): string {
  switch (ch) {
    case '\\':
      return '\\\\';
    case '"':
      return '\\"';
    case '*':
      return inPattern ? '\\*' : '*';
    default: {
      const code = ch.codePointAt(0) as number;
      // Lone surrogates are written too; Cedar refuses them, so such a grant never compiles.
      return code >= 0x20 && code <= 0x7e ? ch : `\\u{${code.toString(16)}}`;
    }
  }
}

/** A Cedar string literal holding exactly `value`. */
export function cedarString(value: string): string {
  let out = '"';
  for (const ch of value) out += escapeChar(ch, false);
  return `${out}"`;
}

/** A Cedar `like` pattern literal: `*` in `glob` is the wildcard, everything else literal. */
export function cedarGlob(glob: string): string {
  return `"${glob.split('*').map(literalPart).join('*')}"`;
}

/** A `like` pattern matching `prefix` followed by anything. */
export function cedarPrefixPattern(prefix: string): string {
  return `"${literalPart(prefix)}*"`;
}

function literalPart(text: string): string {
  let out = '';
  for (const ch of text) out += escapeChar(ch, true);
  return out;
}
