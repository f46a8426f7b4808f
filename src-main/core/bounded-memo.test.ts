import { describe, expect, it } from 'vitest';
import { boundedMemo } from './bounded-memo.js';

describe('boundedMemo', () => {
  it('computes each input once while it is remembered, undefined results included', () => {
    const seen: string[] = [];
    const length = boundedMemo(4, (s) => (seen.push(s), s === 'none' ? undefined : s.length));
    expect([length('ab'), length('ab'), length('none'), length('none')]).toEqual([2, 2, undefined, undefined]);
    expect(seen).toEqual(['ab', 'none']);
  });

  it('forgets the oldest input beyond its limit, so new inputs cannot grow it', () => {
    const seen: string[] = [];
    const echo = boundedMemo(2, (s) => (seen.push(s), s));
    for (const s of ['a', 'b', 'c', 'a']) echo(s);
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
    echo('c');
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
  });
});
