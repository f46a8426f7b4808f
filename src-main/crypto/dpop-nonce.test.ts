// The server nonce source (RFC 9449 §8, §9): what it hands out, and for how long it accepts it.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createDpopNonceSource, DEFAULT_NONCE_BUCKET_MS } from './dpop-nonce.js';

const START = Date.UTC(2026, 10, 23, 9, 0, 0);
const BUCKET = DEFAULT_NONCE_BUCKET_MS;

describe('createDpopNonceSource', () => {
  it('hands out one unpredictable-looking base64url nonce per bucket (NQCHAR-safe for the header)', () => {
    const clock = new ManualClock(START);
    const nonces = createDpopNonceSource(clock);
    const first = nonces.current();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    clock.advance(BUCKET - 1 - (START % BUCKET));
    expect(nonces.current()).toBe(first);
    clock.advance(1);
    expect(nonces.current()).not.toBe(first);
  });

  it('accepts the nonce of the current and of the previous bucket', () => {
    const clock = new ManualClock(START);
    const nonces = createDpopNonceSource(clock);
    const old = nonces.current();
    expect(nonces.accepts(old)).toBe(true);
    clock.advance(BUCKET);
    expect(nonces.accepts(old)).toBe(true);
    expect(nonces.accepts(nonces.current())).toBe(true);
  });

  it('refuses a nonce two buckets old', () => {
    const clock = new ManualClock(START);
    const nonces = createDpopNonceSource(clock);
    const old = nonces.current();
    clock.advance(2 * BUCKET);
    expect(nonces.accepts(old)).toBe(false);
  });

  it('refuses a nonce from the next bucket (one made with a clock moved forward)', () => {
    const secret = new Uint8Array(32).fill(3);
    const ahead = new ManualClock(START + BUCKET);
    const future = createDpopNonceSource(ahead, { secret }).current();
    expect(createDpopNonceSource(new ManualClock(START), { secret }).accepts(future)).toBe(false);
  });

  it('refuses forged values and nonces of another process, which a restart invalidates', () => {
    const clock = new ManualClock(START);
    const nonces = createDpopNonceSource(clock);
    const beforeRestart = createDpopNonceSource(clock).current();
    expect(nonces.accepts(beforeRestart)).toBe(false);
    for (const forged of ['', 'A'.repeat(43), nonces.current().slice(1), `${nonces.current()}A`]) expect(nonces.accepts(forged)).toBe(false);
  });

  it('is deterministic for one secret, so tests can pin it', () => {
    const secret = new Uint8Array(32).fill(5);
    expect(createDpopNonceSource(new ManualClock(START), { secret }).current()).toBe(createDpopNonceSource(new ManualClock(START), { secret }).current());
  });

  it('refuses a short secret and a bad bucket length', () => {
    expect(() => createDpopNonceSource(new ManualClock(), { secret: new Uint8Array(16) })).toThrow(TypeError);
    expect(() => createDpopNonceSource(new ManualClock(), { bucketMs: 0 })).toThrow(TypeError);
  });
});
