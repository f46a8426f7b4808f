import { describe, expect, it } from 'vitest';
import { wellFormedHeader } from './jose-header-memo.js';

const segment = (text: string): string => Buffer.from(text).toString('base64url');

describe('well-formed JOSE header memo', () => {
  it('parses a header of alg, kid and typ once: the same object comes back for the same text', () => {
    const text = segment('{"alg":"ES256","kid":"k1","typ":"JWT"}');
    const first = wellFormedHeader(text);
    expect(first).toEqual({ alg: 'ES256', kid: 'k1', typ: 'JWT' });
    expect(wellFormedHeader(text)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('gives null (and keeps nothing) for a duplicated name, another parameter, bad base64url, bad UTF-8 or a non-object', () => {
    for (const bad of [
      segment('{"alg":"ES256","kid":"k1","kid":"k2"}'),
      segment('{"alg":"ES256","kid":"k1","jwk":{}}'),
      `${segment('{"alg":"ES256","kid":"k1"}')}*`,
      Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url'),
      segment('["alg"]'),
      segment('not json'),
    ]) {
      expect(wellFormedHeader(bad)).toBeNull();
      expect(wellFormedHeader(bad)).toBeNull();
    }
  });

  it('checks a long header every time without keeping it', () => {
    const text = segment(`{"alg":"ES256","kid":"${'k'.repeat(600)}"}`);
    const first = wellFormedHeader(text);
    expect(first).toMatchObject({ alg: 'ES256' });
    expect(wellFormedHeader(text)).not.toBe(first);
  });
});
