import type { ErrorPayload } from './errors.js';

/** What every operator call returns across IPC and the bridge. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorPayload };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: ErrorPayload): Result<T> {
  return { ok: false, error };
}
