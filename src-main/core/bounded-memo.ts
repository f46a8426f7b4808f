/**
 * Remembers what a pure function of a string gave for up to `limit` inputs, forgetting the oldest
 * first. For per-request work whose input repeats on every request of an agent (the same token,
 * proof header, URL); the limit keeps a caller sending ever-new inputs from growing it.
 */
export function boundedMemo<T>(limit: number, compute: (input: string) => T): (input: string) => T {
  const remembered = new Map<string, T>();
  return (input) => {
    const known = remembered.get(input);
    if (known !== undefined || remembered.has(input)) return known as T;
    const value = compute(input);
    if (remembered.size >= limit) remembered.delete(remembered.keys().next().value as string);
    remembered.set(input, value);
    return value;
  };
}
