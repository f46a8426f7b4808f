import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasDuplicateKeys } from './json-duplicate-keys.js';

describe('hasDuplicateKeys', () => {
  it('finds a member named twice, at any depth, also when one spelling is escaped', () => {
    expect(hasDuplicateKeys('{"alg":"none","alg":"ES256"}')).toBe(true);
    expect(hasDuplicateKeys('{"a":[{"x":1}],"b":{"c":{"d":1,"d":2}}}')).toBe(true);
    expect(hasDuplicateKeys('{"sub":"a","s\\u0075b":"b"}')).toBe(true);
  });

  it('does not confuse keys of sibling objects, array items, string contents or values with keys', () => {
    expect(hasDuplicateKeys('{"a":{"x":1},"b":{"x":2}}')).toBe(false);
    expect(hasDuplicateKeys('[{"x":1},{"x":1}]')).toBe(false);
    expect(hasDuplicateKeys('{"a":"\\"a\\":1,\\"a\\"","b":"a"}')).toBe(false);
    expect(hasDuplicateKeys('{"a":["a","a"],"b":"a"}')).toBe(false);
    expect(hasDuplicateKeys('{}')).toBe(false);
  });

  it('never reports a duplicate in what JSON.stringify writes, and always finds one added to an object', () => {
    const objects = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 6 });
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), objects, fc.nat(), (value, object, n) => {
        expect(hasDuplicateKeys(JSON.stringify(value))).toBe(false);
        const text = JSON.stringify(object);
        const keys = Object.keys(object);
        const key = keys[n % keys.length] as string;
        expect(hasDuplicateKeys(`${text.slice(0, -1)},${JSON.stringify(key)}:0}`)).toBe(true);
        // Wrapped in an array next to itself: still one key per object.
        expect(hasDuplicateKeys(`[${text},${text}]`)).toBe(false);
      }),
    );
  });

  it('handles deep nesting without recursion', () => {
    expect(hasDuplicateKeys(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`)).toBe(false);
  });
});
