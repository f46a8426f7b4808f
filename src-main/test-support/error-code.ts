import { CharonError } from '../core/errors.js';

/** The stable code a synchronous call fails with, or undefined if it does not throw. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof CharonError ? error.code : `not a CharonError: ${String(error)}`;
  }
  return undefined;
}
