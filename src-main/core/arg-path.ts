// Reading the argument a grant constraint names (`path`, `options.target`, `edits.0.path`) out
// of untrusted tool-call arguments, so that the value checked is the value the server receives.
import { CharonError } from './errors.js';

export type ArgLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

const NOT_FOUND: ArgLookup = Object.freeze({ found: false });

/** Same shape as the grant schema's `argPathSchema` without `*` (see getArgEach): a malformed path is the caller's bug. */
const ARG_PATH = /^[A-Za-z0-9_-]{1,64}(?:\.[A-Za-z0-9_-]{1,64}){0,7}$/;

/** The most elements a `*` constraint checks in one call (each is decided on its own). */
export const MAX_EACH = 256;

/**
 * Names that mean the prototype chain to JavaScript. The schema admits them, but a constraint on
 * one is refused (fail closed) rather than left unchecked or resolved to something inherited.
 */
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** A canonical array index: no sign, no leading zeros, no exponent ("01", "1e0", "-0" are not). */
const INDEX = /^(?:0|[1-9][0-9]{0,8})$/;

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function notJson(path: string, what: string): CharonError {
  return new CharonError('ERR_ARGUMENT_INVALID', `argument "${path}" is not plain JSON data (${what})`);
}

/**
 * The value at a dotted path, following only own data properties of plain objects, and array
 * elements when the segment is a canonical index (`items.0.path`). Everything else is absent:
 * inherited members (`toString`, `constructor`), `length`, holes, properties of strings.
 * Getters are never invoked (a getter may answer differently to the check and to the server):
 * an accessor or a non-plain object on the way is refused as not being JSON.
 */
export function getArg(args: unknown, path: string): ArgLookup {
  if (!ARG_PATH.test(path)) throw new TypeError('getArg: malformed argument path');
  const segments = path.split('.');
  if (segments.some((s) => RESERVED.has(s))) {
    throw new CharonError('ERR_ARGUMENT_INVALID', `argument path "${path}" names a reserved JavaScript property`);
  }
  let current: unknown = args;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) {
      if (typeof current === 'function') throw notJson(path, 'a function');
      return NOT_FOUND;
    }
    let descriptor: PropertyDescriptor | undefined;
    if (Array.isArray(current)) {
      if (!INDEX.test(segment) || Number(segment) >= current.length) return NOT_FOUND;
      descriptor = Object.getOwnPropertyDescriptor(current, segment);
    } else if (isPlainObject(current)) {
      descriptor = Object.getOwnPropertyDescriptor(current, segment);
    } else {
      throw notJson(path, 'an object with a prototype');
    }
    if (descriptor === undefined) return NOT_FOUND;
    if (!('value' in descriptor)) throw notJson(path, 'an accessor property');
    current = descriptor.value;
  }
  return { found: true, value: current };
}

export type ArgEach = { readonly found: false } | { readonly found: true; readonly each: readonly { readonly path: string; readonly value: unknown }[] };

/**
 * For a path with a `*` segment (`paths.*`, `edits.*.path`): every element of the array at the
 * prefix, each with its concrete path (`paths.0`, `edits.1.path`), so a constraint reaches all of
 * them. Absent prefix: not found (the policy then denies, as for any absent constrained argument).
 * Not an array, empty, too long, or an element without the rest of the path: refused, never skipped.
 */
export function getArgEach(args: unknown, path: string): ArgEach {
  const at = path.split('.').indexOf('*');
  const prefix = path.split('.').slice(0, at).join('.');
  const rest = path.split('.').slice(at + 1).join('.');
  const lookup = getArg(args, prefix);
  if (!lookup.found) return { found: false };
  const list = lookup.value;
  if (!Array.isArray(list)) throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${prefix}" must be an array (the grant constrains each of its elements, ${path})`);
  if (list.length === 0) throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${prefix}" is empty: the grant constrains its elements (${path})`);
  if (list.length > MAX_EACH) throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${prefix}" has more than ${MAX_EACH} elements`);
  const each = list.map((_, index) => {
    const concrete = rest ? `${prefix}.${index}.${rest}` : `${prefix}.${index}`;
    const element = getArg(args, concrete);
    if (!element.found) throw new CharonError('ERR_ARGUMENT_INVALID', `argument "${concrete}" is missing: the grant constrains it (${path})`);
    return { path: concrete, value: element.value };
  });
  return { found: true, each };
}
