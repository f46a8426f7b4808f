import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts object keys, whatever the insertion order', () => {
    expect(canonicalJson({ b: 1, a: 2, c: 3 })).toBe('{"a":2,"b":1,"c":3}');
    expect(canonicalJson({ c: 3, a: 2, b: 1 })).toBe(canonicalJson({ a: 2, b: 1, c: 3 }));
  });

  it('sorts by UTF-16 code units (uppercase before lowercase, "10" before "9")', () => {
    expect(canonicalJson({ a: 1, B: 2, '10': 3, '9': 4, é: 5 })).toBe('{"10":3,"9":4,"B":2,"a":1,"é":5}');
  });

  it('sorts nested objects at every depth and keeps array order', () => {
    const value = { z: { y: [3, 1, { k: 1, j: 2 }], x: null }, a: [] };
    expect(canonicalJson(value)).toBe('{"a":[],"z":{"x":null,"y":[3,1,{"j":2,"k":1}]}}');
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('emits no whitespace and escapes strings like JSON', () => {
    expect(canonicalJson({ s: 'a "quoted"\n\u0001', t: true, f: false, n: null })).toBe('{"f":false,"n":null,"s":"a \\"quoted\\"\\n\\u0001","t":true}');
  });

  it('serializes numbers the ECMAScript way (one text per value)', () => {
    expect(canonicalJson([1.0, 1e21, 0.1, -0, 1e-7])).toBe('[1,1e+21,0.1,0,1e-7]');
  });

  it('drops undefined members (as JSON does) so {a: undefined} hashes like {}', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it('prevents key-injection: a key with quotes cannot masquerade as two members', () => {
    const tricky = canonicalJson({ 'a":1,"b': 2 });
    expect(tricky).toBe('{"a\\":1,\\"b":2}');
    expect(tricky).not.toBe(canonicalJson({ a: 1, b: 2 }));
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('refuses a non-finite number that JSON would silently turn into null: %s', (_name, n) => {
    expect(() => canonicalJson(n)).toThrow(TypeError);
    expect(() => canonicalJson({ nested: [1, n] })).toThrow(TypeError);
  });

  it.each([
    ['bigint', 1n],
    ['function', () => 1],
    ['symbol', Symbol('x')],
    ['undefined', undefined],
  ])('refuses a value with no JSON text: %s', (_name, v) => {
    expect(() => canonicalJson(v)).toThrow(TypeError);
  });
});

// ---- Property tests: the text is a function of the value alone, and only of it ----

/** The same value with every object's keys in another order (a permutation chosen by `seed`). */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => reordered(v, seed + i));
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value);
  const rotated = keys.map((_, i) => keys[(i + seed) % keys.length] as string).reverse();
  return Object.fromEntries(rotated.map((k) => [k, reordered((value as Record<string, unknown>)[k], seed * 7 + 1)]));
}

/** JSON's reading of a value (-0 is written 0): what a hash of it may depend on. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('canonicalJson (properties)', () => {
  it('is stable: key order never changes the text, and re-reading the text gives the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.nat(), (value, seed) => {
        const once = canonicalJson(value);
        expect(canonicalJson(reordered(value, seed))).toBe(once);
        expect(canonicalJson(JSON.parse(once))).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it('is injective: the text reads back as the value, so distinct values never share a text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expect(JSON.parse(canonicalJson(value))).toStrictEqual(asJson(value));
      }),
      { numRuns: 300 },
    );
  });
});
