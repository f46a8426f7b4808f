/** Makes a switch exhaustive at compile time; reaching it at run time is a bug. */
export function assertNever(value: never, what = 'value'): never {
  throw new TypeError(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
