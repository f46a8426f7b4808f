// The approval signs a hash of the canonical grant: one grant, one hash; two grants, two hashes.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantSpecSchema, type GrantSpec } from '../../src-shared/grant.js';
import { specHashOf } from './grant-service.js';

/** The same grant with every object's keys written in reverse order. */
const keysReversed = (spec: GrantSpec): GrantSpec =>
  JSON.parse(JSON.stringify(spec, (_k, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v))) as GrantSpec;

/** JSON's reading of a grant (-0 is written 0): what its hash may depend on. */
const asJson = (spec: GrantSpec): unknown => JSON.parse(JSON.stringify(spec)) as unknown;

// Strings full of JSON syntax, escapes, line separators and lone surrogates: the ways two texts could be confused.
const text = fc.string({ unit: fc.constantFrom('a', 'b', '"', '\\', ':', ',', '{', '}', '\u0000', '\u2028', 'é', '\ud83d\ude00', '\ud800'), maxLength: 6 });
const constraint = fc.oneof(
  fc.record({ path: fc.record({ roots: fc.array(text.map((t) => `/${t}`), { minLength: 1, maxLength: 2 }) }) }),
  fc.record({ amount: fc.record({ min: fc.constantFrom('0', '1.5'), max: fc.constantFrom('10', '10.0', '100') }, { requiredKeys: [] }) }),
  fc.record({ oneOf: fc.array(fc.oneof(text, fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(1e21)), { minLength: 1, maxLength: 3 }) }),
  fc.record({ pattern: text.filter((t) => t.length > 0) }),
);
const grantArb: fc.Arbitrary<GrantSpec> = fc
  .record({
    agentId: fc.constantFrom('builder', 'research'),
    environment: fc.constantFrom('dev', 'prod'),
    servers: fc.dictionary(
      fc.constantFrom('files', 'pay'),
      fc.record({
        tools: fc.dictionary(fc.constantFrom('read', 'write'), fc.record({ args: fc.dictionary(fc.constantFrom('path', 'amount', 'a.b'), constraint, { maxKeys: 2 }) }), { maxKeys: 2 }),
        prompts: fc.subarray(['plan', 'sum']),
      }),
      { maxKeys: 2 },
    ),
    envelope: fc.record({ rate: fc.record({ perMinute: fc.integer({ min: 1, max: 3 }), burst: fc.integer({ min: 1, max: 3 }) }), timeZone: fc.constantFrom('UTC', 'Europe/Paris') }, { requiredKeys: [] }),
    expiresAt: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
    purpose: fc.option(text, { nil: undefined }),
  })
  .map((raw) => grantSpecSchema.parse(raw));

describe('specHashOf (properties)', () => {
  it('one grant, one hash: the order its keys were written in does not matter', () => {
    fc.assert(
      fc.property(grantArb, (spec) => {
        expect(specHashOf(keysReversed(spec))).toBe(specHashOf(spec));
      }),
      { numRuns: 300 },
    );
  });

  it('two grants, two hashes: equal hashes only for equal grants (random pairs, and pairs one mutation apart)', () => {
    const pairs = fc.oneof(
      fc.tuple(grantArb, grantArb),
      grantArb.chain((a) => fc.tuple(fc.constant(a), grantArb.map((b) => ({ ...a, envelope: b.envelope, purpose: b.purpose }) as GrantSpec))),
    );
    fc.assert(
      fc.property(pairs, ([a, b]) => {
        expect(specHashOf(a) === specHashOf(b)).toBe(isDeepStrictEqual(asJson(a), asJson(b)));
      }),
      { numRuns: 500 },
    );
  });
});
