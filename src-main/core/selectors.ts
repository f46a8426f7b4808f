/** Selectors compare as sets of exact strings. */
export function normalizeSelectors(selectors: readonly string[]): string[] {
  return [...new Set(selectors)].sort();
}

export function sameSelectors(a: readonly string[], b: readonly string[]): boolean {
  const na = normalizeSelectors(a);
  const nb = normalizeSelectors(b);
  return na.length === nb.length && na.every((s, i) => s === nb[i]);
}

/** Every required selector is among the attested ones. */
export function selectorsSatisfied(required: readonly string[], attested: readonly string[]): boolean {
  const have = new Set(attested);
  return required.every((s) => have.has(s));
}
